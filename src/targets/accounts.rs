//! The accounts a library reads, listed as scans ask for them and kept for the next scans:
//! - profiles (or the default chain): one account each, known from the settings without a call;
//! - a role assumed in listed accounts (each checked to be an account id);
//! - or a role assumed in every ACTIVE account of the organization, from Organizations
//!   `ListAccounts` one page at a time, so that the first page's accounts are scanned while the
//!   next page is fetched.
//!
//! With a role, the base credentials' own account is read with them, not through the role: AWS
//! gives the management account no `OrganizationAccountAccessRole`. Its id is asked of STS with
//! the listing (at once with the organization's first page).
//!
//! Each listing call runs in a task of its own, which takes its page into the list when it
//! ends, whether or not a scan still waits for it: a statement dropped mid-listing leaves the
//! page for the next scan. The listing keeps one page ahead of the scans: the next page is asked
//! for as soon as a scan asks for an account of the last page listed, or, when one already has,
//! as soon as that page is taken in. It never reads further ahead than that, so a `LIMIT` or a
//! dropped statement costs at most one page more.
//!
//! The organization's listing runs on a thread of its own ([`ListingThread`]), with an HTTP
//! client of its own (whose connections are driven on that thread): its pages are the
//! organization's critical path (no account is read before its page is listed), and on the
//! scans' runtime each page's answer, and the next page's request, waited behind the hundreds
//! of scan tasks ready on its two workers (at 1,000 accounts, 274–432 ms summed over the 50
//! pages between a page's answer and the next request; 136–250 ms on its thread). A statement
//! whose runtime ends mid-listing no longer ends the listing with it.
//!
//! No lock is held across a call. Scans asking for an account that is not listed yet wait for
//! the one listing under way: a [`Shared`] future of its task, held in the list's state while
//! the task runs. The accounts listed so far, and whether that is all of them, can be read at
//! any time without waiting ([`AccountList::listed`]): that is what EXPLAIN shows. A failed
//! listing is handed to every scan that waited for it and then forgotten: the next scan to ask
//! tries again.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use aws_config::SdkConfig;
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use tokio::sync::oneshot;

use super::config::{base_config, for_service, http_client, role_config};
use super::identity::{Caller, Identity};
use super::{AccountTarget, Common};
use crate::error::{CallSite, Error, Result};
use crate::settings::{Accounts, AssumeRole, AwsSettings};

/// The accounts to read, listed as scans ask for them.
#[derive(Debug)]
pub(crate) struct AccountList {
    common: Arc<Common>,
    source: Source,
    state: Mutex<ListState>,
    /// Where the listing tasks run: the organization's thread, or (for profiles and listed
    /// accounts, or when the thread could not be started) the runtime of the scan that asks.
    listing_thread: Option<ListingThread>,
}

/// The accounts listed so far, and whether that is all of them.
#[derive(Debug, Clone)]
pub(crate) struct Listed {
    /// In the order they were listed.
    pub accounts: Vec<Arc<AccountTarget>>,
    /// Whether every account is listed.
    pub complete: bool,
}

#[derive(Debug)]
struct ListState {
    accounts: Vec<Arc<AccountTarget>>,
    /// Where the next listing starts; `None` once every account is listed.
    next: Option<Cursor>,
    /// The listing under way, shared by every scan waiting for it.
    pending: Option<Listing>,
    /// One past the furthest account a scan has asked for.
    asked: usize,
    /// Where the last page taken in starts: a scan asking for one of its accounts (or one
    /// further) has the next page listed.
    last_page_start: usize,
}

/// One listing call (or none, for profiles) in its task, shared by the scans that wait for it:
/// `Some` with how it ended, once its page is taken in (or its failure forgotten); `None` when
/// the task was cancelled, its runtime shutting down, before it ended.
type Listing = Shared<BoxFuture<'static, Option<Result<()>>>>;

