//! Targets: the places a scan reads, one partition each: one region of one account, with the
//! client that calls it. Every table and every dimension of the fleet goes through this one
//! list, resolved from the settings lazily (start-up never waits on the credential chain or the
//! network) and once per [`crate::Library`].
//!
//! Accounts come from the profiles (each named by STS `GetCallerIdentity`, once and only when a
//! query needs the account id: a scan that reads `account_id`, filters on it, or reads several
//! accounts),
//! or from a role assumed in each account of a list or of the organization (Organizations
//! `ListAccounts`, ACTIVE accounts only), with aws-config's own `AssumeRoleProvider`, whose
//! credentials are cached and refreshed per account; the base credentials' own account is read
//! with them, as AWS gives the management account no `OrganizationAccountAccessRole`. Every account's calls share the bounds on
//! calls in flight ([`InFlight`]); every target has a retry partition of its own, so a throttled
//! account does not spend another's retries.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_workspaces::config::Region;
use aws_sdk_workspaces::config::retry::RetryPartition;
use tokio::sync::{OnceCell, Semaphore};

use crate::error::{CallSite, Error, Result};
use crate::settings::{Accounts, AssumeRole, AwsSettings, RetryMode};

/// Where a row was read from: a region of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    /// The region.
    pub region: String,
    /// The 12-digit account id, once known (a scan that needs it resolves it first).
    pub account: Option<String>,
    /// Whether errors and warnings name the account (several accounts are read).
    pub named: bool,
}

impl Place {
    /// A place in `region` of one account, for tests.
    #[cfg(test)]
    pub fn in_region(region: &str) -> Place {
        Place {
            region: region.to_string(),
            account: Some("123456789012".to_string()),
            named: false,
        }
    }

    /// Where a call of `operation` to this place goes, for errors.
    pub fn call_site(&self, operation: &'static str) -> CallSite {
        CallSite {
            operation,
            region: self.region.clone(),
            account: self.account.clone().filter(|_| self.named),
        }
    }
}

/// One place a scan reads, and the client that calls it.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    /// The region.
    pub region: String,
    /// The account.
    pub account: Account,
    /// Whether errors and warnings name the account (several accounts are read).
    pub named: bool,
    /// The SDK client (the account's credentials, the region).
    pub client: aws_sdk_workspaces::Client,
    /// The role whose credentials the client uses, when one is assumed.
    pub role_arn: Option<String>,
    /// The bounds on calls in flight.
    pub in_flight: InFlight,
}

/// The account of a target: known from the settings (a role's account), or that of a
/// profile's credentials, asked of STS when first needed.
#[derive(Debug, Clone)]
pub(crate) enum Account {
    /// This account id.
    Known(String),
    /// The account of these credentials.
    Caller(Arc<Caller>),
}

/// A profile's credentials, and their account once asked.
#[derive(Debug)]
pub(crate) struct Caller {
    /// The profile's name, or `default`: what identifies the credentials until the id is known.
    label: String,
    config: SdkConfig,
    id: OnceCell<String>,
}

impl Target {
    /// What identifies the target's credentials and region in cache keys and metrics labels.
    pub fn key(&self) -> String {
        let account = match &self.account {
            Account::Known(id) => id.as_str(),
            Account::Caller(caller) => caller.label.as_str(),
        };
        format!("{account}/{}", self.region)
    }

    /// The account id when it is known without a call.
    pub fn known_account(&self) -> Option<&str> {
        match &self.account {
            Account::Known(id) => Some(id),
            Account::Caller(caller) => caller.id.get().map(String::as_str),
        }
    }

    /// Where the target's rows come from; with `resolve`, the account id is asked of STS first
    /// if it is not known yet (once per profile).
    pub async fn place(&self, resolve: bool) -> Result<Place> {
        let account = match (&self.account, resolve) {
            (Account::Caller(caller), true) => Some(
                caller
                    .id
                    .get_or_try_init(|| caller_account(&caller.config))
                    .await?
                    .clone(),
            ),
            _ => self.known_account().map(String::from),
        };
        Ok(Place {
            region: self.region.clone(),
            account,
            named: self.named,
        })
    }
}

