//! Targets: the places a scan reads, one region of one account each, and the way to call them.
//! Every table and every dimension of the fleet goes through here.
//!
//! - The regions are the settings' (or the one region of aws-config's usual chain).
//! - The accounts are an [`AccountList`] ([`accounts`]), shared by every scan of a
//!   [`crate::Library`] and listed as scans ask for them: profiles, or a role assumed in listed
//!   accounts or in every ACTIVE account of the organization.
//! - Each account has one SDK configuration ([`config`]: its credentials, the settings' retries,
//!   timeouts and endpoint) and an identity ([`identity`]: its id, or the credentials whose id
//!   STS names when a scan needs it).
//! - Each of its regions is a [`Target`]: the account's configuration in that region, from which
//!   service clients are built on first use, kept with the target: WorkSpaces for the fleet's
//!   tables, CloudWatch for its metrics, both from the same configuration (credentials,
//!   endpoint, retries, timeouts) and the same retry partition, so that throttling in one service
//!   slows the target's other calls down too, as it would in the account.
//!
//! Nothing is resolved or called at start-up. What the settings decide for every target is held
//! once, in the library's targets: whether errors and warnings name the account (several are
//! read), the bound on calls in flight over every account, and the library's retry partitions.
//! Every target has a retry partition of its own, so a throttled account (or library) does not
//! spend another's retries.

mod accounts;
mod config;
mod identity;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, Weak};

use aws_config::SdkConfig;
use aws_sdk_workspaces::config::Region;
use aws_sdk_workspaces::config::retry::RetryPartition;
use tokio::sync::{OnceCell, Semaphore};

pub(crate) use accounts::AccountList;
pub(crate) use config::http_client;

use crate::error::{CallSite, Error, Result};
use crate::scan::CallCounter;
use crate::scan::own_decoding::OwnDecoder;
use crate::settings::AwsSettings;
use accounts::AccountConfig;
use identity::Identity;

/// Where a row was read from: a region of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    /// The region.
    pub region: String,
    /// The 12-digit account id, once known (a scan that needs it resolves it first).
    pub account: Option<String>,
    /// Whether errors and warnings name the account: the library's [`Common::names_accounts`].
    pub names_account: bool,
}

impl Place {
    /// A place in `region` of one account, for tests.
    #[cfg(test)]
    pub fn in_region(region: &str) -> Place {
        Place {
            region: region.to_string(),
            account: Some("123456789012".to_string()),
            names_account: false,
        }
    }

