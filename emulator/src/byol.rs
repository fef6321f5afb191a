//! Bring Your Own License (BYOL) across an organization: which accounts have dedicated tenancy,
//! with which management network range, how their BYOL configuration was changed over time, and
//! the account links between them. `DescribeAccount`, `DescribeAccountModifications`,
//! `ListAccountLinks`, `GetAccountLink` and `ListAvailableManagementCidrRanges` all read
//! [`Byol::of`], so that what one operation says of an account the others agree with.
//!
//! Everything is derived from the organization's account ids, the region and the fleet's own
//! records, never stored nor drawn from a fleet's seed, so that a fleet read from a fixture gets
//! the same BYOL set-up as the seeded fleet it was dumped from:
//!
//! - The organization's first account (the management account) is the **source account**: BYOL
//!   is enabled in it (`SOURCE_ACCOUNT`), and it links to every other account, their statuses
//!   taken in turn from [`LINK_STATUS_CYCLE`] (`LINKED`, `PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT`,
//!   `REJECTED`, ...). A fleet served alone links to four accounts derived from its id, which
//!   stand for the accounts of an organization the emulator does not serve.
//! - A **target account** whose link is `LINKED` has BYOL enabled too (`TARGET_ACCOUNT`); the
//!   others have it disabled, a failed link saying so in `Message`.
//! - Each enabled account has a **management range** per region: a `/16` of `10.0.0.0/8` that
//!   is not in use by the fleet's own network (the `/16`s of its WorkSpaces' and directories'
//!   addresses), and which `ListAvailableManagementCidrRanges` therefore never offers.
//! - The **modifications** of an enabled account are a few changes of its range over 2024–2026,
//!   newest first, sometimes after a failed first attempt; the newest completed one is the
//!   current range. A failed link left one failed attempt behind.
//! - Links exist in every region the account's fleet has, each with an id of its own
//!   (`link-` and 16 characters), and both accounts of a link list it.

use std::collections::BTreeSet;

use serde::Serialize;

use super::fleet::RegionFleet;
use super::operations::Call;
use super::organization::Organization;
use super::seed::{self, fnv1a, mix64};
use super::usage::Dice;

/// `LINKED`: the target accepted; BYOL is shared with it.
pub const LINKED: &str = "LINKED";
/// The link statuses of a source account's links, in turn: the first target is linked, the
/// second has not answered yet, the third refused, ...
pub const LINK_STATUS_CYCLE: &[&str] = &[
    LINKED,
    "PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT",
    "REJECTED",
    LINKED,
    "LINKING_FAILED",
    LINKED,
];
/// How many accounts a fleet served alone links to.
const OUTSIDE_ACCOUNTS: u64 = 4;
/// 2024-01-01T00:00:00Z: the earliest BYOL modification.
const MODIFIED_FROM: i64 = 1_704_067_200;
/// 2026-06-01T00:00:00Z: the latest BYOL modification, a month before the fleet's "now".
const MODIFIED_TO: i64 = 1_780_272_000;

const SALT_RANGE: u64 = 0xB901_0001;
const SALT_HISTORY: u64 = 0xB901_0002;
const SALT_LINK: u64 = 0xB901_0003;
const SALT_OUTSIDE: u64 = 0xB901_0004;

/// `DescribeAccountResult`, in its wire form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountSettings {
    /// `ENABLED` or `DISABLED`.
    pub dedicated_tenancy_support: &'static str,
    /// The management network's `/16`, when BYOL is enabled.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dedicated_tenancy_management_cidr_range: Option<String>,
    /// `SOURCE_ACCOUNT` or `TARGET_ACCOUNT`, for an account of a link that took.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dedicated_tenancy_account_type: Option<&'static str>,
    /// What went wrong, for an account whose link failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// `AccountModification`, in its wire form.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountModification {
    /// `COMPLETED` or `FAILED`.
    pub modification_state: &'static str,
    /// What the modification asked for: `ENABLED` or `DISABLED`.
    pub dedicated_tenancy_support: &'static str,
    /// The range it asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dedicated_tenancy_management_cidr_range: Option<String>,
    /// When it started, epoch seconds.
    pub start_time: f64,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<&'static str>,
    /// Why it failed, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// `AccountLink`, in its wire form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AccountLink {
    /// `link-` and 16 characters of `[0-9a-z]`.
    pub account_link_id: String,
    /// One of [`LINK_STATUS_CYCLE`].
    pub account_link_status: &'static str,
    /// The account sharing its BYOL images.
    pub source_account_id: String,
    /// The account they are shared with.
    pub target_account_id: String,
}

