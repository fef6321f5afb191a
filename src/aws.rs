//! Connection settings and the per-region WorkSpaces clients, resolved lazily and once.

use std::sync::atomic::AtomicU64;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_workspaces::config::retry::RetryPartition;
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

/// What a scan does when one region's calls fail (after retries) while others answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RegionErrorPolicy {
    /// The query fails with the region's error (the default).
    #[default]
    Fail,
    /// The failed region's rows end where the failure happened, the other regions answer, and a
    /// warning naming the region is recorded in the library's [`crate::warnings::Warnings`].
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
    if let Some(backoff) = settings.retry_backoff {
        retry = retry.with_initial_backoff(backoff);
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
    // The SDK keeps its retry token bucket per partition name, process-wide. One partition per
    // set of clients keeps one library's throttling from spending another's retries.
    static NEXT_PARTITION: AtomicU64 = AtomicU64::new(0);
    let partition = format!(
        "wsql-{}",
        NEXT_PARTITION.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    );
    Ok(regions
        .into_iter()
        .map(|region| {
            let config = aws_sdk_workspaces::config::Builder::from(&base)
                .region(Region::new(region.clone()))
                .retry_partition(RetryPartition::new(format!("{partition}-{region}")))
                .build();
            RegionClient {
                region,
                client: aws_sdk_workspaces::Client::from_conf(config),
            }
        })
        .collect())
}

/// Turns an SDK failure into an [`Error`] naming the operation and region. Service errors keep
/// their code and message (with what to do for throttling and server errors, which are only
/// seen once the retries are spent); transport failures keep their innermost cause; a
/// credential-chain failure becomes [`Error::MissingCredentials`]. Never more than one line.
pub fn api_error<E, R>(
    operation: &'static str,
    region: &str,
    err: aws_sdk_workspaces::error::SdkError<E, R>,
) -> Error
where
    E: aws_sdk_workspaces::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    use aws_sdk_workspaces::error::SdkError;
    let region = region.to_string();
    let message = match &err {
        SdkError::ServiceError(service) => service_message(service.err()),
        SdkError::TimeoutError(_) => {
            "timed out waiting for the service (raise --read-timeout to wait longer)".to_string()
        }
        SdkError::DispatchFailure(failure) if failure.is_timeout() => {
            "timed out connecting (raise --connect-timeout to wait longer)".to_string()
        }
        SdkError::DispatchFailure(_) => {
            let cause = essential_cause(&err);
            if cause.to_ascii_lowercase().contains("credential") {
                return Error::MissingCredentials {
                    region,
                    detail: cause,
                };
            }
            format!("could not reach the service: {cause}")
        }
        SdkError::ResponseError(_) => {
            format!("unreadable response: {}", essential_cause(&err))
        }
        _ => essential_cause(&err),
    };
    Error::Api {
        operation,
        region,
        message,
    }
}

/// `Code: message`, plus what to do when the code says the retries ran out.
fn service_message(e: &impl aws_sdk_workspaces::error::ProvideErrorMetadata) -> String {
    let Some(code) = e.code() else {
        return match e.message() {
            Some(m) if !m.is_empty() => format!("unreadable response: {}", first_sentence(m)),
            _ => "unreadable response from the service".to_string(),
        };
    };
    let mut message = match e.message() {
        Some(m) if !m.is_empty() => format!("{code}: {}", one_line(m)),
        _ => code.to_string(),
    };
    if is_throttling(code) {
        message.push_str(
            " (still throttled after every attempt: raise --max-attempts or use --retry-mode adaptive)",
        );
    } else if is_server_fault(code) {
        message
            .push_str(" (still failing after every attempt: raise --max-attempts to retry longer)");
    }
    message
}

fn is_throttling(code: &str) -> bool {
    matches!(
        code,
        "ThrottlingException" | "Throttling" | "TooManyRequestsException" | "RequestLimitExceeded"
    )
}

fn is_server_fault(code: &str) -> bool {
    matches!(
        code,
        "InternalFailure"
            | "InternalServerError"
            | "ServiceUnavailable"
            | "ServiceUnavailableException"
    )
}

/// The innermost cause of `err` that says something, first sentence only, on one line: the SDK's
/// own rendering nests every layer and a debug dump, which is no help to a user.
fn essential_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut messages = Vec::new();
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|l| l as _)
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
}
