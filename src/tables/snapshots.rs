//! `workspaces_snapshots`: `DescribeWorkspaceSnapshots` as a table, one row per snapshot of a
//! personal WorkSpace.
//!
//! The operation answers one WorkSpace (its required `WorkspaceId`) with two lists, the
//! snapshots it can be rebuilt from (the user volume) and those it can be restored from (root
//! and user volumes); the table makes them one list with a `kind` column (`REBUILD` or
//! `RESTORE`). The WorkSpaces come from a predicate or a join on `workspace_id`, else from
//! `workspaces`, listed first; one call each, a few at a time. A WorkSpace that is gone has no
//! snapshots.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `workspace_id =`, `IN (...)`, OR-chains | `WorkspaceId`, one call each; without it, every parent is listed first | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `workspace_id` (this table on the probe side) | the build side's values, as for `workspace_id IN (...)` | exact |
//! | no predicate or join on `workspace_id` | `DescribeWorkspaces` lists the parents first, then one request chain per parent |  |
//! | `LIMIT n` (when every filter is exact) | paging stops at n rows |  |

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::types::Snapshot;
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, Parent, Pushable, Restrictions, TargetApi};
use crate::tables::gone::none_when_gone;
use crate::tables::patterns::is_workspace_id;
use crate::tables::workspaces::Workspaces;

const OPERATION: &str = "DescribeWorkspaceSnapshots";
/// `kind` of a snapshot from `RebuildSnapshots`.
pub(crate) const REBUILD: &str = "REBUILD";
/// `kind` of a snapshot from `RestoreSnapshots`.
pub(crate) const RESTORE: &str = "RESTORE";

const WORKSPACE_ID: Pushable = Pushable::new(
    "workspace_id",
    is_workspace_id,
    "`WorkspaceId`, one call each",
    "ws-abcdefgh1",
);

/// `DescribeWorkspaceSnapshots`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct Snapshots;

/// One snapshot, with the WorkSpace it is of and the list it came in.
#[derive(Debug, Clone)]
pub(crate) struct SnapshotRow {
    /// The request's `WorkspaceId`.
    pub workspace_id: String,
    /// [`REBUILD`] or [`RESTORE`].
    pub kind: &'static str,
    /// The snapshot.
    pub snapshot: Snapshot,
}

static COLUMNS: LazyLock<Columns<SnapshotRow>> = LazyLock::new(|| {
    type R = SnapshotRow;
    Columns::new(
        OPERATION,
        |r: &R| Some(r.workspace_id.as_str()),
        vec![
            ColumnDef::text("workspace_id", |r: &R| Some(r.workspace_id.as_str()))
                .not_null()
                .about("The WorkSpace the snapshot is of (the request's WorkspaceId)."),
            ColumnDef::text("kind", |r: &R| Some(r.kind))
                .not_null()
                .about(
                    "REBUILD: a snapshot of the user volume the WorkSpace can be rebuilt from \
                     (RebuildSnapshots); RESTORE: of the root and user volumes, which it can be \
                     restored from (RestoreSnapshots).",
                ),
            ColumnDef::time("snapshot_time", |r: &R| r.snapshot.snapshot_time()),
        ],
    )
});

/// The parameters of one `DescribeWorkspaceSnapshots` call: one WorkSpace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SnapshotsRequest {
    /// `WorkspaceId`.
    pub workspace_id: String,
}

impl fmt::Display for SnapshotsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{WorkspaceId: {}}}", self.workspace_id)
    }
}

/// The rows of one answer: rebuild snapshots, then restore snapshots.
fn rows(
    workspace_id: &str,
    rebuild: Option<Vec<Snapshot>>,
    restore: Option<Vec<Snapshot>>,
) -> Vec<SnapshotRow> {
    let of = |kind: &'static str, snapshots: Option<Vec<Snapshot>>| {
        snapshots
            .unwrap_or_default()
            .into_iter()
            .map(move |snapshot| SnapshotRow {
                workspace_id: workspace_id.to_string(),
                kind,
                snapshot,
            })
    };
    of(REBUILD, rebuild).chain(of(RESTORE, restore)).collect()
}

impl DescribeTable for Snapshots {
    type Item = SnapshotRow;
    type Request = SnapshotsRequest;
    const NAME: &'static str = "workspaces_snapshots";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "Snapshot";
    const ROW: &'static str = "one row per snapshot of a personal WorkSpace, rebuild or restore";
    const PUSHABLE: &'static [Pushable] = &[WORKSPACE_ID];
    const JOIN_KEYS: &'static [&'static str] = &["workspace_id"];

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn parent() -> Option<Parent> {
        Some(Parent::rows_of::<Workspaces>(
            "workspace_id",
            "workspace_id",
        ))
    }

    fn requests(restrictions: &Restrictions) -> Vec<SnapshotsRequest> {
        let ids = restrictions
            .values(WORKSPACE_ID.column)
            .into_iter()
            .flatten();
        ids.map(|workspace_id| SnapshotsRequest {
            workspace_id: workspace_id.clone(),
        })
        .collect()
    }

    fn pages(
        api: &TargetApi,
        request: SnapshotsRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        let parameters = request.to_string();
        // Not paged: the one answer is the chain's only page.
        none_when_gone(api.paginate(OPERATION, parameters, move |client, _| {
            let workspace_id = request.workspace_id.clone();
            client
                .describe_workspace_snapshots()
                .workspace_id(&workspace_id)
                .send()
                .map_ok(move |output| {
                    let rows = rows(
                        &workspace_id,
                        output.rebuild_snapshots,
                        output.restore_snapshots,
                    );
                    Page::from_response(Some(rows), None)
                })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::describe_requests;
    use aws_smithy_types::DateTime;
    use datafusion::logical_expr::{col, lit};

    #[test]
    fn one_call_per_named_workspace() {
        let r = Snapshots::rules().fold(
            &[col("workspace_id").in_list(vec![lit("ws-bbbbbbbb"), lit("ws-aaaaaaaa")], false)],
            None,
        );
        let got: Vec<String> = Snapshots::requests(&r)
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(
            got,
            ["{WorkspaceId: ws-aaaaaaaa}", "{WorkspaceId: ws-bbbbbbbb}"]
        );
        assert!(
            Snapshots::rules()
                .fold(&[col("workspace_id").eq(lit("ws-X"))], None)
                .matches_nothing
        );
    }

    #[test]
    fn without_workspace_ids_the_workspaces_are_listed_first() {
        let r = Snapshots::rules().fold(&[col("kind").eq(lit(RESTORE))], None);
        assert_eq!(
            describe_requests::<Snapshots>(&r),
            "[DescribeWorkspaces {Limit: 25}, then for each workspace_id: {WorkspaceId: <each>}]"
        );
    }

    #[test]
    fn both_lists_become_rows_with_their_kind() {
        let at = |secs| {
            Snapshot::builder()
                .snapshot_time(DateTime::from_secs(secs))
                .build()
        };
        let rows = rows("ws-abcdefgh", Some(vec![at(2), at(1)]), Some(vec![at(3)]));
        let kinds: Vec<(&str, i64)> = rows
            .iter()
            .map(|r| (r.kind, r.snapshot.snapshot_time().map_or(0, |t| t.secs())))
            .collect();
        assert_eq!(kinds, [(REBUILD, 2), (REBUILD, 1), (RESTORE, 3)]);
        assert!(rows.iter().all(|r| r.workspace_id == "ws-abcdefgh"));
        assert!(super::rows("ws-abcdefgh", None, None).is_empty());
    }
}