/// Where a listing starts.
#[derive(Debug, Clone)]
enum Cursor {
    /// At the first accounts.
    First,
    /// After the page that handed out this `NextToken`.
    After(String),
}

/// What one listing found: accounts, and where the next listing starts (`None`: nowhere, every
/// account is listed).
#[derive(Debug)]
struct Page {
    accounts: Vec<AccountConfig>,
    next: Option<Cursor>,
}

/// One account's configuration: its identity, the role assumed in it, its SDK configuration.
#[derive(Debug, Clone)]
pub(super) struct AccountConfig {
    pub identity: Identity,
    pub role_arn: Option<String>,
    pub config: SdkConfig,
}

impl AccountList {
    /// The accounts of `settings`, whose base configuration (the first profile's, or the
    /// default chain's) is `base`; nothing is listed yet.
    pub(super) async fn of_settings(
        settings: &AwsSettings,
        base: SdkConfig,
        common: Arc<Common>,
    ) -> Result<Self> {
        let listing_thread = match &settings.assume_role {
            Some(AssumeRole {
                accounts: Accounts::Organization,
                ..
            }) => ListingThread::start(),
            _ => None,
        };
        let source = match &settings.assume_role {
            None => Source::Profiles(profile_accounts(settings, base).await),
            Some(role) => {
                let (own, members) = match &role.accounts {
                    Accounts::Listed(ids) => (base.clone(), Members::Listed(listed_ids(ids)?)),
                    Accounts::Organization => {
                        // Its connections are driven where its calls are made: on its thread.
                        let listing = base.to_builder().http_client(http_client()).build();
                        let organizations = aws_sdk_organizations::Client::new(&for_service(
                            &listing,
                            "Organizations",
                        ));
                        (listing, Members::Organization(organizations))
                    }
                };
                Source::Role(Box::new(RoleSource {
                    role: role.clone(),
                    own: Caller::new("base".to_string(), own),
                    members,
                    sts: Arc::new(for_service(&base, "STS")),
                    base,
                }))
            }
        };
        Ok(Self {
            common,
            source,
            listing_thread,
            state: Mutex::new(ListState {
                accounts: Vec::new(),
                next: Some(Cursor::First),
                pending: None,
                asked: 0,
                last_page_start: 0,
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, ListState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether errors and warnings name the account (several accounts are read).
    pub fn names_accounts(&self) -> bool {
        self.common.names_accounts
    }

    /// Account number `index`, listing more if needed; `None` past the last one. Scans asking
    /// at once share one listing call.
    pub async fn get(self: &Arc<Self>, index: usize) -> Option<Result<Arc<AccountTarget>>> {
        loop {
            let listing = {
                let mut state = self.lock();
                state.asked = state.asked.max(index.saturating_add(1));
                self.read_ahead(&mut state);
                if let Some(account) = state.accounts.get(index) {
                    return Some(Ok(Arc::clone(account)));
                }
                // Not listed, and (`read_ahead` starts one whenever there is more to list) no
                // listing under way: there is no such account.
                state.pending.clone()?
            };
            match listing.clone().await {
                Some(Ok(())) => {}
                Some(Err(error)) => return Some(Err(error)),
                // Its runtime shut down: this one lists again.
                None => self.forget(&listing),
            }
        }
    }

    /// Starts listing the next page, unless one is under way, every account is listed, or no
    /// scan has asked for an account of the last page listed yet.
    fn read_ahead(self: &Arc<Self>, state: &mut ListState) {
        if state.pending.is_some() || state.asked <= state.last_page_start {
            return;
        }
        let Some(cursor) = state.next.clone() else {
            return;
        };
        let list = Arc::clone(self);
        // The task cannot take its page in before `pending` is set: that needs this lock.
        let listing = async move {
            let page = list.source.list(cursor).await;
            list.take_in(page)
        };
        let task = match &self.listing_thread {
            Some(thread) => thread.runtime.spawn(listing),
            None => tokio::spawn(listing),
        };
        state.pending = Some(task.map(Result::ok).boxed().shared());
    }

    /// Takes the end of the listing under way into the list: its accounts and where the next
    /// listing starts, or, after a failure, nothing (the next scan to ask tries again). Hands
    /// the failure on to the scans waiting.
    fn take_in(self: &Arc<Self>, page: Result<Page>) -> Result<()> {
        let mut state = self.lock();
        state.pending = None;
        let page = page?;
        state.last_page_start = state.accounts.len();
        for account in page.accounts {
            let number = state.accounts.len();
            let target = AccountTarget::new(number, account, &self.common);
            state.accounts.push(target);
        }
        state.next = page.next;
        self.read_ahead(&mut state);
        Ok(())
    }

    /// Forgets `listing`, whose task was cancelled before it could take its end in, if it is
    /// still the one under way.
    fn forget(&self, listing: &Listing) {
        let mut state = self.lock();
        if state.pending.as_ref().is_some_and(|p| p.ptr_eq(listing)) {
            state.pending = None;
        }
    }

    /// The accounts listed so far, and whether that is all of them (for EXPLAIN), without
    /// waiting for a listing under way.
    pub fn listed(&self) -> Listed {
        let state = self.lock();
        Listed {
            accounts: state.accounts.clone(),
            complete: state.next.is_none(),
        }
    }
}

/// A thread that runs the organization's listing tasks, on a runtime of its own, as long as
/// its list lives.
#[derive(Debug)]
struct ListingThread {
    runtime: tokio::runtime::Handle,
    /// Dropped with the list: the thread's runtime then ends, and the thread with it.
    _stop: oneshot::Sender<()>,
}

impl ListingThread {
    /// The thread, started; `None` when the system would not start one (the listing then runs
    /// on the scans' runtime: later, not otherwise).
    fn start() -> Option<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        let handle = runtime.handle().clone();
        let (stop, stopped) = oneshot::channel::<()>();
        std::thread::Builder::new()
            .name("wsql-organization-listing".to_string())
            .spawn(move || runtime.block_on(async move { stopped.await.ok() }))
            .ok()?;
        Some(Self {
            runtime: handle,
            _stop: stop,
        })
    }
}

/// Where accounts come from.
#[derive(Debug)]
enum Source {
    /// Profiles (or the default chain), known from the settings.
    Profiles(Vec<AccountConfig>),
    /// A role assumed in listed accounts or in the organization's.
    Role(Box<RoleSource>),
}

impl Source {
    /// The accounts from `cursor` on.
    async fn list(&self, cursor: Cursor) -> Result<Page> {
        match self {
            Source::Profiles(accounts) => Ok(Page {
                accounts: accounts.clone(),
                next: None,
            }),
            Source::Role(role) => role.list(cursor).await,
        }
    }
}

/// The profiles to read (each named one, or the default chain), one account each.
async fn profile_accounts(settings: &AwsSettings, base: SdkConfig) -> Vec<AccountConfig> {
    let profiles: Vec<Option<&str>> = match settings.profiles.is_empty() {
        true => vec![None],
        false => settings.profiles.iter().map(|p| Some(p.as_str())).collect(),
    };
    let mut accounts = Vec::new();
    for profile in profiles {
        let config = match profile {
            Some(_) => {
                let http = base.http_client().unwrap_or_else(http_client);
                base_config(settings, profile, http).await
            }
            None => base.clone(),
        };
        let label = profile.unwrap_or("default").to_string();
        accounts.push(AccountConfig {
            identity: Identity::Caller(Arc::new(Caller::new(label, config.clone()))),
            role_arn: None,
            config,
        });
    }
    accounts
}

/// A role assumed with the base credentials in listed accounts or in the organization's.
#[derive(Debug)]
struct RoleSource {
    role: AssumeRole,
    base: SdkConfig,
    /// `base` for STS, which each account's role is assumed through: one, shared by them.
    sts: Arc<SdkConfig>,
    /// The base credentials, whose own account is read with them.
    own: Caller,
    members: Members,
}

/// The accounts a role is assumed in.
#[derive(Debug)]
enum Members {
    /// These, listed in the settings.
    Listed(Vec<String>),
    /// The organization's, listed by this client (with the base credentials).
    Organization(aws_sdk_organizations::Client),
}

impl RoleSource {
    /// The listed accounts, or the organization's page at `cursor`.
    async fn list(&self, cursor: Cursor) -> Result<Page> {
        let (ids, next) = match &self.members {
            Members::Listed(ids) => {
                self.own.account_id().await?;
                (ids.clone(), None)
            }
            Members::Organization(client) => {
                let token = match cursor {
                    Cursor::First => None,
                    Cursor::After(token) => Some(token),
                };
                // The first page and the base credentials' own account are asked at once: both
                // are on the way to the first scan (later pages know the account already).
                let (page, own) =
                    tokio::join!(organization_page(client, token), self.own.account_id());
                own?;
                let (ids, next_token) = page?;
                (ids, next_token.map(Cursor::After))
            }
        };
        let accounts = ids.into_iter().map(|id| self.account(id)).collect();
        Ok(Page { accounts, next })
    }

    /// Account `id`, read with the role, or with the base credentials when it is their own.
    fn account(&self, id: String) -> AccountConfig {
        if self.own.known() == Some(id.as_str()) {
            return AccountConfig {
                identity: Identity::Known(id),
                role_arn: None,
                config: self.base.clone(),
            };
        }
        let (config, role_arn) = role_config(&self.base, &self.sts, &self.role, &id);
        AccountConfig {
            identity: Identity::Known(id),
            role_arn: Some(role_arn),
            config,
        }
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

/// `^\d{12}$`.
fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// One page of the organization's ACTIVE accounts, and the token of the next. An account's
/// `State` decides (`Status`, retired by AWS in September 2026, only when `State` is absent).
async fn organization_page(
    client: &aws_sdk_organizations::Client,
    next_token: Option<String>,
) -> Result<(Vec<String>, Option<String>)> {
    const OPERATION: &str = "ListAccounts";
    let region = client.config().region().ok_or(Error::NoRegion)?.to_string();
    let call = CallSite {
        operation: OPERATION,
        region,
        account: None,
    };
    let page = client
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

#[cfg(test)]
mod tests {
    use std::pin::pin;

    use wsql_emulator::{DEFAULT_ROLE_NAME, Emulator, LoggedRequest, Organization};

    use super::*;
    use crate::targets::Targets;

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

    /// An emulated organization of `accounts` accounts (the emulator lists 20 a page), and the
    /// targets of a library reading all of them through the role.
    async fn organization(accounts: usize) -> (Emulator, Targets) {
        let organization = Organization::seeded(31, accounts, &["us-east-1"], 0);
        let emulator = Emulator::start_organization(organization)
            .await
            .expect("emulator starts");
        let settings = AwsSettings {
            assume_role: Some(AssumeRole {
                role_name: DEFAULT_ROLE_NAME.to_string(),
                accounts: Accounts::Organization,
                external_id: None,
            }),
            // A failure is the test's, not the SDK's to retry.
            max_attempts: Some(1),
            ..AwsSettings::emulator(emulator.endpoint_url(), &["us-east-1"])
        };
        (emulator, Targets::new(settings))
    }

    /// The ids of the emulated organization's accounts, in the order it lists them.
    fn organization_ids(emulator: &Emulator) -> Vec<&str> {
        emulator
            .organization()
            .accounts()
            .iter()
            .map(|a| a.id())
            .collect()
    }

    fn calls<'a>(log: &'a [LoggedRequest], operation: &str) -> Vec<&'a LoggedRequest> {
        log.iter().filter(|r| r.operation == operation).collect()
    }

    /// The ids of `listed`.
    fn ids(listed: &Listed) -> Vec<&str> {
        listed
            .accounts
            .iter()
            .filter_map(|a| a.known_account())
            .collect()
    }

    /// Every account of `list`, asked for one after the other as a scan does.
    async fn walk(list: &Arc<AccountList>) -> Vec<String> {
        let mut ids = Vec::new();
        while let Some(account) = list.get(ids.len()).await {
            let account = account.expect("listed");
            ids.push(account.known_account().unwrap_or_default().to_string());
        }
        ids
    }

    #[tokio::test]
    async fn scans_listing_at_once_make_one_call_per_page() {
        let (emulator, targets) = organization(45).await;
        let list = &targets.get().await.expect("resolves").accounts;
        let (first, second) = tokio::join!(walk(list), walk(list));
        let organization = organization_ids(&emulator);
        assert_eq!(first, organization);
        assert_eq!(second, organization);
        let log = emulator.request_log();
        assert_eq!(
            calls(&log, "ListAccounts").len(),
            3,
            "45 accounts, 20 a page"
        );
        assert_eq!(
            calls(&log, "GetCallerIdentity").len(),
            1,
            "the base account"
        );
        assert!(list.listed().complete);
    }

    // On the test's one thread, the emulator answers only while the test awaits, and a listing's
    // task runs only then too: a scan polled once is mid-listing.
    #[tokio::test(flavor = "current_thread")]
    async fn the_listed_accounts_are_read_while_the_next_page_is_listed() {
        let (emulator, targets) = organization(25).await;
        let list = &targets.get().await.expect("resolves").accounts;
        let before = list.listed();
        assert!(before.accounts.is_empty() && !before.complete);
        assert!(
            list.lock().pending.is_none(),
            "nothing is listed before a scan asks"
        );
        assert!(matches!(list.get(0).await, Some(Ok(_))));
        let organization = organization_ids(&emulator);
        let during = list.listed();
        assert_eq!(ids(&during), organization[..20]);
        assert!(!during.complete);
        assert!(
            list.lock().pending.is_some(),
            "a scan read the first page: the second is listed before any scan asks for it"
        );

        // Scans asking for the second page meanwhile join the call under way.
        let mut second_page = pin!(list.get(20));
        assert!(futures::poll!(second_page.as_mut()).is_pending());
        let (twentieth, last) = tokio::join!(second_page, list.get(24));
        assert!(matches!(twentieth, Some(Ok(_))) && matches!(last, Some(Ok(_))));
        assert!(list.get(25).await.is_none());
        assert_eq!(calls(&emulator.request_log(), "ListAccounts").len(), 2);
        let after = list.listed();
        assert_eq!(ids(&after), organization);
        assert!(after.complete);
    }

    /// Waits for the listing under way, which must be one.
    async fn listing_under_way(list: &AccountList) {
        let pending = list.lock().pending.clone().expect("a listing is under way");
        assert!(
            matches!(pending.await, Some(Ok(()))),
            "the listing succeeds"
        );
    }

    #[tokio::test]
    async fn the_listing_keeps_one_page_ahead_of_the_scans_and_no_further() {
        let (emulator, targets) = organization(65).await;
        let list = &targets.get().await.expect("resolves").accounts;
        let list_calls = || calls(&emulator.request_log(), "ListAccounts").len();
        assert!(matches!(list.get(0).await, Some(Ok(_))));
        listing_under_way(list).await;
        assert_eq!(
            list.listed().accounts.len(),
            40,
            "the second page, read ahead"
        );
        assert!(
            list.lock().pending.is_none(),
            "no scan asked for an account of the second page: the third waits"
        );
        assert_eq!(list_calls(), 2);

        assert!(matches!(list.get(20).await, Some(Ok(_))));
        listing_under_way(list).await;
        assert_eq!(
            list.listed().accounts.len(),
            60,
            "the third page, read ahead"
        );
        assert!(list.lock().pending.is_none());
        assert_eq!(list_calls(), 3);

        let organization = organization_ids(&emulator);
        assert_eq!(walk(list).await, organization);
        assert_eq!(list_calls(), 4, "65 accounts, 20 a page");
    }

    #[tokio::test]
    async fn a_listing_whose_scan_is_dropped_ends_and_is_kept() {
        let (emulator, targets) = organization(25).await;
        let list = &targets.get().await.expect("resolves").accounts;
        {
            let mut dropped = pin!(list.get(0));
            assert!(futures::poll!(dropped.as_mut()).is_pending());
        }
        listing_under_way(list).await;
        assert_eq!(list.listed().accounts.len(), 20, "the first page, kept");
        // The dropped scan had asked for the first page's first account: the second is read
        // ahead, and that is all.
        listing_under_way(list).await;
        assert!(list.listed().complete);
        assert!(list.lock().pending.is_none());
        let organization = organization_ids(&emulator);
        assert_eq!(walk(list).await, organization);
        assert_eq!(calls(&emulator.request_log(), "ListAccounts").len(), 2);
    }

    // The organization's listing runs on its own thread: a scan's runtime ending mid-listing
    // (a statement's, say) does not end it. On the scans' runtime the listing was cancelled
    // with it, and its waiters were handed `None`.
    #[test]
    fn a_listing_outlives_the_runtime_of_the_scan_that_started_it() {
        let emulator_runtime = tokio::runtime::Runtime::new().expect("a runtime");
        let (emulator, targets) = emulator_runtime.block_on(organization(25));
        let list = emulator_runtime
            .block_on(targets.get())
            .expect("resolves")
            .accounts
            .clone();
        let scans = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        scans.block_on(async {
            let mut scan = pin!(list.get(0));
            assert!(futures::poll!(scan.as_mut()).is_pending());
        });
        drop(scans);
        emulator_runtime.block_on(async {
            // The first page, or the second read ahead after it, may be under way still.
            let under_way = list.lock().pending.clone();
            if let Some(listing) = under_way {
                assert!(matches!(listing.await, Some(Ok(()))), "the listing went on");
            }
            assert!(list.listed().accounts.len() >= 20, "the first page, kept");
            assert_eq!(walk(&list).await, organization_ids(&emulator));
            assert_eq!(calls(&emulator.request_log(), "ListAccounts").len(), 2);
        });
    }

    #[tokio::test]
    async fn a_failed_listing_reaches_every_waiting_scan_and_is_not_kept() {
        let (emulator, targets) = organization(3).await;
        let list = &targets.get().await.expect("resolves").accounts;
        emulator.set_faults(wsql_emulator::Faults {
            server_error_rate: 1.0,
            faulted_services: wsql_emulator::FaultedServices::All,
            ..wsql_emulator::Faults::default()
        });
        let (first, second) = tokio::join!(list.get(0), list.get(1));
        let message = |failed: Option<Result<Arc<AccountTarget>>>| match failed {
            Some(Err(error)) => error.to_string(),
            other => panic!("the listing fails: {other:?}"),
        };
        assert_eq!(message(first), message(second), "one failure, shared");
        let log = emulator.request_log();
        assert_eq!(calls(&log, "ListAccounts").len(), 1, "one call for both");
        assert_eq!(calls(&log, "GetCallerIdentity").len(), 1);
        assert!(list.listed().accounts.is_empty());
        emulator.set_faults(wsql_emulator::Faults::default());
        assert!(matches!(list.get(2).await, Some(Ok(_))), "tried again");
        let log = emulator.request_log();
        assert_eq!(calls(&log, "ListAccounts").len(), 2);
        assert!(list.listed().complete);
    }
}
