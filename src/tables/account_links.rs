//! `workspaces_account_links`: `ListAccountLinks` (and `GetAccountLink`) as a table, one row per
//! BYOL account link an account is the source or the target of, in a region.
//!
//! Named links are read with `GetAccountLink`, one call per id (a link the account is not part
//! of, or that is gone, answers no row); otherwise `ListAccountLinks` lists them, with the link
//! statuses asked for as `LinkStatusFilter`. `GetAccountLink` also takes `LinkedAccountId` (the
//! other account of a link), which is not sent for a predicate on `source_account_id` or
//! `target_account_id`: it names one link per pair of accounts, and nothing documents that a
//! pair has only one, so such predicates are checked on the listed links instead.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `account_link_id =`, `IN (...)`, OR-chains | `GetAccountLink` `LinkId`, one call each | exact |
//! | `account_link_status =`, `IN (...)`, OR-chains | `LinkStatusFilter`, when no id is sent | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `account_link_id` (this table on the probe side) | the build side's values, as for `account_link_id IN (...)` | exact |
//! | `LIMIT n` (when every filter is exact) | `MaxResults` up to 25; paging stops at n rows |  |

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::types::{AccountLink, AccountLinkStatusEnum};
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, Pushable, Restrictions, TargetApi};
use crate::tables::gone::none_when_gone;

const OPERATION: &str = "ListAccountLinks";
/// The operation reading one link by id.
pub(crate) const GET_OPERATION: &str = "GetAccountLink";
/// Most links one page may hold (`MaxResults`).
pub(crate) const MAX_PAGE_SIZE: usize = 25;

const ACCOUNT_LINK_ID: Pushable = Pushable::new(
    "account_link_id",
    is_link_id,
    "`GetAccountLink` `LinkId`, one call each",
    "link-abcdefgh12345678",
);
const ACCOUNT_LINK_STATUS: Pushable = Pushable::new(
    "account_link_status",
    |s| AccountLinkStatusEnum::values().contains(&s),
    "`LinkStatusFilter`, when no id is sent",
    "LINKED",
);

/// `^link-.{8,24}$` (`LinkId`; ECMAScript's `.` is any character but a line terminator).
pub(crate) fn is_link_id(s: &str) -> bool {
    let line_terminator = |c: char| matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}');
    s.strip_prefix("link-").is_some_and(|rest| {
        (8..=24).contains(&rest.chars().count()) && !rest.chars().any(line_terminator)
    })
}

/// `ListAccountLinks`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct AccountLinks;

static COLUMNS: LazyLock<Columns<AccountLink>> = LazyLock::new(|| {
    type L = AccountLink;
    Columns::new(
        OPERATION,
        |l: &L| l.account_link_id(),
        vec![
            ColumnDef::text("account_link_id", |l: &L| l.account_link_id()),
            ColumnDef::text("account_link_status", |l: &L| {
                l.account_link_status().map(|s| s.as_str())
            }),
            ColumnDef::text("source_account_id", |l: &L| l.source_account_id()),
            ColumnDef::text("target_account_id", |l: &L| l.target_account_id()),
        ],
    )
});

/// One chain of the table: a listing, or one link by id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LinksRequest {
    /// `ListAccountLinks`.
    List {
        /// `LinkStatusFilter`.
        statuses: Option<Vec<String>>,
        /// `MaxResults`, 1 to 25.
        max_results: i32,
    },
    /// `GetAccountLink` with `LinkId`.
    Get(String),
}

impl fmt::Display for LinksRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LinksRequest::List {
                statuses,
                max_results,
            } => {
                write!(f, "{{")?;
                if let Some(statuses) = statuses {
                    write!(f, "LinkStatusFilter: [{}], ", statuses.join(", "))?;
                }
                write!(f, "MaxResults: {max_results}}}")
            }
            LinksRequest::Get(id) => write!(f, "{GET_OPERATION} {{LinkId: {id}}}"),
        }
    }
}

