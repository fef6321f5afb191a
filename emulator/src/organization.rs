//! An AWS organization: its accounts, each with a status, whether the organization's role can be
//! assumed in it, and its own [`Fleet`].
//!
//! The first account is the management account. Static credentials read it; `ListAccounts`
//! answers only to it; `AssumeRole` into the other accounts is allowed only from it. The role is
//! `OrganizationAccountAccessRole` unless [`Organization::with_role_name`] says otherwise, and
//! as in AWS (which creates that role in the accounts it creates for an organization) the
//! management account has none: its [`Account::role_assumable`] is false, so a client reads it
//! with its own credentials and assumes the role only in the others.
//!
//! ```
//! use wsql_emulator::{AccountStatus, Organization};
//!
//! let org = Organization::seeded(7, 4, &["us-east-1"], 10);
//! let member = org.accounts()[1].id().to_string();
//! let suspended = org.accounts()[3].id().to_string();
//! let org = org
//!     .with_role_denied(&[&member])
//!     .with_status(&[&suspended], AccountStatus::Suspended)
//!     .with_external_id("wsql-test");
//! assert_eq!(org.management().id(), org.accounts()[0].id());
//! assert!(!org.account(&member).is_some_and(|a| a.role_assumable));
//! ```

use std::collections::HashMap;

use super::fleet::Fleet;
use super::seed::{self, SplitMix, fnv1a, mix64};

/// The role of member accounts unless [`Organization::with_role_name`] names another.
pub const DEFAULT_ROLE_NAME: &str = "OrganizationAccountAccessRole";

/// `AccountStatus` of the Organizations model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    /// In use. The only status whose role can be assumed.
    Active,
    /// Suspended.
    Suspended,
    /// Closed, within the 90 days before it goes.
    PendingClosure,
}

impl AccountStatus {
    /// The wire form: `ACTIVE`, `SUSPENDED`, `PENDING_CLOSURE`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountStatus::Active => "ACTIVE",
            AccountStatus::Suspended => "SUSPENDED",
            AccountStatus::PendingClosure => "PENDING_CLOSURE",
        }
    }
}

/// One account of an [`Organization`].
#[derive(Debug, Clone)]
pub struct Account {
    /// `AccountName`: 1 to 128 characters.
    pub name: String,
    /// `Email`: 6 to 64 characters.
    pub email: String,
    /// Its status in `ListAccounts`; `AssumeRole` into an account that is not active is denied.
    pub status: AccountStatus,
    /// Whether the organization's role exists in the account and trusts the management account.
    /// When false, `AssumeRole` into the account is `AccessDenied`.
    pub role_assumable: bool,
    /// When the account joined the organization, in epoch seconds.
    pub joined_at: f64,
    /// Its resources. The fleet's account id is the account's id.
    pub fleet: Fleet,
}

impl Account {
    /// An active member account whose role can be assumed, named after its fleet's account id.
    pub fn member(fleet: Fleet) -> Account {
        let name = format!("member-{}", fleet.account_id());
        Account {
            email: format!("aws+{name}@example.com"),
            name,
            status: AccountStatus::Active,
            role_assumable: true,
            joined_at: JOINED_EPOCH,
            fleet,
        }
    }

    /// The twelve-digit account id.
    pub fn id(&self) -> &str {
        self.fleet.account_id()
    }
}

/// An organization of accounts, each with its own fleet; the first is the management account.
#[derive(Debug, Clone)]
pub struct Organization {
    id: String,
    /// Never empty: the management account is the first.
    accounts: Vec<Account>,
    /// Each account's place in `accounts`, by id: every call looks its caller up.
    places: HashMap<String, usize>,
    role_name: String,
    external_id: Option<String>,
}

/// 2021-01-01T00:00:00Z, when seeded organizations begin.
const JOINED_EPOCH: f64 = 1_609_459_200.0;
const TEAMS: &[&str] = &[
    "finance",
    "engineering",
    "sales",
    "support",
    "data",
    "security",
    "marketing",
    "research",
    "operations",
    "legal",
];
const STAGES: &[&str] = &["prod", "staging", "dev", "sandbox"];
const LOWER_ALPHANUMERIC: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

