//! Calls made by selective queries against a 10,000-pool fleet, against the 400 of a full scan
//! (the figures `cargo run --release --example call_counts` prints).

use serde_json::json;

use crate::support::{Harness, POOLS, harness_in};

const REGION: &str = "us-east-1";
const FLEET_POOLS: usize = 10_000;
const FULL_SCAN_CALLS: usize = FLEET_POOLS / 25;

async fn calls_of(h: &Harness, sql: &str) -> (usize, Vec<serde_json::Value>) {
    h.clear();
    let rows = h.rows(sql).await.len();
    let bodies = h.calls(POOLS).into_iter().map(|c| c.body).collect();
    (rows, bodies)
}

#[tokio::test]
async fn selective_queries_against_ten_thousand_pools() {
    let h = harness_in(&[REGION], FLEET_POOLS).await;
    let fleet = h.emulator.fleet().pools(REGION);

    let (rows, calls) = calls_of(&h, "SELECT pool_id FROM workspaces_pools").await;
    assert_eq!((rows, calls.len()), (FLEET_POOLS, FULL_SCAN_CALLS));

    let ids: Vec<String> = fleet
        .iter()
        .step_by(FLEET_POOLS / 60)
        .take(60)
        .map(|p| format!("'{}'", p.pool_id))
        .collect();
    let sql = format!(
        "SELECT pool_id FROM workspaces_pools WHERE pool_id IN ({})",
        ids.join(", ")
    );
    let (rows, calls) = calls_of(&h, &sql).await;
    assert_eq!(
        (rows, calls.len()),
        (60, 3),
        "60 ids are three PoolIds calls"
    );

    let matching = fleet.iter().filter(|p| p.pool_name.contains("fin")).count();
    let sql = "SELECT pool_id FROM workspaces_pools WHERE pool_name LIKE '%fin%'";
    let (rows, calls) = calls_of(&h, sql).await;
    assert_eq!(rows, matching);
    assert_eq!(
        calls.len(),
        matching.div_ceil(25).max(1),
        "full pages of matches"
    );
    assert!(calls.len() < FULL_SCAN_CALLS / 2);

    let sql = "SELECT pool_id FROM workspaces_pools WHERE pool_name LIKE '%x%'";
    let (_, calls) = calls_of(&h, sql).await;
    assert_eq!(
        calls.len(),
        FULL_SCAN_CALLS,
        "a one-letter value is not sendable"
    );

    let (rows, calls) = calls_of(&h, "SELECT pool_id FROM workspaces_pools LIMIT 5").await;
    assert_eq!((rows, calls.len()), (5, 1));
    assert_eq!(calls[0]["Limit"], json!(5));
}
