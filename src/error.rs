//! The library's one error type: what failed, where (operation, region, and the account when
//! several are read) and why, as kinds a caller can match ([`Error::kind`]). Messages say what
//! happened and never name a front end's flags: the `wsql` command line words the advice for its
//! own flags from the kind.
//!
//! A failure below the service's answer (a credential chain, a connection, a response that could
//! not be read) keeps the error it came from as its [source](std::error::Error::source), behind a
//! [`Cause`] that holds the one line the message shows.
//!
//! No credential reaches a message, a warning or a debug rendering, because:
//! - messages are made of `Display` texts only (the service's code and message, the innermost
//!   cause's first sentence), never of a request (whose headers carry the signature and session
//!   token) nor of a response body (an STS answer carries credentials); the SDK's error texts
//!   name neither;
//! - the source kept of an SDK error is the error inside it ([`SdkError::into_source`]), without
//!   the raw HTTP response the SDK error holds;
//! - [`Cause`]'s `Debug` shows the `Display` texts of its chain, never an underlying error's own
//!   `Debug` (which may dump a response), and [`crate::Credentials`]' `Debug` is redacted.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

use aws_sdk_workspaces::error::{ProvideErrorMetadata, SdkError};
use datafusion::error::DataFusionError;

/// Where a failed call went: the operation, the region, and the account when the library reads
/// more than one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSite {
    /// The API operation, e.g. `DescribeWorkspacesPools`.
    pub operation: &'static str,
    /// The region the call went to.
    pub region: String,
    /// The account whose credentials made it, when several accounts are read.
    pub account: Option<String>,
}

impl fmt::Display for CallSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} in {}", self.operation, self.region)?;
        match &self.account {
            Some(account) => write!(f, " of account {account}"),
            None => Ok(()),
        }
    }
}

/// What a call that timed out was waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// A TCP/TLS connection to the service.
    Connection,
    /// The service's answer to one attempt.
    Response,
}

/// The cause of a failure below the service's answer: the one line a message shows (the
/// innermost cause that says something, first sentence only), and the error it came from, kept
/// as the [source](std::error::Error::source) for a caller who walks or downcasts the chain.
///
/// Shared, so that an [`Error`] can be cloned (scans that waited on one account listing all fail
/// with its error), and small, so that an [`Error`] stays cheap to return.
#[derive(Clone)]
pub struct Cause(Arc<CauseParts>);

struct CauseParts {
    line: String,
    error: Option<Box<dyn StdError + Send + Sync>>,
}

impl Cause {
    fn new(line: String, error: Option<Box<dyn StdError + Send + Sync>>) -> Self {
        Self(Arc::new(CauseParts { line, error }))
    }

    /// A cause that is no other error's: what was wrong with an answer that was read.
    pub(crate) fn message(line: impl Into<String>) -> Self {
        Self::new(line.into(), None)
    }

    /// `line`, caused by `error`.
    fn with_source(line: String, error: impl StdError + Send + Sync + 'static) -> Self {
        Self::new(line, Some(Box::new(error)))
    }

    /// The cause of the SDK failure `err`: its essential cause as the line, and the error inside
    /// it, without the raw HTTP response, as the source.
    fn of_sdk<E, R>(err: SdkError<E, R>) -> Self
    where
        E: StdError + Send + Sync + 'static,
        R: fmt::Debug + 'static,
    {
        Self::new(essential_cause(&err), err.into_source().ok())
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.line)
    }
}

/// The line and the `Display` text of each error of the chain: an SDK error's own `Debug` can
/// dump a raw response, which may hold credentials.
impl fmt::Debug for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut chain = Vec::new();
        let mut current = self.source();
        while let Some(e) = current {
            chain.push(e.to_string());
            current = e.source();
        }
        f.debug_struct("Cause")
            .field("line", &self.0.line)
            .field("chain", &chain)
            .finish()
    }
}