impl Organization {
    /// A deterministic organization of `accounts` accounts (at least one), each with
    /// `pools_per_region` pools in each of `regions`. The management account's fleet is
    /// `Fleet::seeded(seed, regions, pools_per_region)`; each member's is seeded from `seed` and
    /// its position, so no two accounts share pool ids. Every member is active with an assumable
    /// role; the management account has no role.
    pub fn seeded(
        seed: u64,
        accounts: usize,
        regions: &[&str],
        pools_per_region: usize,
    ) -> Organization {
        Self::seeded_with_pools(seed, accounts, regions, |_, _| pools_per_region)
    }

    /// A deterministic organization like [`Organization::seeded`] whose account at `position`
    /// (0 is the management account) has `pools(position, region)` pools in each region: an
    /// organization whose accounts and regions differ in size.
    pub fn seeded_with_pools(
        seed: u64,
        accounts: usize,
        regions: &[&str],
        pools: impl Fn(usize, &str) -> usize,
    ) -> Organization {
        let management =
            Fleet::seeded_with_pools(&seed::account_id(seed), seed, regions, |r| pools(0, r));
        let mut organization = Organization::of_fleet(management);
        organization.id = organization_id(seed);
        for position in 1..accounts {
            let member_seed = mix64(seed ^ mix64(0x0A11_0000 + position as u64));
            let mut account_id = seed::account_id(member_seed);
            let mut bump = 0u64;
            while organization.account(&account_id).is_some() {
                bump += 1;
                account_id = seed::account_id(member_seed ^ mix64(bump));
            }
            let fleet =
                Fleet::seeded_with_pools(&account_id, member_seed, regions, |r| pools(position, r));
            let name = member_name(position);
            organization.push(Account {
                email: format!("aws+{name}@example.com"),
                name,
                joined_at: JOINED_EPOCH + position as f64 * 86_400.0,
                ..Account::member(fleet)
            });
        }
        organization
    }

    /// An organization of one account, the management account, that owns `fleet`.
    pub fn of_fleet(fleet: Fleet) -> Organization {
        let management = Account {
            name: "management".into(),
            email: "aws-management@example.com".into(),
            status: AccountStatus::Active,
            role_assumable: false,
            joined_at: JOINED_EPOCH,
            fleet,
        };
        Organization {
            id: organization_id(fnv1a(management.id().as_bytes())),
            places: HashMap::from([(management.id().to_string(), 0)]),
            accounts: vec![management],
            role_name: DEFAULT_ROLE_NAME.into(),
            external_id: None,
        }
    }

    /// Adds a member account; one with the id of an account already there replaces it (the
    /// management account stays first).
    pub fn with_member(mut self, account: Account) -> Organization {
        match self.account_mut(account.id()) {
            Some(existing) => *existing = account,
            None => self.push(account),
        }
        self
    }

    /// The role that exists in member accounts; `AssumeRole` of any other role is denied.
    pub fn with_role_name(mut self, role_name: impl Into<String>) -> Organization {
        self.role_name = role_name.into();
        self
    }

    /// `AssumeRole` must carry this `ExternalId`; without it, or with another, it is denied.
    pub fn with_external_id(mut self, external_id: impl Into<String>) -> Organization {
        self.external_id = Some(external_id.into());
        self
    }

    /// These accounts' role cannot be assumed. Ids not in the organization are ignored.
    pub fn with_role_denied(mut self, account_ids: &[&str]) -> Organization {
        for id in account_ids {
            if let Some(account) = self.account_mut(id) {
                account.role_assumable = false;
            }
        }
        self
    }

    /// These accounts have `status`. Ids not in the organization are ignored.
    pub fn with_status(mut self, account_ids: &[&str], status: AccountStatus) -> Organization {
        for id in account_ids {
            if let Some(account) = self.account_mut(id) {
                account.status = status;
            }
        }
        self
    }