/// The BYOL set-up of one account in one region.
#[derive(Debug, Clone, PartialEq)]
pub struct Byol {
    /// What `DescribeAccount` answers.
    pub settings: AccountSettings,
    /// What `DescribeAccountModifications` answers, newest first.
    pub modifications: Vec<AccountModification>,
    /// The links the account is the source or the target of.
    pub links: Vec<AccountLink>,
    /// The `/16`s the account uses in the region (its network's and its management range):
    /// what `ListAvailableManagementCidrRanges` leaves out, as `(first octet, second octet)`.
    pub ranges_in_use: BTreeSet<(u8, u8)>,
}

impl Byol {
    /// The set-up of `account` in `region`, whose records are `records`, in an organization of
    /// `accounts` (the management account first; `account` alone for a fleet served alone).
    /// A region the account has no fleet in has BYOL disabled and no links.
    pub fn of(
        accounts: &[&str],
        account: &str,
        region: &str,
        records: Option<&RegionFleet>,
    ) -> Byol {
        let Some(records) = records else {
            return Byol {
                settings: disabled(None),
                modifications: Vec::new(),
                links: Vec::new(),
                ranges_in_use: BTreeSet::new(),
            };
        };
        let network = network_ranges(records);
        let links = links_of(accounts, account, region);
        let source = accounts.first().copied().unwrap_or(account);
        let own_link = links.iter().find(|l| l.target_account_id == account);
        let role = match own_link {
            _ if account == source => Some("SOURCE_ACCOUNT"),
            Some(link) if link.account_link_status == LINKED => Some("TARGET_ACCOUNT"),
            _ => None,
        };
        let Some(role) = role else {
            let failed = own_link.is_some_and(|l| l.account_link_status == "LINKING_FAILED");
            let message = failed.then(|| {
                format!("BYOL could not be enabled: the link to source account {source} failed.")
            });
            let modifications = match failed {
                true => vec![failed_link_attempt(account, region, source)],
                false => Vec::new(),
            };
            return Byol {
                settings: disabled(message),
                modifications,
                links,
                ranges_in_use: network,
            };
        };
        let history = range_history(account, region, &network, role == "SOURCE_ACCOUNT");
        let current = history.last().map(|(_, range)| *range).unwrap_or((10, 1));
        let modifications = modifications(account, region, &history, &network);
        let mut ranges_in_use = network;
        ranges_in_use.insert(current);
        Byol {
            settings: AccountSettings {
                dedicated_tenancy_support: "ENABLED",
                dedicated_tenancy_management_cidr_range: Some(cidr16(current)),
                dedicated_tenancy_account_type: Some(role),
                message: None,
            },
            modifications,
            links,
            ranges_in_use,
        }
    }

    /// The set-up of `account_id` in `region` of `organization` (`None`: no such account).
    pub fn in_organization(
        organization: &Organization,
        account_id: &str,
        region: &str,
    ) -> Option<Byol> {
        let account = organization.account(account_id)?;
        let accounts: Vec<&str> = organization.accounts().iter().map(|a| a.id()).collect();
        Some(Byol::of(
            &accounts,
            account_id,
            region,
            account.fleet.region(region),
        ))
    }

    /// The set-up of the calling account in the call's region.
    pub(crate) fn of_call(call: &Call<'_>) -> Byol {
        let account = call.fleet.account_id();
        let accounts: Vec<&str> = match call.organization {
            Some(organization) => organization.accounts().iter().map(|a| a.id()).collect(),
            None => vec![account],
        };
        Byol::of(
            &accounts,
            account,
            call.region,
            call.fleet.region(call.region),
        )
    }

