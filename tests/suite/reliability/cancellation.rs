//! A satisfied LIMIT or a dropped stream stops the API calls of sibling tables too (the pools
//! table's own test is in `tests/pools/paging.rs`; the REPL's Ctrl-C in `tests/repl.rs`).

use std::time::Duration;

use datafusion::physical_plan::execute_stream;
use futures::StreamExt;
use wsql_emulator::{Faults, Fleet};

use crate::reliability::setup::fleet_with_workspaces;
use crate::support::{Harness, POOLS, REGION, SESSIONS, WORKSPACES, harness_with};

/// Starts `sql`, reads its first batch, drops the stream, and returns the calls of `operation`
/// made by then and 300 ms later.
async fn calls_around_a_drop(h: &Harness, sql: &str, operation: &str) -> (usize, usize) {
    h.clear();
    let plan = h
        .ctx
        .sql(sql)
        .await
        .expect("plans")
        .create_physical_plan()
        .await
        .expect("physical plan");
    let mut stream = execute_stream(plan, h.ctx.task_ctx()).expect("executes");
    stream.next().await.expect("a batch").expect("no error");
    drop(stream);
    // A call already sent when the stream was dropped may still be logged: wait for it.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let after_drop = h.calls(operation).len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    (after_drop, h.calls(operation).len())
}

#[tokio::test]
async fn a_satisfied_limit_stops_paging_workspaces() {
    let h = harness_with(fleet_with_workspaces(REGION, 250), &[REGION], None).await;
    let total_pages = 250usize.div_ceil(25);
    h.clear();
    let rows = h.rows("SELECT workspace_id FROM workspaces LIMIT 3").await;
    assert_eq!(rows.len(), 3);
    assert_eq!(
        h.calls(WORKSPACES).len(),
        1,
        "one page holds the three rows"
    );

    // With an exact filter the limit still reaches the scan: paging stops at the page that
    // meets it. (A filter evaluated locally keeps the limit above the scan, where DataFusion's
    // round-robin repartition reads every page ahead; dropping the stream, tested below, is
    // what stops those calls.)
    let directory = h
        .strings("SELECT directory_id FROM workspaces WHERE workspace_id = 'ws-copy000000'")
        .await;
    h.clear();
    let rows = h
        .rows(&format!(
            "SELECT workspace_id FROM workspaces WHERE directory_id = '{}' LIMIT 30",
            directory[0]
        ))
        .await;
    assert_eq!(rows.len(), 30);
    let calls = h.calls(WORKSPACES).len();
    assert_eq!(
        calls, 2,
        "{calls} of {total_pages} pages fetched for 30 rows"
    );
}

#[tokio::test]
async fn dropping_a_workspaces_stream_stops_its_calls() {
    let h = harness_with(fleet_with_workspaces(REGION, 500), &[REGION], None).await;
    h.emulator.set_faults(Faults {
        latency: Duration::from_millis(10),
        ..Faults::default()
    });
    let (after_drop, later) =
        calls_around_a_drop(&h, "SELECT workspace_id FROM workspaces", WORKSPACES).await;
    assert_eq!(
        after_drop, later,
        "calls went on after the stream was dropped"
    );
    assert!(later < 20, "{later} of 20 pages were fetched for one batch");
}

#[tokio::test]
async fn dropping_a_sessions_fan_out_stops_its_calls() {
    // 150 pools: 6 pages of pools, then one sessions call (or more) per pool.
    let h = harness_with(Fleet::seeded(11, &[REGION], 150), &[REGION], None).await;
    h.emulator.set_faults(Faults {
        latency: Duration::from_millis(10),
        ..Faults::default()
    });
    let (after_drop, later) = calls_around_a_drop(
        &h,
        "SELECT session_id FROM workspaces_pool_sessions",
        SESSIONS,
    )
    .await;
    assert_eq!(after_drop, later, "sessions calls went on after the drop");
    assert!(later < 150, "{later} sessions calls for one batch");
    let pools_calls = h.calls(POOLS).len();
    assert!(pools_calls <= 6, "{pools_calls} pool pages");
}
