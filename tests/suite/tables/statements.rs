//! Per-statement state lives in the statement's plan: its scans' metrics (API calls, pages,
//! retries, throttling, rows) as `EXPLAIN ANALYZE` shows them, and its own warnings. Statements
//! running at once on one library and one session never mix them.

use std::sync::Arc;
use std::time::Duration;

use datafusion::physical_plan::{ExecutionPlan, collect};
use datafusion::prelude::SessionContext;
use wsql::{AwsSettings, RegionErrorPolicy, ScanReport};
use wsql_emulator::{Faults, Fleet};

use crate::support::{
    DIRECTORIES, POOLS, SESSIONS, body_strings, harness, harness_with_settings, sorted_rows,
};

const REGIONS: &[&str] = &["us-east-1", "eu-west-1", "ap-southeast-2"];

async fn plan(ctx: &SessionContext, sql: &str) -> Arc<dyn ExecutionPlan> {
    ctx.sql(sql)
        .await
        .expect("plans")
        .create_physical_plan()
        .await
        .expect("physical plan")
}

/// Runs `sql` to the end; returns its rows and what its scans report.
async fn run(ctx: &SessionContext, sql: &str) -> (Vec<String>, ScanReport) {
    let plan = plan(ctx, sql).await;
    let batches = collect(Arc::clone(&plan), ctx.task_ctx())
        .await
        .expect("runs");
    (sorted_rows(&batches), ScanReport::of(&plan))
}

#[tokio::test]
async fn explain_analyze_shows_the_calls_of_each_scan() {
    let h = harness(60).await;
    h.clear();
    let text = h
        .rows("EXPLAIN ANALYZE SELECT count(*) FROM workspaces_pools")
        .await
        .join("\n");
    let calls = h.calls(POOLS).len();
    assert_eq!(calls, 3, "60 pools are three pages");
    let scan = text
        .lines()
        .find(|l| l.contains("WorkspacesPoolsExec:"))
        .expect("the scan is in the plan");
    for metric in [
        format!("api_calls={calls}"),
        "pages=3".to_string(),
        "retries=0".to_string(),
        "throttled=0".to_string(),
        "output_rows=60".to_string(),
    ] {
        assert!(scan.contains(&metric), "{metric} in {scan}");
    }
}

#[tokio::test]
async fn retries_and_throttling_are_counted_per_scan() {
    let h = harness_with_settings(Fleet::seeded(3, REGIONS, 100), REGIONS, None, |s| {
        AwsSettings {
            max_attempts: Some(10),
            retry_backoff: Some(Duration::from_millis(2)),
            ..s
        }
    })
    .await;
    h.emulator.set_faults(Faults {
        throttle_rate: 0.3,
        seed: 9,
        ..Faults::default()
    });
    h.clear();
    let count = h.number("SELECT count(*) FROM workspaces_pools").await;
    assert_eq!(count, 300);
    let log = h.calls(POOLS);
    let throttled = log.iter().filter(|r| r.status == 400).count() as u64;
    assert!(
        throttled > 0,
        "the fault dice threw no throttle: nothing checked"
    );
    let report = h.report();
    let sum = |f: fn(&wsql::TargetProgress) -> u64| report.scans.iter().map(f).sum::<u64>();
    assert_eq!(sum(|s| s.api_calls), 12, "4 pages in each of 3 regions");
    assert_eq!(sum(|s| s.pages), 12);
    assert_eq!(sum(|s| s.throttled), throttled);
    assert_eq!(sum(|s| s.retries), log.len() as u64 - 12);
    assert_eq!(sum(|s| s.rows), 300);
}

#[tokio::test]
async fn statements_running_at_once_keep_their_own_counts_and_warnings() {
    let h = harness_with_settings(Fleet::seeded(5, REGIONS, 100), REGIONS, None, |s| {
        AwsSettings {
            on_region_error: RegionErrorPolicy::Warn,
            ..s
        }
    })
    .await;
    h.emulator.set_faults(Faults {
        // Slow enough that the statements overlap; eu-west-1 denies every call.
        latency: Duration::from_millis(15),
        access_denied_regions: vec!["eu-west-1".to_string()],
        ..Faults::default()
    });
    let pools = "SELECT pool_id FROM workspaces_pools WHERE region = 'us-east-1'";
    let directories = "SELECT directory_id FROM workspaces_directories";
    h.clear();
    let ((pools_a, report_a), (pools_b, report_b), (dirs, report_c)) = tokio::join!(
        run(&h.ctx, pools),
        run(&h.ctx, pools),
        run(&h.ctx, directories),
    );
    assert_eq!(pools_a.len(), 100);
    assert_eq!(pools_a, pools_b);
    for report in [&report_a, &report_b] {
        assert!(report.warnings.is_empty(), "{:?}", report.warnings);
        assert_eq!(report.scans.len(), 1, "one region: {:?}", report.scans);
        assert_eq!(report.scans[0].table, "workspaces_pools");
        assert_eq!(report.api_calls(), 4, "4 pages, counted once per statement");
    }
    assert_eq!(h.calls(POOLS).len(), 8, "both statements called the API");
    assert_eq!(report_c.warnings.len(), 1, "{:?}", report_c.warnings);
    let warning = &report_c.warnings[0];
    assert_eq!(
        (warning.table, warning.region.as_str()),
        ("workspaces_directories", "eu-west-1")
    );
    assert!(
        report_c
            .scans
            .iter()
            .all(|s| s.table == "workspaces_directories")
    );
    assert_eq!(report_c.api_calls(), h.calls(DIRECTORIES).len() as u64);
    assert!(!dirs.is_empty(), "the other regions answered");
}

#[tokio::test]
async fn a_sessions_build_side_narrows_the_pools_scan() {
    let h = harness(60).await;
    let user = h
        .strings(
            "SELECT user_id FROM workspaces_pool_sessions_reference \
             GROUP BY user_id HAVING count(DISTINCT pool_id) = 1 ORDER BY 1 LIMIT 1",
        )
        .await
        .remove(0);
    let sql = |suffix: &str| {
        format!(
            "SELECT p.pool_name, s.session_id FROM workspaces_pool_sessions{suffix} s \
             JOIN workspaces_pools{suffix} p USING (pool_id) WHERE s.user_id = '{user}'"
        )
    };
    let reference = h.rows(&sql("_reference")).await;
    assert!(!reference.is_empty());
    h.clear();
    assert_eq!(h.rows(&sql("")).await, reference);
    // The sessions scan lists the pools (3 pages) and calls each pool's sessions; the pools
    // scan then asks for the one pool the build side holds.
    assert!(!h.calls(SESSIONS).is_empty());
    let asked: Vec<Vec<String>> = h
        .calls(POOLS)
        .iter()
        .map(|c| body_strings(c, "PoolIds"))
        .filter(|ids| !ids.is_empty())
        .collect();
    assert_eq!(asked.len(), 1, "one narrowed call: {asked:?}");
    assert_eq!(asked[0].len(), 1, "the build side's pool only: {asked:?}");
}