    /// Whether BYOL is enabled: what `ListAvailableManagementCidrRanges` needs.
    pub fn enabled(&self) -> bool {
        self.settings.dedicated_tenancy_support == "ENABLED"
    }
}

fn disabled(message: Option<String>) -> AccountSettings {
    AccountSettings {
        dedicated_tenancy_support: "DISABLED",
        dedicated_tenancy_management_cidr_range: None,
        dedicated_tenancy_account_type: None,
        message,
    }
}

/// `a.b.0.0/16`.
pub(crate) fn cidr16((a, b): (u8, u8)) -> String {
    format!("{a}.{b}.0.0/16")
}

/// The `/16`s of every IPv4 address of the fleet's WorkSpaces and directories.
fn network_ranges(records: &RegionFleet) -> BTreeSet<(u8, u8)> {
    let workspaces = records
        .workspaces
        .iter()
        .filter_map(|w| w.ip_address.as_deref());
    let directories = records
        .directories
        .iter()
        .flat_map(|d| d.dns_ip_addresses.iter().flatten())
        .map(String::as_str);
    workspaces
        .chain(directories)
        .filter_map(|address| {
            let mut octets = address.split('.').map(|o| o.parse::<u8>().ok());
            Some((octets.next()??, octets.next()??))
        })
        .collect()
}

/// The accounts `account`'s organization links from its source: its other accounts, or for an
/// organization of one, accounts derived from the source's id.
fn targets(accounts: &[&str]) -> Vec<String> {
    match accounts {
        [] => Vec::new(),
        [alone] => (1..=OUTSIDE_ACCOUNTS)
            .map(|k| seed::account_id(fnv1a(alone.as_bytes()) ^ mix64(SALT_OUTSIDE + k)))
            .collect(),
        [_, members @ ..] => members.iter().map(|m| m.to_string()).collect(),
    }
}

/// The links `account` is the source or the target of, in `region`.
fn links_of(accounts: &[&str], account: &str, region: &str) -> Vec<AccountLink> {
    let Some(&source) = accounts.first() else {
        return Vec::new();
    };
    targets(accounts)
        .into_iter()
        .enumerate()
        .filter(|(_, target)| account == source || target == account)
        .map(|(position, target)| AccountLink {
            account_link_id: link_id(source, &target, region),
            account_link_status: LINK_STATUS_CYCLE[position % LINK_STATUS_CYCLE.len()],
            source_account_id: source.to_string(),
            target_account_id: target,
        })
        .collect()
}

/// `link-` and 16 characters of `[0-9a-z]`, unique per (source, target, region).
fn link_id(source: &str, target: &str, region: &str) -> String {
    let key = fnv1a(format!("{source}/{target}/{region}").as_bytes()) ^ SALT_LINK;
    let first = seed::id9(key, 0);
    let second = seed::id9(key, 1);
    format!("link-{}{}", &first[..8], &second[..8])
}

/// The `/16`s of `10.0.0.0/8` an account may take as its management range: those its network
/// does not use.
fn candidate_ranges(network: &BTreeSet<(u8, u8)>) -> Vec<(u8, u8)> {
    (1..=255u8)
        .map(|b| (10, b))
        .filter(|range| !network.contains(range))
        .collect()
}

/// The ranges an enabled account has had, oldest first, each with when it was set: two to
/// five (six to eight for a source account, whose history is longer than a page).
fn range_history(
    account: &str,
    region: &str,
    network: &BTreeSet<(u8, u8)>,
    source: bool,
) -> Vec<(i64, (u8, u8))> {
    let dice = Dice::of(&format!("{account}/{region}"), SALT_HISTORY);
    let candidates = candidate_ranges(network);
    if candidates.is_empty() {
        return Vec::new();
    }
    let count = 2 + dice.below(4) as usize + if source { 4 } else { 0 };
    let span = (MODIFIED_TO - MODIFIED_FROM) / count as i64;
    (0..count)
        .map(|k| {
            let at = dice.at(k as i64);
            let time = MODIFIED_FROM + span * k as i64 + at.below(span.max(1) as u64) as i64;
            let range = candidates[at.at(1).below(candidates.len() as u64) as usize];
            (time, range)
        })
        .collect()
}