    /// `o-` and ten lowercase letters or digits.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The accounts, the management account first.
    pub fn accounts(&self) -> &[Account] {
        &self.accounts
    }

    /// The account with this id.
    pub fn account(&self, account_id: &str) -> Option<&Account> {
        self.places
            .get(account_id)
            .map(|&place| &self.accounts[place])
    }

    /// The account with this id, for editing (not its fleet's account id: that is its key).
    fn account_mut(&mut self, account_id: &str) -> Option<&mut Account> {
        self.places
            .get(account_id)
            .map(|&place| &mut self.accounts[place])
    }

    /// Adds `account`, whose id is not in the organization yet, last.
    fn push(&mut self, account: Account) {
        self.places
            .insert(account.id().to_string(), self.accounts.len());
        self.accounts.push(account);
    }

    /// The management account.
    pub fn management(&self) -> &Account {
        &self.accounts[0]
    }

    /// The role that exists in member accounts.
    pub fn role_name(&self) -> &str {
        &self.role_name
    }

    /// The `ExternalId` that `AssumeRole` must carry, if any.
    pub fn external_id(&self) -> Option<&str> {
        self.external_id.as_deref()
    }

    /// `arn:aws:organizations::<management>:account/<organization>/<account>`.
    pub fn account_arn(&self, account: &Account) -> String {
        format!(
            "arn:aws:organizations::{}:account/{}/{}",
            self.management().id(),
            self.id,
            account.id()
        )
    }
}

impl From<Fleet> for Organization {
    fn from(fleet: Fleet) -> Organization {
        Organization::of_fleet(fleet)
    }
}

fn organization_id(seed: u64) -> String {
    let mut rng = SplitMix::new(mix64(seed ^ 0x0E6A));
    format!("o-{}", rng.chars(10, LOWER_ALPHANUMERIC))
}