/// The bounds on calls in flight: overall, and per account.
#[derive(Debug, Clone)]
pub(crate) struct InFlight {
    /// Shared by every account.
    pub overall: Arc<Semaphore>,
    /// The target's account's own.
    pub account: Arc<Semaphore>,
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

    /// Every target, account by account and region by region, resolving on the first call.
    pub async fn get(&self) -> Result<&[Target]> {
        let targets = self
            .resolved
            .get_or_try_init(|| resolve(&self.settings))
            .await?;
        Ok(targets)
    }
}

/// One account's configuration: its account, the role assumed in it, and its SDK configuration.
struct AccountConfig {
    account: Account,
    role_arn: Option<String>,
    config: SdkConfig,
}

async fn resolve(settings: &AwsSettings) -> Result<Vec<Target>> {
    let accounts = match &settings.assume_role {
        Some(role) => role_accounts(settings, role).await?,
        None => profile_accounts(settings).await?,
    };
    let regions = match settings.regions.is_empty() {
        false => settings.regions.clone(),
        true => {
            let region = accounts.first().and_then(|a| a.config.region());
            vec![region.ok_or(Error::NoRegion)?.to_string()]
        }
    };
    let named = settings.reads_many_accounts();
    let overall = Arc::new(Semaphore::new(settings.max_in_flight.max(1)));
    // The SDK keeps its retry token bucket per partition name, process-wide. One partition per
    // target of one library keeps one account's (or library's) throttling from spending
    // another's retries.
    static NEXT_LIBRARY: AtomicU64 = AtomicU64::new(0);
    let library = NEXT_LIBRARY.fetch_add(1, Ordering::Relaxed);
    let mut targets = Vec::new();
    for (number, account) in accounts.into_iter().enumerate() {
        let in_flight = InFlight {
            overall: Arc::clone(&overall),
            account: Arc::new(Semaphore::new(settings.max_in_flight_per_account.max(1))),
        };
        for region in &regions {
            let partition = format!("wsql-{library}-{number}-{region}");
            let config = aws_sdk_workspaces::config::Builder::from(&account.config)
                .region(Region::new(region.clone()))
                .retry_partition(RetryPartition::new(partition))
                .build();
            targets.push(Target {
                region: region.clone(),
                account: account.account.clone(),
                named,
                client: aws_sdk_workspaces::Client::from_conf(config),
                role_arn: account.role_arn.clone(),
                in_flight: in_flight.clone(),
            });
        }
    }
    Ok(targets)
}

/// The base configuration of `profile` (`None`: the default chain, or the fixed credentials).
async fn base_config(settings: &AwsSettings, profile: Option<&str>) -> SdkConfig {
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
    if let Some(profile) = profile {
        // A profile named on purpose is the credentials to use, as with the AWS CLI: not the
        // environment's keys, which the default chain would try first.
        let credentials = ProfileFileCredentialsProvider::builder()
            .profile_name(profile)
            .build();
        loader = loader
            .profile_name(profile)
            .credentials_provider(credentials);
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
    loader.load().await
}

/// One account per profile (or the default chain), named by `GetCallerIdentity` when needed.
async fn profile_accounts(settings: &AwsSettings) -> Result<Vec<AccountConfig>> {
    let profiles: Vec<Option<&str>> = match settings.profiles.is_empty() {
        true => vec![None],
        false => settings.profiles.iter().map(|p| Some(p.as_str())).collect(),
    };
    let mut accounts: Vec<AccountConfig> = Vec::new();
    for profile in profiles {
        let config = base_config(settings, profile).await;
        let caller = Caller {
            label: profile.unwrap_or("default").to_string(),
            config: config.clone(),
            id: OnceCell::new(),
        };
        accounts.push(AccountConfig {
            account: Account::Caller(Arc::new(caller)),
            role_arn: None,
            config,
        });
    }
    Ok(accounts)
}

/// The account of `config`'s credentials.
async fn caller_account(config: &SdkConfig) -> Result<String> {
    const OPERATION: &str = "GetCallerIdentity";
    let region = config.region().ok_or(Error::NoRegion)?.to_string();
    let call = CallSite {
        operation: OPERATION,
        region,
        account: None,
    };
    let output = aws_sdk_sts::Client::new(config)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| Error::from_sdk(call.clone(), None, e))?;
    output.account.ok_or_else(|| Error::UnreadableResponse {
        call,
        cause: "GetCallerIdentity named no account".to_string(),
    })
}