    /// Where a call of `operation` to this place goes, for errors.
    pub fn call_site(&self, operation: &'static str) -> CallSite {
        CallSite {
            operation,
            region: self.region.clone(),
            account: self.account.clone().filter(|_| self.names_account),
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

/// What the settings decide for every target of one library, held once.
#[derive(Debug)]
struct Common {
    /// The library's number, in its retry partitions' names: the SDK keeps a retry token bucket
    /// per partition name, process-wide.
    library: u64,
    /// Whether errors and warnings name the account (several accounts are read).
    names_accounts: bool,
    /// The bound on calls in flight over every account.
    overall: Arc<Semaphore>,
    /// The bound on calls in flight in one account.
    per_account: usize,
}

/// One account to read: its identity, the role its credentials come from, its SDK
/// configuration, and a target per region, made when a scan first reads the region.
#[derive(Debug)]
pub(crate) struct AccountTarget {
    /// Its position in the account list, in its retry partitions' names.
    number: usize,
    identity: Identity,
    role_arn: Option<String>,
    config: SdkConfig,
    /// The account's bound on calls in flight.
    permits: Arc<Semaphore>,
    common: Arc<Common>,
    /// The regions being read, each while a scan reads it: a region's clients go when no
    /// target of it is left (an organization's thousands of clients are not all alive at once),
    /// and are made again by the next scan (its credentials, retry partition and connections
    /// are the account's and the library's, and stay).
    regions: Mutex<HashMap<String, Weak<Regional>>>,
}

impl AccountTarget {
    /// Account number `number` of the list, configured by `account`.
    fn new(number: usize, account: AccountConfig, common: &Arc<Common>) -> Arc<Self> {
        Arc::new(Self {
            number,
            identity: account.identity,
            role_arn: account.role_arn,
            config: account.config,
            permits: Arc::new(Semaphore::new(common.per_account)),
            common: Arc::clone(common),
            regions: Mutex::default(),
        })
    }

    /// The account id when it is known without a call.
    pub fn known_account(&self) -> Option<&str> {
        self.identity.known()
    }

    /// The target of this account in `region`.
    pub fn target(self: &Arc<Self>, region: &str) -> Target {
        let mut regions = self.regions.lock().unwrap_or_else(PoisonError::into_inner);
        let regional = match regions.get(region).and_then(Weak::upgrade) {
            Some(regional) => regional,
            None => {
                let regional = Arc::new(self.regional(region));
                regions.insert(region.to_string(), Arc::downgrade(&regional));
                regional
            }
        };
        Target {
            name: TargetName {
                account: Arc::clone(self),
                region: region.to_string(),
            },
            regional,
        }
    }

    fn regional(&self, region: &str) -> Regional {
        let library = self.common.library;
        let number = self.number;
        Regional {
            config: self
                .config
                .clone()
                .into_builder()
                .region(Region::new(region.to_string()))
                .build(),
            retry_partition: RetryPartition::new(format!("wsql-{library}-{number}-{region}")),
            workspaces: OnceLock::new(),
            cloudwatch: OnceLock::new(),
        }
    }
}

/// One region of one account: the account's configuration in the region, its retry partition,
/// and the service clients built from them on first use.
#[derive(Debug)]
struct Regional {
    config: SdkConfig,
    retry_partition: RetryPartition,
    workspaces: OnceLock<aws_sdk_workspaces::Client>,
    cloudwatch: OnceLock<aws_sdk_cloudwatch::Client>,
}

/// One place a scan reads, and the way to call it.
#[derive(Debug, Clone)]
pub(crate) struct Target {
    name: TargetName,
    regional: Arc<Regional>,
}

/// A target as a scan's report remembers it: its account and region, without its clients.
#[derive(Debug, Clone)]
pub(crate) struct TargetName {
    account: Arc<AccountTarget>,
    region: String,
}

impl TargetName {
    /// The region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The account id when it is known without a call.
    pub fn known_account(&self) -> Option<&str> {
        self.account.known_account()
    }

    /// The account's position in the library's account list: the same for every region of it.
    pub fn account_number(&self) -> usize {
        self.account.number
    }
}

impl Target {
    /// The target's account and region, which a report keeps after its clients are gone.
    pub fn name(&self) -> &TargetName {
        &self.name
    }

    /// What identifies the target's credentials and region in cache keys and metrics labels.
    pub fn key(&self) -> String {
        format!(
            "{}/{}",
            self.name.account.identity.label(),
            self.name.region
        )
    }

    /// Where the target's rows come from; with `resolve`, the account id is asked of STS first
    /// if it is not known yet (once per profile).
    pub async fn place(&self, resolve: bool) -> Result<Place> {
        let account = &self.name.account;
        let known = match resolve {
            true => Some(account.identity.account_id().await?),
            false => account.known_account().map(String::from),
        };
        Ok(Place {
            region: self.name.region.clone(),
            account: known,
            names_account: account.common.names_accounts,
        })
    }

    /// The WorkSpaces client of the target (its account's credentials, its region, its retry
    /// partition, the interceptor counting its calls and the one decoding the pages wsql
    /// decodes itself), built on first use.
    pub fn workspaces(&self) -> &aws_sdk_workspaces::Client {
        let regional = &self.regional;
        regional.workspaces.get_or_init(|| {
            let config = config::for_service(&regional.config, "WorkSpaces");
            let config = aws_sdk_workspaces::config::Builder::from(&config)
                .retry_partition(regional.retry_partition.clone())
                .interceptor(CallCounter)
                .interceptor(OwnDecoder)
                .build();
            aws_sdk_workspaces::Client::from_conf(config)
        })
    }

    /// The CloudWatch client of the target, built on first use like [`Target::workspaces`] from
    /// the same configuration, retry partition and call counter. The endpoint is the settings' (`--endpoint-url`)
    /// unless `AWS_ENDPOINT_URL_CLOUDWATCH` names CloudWatch's own.
    pub fn cloudwatch(&self) -> &aws_sdk_cloudwatch::Client {
        let regional = &self.regional;
        regional.cloudwatch.get_or_init(|| {
            let config = config::for_service(&regional.config, "CloudWatch");
            let config = aws_sdk_cloudwatch::config::Builder::from(&config)
                .retry_partition(regional.retry_partition.clone())
                .interceptor(CallCounter)
                .build();
            aws_sdk_cloudwatch::Client::from_conf(config)
        })
    }

    /// The role whose credentials the target's clients use, when one is assumed.
    pub fn role_arn(&self) -> Option<&str> {
        self.name.account.role_arn.as_deref()
    }

    /// The bounds on the target's calls in flight.
    pub fn in_flight(&self) -> InFlight {
        InFlight {
            overall: Arc::clone(&self.name.account.common.overall),
            account: Arc::clone(&self.name.account.permits),
        }
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
    let first_profile = settings.profiles.first().map(String::as_str);
    let base = config::base_config(settings, first_profile, http_client()).await;
    let regions = match settings.regions.is_empty() {
        false => settings.regions.clone(),
        true => vec![base.region().ok_or(Error::NoRegion)?.to_string()],
    };
    static NEXT_LIBRARY: AtomicU64 = AtomicU64::new(0);
    let common = Arc::new(Common {
        library: NEXT_LIBRARY.fetch_add(1, Ordering::Relaxed),
        names_accounts: settings.reads_many_accounts(),
        overall: Arc::new(Semaphore::new(settings.max_in_flight.max(1))),
        per_account: settings.max_in_flight_per_account.max(1),
    });
    let accounts = AccountList::of_settings(settings, base, common).await?;
    Ok(Resolved {
        regions,
        accounts: Arc::new(accounts),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_name_their_account_only_when_several_are_read() {
        let one = Place {
            region: "eu-west-1".into(),
            account: Some("111111111111".into()),
            names_account: false,
        };
        assert_eq!(
            one.call_site("DescribeWorkspaces").to_string(),
            "DescribeWorkspaces in eu-west-1"
        );
        let many = Place {
            names_account: true,
            ..one
        };
        assert_eq!(
            many.call_site("DescribeWorkspaces").to_string(),
            "DescribeWorkspaces in eu-west-1 of account 111111111111"
        );
    }

    #[tokio::test]
    async fn targets_are_keyed_by_region_with_a_retry_partition_each() {
        let settings = AwsSettings::emulator("http://127.0.0.1:9", &["us-east-1", "eu-west-1"]);
        let library = Targets::new(settings);
        let resolved = library.get().await.expect("resolves without a call");
        let account = match resolved.accounts.get(0).await {
            Some(Ok(account)) => account,
            other => panic!("one account: {other:?}"),
        };
        let west = account.target("eu-west-1");
        let east = account.target("us-east-1");
        assert_eq!(west.name().region(), "eu-west-1");
        assert_eq!(east.name().region(), "us-east-1");
        assert_eq!(
            west.workspaces().config().region().map(|r| r.as_ref()),
            Some("eu-west-1")
        );
        assert_eq!(
            west.cloudwatch().config().region().map(|r| r.as_ref()),
            Some("eu-west-1")
        );
        assert_eq!(
            west.cloudwatch().config().retry_partition(),
            west.workspaces().config().retry_partition(),
            "one retry partition for every service of a target"
        );
        assert!(
            Arc::ptr_eq(&west.regional, &account.target("eu-west-1").regional),
            "a region's target is made once"
        );
        let partition = |target: &Target| target.regional.retry_partition.to_string();
        assert_ne!(partition(&west), partition(&east));
        let other_library = Targets::new(library.settings().clone());
        let other = other_library.get().await.expect("resolves");
        let twin = match other.accounts.get(0).await {
            Some(Ok(account)) => account.target("eu-west-1"),
            other => panic!("one account: {other:?}"),
        };
        assert_ne!(partition(&west), partition(&twin), "one per library");
    }
}