/// The modifications of an enabled account's `history`, newest first: each range completed,
/// some after a failed attempt an hour before that asked for a range of the account's own
/// `network` (one `ListAvailableManagementCidrRanges` would not have offered).
fn modifications(
    account: &str,
    region: &str,
    history: &[(i64, (u8, u8))],
    network: &BTreeSet<(u8, u8)>,
) -> Vec<AccountModification> {
    let dice = Dice::of(&format!("{account}/{region}"), SALT_RANGE);
    let mut modifications = Vec::new();
    for (k, &(time, range)) in history.iter().enumerate() {
        let roll = dice.at(k as i64);
        let in_use = network
            .iter()
            .nth(roll.at(1).below(network.len().max(1) as u64) as usize);
        if let Some(&in_use) = in_use.filter(|_| roll.below(3) == 0) {
            modifications.push(AccountModification {
                modification_state: "FAILED",
                dedicated_tenancy_support: "ENABLED",
                dedicated_tenancy_management_cidr_range: Some(cidr16(in_use)),
                start_time: (time - 3600) as f64,
                error_code: Some("ManagementCidrRangeInUse"),
                error_message: Some(format!(
                    "The management CIDR range {} overlaps a network in use in the account.",
                    cidr16(in_use)
                )),
            });
        }
        modifications.push(AccountModification {
            modification_state: "COMPLETED",
            dedicated_tenancy_support: "ENABLED",
            dedicated_tenancy_management_cidr_range: Some(cidr16(range)),
            start_time: time as f64,
            error_code: None,
            error_message: None,
        });
    }
    modifications.reverse();
    modifications
}

/// The one modification a target whose link failed has: a failed attempt to enable BYOL.
fn failed_link_attempt(account: &str, region: &str, source: &str) -> AccountModification {
    let dice = Dice::of(&format!("{account}/{region}"), SALT_RANGE);
    AccountModification {
        modification_state: "FAILED",
        dedicated_tenancy_support: "ENABLED",
        dedicated_tenancy_management_cidr_range: None,
        start_time: dice
            .between(MODIFIED_FROM as f64, MODIFIED_TO as f64)
            .floor(),
        error_code: Some("AccountLinkFailed"),
        error_message: Some(format!(
            "The account link to source account {source} failed; BYOL was not enabled."
        )),
    }
}

