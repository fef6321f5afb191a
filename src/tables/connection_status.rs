//! `workspaces_connection_status`: `DescribeWorkspacesConnectionStatus` as a table, one row per
//! personal WorkSpace: whether a user is connected, and when one last was.
//!
//! Without `WorkspaceIds` the operation answers every WorkSpace of the region itself, page by
//! page, so the table needs no listing of `workspaces` first; with ids (a predicate, or a join's
//! build side: `workspaces JOIN workspaces_connection_status USING (workspace_id)`) it asks for
//! those, 25 a request.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `workspace_id =`, `IN (...)`, OR-chains | `WorkspaceIds` (25 a request) | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `workspace_id` (this table on the probe side) | the build side's values, as for `workspace_id IN (...)` | exact |
//! | `LIMIT n` (when every filter is exact) | paging stops at n rows |  |

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::types::WorkspaceConnectionStatus;
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, Pushable, Restrictions, TargetApi};
use crate::tables::patterns::is_workspace_id;

const OPERATION: &str = "DescribeWorkspacesConnectionStatus";
/// Most ids one request may carry (`WorkspaceIdList`).
pub(crate) const MAX_WORKSPACE_IDS: usize = 25;

const WORKSPACE_ID: Pushable = Pushable::new(
    "workspace_id",
    is_workspace_id,
    "`WorkspaceIds` (25 a request)",
    "ws-abcdefgh1",
);

/// `DescribeWorkspacesConnectionStatus`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct ConnectionStatus;

static COLUMNS: LazyLock<Columns<WorkspaceConnectionStatus>> = LazyLock::new(|| {
    type S = WorkspaceConnectionStatus;
    Columns::new(
        OPERATION,
        |s: &S| s.workspace_id(),
        vec![
            ColumnDef::text("workspace_id", |s: &S| s.workspace_id()),
            ColumnDef::text("connection_state", |s: &S| {
                s.connection_state().map(|c| c.as_str())
            }),
            ColumnDef::time("connection_state_check_timestamp", |s: &S| {
                s.connection_state_check_timestamp()
            }),
            ColumnDef::time("last_known_user_connection_timestamp", |s: &S| {
                s.last_known_user_connection_timestamp()
            }),
        ],
    )
});

/// The parameters of one `DescribeWorkspacesConnectionStatus` chain: every WorkSpace of the
/// region (`None`), or up to 25 of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConnectionStatusRequest {
    /// `WorkspaceIds`.
    pub workspace_ids: Option<Vec<String>>,
}

impl fmt::Display for ConnectionStatusRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.workspace_ids {
            Some(ids) => write!(f, "{{WorkspaceIds: [{}]}}", ids.join(", ")),
            None => write!(f, "{{}}"),
        }
    }
}

impl DescribeTable for ConnectionStatus {
    type Item = WorkspaceConnectionStatus;
    type Request = ConnectionStatusRequest;
    const NAME: &'static str = "workspaces_connection_status";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "WorkspaceConnectionStatus";
    const ROW: &'static str =
        "one row per personal WorkSpace: its connection state and last user connection";
    const PUSHABLE: &'static [Pushable] = &[WORKSPACE_ID];
    const JOIN_KEYS: &'static [&'static str] = &["workspace_id"];

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn requests(restrictions: &Restrictions) -> Vec<ConnectionStatusRequest> {
        let Some(ids) = restrictions.values(WORKSPACE_ID.column) else {
            return vec![ConnectionStatusRequest {
                workspace_ids: None,
            }];
        };
        let ids: Vec<String> = ids.iter().cloned().collect();
        ids.chunks(MAX_WORKSPACE_IDS)
            .map(|chunk| ConnectionStatusRequest {
                workspace_ids: Some(chunk.to_vec()),
            })
            .collect()
    }

    fn pages(
        api: &TargetApi,
        request: ConnectionStatusRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        api.paginate(OPERATION, request.to_string(), move |client, token| {
            client
                .describe_workspaces_connection_status()
                .set_workspace_ids(request.workspace_ids.clone())
                .set_next_token(token)
                .send()
                .map_ok(|output| {
                    Page::from_response(output.workspaces_connection_status, output.next_token)
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{col, lit};
    use datafusion::prelude::Expr;

    fn requests(filters: &[Expr]) -> Vec<String> {
        let r = ConnectionStatus::rules().fold(filters, None);
        ConnectionStatus::requests(&r)
            .iter()
            .map(|r| r.to_string())
            .collect()
    }

    #[test]
    fn without_ids_the_operation_lists_every_workspace() {
        assert_eq!(requests(&[]), vec!["{}"]);
        assert_eq!(
            requests(&[col("connection_state").eq(lit("CONNECTED"))]),
            vec!["{}"]
        );
    }

    #[test]
    fn ids_are_sent_25_a_request() {
        let ids: Vec<Expr> = (0..30).map(|i| lit(format!("ws-{i:08}"))).collect();
        let got = ConnectionStatus::requests(
            &ConnectionStatus::rules().fold(&[col("workspace_id").in_list(ids, false)], None),
        );
        let sizes: Vec<usize> = got
            .iter()
            .map(|r| r.workspace_ids.as_ref().map_or(0, Vec::len))
            .collect();
        assert_eq!(sizes, vec![25, 5]);
        assert_eq!(
            requests(&[col("workspace_id").eq(lit("ws-abcdefgh"))]),
            vec!["{WorkspaceIds: [ws-abcdefgh]}"]
        );
    }

    #[test]
    fn impossible_ids_match_nothing() {
        for value in ["ws-ABCDEFGH", "ws-1", "wsabcdefgh", ""] {
            let r = ConnectionStatus::rules().fold(&[col("workspace_id").eq(lit(value))], None);
            assert!(r.matches_nothing, "{value}");
        }
    }
}