impl StdError for Cause {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.0
            .error
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
    }
}

/// What kind of failure an [`Error`] is, one per variant, for a caller that words its own advice
/// or counts failures by kind (a warning carries it too: [`crate::TargetWarning::kind`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// [`Error::NoRegion`].
    NoRegion,
    /// [`Error::NoCredentials`].
    NoCredentials,
    /// [`Error::Throttled`].
    Throttled,
    /// [`Error::TimedOut`].
    TimedOut,
    /// [`Error::AccessDenied`].
    AccessDenied,
    /// [`Error::NotFound`].
    NotFound,
    /// [`Error::Service`].
    Service,
    /// [`Error::Unreachable`].
    Unreachable,
    /// [`Error::UnreadableResponse`].
    UnreadableResponse,
    /// [`Error::RoleNotAssumed`].
    RoleNotAssumed,
    /// [`Error::RepeatedNextToken`].
    RepeatedNextToken,
    /// [`Error::TooManyPages`].
    TooManyPages,
    /// [`Error::InvalidAccountId`].
    InvalidAccountId,
    /// [`Error::Internal`].
    Internal,
}

/// Everything that can go wrong between a SQL scan and the WorkSpaces API.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No region was given and none could be found in the environment or profile.
    #[error("no AWS region configured")]
    NoRegion,

    /// The credential chain found no credentials.
    #[error("no AWS credentials found for {region} ({detail})")]
    NoCredentials {
        /// The region whose call needed credentials.
        region: String,
        /// What the credential chain said, with the chain's error as the source.
        #[source]
        detail: Cause,
    },

    /// The service throttled the call on every attempt.
    #[error("{call} failed: {}", code_and_message(code, message))]
    Throttled {
        /// Where the call went.
        call: CallSite,
        /// The service's error code (`ThrottlingException`, ...).
        code: String,
        /// The service's message.
        message: String,
    },

    /// An attempt took longer than allowed, on every attempt.
    #[error("{call} failed: {}", match waiting {
        Waiting::Connection => "timed out connecting",
        Waiting::Response => "timed out waiting for the service",
    })]
    TimedOut {
        /// Where the call went.
        call: CallSite,
        /// What it was waiting for.
        waiting: Waiting,
    },

    /// The caller's credentials may not make the call (`AccessDeniedException`, ...).
    #[error("{call} failed: {}", code_and_message(code, message))]
    AccessDenied {
        /// Where the call went.
        call: CallSite,
        /// The service's error code.
        code: String,
        /// The service's message.
        message: String,
    },

    /// The service says a resource the call named does not exist (`ResourceNotFoundException`).
    #[error("{call} failed: {}", code_and_message(code, message))]
    NotFound {
        /// Where the call went.
        call: CallSite,
        /// The service's error code.
        code: String,
        /// The service's message.
        message: String,
    },

    /// Any other error the service answered with; `server_fault` when it is the service's own
    /// (HTTP 5xx, `InternalFailure`, ...) and persisted through every attempt.
    #[error("{call} failed: {}", code_and_message(code, message))]
    Service {
        /// Where the call went.
        call: CallSite,
        /// The service's error code.
        code: String,
        /// The service's message.
        message: String,
        /// The service failed, not the request.
        server_fault: bool,
    },

    /// The service could not be reached (connection refused or dropped, DNS, TLS).
    #[error("{call} failed: could not reach the service: {cause}")]
    Unreachable {
        /// Where the call went.
        call: CallSite,
        /// The innermost cause on one line, with the connection's error as the source.
        #[source]
        cause: Cause,
    },

    /// The service's answer could not be read (truncated, malformed, missing a required member).
    #[error("{call} failed: unreadable response: {cause}")]
    UnreadableResponse {
        /// Where the call went.
        call: CallSite,
        /// What was wrong with it, with the reading's error as the source when there is one.
        #[source]
        cause: Cause,
    },

    /// The role could not be assumed in the account of the call (denied, suspended account, wrong
    /// name or external id), so the call was never made.
    #[error("{call} failed: cannot assume {role_arn}: {detail}")]
    RoleNotAssumed {
        /// The call that needed the role's credentials.
        call: CallSite,
        /// The role's ARN.
        role_arn: String,
        /// What STS said, with its error as the source.
        #[source]
        detail: Cause,
    },

    /// The service handed back a NextToken it had already given: following it would loop forever.
    #[error(
        "{call} returned the same NextToken twice (page {page}); stopped paging to avoid an endless loop"
    )]
    RepeatedNextToken {
        /// Where the calls went.
        call: CallSite,
        /// The page at which the token repeated (1-based).
        page: usize,
    },

    /// Paging went on longer than the page limit of one request chain
    /// ([`AwsSettings::max_pages`](crate::AwsSettings::max_pages)).
    #[error(
        "{call} was still paging after {pages} pages (the page limit of one request chain); stopped"
    )]
    TooManyPages {
        /// Where the calls went.
        call: CallSite,
        /// The page limit that was reached.
        pages: usize,
    },

    /// An account id in the settings that is not one (12 digits).
    #[error("`{value}` is not an AWS account id (12 digits)")]
    InvalidAccountId {
        /// The value given.
        value: String,
    },

    /// A broken invariant of wsql itself (a bug), never a user's or the service's doing.
    #[error("internal error: {0} (a bug in wsql; please report it)")]
    Internal(String),
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::NoRegion => ErrorKind::NoRegion,
            Error::NoCredentials { .. } => ErrorKind::NoCredentials,
            Error::Throttled { .. } => ErrorKind::Throttled,
            Error::TimedOut { .. } => ErrorKind::TimedOut,
            Error::AccessDenied { .. } => ErrorKind::AccessDenied,
            Error::NotFound { .. } => ErrorKind::NotFound,
            Error::Service { .. } => ErrorKind::Service,
            Error::Unreachable { .. } => ErrorKind::Unreachable,
            Error::UnreadableResponse { .. } => ErrorKind::UnreadableResponse,
            Error::RoleNotAssumed { .. } => ErrorKind::RoleNotAssumed,
            Error::RepeatedNextToken { .. } => ErrorKind::RepeatedNextToken,
            Error::TooManyPages { .. } => ErrorKind::TooManyPages,
            Error::InvalidAccountId { .. } => ErrorKind::InvalidAccountId,
            Error::Internal(_) => ErrorKind::Internal,
        }
    }

    /// Where the failed call went, for the errors of one call.
    pub fn call_site(&self) -> Option<&CallSite> {
        match self {
            Error::Throttled { call, .. }
            | Error::TimedOut { call, .. }
            | Error::AccessDenied { call, .. }
            | Error::NotFound { call, .. }
            | Error::Service { call, .. }
            | Error::Unreachable { call, .. }
            | Error::UnreadableResponse { call, .. }
            | Error::RoleNotAssumed { call, .. }
            | Error::RepeatedNextToken { call, .. }
            | Error::TooManyPages { call, .. } => Some(call),
            Error::NoRegion
            | Error::NoCredentials { .. }
            | Error::InvalidAccountId { .. }
            | Error::Internal(_) => None,
        }
    }

    /// True for a failure of one target's calls (one region of one account), which
    /// [`RegionErrorPolicy::Warn`](crate::RegionErrorPolicy::Warn) may turn into a warning; false
    /// for what would fail every target alike (settings, missing credentials).
    pub(crate) fn is_region_failure(&self) -> bool {
        self.call_site().is_some()
    }

    /// The error of a call that failed with `err`. Service errors keep their code and message;
    /// transport failures their innermost cause as the line and the error as the source; a
    /// credential failure becomes [`Error::RoleNotAssumed`] when the call's credentials come from
    /// assuming `role_arn`, else [`Error::NoCredentials`]. Never more than one line.
    pub(crate) fn from_sdk<E, R>(
        call: CallSite,
        role_arn: Option<&str>,
        err: SdkError<E, R>,
    ) -> Error
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
        R: fmt::Debug + 'static,
    {
        let err = match err {
            SdkError::ServiceError(service) => return from_service(call, service.into_err()),
            SdkError::TimeoutError(_) => {
                return Error::TimedOut {
                    call,
                    waiting: Waiting::Response,
                };
            }
            SdkError::DispatchFailure(failure) if failure.is_timeout() => {
                return Error::TimedOut {
                    call,
                    waiting: Waiting::Connection,
                };
            }
            other => other,
        };
        let credentials =
            has_source::<aws_credential_types::provider::error::CredentialsError>(&err);
        let dispatch = matches!(err, SdkError::DispatchFailure(_));
        let cause = Cause::of_sdk(err);
        match (credentials, role_arn) {
            (true, Some(role_arn)) => Error::RoleNotAssumed {
                call,
                role_arn: role_arn.to_string(),
                detail: cause,
            },
            (true, None) => Error::NoCredentials {
                region: call.region,
                detail: cause,
            },
            (false, _) if dispatch => Error::Unreachable { call, cause },
            (false, _) => Error::UnreadableResponse { call, cause },
        }
    }
}