impl DescribeTable for AccountLinks {
    type Item = AccountLink;
    type Request = LinksRequest;
    const NAME: &'static str = "workspaces_account_links";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "AccountLink";
    const ROW: &'static str =
        "one row per BYOL account link an account is the source or the target of, per region";
    const PUSHABLE: &'static [Pushable] = &[ACCOUNT_LINK_ID, ACCOUNT_LINK_STATUS];
    const JOIN_KEYS: &'static [&'static str] = &["account_link_id"];
    const PAGE_LIMIT: Option<(&'static str, usize)> = Some(("MaxResults", MAX_PAGE_SIZE));

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn requests(restrictions: &Restrictions) -> Vec<LinksRequest> {
        if let Some(ids) = restrictions.values(ACCOUNT_LINK_ID.column) {
            return ids.iter().cloned().map(LinksRequest::Get).collect();
        }
        let statuses = restrictions
            .values(ACCOUNT_LINK_STATUS.column)
            .map(|s| s.iter().cloned().collect());
        vec![LinksRequest::List {
            statuses,
            max_results: restrictions.page_size(MAX_PAGE_SIZE),
        }]
    }

    fn pages(
        api: &TargetApi,
        request: LinksRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        let parameters = request.to_string();
        match request {
            LinksRequest::Get(id) => {
                none_when_gone(api.single_page(GET_OPERATION, &parameters, |client| {
                    client
                        .get_account_link()
                        .link_id(id)
                        .send()
                        .map_ok(|output| output.account_link.into_iter().collect())
                }))
            }
            LinksRequest::List {
                statuses,
                max_results,
            } => {
                let statuses: Option<Vec<AccountLinkStatusEnum>> = statuses.map(|s| {
                    s.iter()
                        .map(|s| AccountLinkStatusEnum::from(s.as_str()))
                        .collect()
                });
                api.paginate(OPERATION, parameters, move |client, token| {
                    client
                        .list_account_links()
                        .set_link_status_filter(statuses.clone())
                        .max_results(max_results)
                        .set_next_token(token)
                        .send()
                        .map_ok(|output| {
                            Page::from_response(output.account_links, output.next_token)
                        })
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{col, lit};
    use datafusion::prelude::Expr;

    fn requests(filters: &[Expr], limit: Option<usize>) -> Vec<String> {
        let r = AccountLinks::rules().fold(filters, limit);
        AccountLinks::requests(&r)
            .iter()
            .map(|r| r.to_string())
            .collect()
    }

    #[test]
    fn ids_are_read_one_by_one_and_win_over_statuses() {
        let got = requests(
            &[
                col("account_link_id")
                    .in_list(vec![lit("link-bbbbbbbb"), lit("link-aaaaaaaa")], false),
                col("account_link_status").eq(lit("LINKED")),
            ],
            None,
        );
        assert_eq!(
            got,
            [
                "GetAccountLink {LinkId: link-aaaaaaaa}",
                "GetAccountLink {LinkId: link-bbbbbbbb}"
            ]
        );
    }

    #[test]
    fn statuses_are_one_filter_and_limit_sets_max_results() {
        let got = requests(
            &[col("account_link_status").in_list(
                vec![lit("REJECTED"), lit("PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT")],
                false,
            )],
            Some(3),
        );
        assert_eq!(
            got,
            ["{LinkStatusFilter: [PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT, REJECTED], MaxResults: 3}"]
        );
        assert_eq!(requests(&[], None), ["{MaxResults: 25}"]);
    }

    #[test]
    fn impossible_ids_and_statuses_match_nothing() {
        for filter in [
            col("account_link_id").eq(lit("link-1")),
            col("account_link_id").eq(lit("lnk-abcdefgh")),
            col("account_link_status").eq(lit("ACCEPTED")),
            col("account_link_status").eq(lit("linked")),
        ] {
            assert!(AccountLinks::rules().fold(&[filter], None).matches_nothing);
        }
        assert!(is_link_id("link-abcdefgh"));
        assert!(is_link_id(&format!("link-{}", "x".repeat(24))));
        assert!(!is_link_id(&format!("link-{}", "x".repeat(25))));
    }
}
