//! Connection settings and the per-region WorkSpaces clients, resolved lazily and once.

use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_workspaces::config::{Credentials, Region};
use tokio::sync::OnceCell;

use crate::error::{Error, Result};

/// How the SDK retries throttled and failed calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RetryMode {
    /// Exponential back-off with jitter (the SDK's default).
    #[default]
    Standard,
    /// Standard plus client-side rate limiting when throttled.
    Adaptive,
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

/// One region's WorkSpaces client.
#[derive(Debug, Clone)]
pub struct RegionClient {
    /// The region every call of `client` goes to.
    pub region: String,
    /// The SDK client.
    pub client: aws_sdk_workspaces::Client,
}

/// The clients of every configured region, built on first use so that start-up never waits on
/// the credential chain or the network.
#[derive(Debug)]
pub struct Clients {
    settings: AwsSettings,
    resolved: OnceCell<Vec<RegionClient>>,
}

impl Clients {
    /// Clients for `settings`; nothing is resolved until [`Clients::get`].
    pub fn new(settings: AwsSettings) -> Self {
        Self {
            settings,
            resolved: OnceCell::new(),
        }
    }

    /// The settings these clients are built from.
    pub fn settings(&self) -> &AwsSettings {
        &self.settings
    }

    /// The regions' clients, resolving configuration on the first call.
    pub async fn get(&self) -> Result<&[RegionClient]> {
        let clients = self
            .resolved
            .get_or_try_init(|| build_clients(&self.settings))
            .await?;
        Ok(clients)
    }
}

async fn build_clients(settings: &AwsSettings) -> Result<Vec<RegionClient>> {
    let mut retry = match settings.retry_mode {
        RetryMode::Standard => RetryConfig::standard(),
        RetryMode::Adaptive => RetryConfig::adaptive(),
    };
    if let Some(attempts) = settings.max_attempts {
        retry = retry.with_max_attempts(attempts.max(1));
    }
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(settings.connect_timeout)
        .operation_attempt_timeout(settings.attempt_timeout)
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry)
        .timeout_config(timeouts);
    if let Some(profile) = &settings.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &settings.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(credentials) = &settings.credentials {
        loader = loader.credentials_provider(credentials.clone());
    }
    if let Some(first) = settings.regions.first() {
        loader = loader.region(Region::new(first.clone()));
    }
    let base = loader.load().await;
    let regions = if settings.regions.is_empty() {
        vec![base.region().ok_or(Error::MissingRegion)?.to_string()]
    } else {
        settings.regions.clone()
    };
    Ok(regions
        .into_iter()
        .map(|region| {
            let config = aws_sdk_workspaces::config::Builder::from(&base)
                .region(Region::new(region.clone()))
                .build();
            RegionClient {
                region,
                client: aws_sdk_workspaces::Client::from_conf(config),
            }
        })
        .collect())
}

/// Turns an SDK failure into an [`Error`] naming the operation and region. Service errors keep
/// their code and message; a credential-chain failure becomes [`Error::MissingCredentials`].
pub fn api_error<E, R>(
    operation: &'static str,
    region: &str,
    err: aws_sdk_workspaces::error::SdkError<E, R>,
) -> Error
where
    E: aws_sdk_workspaces::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    use aws_sdk_workspaces::error::{DisplayErrorContext, SdkError};
    let region = region.to_string();
    let message = match &err {
        SdkError::ServiceError(service) => {
            let e = service.err();
            let code = e.code().unwrap_or("UnknownError");
            match e.message() {
                Some(m) if !m.is_empty() => format!("{code}: {m}"),
                _ => code.to_string(),
            }
        }
        SdkError::TimeoutError(_) => {
            "timed out waiting for the service (raise --read-timeout to wait longer)".to_string()
        }
        SdkError::DispatchFailure(failure) if failure.is_timeout() => {
            "timed out connecting (raise --connect-timeout to wait longer)".to_string()
        }
        other => {
            let detail = one_line(&DisplayErrorContext(other).to_string());
            if detail.to_ascii_lowercase().contains("credential") {
                return Error::MissingCredentials { region, detail };
            }
            detail
        }
    };
    Error::Api {
        operation,
        region,
        message,
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
