//! `DescribeIpGroups`: the IP access control groups of a region, by id or all, paged by
//! `MaxResults` (1 to 25, default 25).
//!
//! The groups are the ones the region's directories name in `ipGroupIds`, in the order the
//! directories are served, and one group no directory uses (left over, as real accounts have
//! them), so a directory's groups are found from the directory and the groups' directories from
//! the directories. Each group's rules come from its id: office and VPN ranges from the
//! documentation blocks (RFC 5737), private ranges, and in the first group of every region and
//! about one other in five, `0.0.0.0/0`, which admits any address. Ids that name no group are
//! left out.

use serde::Serialize;

use super::api_error::ApiError;
use super::fleet::Fleet;
use super::operations::{Call, Structure};
use super::request::Members;
use super::seed::{SplitMix, fnv1a};

const DEFAULT_MAX_RESULTS: i64 = 25;
/// The rule that admits any address.
pub const ANY_ADDRESS: &str = "0.0.0.0/0";
const SALT_GROUP: u64 = 0x1F_6001;
const SALT_UNUSED: u64 = 0x1F_6002;
const LOWER_ALPHANUMERIC: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// A range a group admits, with what it is: (CIDR, description).
type Range = (&'static str, &'static str);

/// What a group is for: its name, description, and the ranges it admits.
const PURPOSES: &[(&str, &str, &[Range])] = &[
    (
        "office-networks",
        "Head office and branch egress",
        &[
            ("203.0.113.0/24", "Head office"),
            ("198.51.100.64/26", "Branch office"),
        ],
    ),
    (
        "corporate-vpn",
        "Remote access VPN concentrators",
        &[("192.0.2.16/28", "VPN egress")],
    ),
    (
        "partner-access",
        "Contractors working for the support team",
        &[
            ("198.51.100.200/32", "Partner NAT gateway"),
            ("203.0.113.128/25", "Partner office"),
        ],
    ),
    (
        "internal-only",
        "Private address space reached over Direct Connect",
        &[("10.0.0.0/8", "Internal"), ("172.16.0.0/12", "Data centre")],
    ),
];

/// An `IpRuleItem`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IpRule {
    /// The range, in CIDR notation.
    pub ip_rule: String,
    /// What it is.
    pub rule_desc: String,
}

/// A `WorkspacesIpGroup` (its members are camelCase in the model).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IpGroup {
    /// `wsipg-` and 8 to 63 characters of `[0-9a-z]`.
    pub group_id: String,
    /// Its name.
    pub group_name: String,
    /// Its description.
    pub group_desc: String,
    /// The ranges it admits.
    pub user_rules: Vec<IpRule>,
}

impl IpGroup {
    /// Whether one of its rules admits any address.
    pub fn admits_any_address(&self) -> bool {
        self.user_rules.iter().any(|r| r.ip_rule == ANY_ADDRESS)
    }
}

/// The group `group_id`, the `position`-th of its region.
fn group(group_id: &str, position: usize) -> IpGroup {
    let mut rng = SplitMix::new(fnv1a(group_id.as_bytes()) ^ SALT_GROUP);
    let (name, description, ranges) = *rng.pick(PURPOSES);
    // A fixture's id may be short or not ASCII: the name then takes it whole.
    let suffix = group_id
        .get(group_id.len().saturating_sub(4)..)
        .unwrap_or(group_id);
    let mut user_rules: Vec<IpRule> = ranges
        .iter()
        .map(|(range, what)| IpRule {
            ip_rule: range.to_string(),
            rule_desc: what.to_string(),
        })
        .collect();
    if position == 0 || rng.chance(0.2) {
        user_rules.push(IpRule {
            ip_rule: ANY_ADDRESS.to_string(),
            rule_desc: "Temporary: allow from anywhere".to_string(),
        });
    }
    IpGroup {
        group_id: group_id.to_string(),
        group_name: format!("{name}-{suffix}"),
        group_desc: description.to_string(),
        user_rules,
    }
}

