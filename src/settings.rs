//! What a [`crate::Library`] reads and how: regions, the accounts (profiles, or a role assumed in
//! each account of a list or of the organization), endpoint, credentials, retries, timeouts, the
//! bounds on calls in flight, the page limit of a request chain, and what a scan does when one
//! target (an account's region) fails.

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

/// What a scan does when one target's calls fail (after retries) while others answer: one
/// region of one account, including a role that cannot be assumed in that account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegionErrorPolicy {
    /// The query fails with the target's error (the default).
    #[default]
    Fail,
    /// The failed target's rows end where the failure happened, the other targets answer, and a
    /// warning naming it is recorded in the statement's plan ([`crate::ScanReport`]).
    Warn,
}

/// Reading many accounts through one role: for each account, credentials for
/// `arn:aws:iam::<account>:role/<role_name>` from STS `AssumeRole`, with the base credentials
/// (the default chain, or the one profile of [`AwsSettings::profiles`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRole {
    /// The role's name in every account (`OrganizationAccountAccessRole`, say).
    pub role_name: String,
    /// The accounts to read.
    pub accounts: Accounts,
    /// `ExternalId`, when the role's trust policy asks for one.
    pub external_id: Option<String>,
}

/// Which accounts an [`AssumeRole`] reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Accounts {
    /// These 12-digit account ids.
    Listed(Vec<String>),
    /// Every ACTIVE account of the organization, from Organizations `ListAccounts` with the base
    /// credentials (those of the management account, or of a delegated administrator).
    Organization,
}

/// Where and how to reach the WorkSpaces API.
#[derive(Debug, Clone)]
pub struct AwsSettings {
    /// Regions to query, in order. Empty means the one region of aws-config's usual chain.
    pub regions: Vec<String>,
    /// Named profiles from the shared config files, one account each. Empty means the default
    /// credential chain (or [`AwsSettings::credentials`]).
    pub profiles: Vec<String>,
    /// A role to assume in many accounts, with the base credentials (see [`AssumeRole`]).
    pub assume_role: Option<AssumeRole>,
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
    /// What a scan does when one target fails.
    pub on_region_error: RegionErrorPolicy,
    /// Calls in flight at once, over every account and region.
    pub max_in_flight: usize,
    /// Calls in flight at once in one account.
    pub max_in_flight_per_account: usize,
    /// Pages one request chain may take before its scan fails with
    /// [`Error::TooManyPages`](crate::Error::TooManyPages), in every table of the library
    /// ([`crate::ApiTable::with_max_pages`] changes one table's).
    pub max_pages: usize,
}

impl Default for AwsSettings {
    fn default() -> Self {
        Self {
            regions: Vec::new(),
            profiles: Vec::new(),
            assume_role: None,
            endpoint_url: None,
            credentials: None,
            max_attempts: None,
            retry_mode: RetryMode::Standard,
            connect_timeout: Duration::from_secs(5),
            attempt_timeout: Duration::from_secs(30),
            retry_backoff: None,
            on_region_error: RegionErrorPolicy::Fail,
            max_in_flight: DEFAULT_MAX_IN_FLIGHT,
            max_in_flight_per_account: DEFAULT_MAX_IN_FLIGHT_PER_ACCOUNT,
            max_pages: DEFAULT_MAX_PAGES,
        }
    }
}

/// Calls in flight at once over every account, unless set: enough that an organization of a
/// thousand accounts is paced by its round trips and its CPU rather than by this bound. A
/// call's round trip is longer than the service's latency once the machine is busy (at 40 ms
/// a call on two busy cores, 47–50 ms), so the bound is twice what the latency alone asks:
/// with 256, the 1,000-account benchmark took 3.53 s, with 512, 2.76–2.98 s (768: no faster).
/// The command line raises its file descriptor limit to the hard limit for the connections.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 512;
/// Calls in flight at once in one account, unless set: every region's chains of one account.
pub const DEFAULT_MAX_IN_FLIGHT_PER_ACCOUNT: usize = 16;
/// Pages one request chain may take, unless set: at 25 rows a page, 2.5 million rows a chain.
pub const DEFAULT_MAX_PAGES: usize = 100_000;

impl AwsSettings {
    /// Whether the settings read more than one account (several profiles, or a role), so that
    /// errors and warnings name the account.
    pub fn reads_many_accounts(&self) -> bool {
        self.assume_role.is_some() || self.profiles.len() > 1
    }

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
