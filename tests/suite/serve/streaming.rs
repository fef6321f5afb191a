//! A result streams: the first row reaches the client while the scan still pages, and what stops
//! a streaming statement (here `statement_timeout`) stops its API calls. The emulator answers
//! slowly, so a full scan takes seconds; its request log says how far the scan had got.

use std::time::Duration;

use futures::{StreamExt, pin_mut};
use wsql_emulator::{Emulator, Faults};

use crate::serve::support::{POOLS, Server, calls, db_error, emulator};

const REGIONS: &[&str] = &["us-east-1"];
/// 40 pages of 25 pools, 100 ms each.
const PAGES: usize = 40;

async fn slow_emulator() -> Emulator {
    let emulator = emulator(REGIONS, PAGES * 25).await;
    emulator.set_faults(Faults {
        latency: Duration::from_millis(100),
        ..Faults::default()
    });
    emulator
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_row_arrives_while_the_scan_still_pages() {
    let emulator = slow_emulator().await;
    let server = Server::start(&emulator, REGIONS, &[], &[]);
    let connected = server.connect().await;
    let rows = connected
        .client
        .query_raw("SELECT * FROM workspaces_pools", Vec::<String>::new())
        .await
        .expect("the statement starts");
    pin_mut!(rows);
    let first = rows.next().await.expect("a first row").expect("no error");
    let calls_at_first_row = calls(&emulator, POOLS);
    assert!(
        calls_at_first_row < PAGES / 2,
        "the first row came after {calls_at_first_row} of {PAGES} pages"
    );
    assert!(first.get::<_, &str>("pool_id").starts_with("wspool-"));
    let mut count = 1;
    while let Some(row) = rows.next().await {
        row.expect("no error");
        count += 1;
    }
    assert_eq!(count, PAGES * 25);
    assert_eq!(calls(&emulator, POOLS), PAGES);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statement_timeout_stops_a_streaming_scan() {
    let emulator = slow_emulator().await;
    let server = Server::start(&emulator, REGIONS, &[], &[]);
    let connected = server.connect().await;
    connected
        .client
        .batch_execute("SET statement_timeout = '1s'")
        .await
        .expect("SET runs");
    let error = connected
        .client
        .query("SELECT * FROM workspaces_pools", &[])
        .await
        .expect_err("the statement times out");
    let (code, message) = db_error(&error);
    assert_eq!(code, "57014", "{message}");
    assert!(message.contains("statement timeout"), "{message}");
    tokio::time::sleep(Duration::from_millis(400)).await;
    let settled = calls(&emulator, POOLS);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert_eq!(
        settled,
        calls(&emulator, POOLS),
        "calls went on after the timeout"
    );
    assert!(settled < PAGES, "{settled} calls: the scan ran to its end");
    // The connection is still usable.
    let one: i32 = connected
        .client
        .query_one("SELECT 1::INT", &[])
        .await
        .expect("runs")
        .get(0);
    assert_eq!(one, 1);
}
