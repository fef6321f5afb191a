//! The metrics tables (`workspaces_pool_metrics`, `workspaces_metrics`) against the emulator's
//! CloudWatch: every pushdown form answers as the no-pushdown reference (which reads every
//! period as far back as CloudWatch keeps it) with the `GetMetricData` calls and queries per
//! call the emulator logged; batching of a big fleet into full calls; the default window and
//! period in EXPLAIN and `\d`; many accounts and regions; the warn and fail policies under
//! CloudWatch faults; the endpoint; and the four reports against the usage profiles.
//!
//! A comparison runs the pushed query and its reference in one statement, so that `now()` and
//! the tables' "now" are one instant for both; the pushed query alone, run before with the cache
//! off, gives the calls. The reference's calls are cached for the test (its requests change only
//! when the clock crosses a period), so a test of many forms reads everything once or twice.
//! The emulator's data grows with the clock (a minute's sample exists once the minute is over),
//! so compared ranges end an hour or more ago: a period still filling, or filled since the
//! reference was cached, would differ for a reason that is not pushdown's.

mod accounts;
mod batching;
mod endpoint;
mod explain;
mod policies;
mod pushdown;
mod reports;

use std::time::Duration;

use wsql_emulator::{Fleet, LoggedRequest, PoolProfile, WorkspaceProfile};

use crate::support::{Harness, harness_with};

pub const GET_METRIC_DATA: &str = "GetMetricData";

/// The columns a comparison reads of a pool metrics row: the key and one statistic.
pub const POOL_KEY: &str =
    "region, account_id, pool_id, metric_name, timestamp, period_seconds, unit";
/// The same for a personal WorkSpace's.
pub const WORKSPACE_KEY: &str =
    "region, account_id, workspace_id, metric_name, timestamp, period_seconds, unit";

/// A one-region fleet (`region`) holding, of the seeded fleet's, `pools` pools in service, each
/// profile in turn (saturating, normal, oversized), and `workspaces` personal WorkSpaces that
/// have metrics (not pending, in error or terminated), daily users and others in turn.
pub fn fleet(region: &str, pools: usize, workspaces: usize) -> Fleet {
    let mut fleet = Fleet::seeded(11, &[region], 120);
    let r = fleet.region_mut(region);
    let in_service: Vec<_> = r
        .pools
        .iter()
        .filter(|p| format!("{:?}", p.state) == "Running")
        .cloned()
        .collect();
    let order = [
        PoolProfile::Saturating,
        PoolProfile::Normal,
        PoolProfile::Oversized,
    ];
    let mut chosen = Vec::new();
    for profile in order.iter().cycle().take(pools * 3) {
        if chosen.len() == pools {
            break;
        }
        if let Some(pool) = in_service
            .iter()
            .find(|p| PoolProfile::of(&p.pool_id) == *profile && !chosen.contains(*p))
        {
            chosen.push(pool.clone());
        }
    }
    assert_eq!(chosen.len(), pools, "the seeded fleet has enough pools");
    r.pools = chosen;
    let with_metrics: Vec<_> = r
        .workspaces
        .iter()
        .filter(|w| !matches!(w.state.as_deref(), Some("PENDING" | "ERROR" | "TERMINATED")))
        .cloned()
        .collect();
    let daily = |w: &&wsql_emulator::Workspace| {
        WorkspaceProfile::of(&w.workspace_id) == WorkspaceProfile::DailyUser
    };
    let mut chosen: Vec<_> = with_metrics
        .iter()
        .filter(daily)
        .take(workspaces.div_ceil(2))
        .cloned()
        .collect();
    chosen.extend(
        with_metrics
            .iter()
            .filter(|w| !daily(w))
            .take(workspaces - chosen.len())
            .cloned(),
    );
    assert_eq!(
        chosen.len(),
        workspaces,
        "the seeded fleet has enough WorkSpaces"
    );
    r.workspaces = chosen;
    fleet
}

/// A harness over `fleet` in `regions` whose cache keeps answers for the test.
pub async fn cached_harness(fleet: Fleet, regions: &[&str]) -> Harness {
    harness_with(fleet, regions, Some(Duration::from_secs(3600))).await
}

/// The number of `MetricDataQueries` of a logged `GetMetricData` call.
pub fn queries_of(call: &LoggedRequest) -> usize {
    call.body["MetricDataQueries"]
        .as_array()
        .map_or(0, Vec::len)
}

/// What the pushed query of a comparison did.
#[derive(Debug)]
pub struct Pushed {
    /// Rows it answered.
    pub rows: usize,
    /// Its `GetMetricData` calls.
    pub calls: Vec<LoggedRequest>,
    /// Its WorkSpaces calls: the parents' listing.
    pub listing_calls: usize,
}

impl Pushed {
    /// The number of queries of each call, in order.
    pub fn queries(&self) -> Vec<usize> {
        self.calls.iter().map(queries_of).collect()
    }
}

/// Runs `SELECT columns FROM table WHERE condition` with pushdown, alone and without the cache
/// (for its calls), then asserts in one statement that it answers as `table_reference`, which
/// reads everything. Returns what the pushed query did alone.
pub async fn equivalent(h: &Harness, table: &str, columns: &str, condition: &str) -> Pushed {
    let pushed = format!("SELECT {columns} FROM {table} WHERE {condition}");
    let cache = h.library.cache();
    cache.set_enabled(false);
    h.clear();
    let rows = h.batches(&pushed).await.iter().map(|b| b.num_rows()).sum();
    let log = h.emulator.request_log();
    cache.set_enabled(true);
    let calls: Vec<LoggedRequest> = log
        .iter()
        .filter(|r| r.operation == GET_METRIC_DATA)
        .cloned()
        .collect();
    let listing_calls = log.iter().filter(|r| r.service == "workspaces").count();
    let (only_pushed, only_reference, of) = compare(h, table, columns, condition).await;
    assert_eq!(
        (only_pushed, only_reference),
        (0, 0),
        "pushdown changed the answer of {table} WHERE {condition}: {only_pushed} rows only pushed, {only_reference} only in the reference (of {of})"
    );
    Pushed {
        rows,
        calls,
        listing_calls,
    }
}

/// In one statement: the rows of `SELECT columns FROM table WHERE condition` that its reference
/// lacks, the rows the reference has that it lacks, and its own rows.
pub async fn compare(h: &Harness, table: &str, columns: &str, condition: &str) -> (i64, i64, i64) {
    // One scan of each side: a full join on every column leaves unmatched exactly the rows one
    // side has and the other has not (the rows are unique by their key columns).
    let names: Vec<&str> = columns.split(',').map(str::trim).collect();
    let on: Vec<String> = names
        .iter()
        .map(|c| format!("(p.{c} IS NOT DISTINCT FROM r.{c})"))
        .collect();
    let compared = h
        .rows(&format!(
            "SELECT count(*) FILTER (WHERE r.in_reference IS NULL) AS only_pushed, \
                    count(*) FILTER (WHERE p.in_pushed IS NULL) AS only_reference, \
                    count(p.in_pushed) AS pushed \
             FROM (SELECT {columns}, true AS in_pushed FROM {table} WHERE {condition}) p \
             FULL JOIN (SELECT {columns}, true AS in_reference FROM {table}_reference WHERE {condition}) r \
             ON {}",
            on.join(" AND ")
        ))
        .await;
    let counts: Vec<i64> = compared[0]
        .split('|')
        .map(|n| n.parse().expect("a count"))
        .collect();
    (counts[0], counts[1], counts[2])
}