/// One account per id the role is assumed in, each with the role's credentials.
async fn role_accounts(settings: &AwsSettings, role: &AssumeRole) -> Result<Vec<AccountConfig>> {
    let base = base_config(settings, settings.profiles.first().map(String::as_str)).await;
    let ids = match &role.accounts {
        Accounts::Listed(ids) => {
            let mut unique: Vec<String> = Vec::new();
            for id in ids {
                if !is_account_id(id) {
                    return Err(Error::BadInput(format!(
                        "`{id}` is not an AWS account id (12 digits)"
                    )));
                }
                if !unique.contains(id) {
                    unique.push(id.clone());
                }
            }
            unique
        }
        Accounts::Organization => organization_accounts(&base).await?,
    };
    // The base credentials' own account is read with them: AWS creates no
    // OrganizationAccountAccessRole in the management account.
    let own = caller_account(&base).await?;
    let mut accounts = Vec::new();
    for id in ids {
        if id == own {
            accounts.push(AccountConfig {
                account: Account::Known(id),
                role_arn: None,
                config: base.clone(),
            });
            continue;
        }
        let role_arn = format!("arn:aws:iam::{id}:role/{}", role.role_name);
        let mut provider = AssumeRoleProvider::builder(role_arn.clone())
            .session_name("wsql")
            .configure(&base);
        if let Some(external_id) = &role.external_id {
            provider = provider.external_id(external_id);
        }
        let provider = provider.build().await;
        let config = base
            .clone()
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
        accounts.push(AccountConfig {
            account: Account::Known(id),
            role_arn: Some(role_arn),
            config,
        });
    }
    Ok(accounts)
}

/// The ACTIVE accounts of the organization, in the order `ListAccounts` gives them. An account's
/// `State` decides (`Status`, retired by AWS in September 2026, only when `State` is absent).
async fn organization_accounts(base: &SdkConfig) -> Result<Vec<String>> {
    const OPERATION: &str = "ListAccounts";
    let region = base.region().ok_or(Error::NoRegion)?.to_string();
    let call = CallSite {
        operation: OPERATION,
        region,
        account: None,
    };
    let client = aws_sdk_organizations::Client::new(base);
    let mut pages = client.list_accounts().into_paginator().send();
    let mut ids: Vec<String> = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| Error::from_sdk(call.clone(), None, e))?;
        for account in page.accounts.unwrap_or_default() {
            #[allow(deprecated)]
            let status = account.status.as_ref().map(|s| s.as_str());
            let state = account.state.as_ref().map(|s| s.as_str()).or(status);
            if let Some(id) = account.id
                && state == Some("ACTIVE")
                && !ids.contains(&id)
            {
                ids.push(id);
            }
        }
    }
    Ok(ids)
}

/// `^\d{12}$`.
fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_name_their_account_only_when_several_are_read() {
        let one = Place {
            region: "eu-west-1".into(),
            account: Some("111111111111".into()),
            named: false,
        };
        assert_eq!(
            one.call_site("DescribeWorkspaces").to_string(),
            "DescribeWorkspaces in eu-west-1"
        );
        let many = Place { named: true, ..one };
        assert_eq!(
            many.call_site("DescribeWorkspaces").to_string(),
            "DescribeWorkspaces in eu-west-1 of account 111111111111"
        );
    }

    #[test]
    fn account_ids_are_twelve_digits() {
        assert!(is_account_id("012345678901"));
        assert!(!is_account_id("12345678901"));
        assert!(!is_account_id("12345678901a"));
    }
}
