//! The pools' CloudWatch metrics of a big fleet at 20 ms a call: 1,000 pools × 7 metrics × one
//! statistic, over the last day and over the last 14 days (default periods: 3,600 s and
//! 86,400 s), through `workspaces_pool_metrics`. The pools are listed first (40 pages of 25,
//! one after the other) and their queries sent 500 a call as the listing goes. The summary
//! prints the calls of each operation, the median wall time, and the round trips the calls
//! cannot avoid: the listing's pages in sequence, then the last batch's calls four at a time.
//! It also counts what ListMetrics would take to list the same pools (500 metrics a page), the
//! alternative the tables do not use (see `src/tables/metrics.rs`).
//!
//! `cargo bench --bench metrics` (`-- --test` runs each once)

mod common;

use std::cell::RefCell;
use std::time::{Duration, Instant};

use aws_sdk_cloudwatch::types::DimensionFilter;
use criterion::{BenchmarkId, Criterion, SamplingMode, criterion_group, criterion_main};
use wsql_emulator::{Emulator, Faults, Fleet};

use common::usage::median;
use common::{row_count, session};

const LATENCY: Duration = Duration::from_millis(20);
const POOLS: usize = 1_000;
const REGION: &str = "us-east-1";
/// The calls a scan makes at once in one target.
const CONCURRENCY: usize = 4;

/// Calls of each operation in the emulator's log, since it was last cleared.
fn calls(emulator: &Emulator, operation: &str) -> usize {
    emulator
        .request_log()
        .iter()
        .filter(|r| r.operation == operation)
        .count()
}

/// The pages ListMetrics takes to list the pools' metrics: all seven (no MetricName), or one.
async fn list_metrics_pages(url: &str, metric: Option<&str>) -> usize {
    let config = aws_sdk_cloudwatch::Config::builder()
        .behavior_version(aws_sdk_cloudwatch::config::BehaviorVersion::latest())
        .region(aws_sdk_cloudwatch::config::Region::new(REGION))
        .endpoint_url(url)
        .credentials_provider(aws_sdk_cloudwatch::config::Credentials::new(
            "AKIDBENCH",
            "bench",
            None,
            None,
            "bench",
        ))
        .build();
    let client = aws_sdk_cloudwatch::Client::from_conf(config);
    let mut pages = client
        .list_metrics()
        .namespace("AWS/WorkSpaces")
        .set_metric_name(metric.map(String::from))
        .dimensions(
            DimensionFilter::builder()
                .name("WorkSpaces pool ID")
                .build(),
        )
        .into_paginator()
        .send();
    let mut count = 0;
    while let Some(page) = pages.next().await {
        page.expect("ListMetrics answers");
        count += 1;
    }
    count
}

fn metrics(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let emulator = runtime
        .block_on(Emulator::start(Fleet::seeded(7, &[REGION], POOLS)))
        .expect("emulator starts");
    let ctx = session(&emulator.endpoint_url(), &[REGION]);
    // Connections open and clients resolve before the latency is switched on.
    runtime.block_on(row_count(
        &ctx,
        "SELECT pool_id FROM workspaces_pools LIMIT 1",
    ));
    let list_all = runtime.block_on(list_metrics_pages(&emulator.endpoint_url(), None));
    let list_one = runtime.block_on(list_metrics_pages(
        &emulator.endpoint_url(),
        Some("InsufficientCapacityError"),
    ));
    emulator.set_faults(Faults {
        latency: LATENCY,
        ..Faults::default()
    });

    let mut group = c.benchmark_group("metrics_20ms");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_millis(100));
    let mut summary = Vec::new();
    for window in ["1 day", "14 days"] {
        let sql = format!(
            "SELECT pool_id, metric_name, timestamp, maximum FROM workspaces_pool_metrics \
             WHERE timestamp >= now() - INTERVAL '{window}'"
        );
        let walls = RefCell::new(Vec::new());
        let counts = RefCell::new((0, 0, 0));
        group.bench_function(BenchmarkId::new("pools_x7_metrics", window), |b| {
            b.to_async(&runtime).iter_custom(|iters| {
                let (ctx, sql, walls, counts, emulator) = (&ctx, &sql, &walls, &counts, &emulator);
                async move {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        emulator.clear_request_log();
                        let started = Instant::now();
                        let rows = row_count(ctx, sql).await;
                        let wall = started.elapsed();
                        walls.borrow_mut().push(wall);
                        *counts.borrow_mut() = (
                            calls(emulator, "DescribeWorkspacesPools"),
                            calls(emulator, "GetMetricData"),
                            rows,
                        );
                        total += wall;
                    }
                    total
                }
            })
        });
        summary.push((window, walls.into_inner(), counts.into_inner()));
    }
    group.finish();

    println!(
        "\nmetrics summary: {POOLS} pools × 7 metrics × 1 statistic at {} ms a call",
        LATENCY.as_millis()
    );
    for (window, walls, (listing, metric_calls, rows)) in summary {
        // The listing's pages in sequence, then the last batch of ids' calls, 4 at a time.
        let last_batch = metric_calls.div_ceil(2);
        let floor = LATENCY * (listing + last_batch.div_ceil(CONCURRENCY)) as u32;
        println!(
            "over {window:<8} {listing} DescribeWorkspacesPools + {metric_calls} GetMetricData calls, {rows} rows; \
             median wall {:.0} ms; round trips that cannot overlap {:.0} ms",
            median(&walls).as_secs_f64() * 1e3,
            floor.as_secs_f64() * 1e3
        );
    }
    println!(
        "ListMetrics would list the same pools in {list_all} calls (every metric) or {list_one} (one metric name)"
    );
}

criterion_group!(benches, metrics);
criterion_main!(benches);
