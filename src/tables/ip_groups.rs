//! `workspaces_ip_groups`: `DescribeIpGroups` as a table, one row per IP access control group,
//! its rules as a list of `{ip_rule, rule_desc}` records.
//!
//! A directory names its groups in `workspaces_directories.ip_group_ids`; `unnest` it to join
//! the two (`queries/ip_access_audit.sql` does). The model sets no bound on `GroupIds`, so all
//! the ids of a scan go in one request.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `group_id =`, `IN (...)`, OR-chains | `GroupIds` (every id in one request) | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `group_id` (this table on the probe side) | the build side's values, as for `group_id IN (...)` | exact |
//! | `LIMIT n` (when every filter is exact) | `MaxResults` up to 25; paging stops at n rows |  |

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::types::WorkspacesIpGroup;
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, Pushable, Restrictions, TargetApi};

const OPERATION: &str = "DescribeIpGroups";
/// Most groups one page may hold (`Limit`).
pub(crate) const MAX_PAGE_SIZE: usize = 25;

const GROUP_ID: Pushable = Pushable::new(
    "group_id",
    is_ip_group_id,
    "`GroupIds` (every id in one request)",
    "wsipg-abcdefgh1",
);

/// `wsipg-[0-9a-z]{8,63}$` (`IpGroupId`), which the model does not anchor at the start: a value
/// ending in such an id matches.
pub(crate) fn is_ip_group_id(s: &str) -> bool {
    s.rfind("wsipg-").is_some_and(|at| {
        let id = &s[at + "wsipg-".len()..];
        (8..=63).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    })
}

/// `DescribeIpGroups`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct IpGroups;

static COLUMNS: LazyLock<Columns<WorkspacesIpGroup>> = LazyLock::new(|| {
    type G = WorkspacesIpGroup;
    Columns::new(
        OPERATION,
        |g: &G| g.group_id(),
        vec![
            ColumnDef::text("group_id", |g: &G| g.group_id()).member("groupId"),
            ColumnDef::text("group_name", |g: &G| g.group_name()).member("groupName"),
            ColumnDef::text("group_desc", |g: &G| g.group_desc()).member("groupDesc"),
            ColumnDef::records("user_rules", &["ip_rule", "rule_desc"], |g: &G| {
                g.user_rules.as_ref().map(|rules| {
                    rules
                        .iter()
                        .map(|r| vec![r.ip_rule(), r.rule_desc()])
                        .collect()
                })
            })
            .member("userRules"),
        ],
    )
});

/// The parameters of one `DescribeIpGroups` chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IpGroupsRequest {
    /// `GroupIds`; every group when `None`.
    pub group_ids: Option<Vec<String>>,
    /// `MaxResults`, 1 to 25.
    pub max_results: i32,
}

impl fmt::Display for IpGroupsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        if let Some(ids) = &self.group_ids {
            write!(f, "GroupIds: [{}], ", ids.join(", "))?;
        }
        write!(f, "MaxResults: {}}}", self.max_results)
    }
}

impl DescribeTable for IpGroups {
    type Item = WorkspacesIpGroup;
    type Request = IpGroupsRequest;
    const NAME: &'static str = "workspaces_ip_groups";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "WorkspacesIpGroup";
    const ROW: &'static str = "one row per IP access control group, its rules as records";
    const PUSHABLE: &'static [Pushable] = &[GROUP_ID];
    const JOIN_KEYS: &'static [&'static str] = &["group_id"];
    const PAGE_LIMIT: Option<(&'static str, usize)> = Some(("MaxResults", MAX_PAGE_SIZE));

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn requests(restrictions: &Restrictions) -> Vec<IpGroupsRequest> {
        let group_ids = restrictions
            .values(GROUP_ID.column)
            .map(|ids| ids.iter().cloned().collect());
        vec![IpGroupsRequest {
            group_ids,
            max_results: restrictions.page_size(MAX_PAGE_SIZE),
        }]
    }

    fn pages(
        api: &TargetApi,
        request: IpGroupsRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        api.paginate(OPERATION, request.to_string(), move |client, token| {
            client
                .describe_ip_groups()
                .set_group_ids(request.group_ids.clone())
                .max_results(request.max_results)
                .set_next_token(token)
                .send()
                .map_ok(|output| Page::from_response(output.result, output.next_token))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{col, lit};
    use datafusion::prelude::Expr;

    fn requests(filters: &[Expr], limit: Option<usize>) -> Vec<String> {
        let r = IpGroups::rules().fold(filters, limit);
        IpGroups::requests(&r)
            .iter()
            .map(|r| r.to_string())
            .collect()
    }

    #[test]
    fn every_id_goes_in_one_request() {
        let ids: Vec<Expr> = (0..40).map(|i| lit(format!("wsipg-{i:09}"))).collect();
        let r = IpGroups::rules().fold(&[col("group_id").in_list(ids, false)], None);
        let got = IpGroups::requests(&r);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].group_ids.as_ref().map(Vec::len), Some(40));
        assert_eq!(requests(&[], None), ["{MaxResults: 25}"]);
        assert_eq!(
            requests(&[col("group_id").eq(lit("wsipg-abcdefgh"))], Some(3)),
            ["{GroupIds: [wsipg-abcdefgh], MaxResults: 3}"]
        );
    }

    #[test]
    fn group_ids_follow_the_unanchored_pattern() {
        assert!(is_ip_group_id("wsipg-abcdefgh"));
        assert!(
            is_ip_group_id("xwsipg-abcdefgh"),
            "not anchored at the start"
        );
        assert!(!is_ip_group_id("wsipg-abcdefg"));
        assert!(!is_ip_group_id("wsipg-ABCDEFGH"));
        assert!(!is_ip_group_id("wsipg-abcdefgh-"));
        assert!(!is_ip_group_id(""));
        let r = IpGroups::rules().fold(&[col("group_id").eq(lit("wsipg-1"))], None);
        assert!(r.matches_nothing);
    }
}