/// Whether `err` is the service saying a named resource does not exist.
pub(crate) fn is_not_found<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> bool {
    err.as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "ResourceNotFoundException")
}

/// Whether `code` is one of the service's throttling error codes.
pub(crate) fn is_throttling(code: &str) -> bool {
    matches!(
        code,
        "ThrottlingException" | "Throttling" | "TooManyRequestsException" | "RequestLimitExceeded"
    )
}

/// The error the service answered with: its kind from its code; without a code, an unreadable
/// response caused by it.
fn from_service<E>(call: CallSite, e: E) -> Error
where
    E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
{
    let message = e.message().map(one_line).unwrap_or_default();
    let Some(code) = e.code().map(String::from) else {
        let line = match message.is_empty() {
            true => "the service answered an error without a code".to_string(),
            false => first_sentence(&message),
        };
        let cause = Cause::with_source(line, e);
        return Error::UnreadableResponse { call, cause };
    };
    if is_throttling(&code) {
        return Error::Throttled {
            call,
            code,
            message,
        };
    }
    match code.as_str() {
        "AccessDeniedException" | "AccessDenied" | "UnauthorizedOperation" => Error::AccessDenied {
            call,
            code,
            message,
        },
        "ResourceNotFoundException" => Error::NotFound {
            call,
            code,
            message,
        },
        _ => Error::Service {
            server_fault: is_server_fault(&code),
            call,
            code,
            message,
        },
    }
}

