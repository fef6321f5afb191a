//! What a [`crate::Library`] reads and how: regions, profile, endpoint, credentials, retries,
//! timeouts, and what a scan does when one region fails.

use std::time::Duration;

use aws_credential_types::Credentials;

/// How the SDK retries throttled and failed calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RetryMode {
    /// Exponential back-off with jitter (the SDK's default).
    #[default]
    Standard,
    /// Standard plus client-side rate limiting when throttled.
    Adaptive,
}

/// What a scan does when one region's calls fail (after retries) while others answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegionErrorPolicy {
    /// The query fails with the region's error (the default).
    #[default]
    Fail,
    /// The failed region's rows end where the failure happened, the other regions answer, and a
    /// warning naming the region is recorded in the statement's plan ([`crate::ScanReport`]).
    Warn,
}

/// Where and how to reach the WorkSpaces API.
#[derive(Debug, Clone)]
pub struct AwsSettings {
    /// Regions to query, in order. Empty means the one region of aws-config's usual chain.
    pub regions: Vec<String>,
    /// A named profile from the shared config files.
    pub profile: Option<String>,
    /// Send every call here instead of the AWS endpoint (the emulator, a proxy).
    pub endpoint_url: Option<String>,
    /// Fixed credentials (the emulator, tests). `None` uses aws-config's standard chain.
    pub credentials: Option<Credentials>,
    /// Attempts per call, including the first. `None` keeps the SDK default (3).
    pub max_attempts: Option<u32>,
    /// Retry strategy.
    pub retry_mode: RetryMode,
    /// How long to wait for a TCP/TLS connection.
    pub connect_timeout: Duration,
    /// How long one attempt of one call may take, response body included.
    pub attempt_timeout: Duration,
    /// Base delay of the exponential back-off between attempts. `None` keeps the SDK default (1 s).
    pub retry_backoff: Option<Duration>,
    /// What a scan does when one region fails.
    pub on_region_error: RegionErrorPolicy,
}

impl Default for AwsSettings {
    fn default() -> Self {
        Self {
            regions: Vec::new(),
            profile: None,
            endpoint_url: None,
            credentials: None,
            max_attempts: None,
            retry_mode: RetryMode::Standard,
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(30),
            retry_backoff: None,
            on_region_error: RegionErrorPolicy::Fail,
        }
    }
}

impl AwsSettings {
    /// Settings that talk to an emulator at `endpoint_url` with fixed fake credentials.
    pub fn emulator(endpoint_url: impl Into<String>, regions: &[&str]) -> Self {
        Self {
            regions: regions.iter().map(|r| r.to_string()).collect(),
            endpoint_url: Some(endpoint_url.into()),
            credentials: Some(Credentials::new(
                "AKIDWSQLEMULATOR",
                "wsql-emulator-secret",
                None,
                None,
                "wsql-emulator",
            )),
            ..Self::default()
        }
    }
}
