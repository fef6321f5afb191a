//! `workspaces_snapshots`: named WorkSpaces are called one each without a listing, otherwise
//! every WorkSpace is listed and called; a join narrows the calls; gone WorkSpaces answer
//! nothing; the rows are the fleet's rebuild and restore snapshots.

use wsql_emulator::snapshots::snapshots_of;

use super::{SNAPSHOTS, join_calls, sent};
use crate::support::{REGION, WORKSPACES, harness, quoted};

const TABLE: &str = "workspaces_snapshots";

#[tokio::test]
async fn every_workspaces_snapshots_with_their_kind() {
    let h = harness(30).await;
    let workspaces = h.emulator.fleet().workspaces(REGION);
    let mut expected = Vec::new();
    for w in workspaces {
        let snapshots = snapshots_of(w, REGION, h.emulator.now());
        for (kind, list) in [
            ("REBUILD", &snapshots.rebuild_snapshots),
            ("RESTORE", &snapshots.restore_snapshots),
        ] {
            for s in list {
                expected.push(format!("{}|{kind}|{}", w.workspace_id, s.snapshot_time));
            }
        }
    }
    expected.sort();
    assert!(expected.len() > 3, "{expected:?}");
    h.clear();
    let rows = h
        .rows(&format!(
            "SELECT workspace_id, kind, CAST(to_unixtime(snapshot_time) AS BIGINT) FROM {TABLE}"
        ))
        .await;
    assert_eq!(rows, expected);
    assert_eq!(h.calls(WORKSPACES).len(), 1, "the WorkSpaces listed first");
    assert_eq!(
        h.calls(SNAPSHOTS).len(),
        workspaces.len(),
        "then one call each"
    );
    let reference = h.rows(&format!("SELECT * FROM {TABLE}_reference")).await;
    assert_eq!(h.rows(&format!("SELECT * FROM {TABLE}")).await, reference);
}

#[tokio::test]
async fn named_workspaces_are_called_one_each_without_a_listing() {
    let h = harness(30).await;
    let ids = h
        .strings(&format!(
            "SELECT DISTINCT workspace_id FROM {TABLE}_reference ORDER BY 1 LIMIT 2"
        ))
        .await;
    assert_eq!(ids.len(), 2, "WorkSpaces with snapshots");
    let (rows, calls) = h
        .equivalent(
            TABLE,
            SNAPSHOTS,
            &format!("workspace_id IN ({})", quoted(&ids)),
        )
        .await;
    assert!(!rows.is_empty());
    assert_eq!(calls.len(), 2);
    h.clear();
    h.rows(&format!(
        "SELECT * FROM {TABLE} WHERE workspace_id IN ({}) AND kind = 'RESTORE'",
        quoted(&ids)
    ))
    .await;
    assert!(
        h.calls(WORKSPACES).is_empty(),
        "no listing for named WorkSpaces"
    );
    assert_eq!(sent(&h, SNAPSHOTS, "WorkspaceId"), ids);
}

#[tokio::test]
async fn a_join_calls_only_the_build_sides_workspaces() {
    let h = harness(30).await;
    // A WorkSpace with snapshots, named by its computer name rather than by the join key (a
    // predicate on the key would reach the snapshots as one of their own).
    let computer = h
        .strings(&format!(
            "SELECT w.computer_name FROM workspaces_reference w \
             JOIN (SELECT DISTINCT workspace_id FROM {TABLE}_reference) s USING (workspace_id) \
             WHERE w.computer_name IS NOT NULL ORDER BY 1 LIMIT 1"
        ))
        .await
        .remove(0);
    let select = "SELECT w.workspace_id, s.kind, s.snapshot_time";
    let (on, off) = join_calls(
        &h,
        &format!(
            "{select} FROM workspaces w JOIN {TABLE} s USING (workspace_id) \
             WHERE w.computer_name = '{computer}'"
        ),
        &format!(
            "{select} FROM workspaces_reference w JOIN {TABLE}_reference s USING (workspace_id) \
             WHERE w.computer_name = '{computer}'"
        ),
        SNAPSHOTS,
    )
    .await;
    let workspaces = h.emulator.fleet().workspaces(REGION).len();
    assert_eq!(on, 1);
    assert_eq!(
        off, workspaces,
        "without the join filter every WorkSpace is called"
    );
}

#[tokio::test]
async fn a_gone_workspace_answers_no_rows_and_no_error() {
    let h = harness(30).await;
    let (rows, calls) = h
        .equivalent(TABLE, SNAPSHOTS, "workspace_id = 'ws-zzzzzzzzz'")
        .await;
    assert!(rows.is_empty());
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].status, 400,
        "ResourceNotFoundException, read as no rows"
    );
}

#[tokio::test]
async fn impossible_ids_make_no_call() {
    let h = harness(10).await;
    for condition in [
        "workspace_id = 'ws-X'",
        "workspace_id = ''",
        "workspace_id IN ('x', 'y')",
    ] {
        h.clear();
        let rows = h
            .rows(&format!("SELECT * FROM {TABLE} WHERE {condition}"))
            .await;
        assert!(rows.is_empty());
        assert_eq!(h.all_calls(), 0, "{condition}");
    }
}
