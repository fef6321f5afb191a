//! Targets: the places a scan reads, one partition each. Today a target is a region with its
//! WorkSpaces client; every table and every dimension of the fleet goes through this one list,
//! resolved from the settings lazily (start-up never waits on the credential chain or the
//! network) and once per [`crate::Library`].

use std::sync::atomic::{AtomicU64, Ordering};

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_workspaces::config::Region;
use aws_sdk_workspaces::config::retry::RetryPartition;
use tokio::sync::OnceCell;

use crate::error::{CallSite, Error, Result};
use crate::settings::{AwsSettings, RetryMode};

/// One place a scan reads: a region and the client that calls it.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// The region every call of `client` goes to.
    pub region: String,
    /// The SDK client.
    pub client: aws_sdk_workspaces::Client,
}

impl Target {
    /// Where a call of `operation` to this target goes, for errors.
    pub fn call_site(&self, operation: &'static str) -> CallSite {
        CallSite {
            operation,
            region: self.region.clone(),
        }
    }

    /// What identifies the target in cache keys and labels.
    pub fn key(&self) -> &str {
        &self.region
    }
}

/// The targets of one set of settings, built on first use.
#[derive(Debug)]
pub(crate) struct Targets {
    settings: AwsSettings,
    resolved: OnceCell<Vec<Target>>,
}

impl Targets {
    /// The targets of `settings`; nothing is resolved until [`Targets::get`].
    pub fn new(settings: AwsSettings) -> Self {
        Self {
            settings,
            resolved: OnceCell::new(),
        }
    }

    /// The settings the targets are built from.
    pub fn settings(&self) -> &AwsSettings {
        &self.settings
    }

    /// Every target, resolving the configuration on the first call.
    pub async fn get(&self) -> Result<&[Target]> {
        let targets = self
            .resolved
            .get_or_try_init(|| resolve(&self.settings))
            .await?;
        Ok(targets)
    }
}

async fn resolve(settings: &AwsSettings) -> Result<Vec<Target>> {
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
        vec![base.region().ok_or(Error::NoRegion)?.to_string()]
    } else {
        settings.regions.clone()
    };
    // The SDK keeps its retry token bucket per partition name, process-wide. One partition per
    // set of targets keeps one library's throttling from spending another's retries.
    static NEXT_PARTITION: AtomicU64 = AtomicU64::new(0);
    let partition = format!("wsql-{}", NEXT_PARTITION.fetch_add(1, Ordering::Relaxed));
    Ok(regions
        .into_iter()
        .map(|region| {
            let config = aws_sdk_workspaces::config::Builder::from(&base)
                .region(Region::new(region.clone()))
                .retry_partition(RetryPartition::new(format!("{partition}-{region}")))
                .build();
            Target {
                region,
                client: aws_sdk_workspaces::Client::from_conf(config),
            }
        })
        .collect())
}
