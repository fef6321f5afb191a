//! `workspaces_pool_sessions`: `DescribeWorkspacesPoolSessions` as a table.
//!
//! The operation needs a `PoolId`, so a scan either calls the pools its predicates (or a join's
//! build side) name, one chain each, or lists the region's pools first and fans out over them;
//! either way a few chains at a time.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `pool_id = 'x'`, `IN (...)`, OR-chains | one chain per pool, no pool listing | exact |
//! | `user_id = 'x'` | `UserId` | exact |
//! | `region = 'x'`, `IN (...)` | only those regions are called | exact |
//! | `LIMIT n` (every filter exact) | `Limit` up to 50, paging stops at n rows | |
//! | join on `pool_id` | the build side's pool ids, as for `pool_id IN` | |

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::types::WorkspacesPoolSession;
use futures::stream::BoxStream;
use futures::{StreamExt, TryFutureExt};

use crate::error::{Result, is_not_found};
use crate::paging::Page;
use crate::scan::{
    ColumnDef, Columns, DescribeTable, Pushable, REQUEST_CONCURRENCY, Restrictions, TargetApi,
};
use crate::tables::patterns::{has_length, is_pool_id};
use crate::tables::pools::{PoolsRequest, pool_pages};

const OPERATION: &str = "DescribeWorkspacesPoolSessions";
/// Most sessions one page may hold (`Limit50`).
pub(crate) const MAX_PAGE_SIZE: usize = 50;

const POOL_ID: Pushable = Pushable {
    column: "pool_id",
    possible: is_pool_id,
};
const USER_ID: Pushable = Pushable {
    column: "user_id",
    possible: |s| has_length(s, 2, 128),
};

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
            }),
            ColumnDef::text("eni_private_ip_address", |s: &S| {
                s.network_access_configuration()
                    .and_then(|n| n.eni_private_ip_address())
            }),
        ],
    )
});

/// One request chain of a sessions scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SessionsRequest {
    /// The sessions of one pool.
    Pool {
        /// `PoolId`.
        pool_id: String,
        /// `UserId`.
        user_id: Option<String>,
        /// `Limit`, 1 to 50.
        limit: i32,
    },
    /// The region's pools listed first, then the sessions of each.
    EveryPool {
        /// `UserId` of every sessions request.
        user_id: Option<String>,
        /// `Limit` of every sessions request.
        limit: i32,
    },
}

fn parameters(pool_id: &str, user_id: Option<&str>, limit: i32) -> String {
    let user = user_id
        .map(|u| format!("UserId: {u}, "))
        .unwrap_or_default();
    format!("{{PoolId: {pool_id}, {user}Limit: {limit}}}")
}

impl fmt::Display for SessionsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionsRequest::Pool {
                pool_id,
                user_id,
                limit,
            } => write!(f, "{}", parameters(pool_id, user_id.as_deref(), *limit)),
            SessionsRequest::EveryPool { user_id, limit } => write!(
                f,
                "DescribeWorkspacesPools {}, then per pool {}",
                PoolsRequest::every_pool(),
                parameters("<each>", user_id.as_deref(), *limit)
            ),
        }
    }
}

impl DescribeTable for PoolSessions {
    type Item = WorkspacesPoolSession;
    type Request = SessionsRequest;
    const NAME: &'static str = "workspaces_pool_sessions";
    const EXEC: &'static str = "WorkspacesPoolSessionsExec";
    const PUSHABLE: &'static [Pushable] = &[POOL_ID, USER_ID];
    const JOIN_KEYS: &'static [&'static str] = &["pool_id"];

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn value<'a>(item: &'a Self::Item, column: &str) -> Option<&'a str> {
        match column {
            "pool_id" => Some(item.pool_id()),
            "user_id" => Some(item.user_id()),
            _ => None,
        }
    }

    fn requests(restrictions: &Restrictions) -> Vec<SessionsRequest> {
        let user_id = restrictions.single(USER_ID.column).map(String::from);
        let limit = restrictions.page_size(MAX_PAGE_SIZE);
        match restrictions.values(POOL_ID.column) {
            Some(ids) => ids
                .iter()
                .map(|pool_id| SessionsRequest::Pool {
                    pool_id: pool_id.clone(),
                    user_id: user_id.clone(),
                    limit,
                })
                .collect(),
            None => vec![SessionsRequest::EveryPool { user_id, limit }],
        }
    }

    fn pages(
        api: &TargetApi,
        request: SessionsRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        match request {
            SessionsRequest::Pool {
                pool_id,
                user_id,
                limit,
            } => pool_sessions(api, pool_id, user_id, limit),
            SessionsRequest::EveryPool { user_id, limit } => {
                every_pool_sessions(api.clone(), user_id, limit)
            }
        }
    }
}

/// Lists the region's pools and reads the sessions of each, a few pools at a time.
fn every_pool_sessions(
    api: TargetApi,
    user_id: Option<String>,
    limit: i32,
) -> BoxStream<'static, Result<Vec<WorkspacesPoolSession>>> {
    pool_pages(&api, PoolsRequest::every_pool())
        .map(move |page| match page {
            Ok(pools) => {
                let api = api.clone();
                let user_id = user_id.clone();
                futures::stream::iter(pools)
                    .map(move |pool| pool_sessions(&api, pool.pool_id, user_id.clone(), limit))
                    .boxed()
            }
            Err(e) => {
                let failed: BoxStream<'static, Result<Vec<WorkspacesPoolSession>>> =
                    futures::stream::once(async { Err(e) }).boxed();
                futures::stream::once(async { failed }).boxed()
            }
        })
        .flatten()
        .flatten_unordered(REQUEST_CONCURRENCY)
        .boxed()
}

/// The pages of one pool's sessions. A pool that does not exist in the region (named by a
/// predicate, or gone since it was listed) has none.
fn pool_sessions(
    api: &TargetApi,
    pool_id: String,
    user_id: Option<String>,
    limit: i32,
) -> BoxStream<'static, Result<Vec<WorkspacesPoolSession>>> {
    let parameters = parameters(&pool_id, user_id.as_deref(), limit);
    api.paginate(OPERATION, parameters, move |client, counter, token| {
        client
            .describe_workspaces_pool_sessions()
            .pool_id(pool_id.clone())
            .set_user_id(user_id.clone())
            .limit(limit)
            .set_next_token(token)
            .customize()
            .interceptor(counter)
            .send()
            .map_ok(|output| Page::from_response(output.sessions, output.next_token))
            .or_else(|e| async move {
                match is_not_found(&e) {
                    true => Ok(Page::from_response(None, None)),
                    false => Err(e),
                }
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
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
            .map(|p| SessionsRequest::Pool {
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
        let got = requests(&[], Some(7));
        assert_eq!(
            got,
            vec![SessionsRequest::EveryPool {
                user_id: None,
                limit: 7
            }]
        );
        assert!(
            got[0]
                .to_string()
                .starts_with("DescribeWorkspacesPools {Limit: 25}")
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
        let got = requests(
            &[col("user_id").in_list(vec![lit("ab"), lit("cd")], false)],
            None,
        );
        assert_eq!(
            got,
            vec![SessionsRequest::EveryPool {
                user_id: None,
                limit: 50
            }]
        );
    }
}
