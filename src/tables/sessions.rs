//! `workspaces_pool_sessions`: `DescribeWorkspacesPoolSessions` as a table, one row per
//! session.
//!
//! The operation needs a `PoolId`, so a scan either calls the pools its predicates (or a join's
//! build side) name, one chain each, or lists the target's pools first and makes one chain per
//! pool as they are listed; either way a few chains at a time. A pool that does not exist (named
//! by a predicate, or gone since it was listed) has no sessions.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `pool_id =`, `IN (...)`, OR-chains | `PoolId`, one chain each; without it, every parent is listed first | exact |
//! | `user_id =`, `IN (...)`, OR-chains | `UserId`, when there is one | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `pool_id` (this table on the probe side) | the build side's values, as for `pool_id IN (...)` | exact |
//! | no predicate or join on `pool_id` | `DescribeWorkspacesPools` lists the parents first, then one request chain per parent |  |
//! | `LIMIT n` (when every filter is exact) | `Limit` up to 50; paging stops at n rows |  |

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::types::WorkspacesPoolSession;
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, Parent, Pushable, Restrictions, TargetApi};
use crate::tables::gone::none_when_gone;
use crate::tables::patterns::{has_length, is_pool_id};
use crate::tables::pools::Pools;

const OPERATION: &str = "DescribeWorkspacesPoolSessions";
/// Most sessions one page may hold (`Limit50`).
pub(crate) const MAX_PAGE_SIZE: usize = 50;

const POOL_ID: Pushable = Pushable::new(
    "pool_id",
    is_pool_id,
    "`PoolId`, one chain each",
    "wspool-abc123xyz",
);
const USER_ID: Pushable = Pushable::new(
    "user_id",
    |s| has_length(s, 2, 128),
    "`UserId`, when there is one",
    "alice",
);

/// `DescribeWorkspacesPoolSessions`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct PoolSessions;

static COLUMNS: LazyLock<Columns<WorkspacesPoolSession>> = LazyLock::new(|| {
    type S = WorkspacesPoolSession;
    Columns::new(
        OPERATION,
        |s: &WorkspacesPoolSession| Some(s.session_id()),
        vec![
            ColumnDef::text("pool_id", |s: &S| Some(s.pool_id())).not_null(),
            ColumnDef::text("session_id", |s: &S| Some(s.session_id())).not_null(),
            ColumnDef::text("user_id", |s: &S| Some(s.user_id())).not_null(),
            ColumnDef::text("authentication_type", |s: &S| {
                s.authentication_type().map(|a| a.as_str())
            }),
            ColumnDef::text("connection_state", |s: &S| {
                s.connection_state().map(|c| c.as_str())
            }),
            ColumnDef::text("instance_id", |s: &S| s.instance_id()),
            ColumnDef::time("start_time", |s: &S| s.start_time()),
            ColumnDef::time("expiration_time", |s: &S| s.expiration_time()),
            ColumnDef::text("eni_id", |s: &S| {
                s.network_access_configuration().and_then(|n| n.eni_id())
            })
            .member("NetworkAccessConfiguration.EniId"),
            ColumnDef::text("eni_private_ip_address", |s: &S| {
                s.network_access_configuration()
                    .and_then(|n| n.eni_private_ip_address())
            })
            .member("NetworkAccessConfiguration.EniPrivateIpAddress"),
        ],
    )
});

/// The parameters of one `DescribeWorkspacesPoolSessions` chain: the sessions of one pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SessionsRequest {
    /// `PoolId`.
    pub pool_id: String,
    /// `UserId`.
    pub user_id: Option<String>,
    /// `Limit`, 1 to 50.
    pub limit: i32,
}

impl fmt::Display for SessionsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{PoolId: {}, ", self.pool_id)?;
        if let Some(user) = &self.user_id {
            write!(f, "UserId: {user}, ")?;
        }
        write!(f, "Limit: {}}}", self.limit)
    }
}