/// The IP access control groups of `region` in `fleet`: the directories' own, in the order
/// the directories name them, then one no directory uses. A region without directories has
/// none.
pub fn ip_groups_of(fleet: &Fleet, region: &str) -> Vec<IpGroup> {
    let directories = fleet.directories(region);
    if directories.is_empty() {
        return Vec::new();
    }
    let mut ids: Vec<String> = Vec::new();
    for id in directories
        .iter()
        .flat_map(|d| d.ip_group_ids.iter().flatten())
    {
        if !ids.contains(id) {
            ids.push(id.clone());
        }
    }
    let scope = format!("{}/{region}", fleet.account_id());
    let mut rng = SplitMix::new(fnv1a(scope.as_bytes()) ^ SALT_UNUSED);
    let unused = format!("wsipg-{}", rng.chars(9, LOWER_ALPHANUMERIC));
    if !ids.contains(&unused) {
        ids.push(unused);
    }
    ids.iter()
        .enumerate()
        .map(|(position, id)| group(id, position))
        .collect()
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    result: Vec<&'a IpGroup>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let ids = request.strings("GroupIds")?;
    let max_results = request
        .integer("MaxResults")?
        .unwrap_or(DEFAULT_MAX_RESULTS);
    let next_token = request.string("NextToken")?;
    let pager = call.pager(next_token)?;
    let groups = ip_groups_of(call.fleet, call.region);
    let (result, next_token) = pager.page(&groups, max_results as usize, |g| {
        ids.as_ref()
            .is_none_or(|ids| ids.contains(&g.group_id.as_str()))
    });
    Structure::computed(&Output { result, next_token })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::model;

    fn call(fleet: &Fleet, body: Value) -> Result<Value, ApiError> {
        let call = Call::new("us-east-1", "DescribeIpGroups", &body, fleet);
        crate::operations::answer(&call)
    }

    fn ids(answer: &Value) -> Vec<String> {
        answer["Result"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|g| g["groupId"].as_str().map(str::to_string))
            .collect()
    }

    #[test]
    fn every_directorys_groups_exist_and_some_admit_any_address() {
        let fleet = Fleet::seeded(6, &["us-east-1", "eu-west-1"], 600);
        for region in fleet.regions() {
            let groups = ip_groups_of(&fleet, region);
            let named: Vec<&String> = fleet
                .directories(region)
                .iter()
                .flat_map(|d| d.ip_group_ids.iter().flatten())
                .collect();
            assert!(!named.is_empty());
            for id in &named {
                assert!(groups.iter().any(|g| &&g.group_id == id), "{id}");
            }
            assert_eq!(groups.len(), {
                let mut unique = named.clone();
                unique.sort();
                unique.dedup();
                unique.len() + 1
            });
            assert!(groups[0].admits_any_address());
            assert!(groups.iter().any(|g| !g.admits_any_address()));
            let shape = model::workspaces().string("IpGroupId");
            assert!(groups.iter().all(|g| shape.matches(&g.group_id)));
            assert!(groups.iter().all(|g| !g.user_rules.is_empty()));
        }
        assert_ne!(
            ip_groups_of(&fleet, "us-east-1"),
            ip_groups_of(&fleet, "eu-west-1")
        );
        assert!(ip_groups_of(&Fleet::empty(&["us-east-1"]), "us-east-1").is_empty());
    }

    #[test]
    fn pages_and_selects_by_id() {
        let fleet = Fleet::seeded(6, &["us-east-1"], 900);
        let all: Vec<String> = ip_groups_of(&fleet, "us-east-1")
            .into_iter()
            .map(|g| g.group_id)
            .collect();
        assert!(all.len() > 3, "{all:?}");
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({"MaxResults": 2});
            if let Some(t) = &token {
                body["NextToken"] = json!(t);
            }
            let page = call(&fleet, body).expect("a page");
            assert!(ids(&page).len() <= 2);
            seen.extend(ids(&page));
            match page["NextToken"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        assert_eq!(seen, all);
        let page = call(
            &fleet,
            json!({"GroupIds": [all[2], "wsipg-zzzzzzzzz", all[0]]}),
        )
        .expect("by id");
        assert_eq!(ids(&page), vec![all[0].clone(), all[2].clone()]);
        let first = &page["Result"][0];
        assert!(first["userRules"][0]["ipRule"].is_string(), "{first}");
        assert!(first["groupName"].is_string());
    }

    #[test]
    fn validation() {
        let fleet = Fleet::seeded(6, &["us-east-1"], 10);
        for body in [
            json!({"MaxResults": 0}),
            json!({"MaxResults": 26}),
            json!({"GroupIds": ["wsipg-1"]}),
        ] {
            let err = call(&fleet, body.clone()).expect_err(&body.to_string());
            assert_eq!(err.code, "ValidationException", "{body}");
        }
    }
}
