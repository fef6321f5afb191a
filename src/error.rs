//! The one error type of the library, and its conversion to DataFusion's at the boundary.

use datafusion::error::DataFusionError;

/// Everything that can go wrong between a SQL scan and the WorkSpaces API.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No region was given and none could be found in the environment or profile.
    #[error(
        "no AWS region configured: pass --region REGION, set AWS_REGION, or set `region` in the profile"
    )]
    MissingRegion,

    /// The credential chain found no credentials for a region.
    #[error(
        "no AWS credentials found for {region}: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, pass --profile NAME, or run `aws sso login` ({detail})"
    )]
    MissingCredentials {
        /// The region whose call needed credentials.
        region: String,
        /// What the credential chain said, credentials redacted.
        detail: String,
    },

    /// The service answered a call with an error, or the call could not be made.
    #[error("{operation} in {region} failed: {message}")]
    Api {
        /// The API operation, e.g. `DescribeWorkspacesPools`.
        operation: &'static str,
        /// The region the call went to.
        region: String,
        /// The service's error code and message, or the transport failure.
        message: String,
    },

    /// The service handed back a NextToken it had already given: following it would loop forever.
    #[error(
        "{operation} in {region} returned the same NextToken twice (page {page}); stopped paging to avoid an endless loop"
    )]
    RepeatedNextToken {
        /// The API operation.
        operation: &'static str,
        /// The region.
        region: String,
        /// The page at which the token repeated (1-based).
        page: usize,
    },

    /// Paging went on longer than the configured maximum number of pages.
    #[error(
        "{operation} in {region} was still paging after {pages} pages; stopped (raise the page limit if the fleet really is that large)"
    )]
    TooManyPages {
        /// The API operation.
        operation: &'static str,
        /// The region.
        region: String,
        /// The page limit that was reached.
        pages: usize,
    },

    /// A setting was invalid (a bad flag value, an unreadable file).
    #[error("{0}")]
    Config(String),

    /// The emulator could not start or load its fleet.
    #[error("emulator: {0}")]
    Emulator(String),

    /// An I/O failure, with what was being done.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl Error {
    /// True for a failure of one region's calls (an API error, a runaway NextToken chain), which
    /// [`crate::aws::RegionErrorPolicy::Warn`] may turn into a warning; false for what would fail
    /// every region alike (settings, credentials).
    pub fn is_region_failure(&self) -> bool {
        matches!(
            self,
            Error::Api { .. } | Error::RepeatedNextToken { .. } | Error::TooManyPages { .. }
        )
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Error> for DataFusionError {
    fn from(e: Error) -> Self {
        DataFusionError::External(Box::new(e))
    }
}