/// `finance-prod`, `engineering-prod`, ..., then `finance-staging`, ..., numbered once every
/// team and stage is taken.
fn member_name(position: usize) -> String {
    let index = position - 1;
    let team = TEAMS[index % TEAMS.len()];
    let stage = STAGES[(index / TEAMS.len()) % STAGES.len()];
    let round = index / (TEAMS.len() * STAGES.len());
    if round == 0 {
        format!("{team}-{stage}")
    } else {
        format!("{team}-{stage}-{}", round + 1)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::model::workspaces;

    #[test]
    fn seeded_organizations_are_deterministic_and_distinct() {
        let org = Organization::seeded(11, 60, &["us-east-1"], 3);
        let again = Organization::seeded(11, 60, &["us-east-1"], 3);
        let ids: Vec<&str> = org.accounts().iter().map(Account::id).collect();
        let again_ids: Vec<&str> = again.accounts().iter().map(Account::id).collect();
        assert_eq!(ids, again_ids);
        assert_eq!(ids.len(), 60);
        assert_eq!(ids.iter().collect::<HashSet<_>>().len(), 60, "ids unique");
        let account_id = workspaces().string("AwsAccount");
        assert!(ids.iter().all(|id| account_id.matches(id)));
        let names: HashSet<&str> = org.accounts().iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names.len(), 60, "names unique");
        assert!(org.accounts().iter().all(|a| a.email.len() <= 64));
        let pool_ids: HashSet<&str> = org
            .accounts()
            .iter()
            .flat_map(|a| a.fleet.pools("us-east-1"))
            .map(|p| p.pool_id.as_str())
            .collect();
        assert_eq!(pool_ids.len(), 60 * 3, "no two accounts share a pool id");
        assert!(org.id().starts_with("o-") && org.id().len() == 12);
        assert_ne!(
            Organization::seeded(12, 2, &["us-east-1"], 1).accounts()[1].id(),
            org.accounts()[1].id()
        );
    }

    #[test]
    fn accounts_and_regions_can_differ_in_size() {
        let regions = ["us-east-1", "eu-west-1"];
        let pools =
            |position: usize, region: &str| position * 2 + usize::from(region == "eu-west-1");
        let org = Organization::seeded_with_pools(13, 4, &regions, pools);
        for (position, account) in org.accounts().iter().enumerate() {
            for region in regions {
                assert_eq!(account.fleet.pools(region).len(), pools(position, region));
            }
        }
        let uniform = Organization::seeded(13, 4, &regions, 5);
        let same = Organization::seeded_with_pools(13, 4, &regions, |_, _| 5);
        let ids = |org: &Organization| -> Vec<String> {
            org.accounts()
                .iter()
                .flat_map(|a| a.fleet.pools("eu-west-1"))
                .map(|p| p.pool_id.clone())
                .collect()
        };
        assert_eq!(ids(&uniform), ids(&same), "seeded is the uniform case");
    }

    #[test]
    fn the_management_account_is_the_seeded_fleet_and_has_no_role() {
        let org = Organization::seeded(5, 3, &["eu-west-1"], 4);
        let alone = Fleet::seeded(5, &["eu-west-1"], 4);
        assert_eq!(org.management().id(), alone.account_id());
        assert_eq!(
            org.management().fleet.pools("eu-west-1"),
            alone.pools("eu-west-1")
        );
        assert!(!org.management().role_assumable);
        assert!(org.accounts()[1..].iter().all(|a| a.role_assumable));
        assert!(
            org.accounts()
                .iter()
                .all(|a| a.status == AccountStatus::Active)
        );
        assert_eq!(
            Organization::seeded(5, 0, &["eu-west-1"], 1)
                .accounts()
                .len(),
            1
        );
    }

    #[test]
    fn each_accounts_arns_carry_its_id() {
        let org = Organization::seeded(8, 3, &["us-east-1"], 2);
        for account in org.accounts() {
            for pool in account.fleet.pools("us-east-1") {
                assert!(
                    pool.pool_arn.contains(&format!(":{}:", account.id())),
                    "{}",
                    pool.pool_arn
                );
            }
            let arn = org.account_arn(account);
            assert!(
                arn.ends_with(&format!("/{}/{}", org.id(), account.id())),
                "{arn}"
            );
        }
    }

    #[test]
    fn switches_change_the_named_accounts_only() {
        let org = Organization::seeded(3, 4, &["us-east-1"], 1);
        let ids: Vec<String> = org.accounts().iter().map(|a| a.id().to_string()).collect();
        let org = org
            .with_role_denied(&[&ids[1], "000000000000"])
            .with_status(&[&ids[2]], AccountStatus::Suspended)
            .with_role_name("Auditor")
            .with_external_id("ext-1");
        let account = |i: usize| org.account(&ids[i]).expect("present");
        assert!(!account(1).role_assumable);
        assert_eq!(account(2).status, AccountStatus::Suspended);
        assert!(account(3).role_assumable && account(3).status == AccountStatus::Active);
        assert_eq!(org.role_name(), "Auditor");
        assert_eq!(org.external_id(), Some("ext-1"));
        assert_eq!(org.accounts().len(), 4);
    }

    #[test]
    fn members_can_be_added_and_replaced() {
        let org = Organization::of_fleet(Fleet::seeded(1, &["us-east-1"], 1));
        assert_eq!(org.role_name(), DEFAULT_ROLE_NAME);
        let member = Fleet::seeded(2, &["us-east-1"], 5);
        let member_id = member.account_id().to_string();
        let org = org
            .with_member(Account::member(member.clone()))
            .with_member(Account {
                name: "renamed".into(),
                ..Account::member(member)
            });
        assert_eq!(org.accounts().len(), 2);
        assert_eq!(org.accounts()[1].id(), member_id);
        assert_eq!(org.accounts()[1].name, "renamed");
        assert_eq!(org.management().name, "management");
    }
}