fn is_server_fault(code: &str) -> bool {
    matches!(
        code,
        "InternalFailure"
            | "InternalServerError"
            | "InternalServerException"
            | "ServiceUnavailable"
            | "ServiceUnavailableException"
    )
}

/// `Code: message`, or the code alone when the message is empty.
fn code_and_message(code: &str, message: &str) -> String {
    match message.is_empty() {
        true => code.to_string(),
        false => format!("{code}: {message}"),
    }
}

/// Whether any error in `err`'s source chain is a `T`.
fn has_source<T: StdError + 'static>(err: &(dyn StdError + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if e.is::<T>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// The innermost cause of `err` that says something, first sentence only, on one line: the SDK's
/// own rendering nests every layer and a debug dump, which is no help to a user.
fn essential_cause(err: &(dyn StdError + 'static)) -> String {
    let mut messages = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        let text = first_sentence(&e.to_string());
        if !text.is_empty() && text != "other" && text != "io error" {
            messages.push(text);
        }
        current = e.source();
    }
    messages
        .pop()
        .unwrap_or_else(|| "unknown failure".to_string())
}

/// The first sentence of `text`, on one line, at most 200 characters.
fn first_sentence(text: &str) -> String {
    let line = one_line(text);
    let sentence = line.split(". ").next().unwrap_or_default();
    let mut cut: String = sentence.chars().take(200).collect();
    if cut.len() < sentence.len() {
        cut.push('…');
    }
    cut
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Error> for DataFusionError {
    fn from(e: Error) -> Self {
        DataFusionError::External(Box::new(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|l| l as _)
        }
    }

    #[derive(Debug)]
    struct Coded(Option<&'static str>, Option<&'static str>);

    impl fmt::Display for Coded {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0.unwrap_or("coded"))
        }
    }

    impl StdError for Coded {}

    impl ProvideErrorMetadata for Coded {
        fn meta(&self) -> &aws_sdk_workspaces::error::ErrorMetadata {
            unreachable!("only code and message are read")
        }
        fn code(&self) -> Option<&str> {
            self.0
        }
        fn message(&self) -> Option<&str> {
            self.1
        }
    }

    fn site() -> CallSite {
        CallSite {
            operation: "DescribeWorkspacesPools",
            region: "eu-west-1".into(),
            account: None,
        }
    }

    #[test]
    fn the_essential_cause_is_the_innermost_first_sentence() {
        let chain = Layer(
            "dispatch failure",
            Some(Box::new(Layer(
                "other",
                Some(Box::new(Layer(
                    "no credentials found in chain. Attempted: Environment: not set\n Profile: ...",
                    None,
                ))),
            ))),
        );
        assert_eq!(essential_cause(&chain), "no credentials found in chain");
        assert_eq!(essential_cause(&Layer("alone", None)), "alone");
        let long = "x".repeat(500);
        assert!(first_sentence(&long).chars().count() <= 201);
    }

    #[test]
    fn service_codes_become_kinds() {
        let kind = |code| from_service(site(), Coded(Some(code), Some("why\nnot")));
        assert!(matches!(
            kind("ThrottlingException"),
            Error::Throttled { .. }
        ));
        assert!(matches!(
            kind("AccessDeniedException"),
            Error::AccessDenied { .. }
        ));
        assert!(matches!(
            kind("ResourceNotFoundException"),
            Error::NotFound { .. }
        ));
        assert!(matches!(
            kind("InternalFailure"),
            Error::Service {
                server_fault: true,
                ..
            }
        ));
        let invalid = kind("InvalidParameterValuesException");
        assert!(matches!(
            invalid,
            Error::Service {
                server_fault: false,
                ..
            }
        ));
        assert_eq!(
            invalid.to_string(),
            "DescribeWorkspacesPools in eu-west-1 failed: InvalidParameterValuesException: why not"
        );
        assert!(invalid.is_region_failure());
        let codeless = from_service(site(), Coded(None, Some("Rate exceeded. Try later")));
        assert_eq!(
            codeless.to_string(),
            "DescribeWorkspacesPools in eu-west-1 failed: unreadable response: Rate exceeded"
        );
        assert_eq!(codeless.kind(), ErrorKind::UnreadableResponse);
        let cause = codeless.source().expect("a cause");
        assert!(
            cause.source().is_some_and(|e| e.is::<Coded>()),
            "the service's error is kept"
        );
    }

    /// An error whose `Debug` holds a secret and whose `Display` does not, as an SDK error
    /// holding an STS answer would.
    #[derive(Debug)]
    struct Answer {
        #[allow(dead_code)]
        body: &'static str,
    }

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzSECRET";

    impl fmt::Display for Answer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("unexpected end of the AssumeRole answer")
        }
    }

    impl StdError for Answer {}

    fn answer() -> Answer {
        Answer {
            body: "<SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzSECRET</SecretAccessKey>",
        }
    }

    /// Every text of `error`'s chain, `Display` and `Debug`.
    fn renderings(error: &Error) -> String {
        let mut text = format!("{error}\n{error:?}");
        let mut current = error.source();
        while let Some(e) = current {
            text.push_str(&format!("\n{e}"));
            current = e.source();
        }
        text
    }

    #[test]
    fn causes_are_kept_as_sources_and_no_rendering_shows_a_credential() {
        use aws_credential_types::provider::error::CredentialsError;
        use aws_smithy_runtime_api::client::result::ConnectorError;

        let role = "arn:aws:iam::111111111111:role/Audit";
        let refused = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let unreachable = Error::from_sdk(
            site(),
            None,
            SdkError::<Coded, String>::dispatch_failure(ConnectorError::io(refused.into())),
        );
        assert_eq!(unreachable.kind(), ErrorKind::Unreachable);
        assert_eq!(
            unreachable.to_string(),
            "DescribeWorkspacesPools in eu-west-1 failed: could not reach the service: refused"
        );
        let connector = unreachable.source().and_then(|cause| cause.source());
        assert!(
            connector.is_some_and(|e| e.is::<ConnectorError>()),
            "{unreachable:?}"
        );

        // The raw response an SDK error holds (here one carrying a secret) is not kept.
        let unreadable = Error::from_sdk(
            site(),
            None,
            SdkError::<Coded, String>::response_error(answer(), format!("<xml>{SECRET}</xml>")),
        );
        assert_eq!(unreadable.kind(), ErrorKind::UnreadableResponse);
        assert!(
            unreadable
                .to_string()
                .ends_with("unreadable response: unexpected end of the AssumeRole answer")
        );
        assert!(!renderings(&unreadable).contains(SECRET));

        // A credential provider's error (holding an answer whose Debug shows a secret) is kept,
        // and no rendering of the library's error shows its Debug.
        let credentials = || {
            SdkError::<Coded, String>::construction_failure(CredentialsError::provider_error(
                answer(),
            ))
        };
        let denied = Error::from_sdk(site(), Some(role), credentials());
        assert_eq!(denied.kind(), ErrorKind::RoleNotAssumed);
        assert_eq!(
            denied.to_string(),
            format!(
                "DescribeWorkspacesPools in eu-west-1 failed: cannot assume {role}: unexpected end of the AssumeRole answer"
            )
        );
        assert!(has_source::<Answer>(&denied), "{denied:?}");
        assert!(!renderings(&denied).contains(SECRET), "{denied:?}");
        let missing = Error::from_sdk(site(), None, credentials());
        assert_eq!(missing.kind(), ErrorKind::NoCredentials);
        assert!(has_source::<CredentialsError>(&missing));
        assert!(!format!("{missing:?}").contains(SECRET));
        let shared = missing.clone();
        assert_eq!(shared.to_string(), missing.to_string());
    }

    #[test]
    fn messages_name_no_flag() {
        let errors = [
            Error::NoRegion,
            Error::TimedOut {
                call: site(),
                waiting: Waiting::Response,
            },
            Error::Throttled {
                call: site(),
                code: "ThrottlingException".into(),
                message: String::new(),
            },
        ];
        for error in errors {
            assert!(!error.to_string().contains("--"), "{error}");
        }
        assert!(!Error::NoRegion.is_region_failure());
    }

    #[test]
    fn an_account_is_named_when_several_are_read() {
        let call = CallSite {
            account: Some("111111111111".into()),
            ..site()
        };
        let denied = Error::RoleNotAssumed {
            call,
            role_arn: "arn:aws:iam::111111111111:role/Audit".into(),
            detail: Cause::message("AccessDenied"),
        };
        assert_eq!(
            denied.to_string(),
            "DescribeWorkspacesPools in eu-west-1 of account 111111111111 failed: cannot assume arn:aws:iam::111111111111:role/Audit: AccessDenied"
        );
        assert!(denied.is_region_failure());
    }
}
