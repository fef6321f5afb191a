//! Targets: the places a scan reads, one region of one account each, with the client that
//! calls it. Every table and every dimension of the fleet goes through here.
//!
//! The regions are known from the settings. The accounts are an [`AccountList`], shared by every
//! scan of a [`crate::Library`] and filled lazily, as scans ask for them:
//! - profiles (or the default chain): one account each, whose id is asked of STS
//!   (`GetCallerIdentity`) only when a scan needs it (it reads `account_id`, filters on it, or
//!   several accounts are read);
//! - a role assumed in listed accounts, or in every ACTIVE account of the organization
//!   (Organizations `ListAccounts`, one page at a time: the first page's accounts are scanned
//!   while the next page is fetched), with aws-config's own `AssumeRoleProvider`, whose
//!   credentials are cached and refreshed per account. The base credentials' own account is
//!   read with them, as AWS gives the management account no `OrganizationAccountAccessRole`.
//!
//! Nothing is resolved or called at start-up. Every account's calls share the bounds on calls
//! in flight ([`InFlight`]); every target has a retry partition of its own, so a throttled
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
use tokio::sync::{Mutex, OnceCell, Semaphore};

use crate::error::{CallSite, Cause, Error, Result};
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

/// The bounds on calls in flight: overall, and per account.
#[derive(Debug, Clone)]
pub(crate) struct InFlight {
    /// Shared by every account.
    pub overall: Arc<Semaphore>,
    /// The target's account's own.
    pub account: Arc<Semaphore>,
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

/// One account to read, with a client for each region.
#[derive(Debug)]
pub(crate) struct AccountTarget {
    account: Account,
    role_arn: Option<String>,
    in_flight: InFlight,
    /// One per region of [`Targets::regions`], in order.
    clients: Vec<aws_sdk_workspaces::Client>,
    named: bool,
}

impl AccountTarget {
    /// Whether errors and warnings name the account (several accounts are read).
    pub fn named(&self) -> bool {
        self.named
    }

    /// The account id when it is known without a call.
    pub fn known_account(&self) -> Option<&str> {
        match &self.account {
            Account::Known(id) => Some(id),
            Account::Caller(caller) => caller.id.get().map(String::as_str),
        }
    }

