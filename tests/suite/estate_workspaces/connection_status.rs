//! `workspaces_connection_status`: every WorkSpace without a listing of `workspaces`, ids 25 a
//! request, a join's WorkSpaces only, and the states and times the fleet's usage explains.

use wsql_emulator::Fleet;
use wsql_emulator::connection_status::connection_status;

use super::{CONNECTION_STATUS, join_calls, seconds, sent};
use crate::support::{REGION, WORKSPACES, harness, harness_with, quoted};

const TABLE: &str = "workspaces_connection_status";

/// Every column of the table, timestamps as epoch seconds.
const COLUMNS: &str = "workspace_id, connection_state, \
     CAST(to_unixtime(connection_state_check_timestamp) AS BIGINT), \
     CAST(to_unixtime(last_known_user_connection_timestamp) AS BIGINT)";

#[tokio::test]
async fn every_workspace_is_answered_as_its_usage_says_without_listing_workspaces() {
    let h = harness(30).await;
    let fleet = h.emulator.fleet();
    let mut expected: Vec<String> = fleet
        .workspaces(REGION)
        .iter()
        .map(|w| {
            let status = connection_status(w, REGION, h.emulator.now());
            let state = serde_json::to_value(status.connection_state).unwrap_or_default();
            format!(
                "{}|{}|{}|{}",
                status.workspace_id,
                state.as_str().unwrap_or_default(),
                seconds(status.connection_state_check_timestamp),
                seconds(status.last_known_user_connection_timestamp)
            )
        })
        .collect();
    expected.sort();
    assert!(expected.len() > 3, "{expected:?}");
    h.clear();
    let rows = h.rows(&format!("SELECT {COLUMNS} FROM {TABLE}")).await;
    assert_eq!(rows, expected);
    assert_eq!(
        h.calls(CONNECTION_STATUS).len(),
        1,
        "one page of WorkSpaces"
    );
    assert!(
        h.calls(WORKSPACES).is_empty(),
        "no listing of WorkSpaces first"
    );
    let states: Vec<String> = h
        .strings(&format!(
            "SELECT DISTINCT connection_state FROM {TABLE} ORDER BY 1"
        ))
        .await;
    assert!(states.len() >= 2, "{states:?}");
}

#[tokio::test]
async fn ids_are_sent_25_a_request_and_unknown_ones_answer_nothing() {
    let h = harness(30).await;
    let mut ids = h
        .strings("SELECT workspace_id FROM workspaces_reference ORDER BY 1")
        .await;
    let known = ids.len();
    ids.extend((0..30 - known).map(|i| format!("ws-zzzz{i:05}")));
    let (rows, calls) = h
        .equivalent(
            TABLE,
            CONNECTION_STATUS,
            &format!("workspace_id IN ({})", quoted(&ids)),
        )
        .await;
    assert_eq!(rows.len(), known);
    let sizes: Vec<usize> = calls
        .iter()
        .map(|c| crate::support::body_strings(c, "WorkspaceIds").len())
        .collect();
    assert_eq!(sizes.iter().sum::<usize>(), 30);
    assert!(
        sizes.iter().all(|&n| n <= 25) && sizes.len() == 2,
        "{sizes:?}"
    );
}

#[tokio::test]
async fn predicates_the_api_does_not_take_answer_as_the_reference() {
    let h = harness(30).await;
    for condition in [
        "connection_state = 'UNKNOWN'",
        "connection_state <> 'CONNECTED'",
        "last_known_user_connection_timestamp IS NULL",
        "last_known_user_connection_timestamp < now() - INTERVAL '30 days'",
        "workspace_id LIKE 'ws-%'",
    ] {
        let (_, calls) = h.equivalent(TABLE, CONNECTION_STATUS, condition).await;
        assert_eq!(calls.len(), 1, "{condition}");
        assert!(sent(&h, CONNECTION_STATUS, "WorkspaceIds").is_empty());
    }
}

#[tokio::test]
async fn a_join_asks_for_the_build_sides_workspaces_only() {
    let h = harness(30).await;
    let directory = h
        .strings("SELECT directory_id FROM workspaces_reference ORDER BY workspace_id LIMIT 1")
        .await
        .remove(0);
    let in_directory = h
        .strings(&format!(
            "SELECT workspace_id FROM workspaces_reference WHERE directory_id = '{directory}' ORDER BY 1"
        ))
        .await;
    let select = "SELECT w.workspace_id, w.user_name, c.connection_state, \
                  c.last_known_user_connection_timestamp";
    let (on, off) = join_calls(
        &h,
        &format!(
            "{select} FROM workspaces w JOIN {TABLE} c USING (workspace_id) \
             WHERE w.directory_id = '{directory}'"
        ),
        &format!(
            "{select} FROM workspaces_reference w JOIN {TABLE}_reference c USING (workspace_id) \
             WHERE w.directory_id = '{directory}'"
        ),
        CONNECTION_STATUS,
    )
    .await;
    assert_eq!((on, off), (1, 1));
    h.clear();
    h.rows(&format!(
        "SELECT c.connection_state FROM workspaces w JOIN {TABLE} c USING (workspace_id) \
         WHERE w.directory_id = '{directory}'"
    ))
    .await;
    assert_eq!(sent(&h, CONNECTION_STATUS, "WorkspaceIds"), in_directory);
}

#[tokio::test]
async fn many_pages_are_read_and_limit_stops_them() {
    // Three thousand pools make eight personal directories, a few dozen WorkSpaces.
    let h = harness_with(Fleet::seeded(11, &[REGION], 3_000), &[REGION], None).await;
    let workspaces = h.emulator.fleet().workspaces(REGION).len();
    assert!(workspaces > 25, "{workspaces} WorkSpaces");
    let (rows, calls) = h.equivalent(TABLE, CONNECTION_STATUS, "true").await;
    assert_eq!(rows.len(), workspaces);
    assert_eq!(calls.len(), workspaces.div_ceil(25));
    h.clear();
    assert_eq!(
        h.rows(&format!("SELECT * FROM {TABLE} LIMIT 3"))
            .await
            .len(),
        3
    );
    assert_eq!(h.calls(CONNECTION_STATUS).len(), 1);
}

#[tokio::test]
async fn impossible_ids_make_no_call() {
    let h = harness(10).await;
    for condition in [
        "workspace_id = 'ws-X'",
        "workspace_id = ''",
        "workspace_id IN ('WS-ABCDEFGH', 'ws-1')",
        "workspace_id = 'ws-aaaaaaaa' AND workspace_id = 'ws-bbbbbbbb'",
    ] {
        let (rows, calls) = h.equivalent(TABLE, CONNECTION_STATUS, condition).await;
        assert!(rows.is_empty() && calls.is_empty(), "{condition}");
    }
}