impl DescribeTable for PoolSessions {
    type Item = WorkspacesPoolSession;
    type Request = SessionsRequest;
    const NAME: &'static str = "workspaces_pool_sessions";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "WorkspacesPoolSession";
    const ROW: &'static str = "one row per session of a WorkSpaces Pool";
    const PUSHABLE: &'static [Pushable] = &[POOL_ID, USER_ID];
    const JOIN_KEYS: &'static [&'static str] = &["pool_id"];
    const PAGE_LIMIT: Option<(&'static str, usize)> = Some(("Limit", MAX_PAGE_SIZE));

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn parent() -> Option<Parent> {
        Some(Parent::rows_of::<Pools>("pool_id", "pool_id"))
    }

    fn requests(restrictions: &Restrictions) -> Vec<SessionsRequest> {
        let user_id = restrictions.single(USER_ID.column).map(String::from);
        let limit = restrictions.page_size(MAX_PAGE_SIZE);
        let pools = restrictions.values(POOL_ID.column).into_iter().flatten();
        pools
            .map(|pool_id| SessionsRequest {
                pool_id: pool_id.clone(),
                user_id: user_id.clone(),
                limit,
            })
            .collect()
    }

    fn pages(
        api: &TargetApi,
        request: SessionsRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        let parameters = request.to_string();
        none_when_gone(api.paginate(OPERATION, parameters, move |client, token| {
            client
                .describe_workspaces_pool_sessions()
                .pool_id(request.pool_id.clone())
                .set_user_id(request.user_id.clone())
                .limit(request.limit)
                .set_next_token(token)
                .send()
                .map_ok(|output| Page::from_response(output.sessions, output.next_token))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::describe_requests;
    use datafusion::logical_expr::{col, lit};

    const A: &str = "wspool-aaaaaaaaa";
    const B: &str = "wspool-bbbbbbbbb";

    fn requests(
        filters: &[datafusion::prelude::Expr],
        limit: Option<usize>,
    ) -> Vec<SessionsRequest> {
        let r = PoolSessions::rules().fold(filters, limit);
        PoolSessions::requests(&r)
    }

    #[test]
    fn pool_ids_make_one_chain_each() {
        let got = requests(
            &[
                col("pool_id").in_list(vec![lit(B), lit(A)], false),
                col("user_id").eq(lit("alice")),
            ],
            None,
        );
        let expected: Vec<SessionsRequest> = [A, B]
            .iter()
            .map(|p| SessionsRequest {
                pool_id: p.to_string(),
                user_id: Some("alice".into()),
                limit: 50,
            })
            .collect();
        assert_eq!(got, expected);
        assert_eq!(
            got[0].to_string(),
            "{PoolId: wspool-aaaaaaaaa, UserId: alice, Limit: 50}"
        );
    }

    #[test]
    fn no_pool_predicate_fans_out_over_every_pool() {
        let r = PoolSessions::rules().fold(&[], Some(7));
        assert_eq!(
            describe_requests::<PoolSessions>(&r),
            "[DescribeWorkspacesPools {Limit: 25}, then for each pool_id: {PoolId: <each>, Limit: 7}]"
        );
    }

    #[test]
    fn impossible_values_match_nothing() {
        for filter in [
            col("pool_id").eq(lit("pool-1")),
            col("user_id").eq(lit("a")),
        ] {
            let r = PoolSessions::rules().fold(&[filter], None);
            assert!(r.matches_nothing);
        }
    }

    #[test]
    fn several_users_are_not_sent_but_rechecked() {
        let r = PoolSessions::rules().fold(
            &[col("user_id").in_list(vec![lit("ab"), lit("cd")], false)],
            None,
        );
        let got = PoolSessions::requests(&r.with_listed("pool_id", vec![A.to_string()]));
        assert_eq!(
            got,
            vec![SessionsRequest {
                pool_id: A.to_string(),
                user_id: None,
                limit: 50
            }]
        );
        assert!(r.values("user_id").is_some_and(|users| users.len() == 2));
    }
}