    /// The target of this account in region number `index` (named `region`).
    pub fn target(&self, index: usize, region: &str) -> Option<Target> {
        Some(Target {
            region: region.to_string(),
            account: self.account.clone(),
            named: self.named,
            client: self.clients.get(index)?.clone(),
            role_arn: self.role_arn.clone(),
            in_flight: self.in_flight.clone(),
        })
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

/// The regions and accounts of one set of settings, resolved on first use.
#[derive(Debug)]
pub(crate) struct Targets {
    settings: AwsSettings,
    resolved: OnceCell<Resolved>,
}

/// What [`Targets::get`] resolves: the regions, and the accounts as they are listed.
#[derive(Debug)]
pub(crate) struct Resolved {
    /// Every region read, in order.
    pub regions: Vec<String>,
    /// Every account read, listed as scans ask for them.
    pub accounts: Arc<AccountList>,
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

    /// The regions and the account list, resolving the configuration (no call) on first use.
    pub async fn get(&self) -> Result<&Resolved> {
        self.resolved
            .get_or_try_init(|| resolve(&self.settings))
            .await
    }
}

async fn resolve(settings: &AwsSettings) -> Result<Resolved> {
    let base = base_config(settings, settings.profiles.first().map(String::as_str)).await;
    let regions = match settings.regions.is_empty() {
        false => settings.regions.clone(),
        true => vec![base.region().ok_or(Error::NoRegion)?.to_string()],
    };
    // The SDK keeps its retry token bucket per partition name, process-wide. One partition per
    // target of one library keeps one account's (or library's) throttling from spending
    // another's retries.
    static NEXT_LIBRARY: AtomicU64 = AtomicU64::new(0);
    let maker = TargetMaker {
        library: NEXT_LIBRARY.fetch_add(1, Ordering::Relaxed),
        regions: regions.clone(),
        named: settings.reads_many_accounts(),
        overall: Arc::new(Semaphore::new(settings.max_in_flight.max(1))),
        per_account: settings.max_in_flight_per_account.max(1),
    };
    let source = match &settings.assume_role {
        None => {
            let mut accounts = Vec::new();
            for profile in &profile_list(settings) {
                let config = match profile {
                    Some(_) => base_config(settings, profile.as_deref()).await,
                    None => base.clone(),
                };
                let caller = Caller {
                    label: profile.clone().unwrap_or_else(|| "default".to_string()),
                    config: config.clone(),
                    id: OnceCell::new(),
                };
                accounts.push(AccountConfig {
                    account: Account::Caller(Arc::new(caller)),
                    role_arn: None,
                    config,
                });
            }
            Source::Configured(accounts)
        }
        Some(role) => Source::Role(Box::new(RoleSource {
            role: role.clone(),
            base,
            own: None,
            listed: match &role.accounts {
                Accounts::Listed(ids) => Some(listed_ids(ids)?),
                Accounts::Organization => None,
            },
            next_token: None,
        })),
    };
    Ok(Resolved {
        regions,
        accounts: Arc::new(AccountList {
            state: Mutex::new(ListState {
                accounts: Vec::new(),
                source: Some(source),
            }),
            maker,
        }),
    })
}

/// The profiles to read: each named one, or the default chain.
fn profile_list(settings: &AwsSettings) -> Vec<Option<String>> {
    match settings.profiles.is_empty() {
        true => vec![None],
        false => settings.profiles.iter().cloned().map(Some).collect(),
    }
}

/// `ids`, checked and without repeats.
fn listed_ids(ids: &[String]) -> Result<Vec<String>> {
    let mut unique: Vec<String> = Vec::new();
    for id in ids {
        if !is_account_id(id) {
            return Err(Error::InvalidAccountId { value: id.clone() });
        }
        if !unique.contains(id) {
            unique.push(id.clone());
        }
    }
    Ok(unique)
}

/// The accounts to read, listed as scans ask for them, and remembered for the next scans.
#[derive(Debug)]
pub(crate) struct AccountList {
    state: Mutex<ListState>,
    maker: TargetMaker,
}

#[derive(Debug)]
struct ListState {
    accounts: Vec<Arc<AccountTarget>>,
    /// Where more accounts come from; `None` once every account is listed.
    source: Option<Source>,
}

/// What account targets are made with.
#[derive(Debug)]
struct TargetMaker {
    library: u64,
    regions: Vec<String>,
    named: bool,
    overall: Arc<Semaphore>,
    per_account: usize,
}

impl TargetMaker {
    fn make(&self, number: usize, account: AccountConfig) -> Arc<AccountTarget> {
        let clients = self
            .regions
            .iter()
            .map(|region| {
                let partition = format!("wsql-{}-{number}-{region}", self.library);
                let config = aws_sdk_workspaces::config::Builder::from(&account.config)
                    .region(Region::new(region.clone()))
                    .retry_partition(RetryPartition::new(partition))
                    .build();
                aws_sdk_workspaces::Client::from_conf(config)
            })
            .collect();
        Arc::new(AccountTarget {
            account: account.account,
            role_arn: account.role_arn,
            in_flight: InFlight {
                overall: Arc::clone(&self.overall),
                account: Arc::new(Semaphore::new(self.per_account)),
            },
            clients,
            named: self.named,
        })
    }
}

impl AccountList {
    /// Account number `index`, listing more if needed; `None` past the last one. Scans asking
    /// at once share one listing call.
    pub async fn get(&self, index: usize) -> Option<Result<Arc<AccountTarget>>> {
        let mut state = self.state.lock().await;
        loop {
            if let Some(account) = state.accounts.get(index) {
                return Some(Ok(Arc::clone(account)));
            }
            let source = state.source.as_mut()?;
            let (more, done) = match source.next().await {
                Ok(next) => next,
                // Not remembered: the next scan tries again.
                Err(error) => return Some(Err(error)),
            };
            for account in more {
                let number = state.accounts.len();
                state.accounts.push(self.maker.make(number, account));
            }
            if done {
                state.source = None;
            }
        }
    }

    /// The accounts listed so far, and whether that is all of them (for EXPLAIN).
    pub fn listed(&self) -> (Vec<Arc<AccountTarget>>, bool) {
        match self.state.try_lock() {
            Ok(state) => (state.accounts.clone(), state.source.is_none()),
            Err(_) => (Vec::new(), false),
        }
    }
}

/// One account's configuration: its account, the role assumed in it, and its SDK configuration.
#[derive(Debug)]
struct AccountConfig {
    account: Account,
    role_arn: Option<String>,
    config: SdkConfig,
}

/// Where accounts come from.
#[derive(Debug)]
enum Source {
    /// Profiles (or the default chain), known from the settings.
    Configured(Vec<AccountConfig>),
    /// A role assumed in listed accounts or in the organization's.
    Role(Box<RoleSource>),
}

#[derive(Debug)]
struct RoleSource {
    role: AssumeRole,
    base: SdkConfig,
    /// The base credentials' own account, once asked.
    own: Option<String>,
    /// The listed accounts; `None` for the organization's.
    listed: Option<Vec<String>>,
    next_token: Option<String>,
}

impl Source {
    /// The next accounts, and whether they are the last.
    async fn next(&mut self) -> Result<(Vec<AccountConfig>, bool)> {
        match self {
            Source::Configured(accounts) => Ok((std::mem::take(accounts), true)),
            Source::Role(role) => role.next().await,
        }
    }
}

impl RoleSource {
    async fn next(&mut self) -> Result<(Vec<AccountConfig>, bool)> {
        let (ids, done) = match self.listed.take() {
            Some(ids) => {
                self.own = Some(caller_account(&self.base).await?);
                (ids, true)
            }
            None => {
                // The organization's first page and the base credentials' own account are
                // asked at once: both are on the way to the first scan.
                let page = organization_page(&self.base, self.next_token.clone());
                let (page, own) = match self.own.is_some() {
                    true => (page.await, None),
                    false => {
                        let (page, own) = tokio::join!(page, caller_account(&self.base));
                        (page, Some(own?))
                    }
                };
                if own.is_some() {
                    self.own = own;
                }
                let (ids, next_token) = page?;
                let done = next_token.is_none();
                self.next_token = next_token;
                (ids, done)
            }
        };
        let mut accounts = Vec::new();
        for id in ids {
            accounts.push(self.account(id).await);
        }
        Ok((accounts, done))
    }

    /// Account `id`, read with the role, or with the base credentials when it is their own.
    async fn account(&self, id: String) -> AccountConfig {
        if self.own.as_deref() == Some(id.as_str()) {
            return AccountConfig {
                account: Account::Known(id),
                role_arn: None,
                config: self.base.clone(),
            };
        }
        let role_arn = format!("arn:aws:iam::{id}:role/{}", self.role.role_name);
        let mut provider = AssumeRoleProvider::builder(role_arn.clone())
            .session_name("wsql")
            .configure(&self.base);
        if let Some(external_id) = &self.role.external_id {
            provider = provider.external_id(external_id);
        }
        let provider = provider.build().await;
        let config = self
            .base
            .clone()
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
        AccountConfig {
            account: Account::Known(id),
            role_arn: Some(role_arn),
            config,
        }
    }
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
        cause: Cause::message("GetCallerIdentity named no account"),
    })
}

/// One page of the organization's ACTIVE accounts, and the token of the next. An account's
/// `State` decides (`Status`, retired by AWS in September 2026, only when `State` is absent).
async fn organization_page(
    base: &SdkConfig,
    next_token: Option<String>,
) -> Result<(Vec<String>, Option<String>)> {
    const OPERATION: &str = "ListAccounts";
    let region = base.region().ok_or(Error::NoRegion)?.to_string();
    let call = CallSite {
        operation: OPERATION,
        region,
        account: None,
    };
    let page = aws_sdk_organizations::Client::new(base)
        .list_accounts()
        .set_next_token(next_token)
        .send()
        .await
        .map_err(|e| Error::from_sdk(call, None, e))?;
    let mut ids: Vec<String> = Vec::new();
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
    Ok((ids, page.next_token.filter(|t| !t.is_empty())))
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
        assert!(listed_ids(&["111111111111".into(), "111111111111".into()]).is_ok());
        assert!(matches!(
            listed_ids(&["org1".into()]),
            Err(Error::InvalidAccountId { .. })
        ));
    }
}
