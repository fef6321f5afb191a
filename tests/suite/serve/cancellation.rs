//! What stops a statement stops its API calls: the client's cancel request (psql's Ctrl-C), the
//! client going away, and the server being stopped. The emulator answers slowly, so a full scan
//! takes many seconds; its request log shows the calls ending.

use std::time::Duration;

use tokio_postgres::NoTls;
use wsql_emulator::{Emulator, Faults};

use crate::serve::support::{POOLS, Server, calls, db_error, emulator};

const REGIONS: &[&str] = &["us-east-1"];
/// 40 pages of 25 pools, 150 ms each: six seconds for a full scan.
const PAGES: usize = 40;

async fn slow_emulator() -> Emulator {
    let emulator = emulator(REGIONS, PAGES * 25).await;
    emulator.set_faults(Faults {
        latency: Duration::from_millis(150),
        ..Faults::default()
    });
    emulator
}

/// Waits until the scan has made a few calls.
async fn scan_under_way(emulator: &Emulator) {
    for _ in 0..200 {
        if calls(emulator, POOLS) >= 3 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    panic!("the scan did not start");
}

/// The calls made once a call in flight has landed, and a second later: equal when calls stopped.
async fn calls_after_stop(emulator: &Emulator) -> (usize, usize) {
    tokio::time::sleep(Duration::from_millis(400)).await;
    let settled = calls(emulator, POOLS);
    tokio::time::sleep(Duration::from_millis(1000)).await;
    (settled, calls(emulator, POOLS))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancel_request_stops_the_api_calls() {
    let emulator = slow_emulator().await;
    let server = Server::start(&emulator, REGIONS, &[], &[]);
    let connected = server.connect().await;
    let cancel = connected.client.cancel_token();
    let client = connected.client;
    let running = tokio::spawn(async move {
        client
            .query("SELECT * FROM workspaces_pools", &[])
            .await
            .map(|_| client)
    });
    scan_under_way(&emulator).await;
    cancel
        .cancel_query(NoTls)
        .await
        .expect("cancel request sent");
    let error = running.await.unwrap().expect_err("cancelled");
    assert_eq!(db_error(&error).0, "57014", "{error}");
    let (settled, later) = calls_after_stop(&emulator).await;
    assert_eq!(settled, later, "calls went on after the cancel");
    assert!(later < PAGES, "{later} calls: the scan ran to the end");

    // The connection is still usable.
    let again = server.connect().await;
    assert_eq!(
        again
            .client
            .query_one("SELECT 1::INT", &[])
            .await
            .unwrap()
            .get::<_, i32>(0),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_connection_stops_the_api_calls() {
    let emulator = slow_emulator().await;
    let server = Server::start(&emulator, REGIONS, &[], &[]);
    let (client, connection) = tokio_postgres::connect(&server.url(None), NoTls)
        .await
        .unwrap();
    let driving = tokio::spawn(connection);
    let running =
        tokio::spawn(async move { client.query("SELECT * FROM workspaces_pools", &[]).await });
    scan_under_way(&emulator).await;
    // The client process dies: its socket closes without a word.
    driving.abort();
    running.abort();
    let (settled, later) = calls_after_stop(&emulator).await;
    assert_eq!(settled, later, "calls went on after the client left");
    assert!(later < PAGES, "{later} calls: the scan ran to the end");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_server_and_its_statements() {
    let emulator = slow_emulator().await;
    let mut server = Server::start(&emulator, REGIONS, &[], &[]);
    let connected = server.connect().await;
    let client = connected.client;
    let running =
        tokio::spawn(async move { client.query("SELECT * FROM workspaces_pools", &[]).await });
    scan_under_way(&emulator).await;
    let status = tokio::task::block_in_place(|| server.terminate());
    assert!(status.success(), "{status:?}");
    assert!(
        running.await.unwrap().is_err(),
        "the statement cannot have finished"
    );
    let (settled, later) = calls_after_stop(&emulator).await;
    assert_eq!(settled, later, "calls went on after the server stopped");
    assert!(
        server
            .stderr()
            .contains("wsql serve: stopped (1 open connection(s) closed)"),
        "{}",
        server.stderr()
    );
}