/// Whether `range` (`(first, second)` octets) is one of the private `/16`s a management range
/// may be taken from: `10.0.0.0/8`, `172.16.0.0/12` or `192.168.0.0/16`.
pub(crate) fn is_private(range: (u8, u8)) -> bool {
    match range {
        (10, _) => true,
        (172, b) => (16..=31).contains(&b),
        (192, 168) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Fleet;
    use crate::model::workspaces;

    const REGION: &str = "us-east-1";

    fn organization() -> Organization {
        Organization::seeded(3, 7, &[REGION], 5)
    }

    #[test]
    fn the_source_links_every_member_and_each_member_sees_its_own_link() {
        let org = organization();
        let source = Byol::in_organization(&org, org.accounts()[0].id(), REGION).expect("exists");
        assert_eq!(source.links.len(), 6);
        let statuses: Vec<&str> = source.links.iter().map(|l| l.account_link_status).collect();
        assert_eq!(statuses, LINK_STATUS_CYCLE);
        assert_eq!(
            source.settings.dedicated_tenancy_account_type,
            Some("SOURCE_ACCOUNT")
        );
        for (member, link) in org.accounts()[1..].iter().zip(&source.links) {
            let byol = Byol::in_organization(&org, member.id(), REGION).expect("exists");
            assert_eq!(byol.links, vec![link.clone()]);
            assert_eq!(
                byol.enabled(),
                link.account_link_status == LINKED,
                "{link:?}"
            );
            let failed = link.account_link_status == "LINKING_FAILED";
            assert_eq!(byol.settings.message.is_some(), failed);
            let expected_history = match (byol.enabled(), failed) {
                (true, _) => !byol.modifications.is_empty(),
                (false, true) => byol.modifications.len() == 1,
                (false, false) => byol.modifications.is_empty(),
            };
            assert!(expected_history, "{link:?}: {:?}", byol.modifications);
        }
        let pattern = workspaces().string("LinkId");
        assert!(
            source
                .links
                .iter()
                .all(|l| pattern.matches(&l.account_link_id))
        );
        let ids: BTreeSet<&str> = source
            .links
            .iter()
            .map(|l| l.account_link_id.as_str())
            .collect();
        assert_eq!(ids.len(), source.links.len(), "link ids are unique");
    }

    #[test]
    fn a_fleet_alone_links_to_accounts_outside_and_is_enabled() {
        let fleet = Fleet::seeded(5, &[REGION], 10);
        let byol = Byol::of(
            &[fleet.account_id()],
            fleet.account_id(),
            REGION,
            fleet.region(REGION),
        );
        assert_eq!(byol.links.len(), OUTSIDE_ACCOUNTS as usize);
        assert!(byol.enabled());
        let account = workspaces().string("AwsAccount");
        for link in &byol.links {
            assert!(account.matches(&link.target_account_id));
            assert_ne!(link.target_account_id, fleet.account_id());
        }
        let elsewhere = Byol::of(&[fleet.account_id()], fleet.account_id(), "eu-west-1", None);
        assert!(!elsewhere.enabled() && elsewhere.links.is_empty());
    }

    #[test]
    fn the_current_range_is_the_newest_completed_modification_and_not_in_the_network() {
        let org = organization();
        for account in org.accounts() {
            let byol = Byol::in_organization(&org, account.id(), REGION).expect("exists");
            let range_shape = workspaces().string("DedicatedTenancyManagementCidrRange");
            for modification in &byol.modifications {
                if let Some(range) = &modification.dedicated_tenancy_management_cidr_range {
                    assert!(range_shape.matches(range), "{range}");
                }
            }
            let times: Vec<f64> = byol.modifications.iter().map(|m| m.start_time).collect();
            assert!(
                times.windows(2).all(|w| w[0] >= w[1]),
                "newest first: {times:?}"
            );
            if !byol.enabled() {
                continue;
            }
            let current = byol
                .settings
                .dedicated_tenancy_management_cidr_range
                .clone();
            let newest = byol
                .modifications
                .iter()
                .find(|m| m.modification_state == "COMPLETED")
                .and_then(|m| m.dedicated_tenancy_management_cidr_range.clone());
            assert_eq!(current, newest);
            let network = network_ranges(account.fleet.region(REGION).expect("region"));
            assert!(
                network.contains(&(10, 0)),
                "the seeded fleet uses 10.0.0.0/16"
            );
            assert!(!network.iter().any(|r| Some(cidr16(*r)) == current));
            let network: Vec<String> = network.into_iter().map(cidr16).collect();
            let failed = byol
                .modifications
                .iter()
                .filter(|m| m.modification_state == "FAILED");
            for modification in failed {
                let range = modification.dedicated_tenancy_management_cidr_range.clone();
                assert!(
                    range.is_some_and(|r| network.contains(&r)),
                    "{modification:?}"
                );
            }
        }
    }

    #[test]
    fn a_source_history_is_longer_than_a_page() {
        let org = organization();
        let source = Byol::in_organization(&org, org.accounts()[0].id(), REGION).expect("exists");
        assert!(
            source.modifications.len() >= 6,
            "{}",
            source.modifications.len()
        );
    }

    #[test]
    fn private_ranges() {
        assert!(is_private((10, 200)));
        assert!(is_private((172, 31)) && !is_private((172, 32)));
        assert!(is_private((192, 168)) && !is_private((192, 169)));
        assert!(!is_private((8, 8)));
    }
}
