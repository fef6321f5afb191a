//! Pages stream out one batch each, as they arrive; paging ends, stops and fails as it should.

use std::time::Duration;

use futures::StreamExt;
use wsql_emulator::Faults;

use crate::support::{POOLS, harness_in};

#[tokio::test]
async fn fleets_of_every_size_are_read_whole() {
    for (pools, pages) in [(0usize, 1usize), (1, 1), (25, 1), (26, 2), (1000, 40)] {
        let h = harness_in(&["us-east-1"], pools).await;
        h.clear();
        let count = h.number("SELECT count(*) FROM workspaces_pools").await;
        assert_eq!(count, pools as i64, "fleet of {pools}");
        let calls = h.calls(POOLS);
        assert_eq!(calls.len(), pages, "fleet of {pools}");
        let distinct = h
            .number("SELECT count(DISTINCT pool_id) FROM workspaces_pools")
            .await;
        assert_eq!(
            distinct, pools as i64,
            "no pool twice in a fleet of {pools}"
        );
    }
}

#[tokio::test]
async fn every_region_is_read_in_parallel_partitions() {
    let regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "ca-central-1"];
    let h = harness_in(&regions, 60).await;
    let per_region = h
        .strings(
            "SELECT concat(region, ':', n) FROM \
             (SELECT region, count(*) AS n FROM workspaces_pools GROUP BY region) ORDER BY region",
        )
        .await;
    assert_eq!(
        per_region,
        vec![
            "ap-southeast-2:60",
            "ca-central-1:60",
            "eu-west-1:60",
            "us-east-1:60"
        ]
    );
    let accounts = h
        .number("SELECT count(DISTINCT account_id) FROM workspaces_pools")
        .await;
    assert_eq!(accounts, 1);
}

#[tokio::test]
async fn the_first_batch_arrives_before_the_last_page_is_served() {
    let h = harness_in(&["us-east-1"], 200).await;
    h.emulator.set_faults(Faults {
        latency: Duration::from_millis(20),
        ..Faults::default()
    });
    h.clear();
    let mut stream = h.stream("SELECT pool_id FROM workspaces_pools").await;
    let first = stream.next().await.expect("a batch").expect("no error");
    assert_eq!(first.num_rows(), 25);
    let served = h.calls(POOLS).len();
    assert!(served < 8, "first batch only after {served} of 8 pages");
    let mut rows = first.num_rows();
    while let Some(batch) = stream.next().await {
        rows += batch.expect("no error").num_rows();
    }
    assert_eq!(rows, 200);
    assert_eq!(h.calls(POOLS).len(), 8);
}

#[tokio::test]
async fn dropping_the_stream_stops_the_calls() {
    let h = harness_in(&["us-east-1"], 500).await;
    h.emulator.set_faults(Faults {
        latency: Duration::from_millis(10),
        ..Faults::default()
    });
    h.clear();
    let mut stream = h.stream("SELECT pool_id FROM workspaces_pools").await;
    stream.next().await.expect("a batch").expect("no error");
    drop(stream);
    let after_drop = h.calls(POOLS).len();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let later = h.calls(POOLS).len();
    assert_eq!(
        after_drop, later,
        "calls went on after the stream was dropped"
    );
    assert!(later < 20, "{later} of 20 pages were fetched for one batch");
}

#[tokio::test]
async fn a_repeating_next_token_stops_with_an_error() {
    let h = harness_in(&["us-east-1"], 100).await;
    h.emulator.set_faults(Faults {
        repeat_next_token: true,
        ..Faults::default()
    });
    let error = h
        .try_batches("SELECT * FROM workspaces_pools")
        .await
        .expect_err("a repeated token must fail the query")
        .to_string();
    assert!(error.contains("same NextToken twice"), "{error}");
    assert!(error.contains("us-east-1"), "{error}");
    assert!(h.calls(POOLS).len() <= 3);
}

#[tokio::test]
async fn an_endless_chain_stops_at_the_page_limit() {
    use std::sync::Arc;
    use wsql::{AwsSettings, Library, Table};

    let h = harness_in(&["us-east-1"], 30).await;
    h.emulator.set_faults(Faults {
        endless_pages: true,
        ..Faults::default()
    });
    let library = Library::new(AwsSettings::emulator(
        h.emulator.endpoint_url(),
        &["us-east-1"],
    ));
    let table = library
        .table(Table::named("workspaces_pools").expect("a table"))
        .with_max_pages(50);
    h.ctx
        .register_table("bounded_pools", Arc::new(table))
        .expect("registers");
    h.clear();
    let error = h
        .try_batches("SELECT count(*) FROM bounded_pools")
        .await
        .expect_err("an endless chain must fail")
        .to_string();
    assert!(error.contains("still paging after 50 pages"), "{error}");
    assert_eq!(h.calls(POOLS).len(), 50);
}

#[tokio::test]
async fn progress_counts_pages_and_rows() {
    use wsql::{AwsSettings, Library, ScanReport};
    let h = harness_in(&["us-east-1", "eu-west-1"], 60).await;
    let library = Library::new(AwsSettings::emulator(
        h.emulator.endpoint_url(),
        &["us-east-1", "eu-west-1"],
    ));
    let ctx = datafusion::prelude::SessionContext::new();
    library.register(&ctx).expect("registers");
    let plan = ctx
        .sql("SELECT count(*) FROM workspaces_pools")
        .await
        .expect("plans")
        .create_physical_plan()
        .await
        .expect("physical plan");
    datafusion::physical_plan::collect(plan.clone(), ctx.task_ctx())
        .await
        .expect("runs");
    let snapshot = ScanReport::of(&plan).scans;
    assert_eq!(snapshot.len(), 2);
    for progress in snapshot {
        assert_eq!(progress.table, "workspaces_pools");
        assert_eq!(progress.pages, 3);
        assert_eq!(progress.rows, 60);
        assert_eq!(progress.api_calls, 3);
        assert!(progress.is_done());
    }
}
