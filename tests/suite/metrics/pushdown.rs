//! Every pushdown form of both metrics tables answers as the reference, with the
//! `GetMetricData` calls and queries per call it should make: ids (`=`, `IN`, `= ANY`, a join's
//! dynamic filter), metric names, time ranges (`>`, `>=`, `<`, `<=`, `=`, `BETWEEN`,
//! `now() - interval`), periods, projections of statistics, and `LIMIT`.

use std::time::{SystemTime, UNIX_EPOCH};

use wsql_emulator::{PoolProfile, WorkspaceProfile};

use crate::metrics::{
    GET_METRIC_DATA, POOL_KEY, WORKSPACE_KEY, cached_harness, compare, equivalent, fleet,
    queries_of,
};
use crate::reliability::odd_literals::odd_conditions;
use crate::support::{Harness, POOLS, REGION, WORKSPACES, quoted};
use wsql::Table;

/// The latest weekday (in New York, where the fleet's us-east-1 users work) before today, from
/// 00:00 to 23:00 UTC by the hour: 23 periods of a working day, away from the retention's edges
/// and the current hour, which the saturating pool spends partly full.
fn weekday_hourly() -> String {
    const DAY: i64 = 86_400;
    let today = now() / DAY;
    // 1970-01-01 was a Thursday: Monday is 0.
    let day = (1..8)
        .map(|back| today - back)
        .find(|d| (d + 3).rem_euclid(7) < 5)
        .unwrap_or(today - 1);
    format!(
        "timestamp >= {} AND timestamp < {} AND period_seconds = 3600",
        timestamp(day * DAY),
        timestamp(day * DAY + 23 * 3600)
    )
}

/// Seconds since the epoch.
fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// `TIMESTAMP '...Z'` of `seconds`.
fn timestamp(seconds: i64) -> String {
    let dt = aws_smithy_types::DateTime::from_secs(seconds);
    format!(
        "TIMESTAMP '{}'",
        dt.fmt(aws_smithy_types::date_time::Format::DateTime)
            .expect("formats")
    )
}

/// The pool ids of the harness's fleet: saturating first, then normal.
fn pool_ids(h: &Harness) -> Vec<String> {
    h.emulator
        .fleet()
        .pools(REGION)
        .iter()
        .map(|p| p.pool_id.clone())
        .collect()
}

fn workspace_ids(h: &Harness) -> Vec<String> {
    h.emulator
        .fleet()
        .workspaces(REGION)
        .iter()
        .map(|w| w.workspace_id.clone())
        .collect()
}

/// A harness over two pools in service (one saturating, one normal) and two WorkSpaces.
async fn two_of_each() -> Harness {
    let h = cached_harness(fleet(REGION, 2, 2), &[REGION]).await;
    let ids = pool_ids(&h);
    assert_eq!(PoolProfile::of(&ids[0]), PoolProfile::Saturating);
    assert_eq!(PoolProfile::of(&ids[1]), PoolProfile::Normal);
    h
}

/// The values of member `path` (dotted) of every query of `call`.
fn query_members(call: &wsql_emulator::LoggedRequest, path: &[&str]) -> Vec<String> {
    let queries = call.body["MetricDataQueries"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    queries
        .iter()
        .map(|q| {
            let value = path.iter().fold(q, |v, member| &v[*member]);
            match value {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            }
        })
        .collect()
}

#[tokio::test]
async fn pool_ids_become_the_dimension_without_a_listing() {
    let h = two_of_each().await;
    let ids = pool_ids(&h);
    let columns = format!("{POOL_KEY}, maximum");
    let table = "workspaces_pool_metrics";
    let day = weekday_hourly();

    let one = equivalent(
        &h,
        table,
        &columns,
        &format!("pool_id = '{}' AND {day}", ids[0]),
    )
    .await;
    assert_eq!(one.queries(), [7], "one call: 7 metrics × 1 statistic");
    assert_eq!(one.listing_calls, 0, "no listing");
    assert_eq!(one.rows, 7 * 23);
    let dimensions = query_members(&one.calls[0], &["MetricStat", "Metric", "Dimensions"]);
    assert!(
        dimensions
            .iter()
            .all(|d| d.contains("WorkSpaces pool ID") && d.contains(&ids[0])),
        "{dimensions:?}"
    );
    assert!(
        query_members(&one.calls[0], &["MetricStat", "Stat"])
            .iter()
            .all(|s| s == "Maximum")
    );

    let both = equivalent(
        &h,
        table,
        &columns,
        &format!("pool_id IN ({}) AND {day}", quoted(&ids)),
    )
    .await;
    assert_eq!(both.queries(), [14]);
    assert_eq!((both.listing_calls, both.rows), (0, 2 * 7 * 23));

    let any = equivalent(
        &h,
        table,
        &columns,
        &format!("pool_id = ANY(['{}']) AND {day}", ids[1]),
    )
    .await;
    assert_eq!(
        (any.queries(), any.listing_calls, any.rows),
        (vec![7], 0, 7 * 23)
    );

    let gone = equivalent(
        &h,
        table,
        &columns,
        &format!("pool_id = 'wspool-000000000' AND {day}"),
    )
    .await;
    assert_eq!(
        (gone.queries(), gone.rows),
        (vec![7], 0),
        "a valid id with no data"
    );

    let impossible = equivalent(
        &h,
        table,
        &columns,
        &format!("pool_id = 'pool-1' AND {day}"),
    )
    .await;
    assert_eq!(
        (
            impossible.calls.len(),
            impossible.listing_calls,
            impossible.rows
        ),
        (0, 0, 0)
    );

    let listed = equivalent(&h, table, &columns, &day).await;
    assert_eq!(listed.queries(), [14], "the listed pools in one call");
    assert_eq!(listed.listing_calls, 1, "one page of pools listed first");
    assert_eq!(listed.rows, 2 * 7 * 23);
}

#[tokio::test]
async fn a_join_pushes_the_pools_it_finds() {
    let h = two_of_each().await;
    let ids = pool_ids(&h);
    let name = h.emulator.fleet().pools(REGION)[0].pool_name.clone();
    let day = weekday_hourly();
    let join = |metrics: &str| {
        format!(
            "SELECT m.pool_id, m.metric_name, m.timestamp, m.maximum FROM workspaces_pools p \
             JOIN {metrics} m ON m.pool_id = p.pool_id \
             WHERE p.pool_name = '{name}' AND m.{}",
            day.replace(" AND ", " AND m.")
        )
    };
    h.library.cache().set_enabled(false);
    h.clear();
    let rows = h.rows(&join("workspaces_pool_metrics")).await;
    let calls = h.calls(GET_METRIC_DATA);
    h.library.cache().set_enabled(true);
    assert_eq!(rows.len(), 7 * 23);
    assert!(rows.iter().all(|r| r.starts_with(&ids[0])));
    assert_eq!(
        calls.iter().map(queries_of).collect::<Vec<_>>(),
        [7],
        "only the joined pool"
    );
    assert_eq!(
        h.calls(POOLS).len(),
        1,
        "the pools table's own call, no listing by the metrics"
    );
    assert_eq!(
        rows,
        h.rows(&join("workspaces_pool_metrics_reference")).await
    );

    let text = h
        .rows(&format!(
            "EXPLAIN ANALYZE {}",
            join("workspaces_pool_metrics")
        ))
        .await
        .join("\n");
    assert!(text.contains("join filter on pool_id"), "{text}");
    assert!(
        text.contains(&format!(
            "requests after join filter=[{{Namespace: AWS/WorkSpaces, WorkSpaces pool ID: [{}]",
            ids[0]
        )),
        "{text}"
    );
}

#[tokio::test]
async fn metric_names_choose_the_queries() {
    let h = two_of_each().await;
    let columns = format!("{POOL_KEY}, sum");
    let table = "workspaces_pool_metrics";
    let day = weekday_hourly();
    let one = equivalent(
        &h,
        table,
        &columns,
        &format!("metric_name = 'InsufficientCapacityError' AND {day}"),
    )
    .await;
    assert_eq!(one.queries(), [2], "one metric of two pools");
    assert_eq!(one.rows, 2 * 23);
    assert!(
        query_members(&one.calls[0], &["MetricStat", "Metric", "MetricName"])
            .iter()
            .all(|m| m == "InsufficientCapacityError")
    );
    let rejected = h
        .number(&format!(
            "SELECT count(*) FROM {table} WHERE metric_name = 'InsufficientCapacityError' AND sum > 0 AND pool_id = '{}' AND {day}",
            pool_ids(&h)[0]
        ))
        .await;
    assert!(
        rejected > 0,
        "the saturating pool turned users away on a working day"
    );

    let two = equivalent(&h, table, &columns, &format!("metric_name IN ('DesiredUserSessionCapacity', 'UserSessionsCapacityUtilization') AND {day}")).await;
    assert_eq!(two.queries(), [4]);
    assert_eq!(two.rows, 2 * 2 * 23);

    let unknown = equivalent(
        &h,
        table,
        &columns,
        &format!("metric_name = 'CPUUtilization' AND {day}"),
    )
    .await;
    assert_eq!(
        (unknown.calls.len(), unknown.listing_calls, unknown.rows),
        (0, 0, 0),
        "no call at all"
    );
}

#[tokio::test]
async fn time_ranges_become_start_and_end_times() {
    let h = two_of_each().await;
    let id = &pool_ids(&h)[0];
    let columns = format!("{POOL_KEY}, maximum");
    let table = "workspaces_pool_metrics";
    let hour = now() / 3600 * 3600;
    let forms = [
        // Relative bounds.
        (
            "timestamp >= now() - INTERVAL '6 hours' AND timestamp < now() - INTERVAL '1 hour' AND period_seconds = 300"
                .to_string(),
            None,
        ),
        // Literal bounds, strict below, inclusive above.
        (
            format!(
                "timestamp > {} AND timestamp <= {} AND period_seconds = 3600",
                timestamp(hour - 30 * 3600),
                timestamp(hour - 20 * 3600)
            ),
            Some((hour - 29 * 3600, hour - 19 * 3600, 10)),
        ),
        // Bounds that are not on the period's grid.
        (
            format!(
                "timestamp >= {} AND timestamp < {} AND period_seconds = 3600",
                timestamp(hour - 30 * 3600 + 17),
                timestamp(hour - 20 * 3600 + 17)
            ),
            Some((hour - 29 * 3600, hour - 19 * 3600, 10)),
        ),
        // BETWEEN, with now() - interval on both sides, by the day.
        (
            "timestamp BETWEEN now() - INTERVAL '5 days' AND now() - INTERVAL '2 days' AND period_seconds = 86400"
                .to_string(),
            None,
        ),
        // One period.
        (
            format!(
                "timestamp = {} AND period_seconds = 3600",
                timestamp(hour - 5 * 3600)
            ),
            Some((hour - 5 * 3600, hour - 4 * 3600, 1)),
        ),
        // A literal on the left.
        (
            format!(
                "{} <= timestamp AND period_seconds = 60 AND timestamp < {}",
                timestamp(hour - 3 * 3600),
                timestamp(hour - 2 * 3600)
            ),
            Some((hour - 3 * 3600, hour - 2 * 3600, 60)),
        ),
    ];
    for (range, expected) in forms {
        let condition = format!("pool_id = '{id}' AND {range}");
        let pushed = equivalent(&h, table, &columns, &condition).await;
        assert_eq!(pushed.calls.len(), 1, "{condition}");
        assert!(pushed.rows > 0, "{condition}");
        let body = &pushed.calls[0].body;
        let (start, end) = (
            body["StartTime"].as_f64().expect("StartTime"),
            body["EndTime"].as_f64().expect("EndTime"),
        );
        let period = query_members(&pushed.calls[0], &["MetricStat", "Period"])[0]
            .parse::<f64>()
            .expect("a period");
        assert_eq!(
            start % period,
            0.0,
            "{condition}: StartTime on the period's grid"
        );
        assert_eq!(
            end % period,
            0.0,
            "{condition}: EndTime on the period's grid"
        );
        if let Some((from, to, periods)) = expected {
            assert_eq!((start as i64, end as i64), (from, to), "{condition}");
            assert_eq!(pushed.rows as i64, 7 * periods, "{condition}");
        }
    }
    // An empty range calls nothing.
    let empty = equivalent(
        &h,
        table,
        &columns,
        &format!("pool_id = '{id}' AND timestamp > now() AND timestamp < now() - INTERVAL '1 day'"),
    )
    .await;
    assert_eq!((empty.calls.len(), empty.rows), (0, 0));
}

#[tokio::test]
async fn periods_are_sent_and_clipped_to_what_is_kept() {
    let h = two_of_each().await;
    let id = &pool_ids(&h)[1];
    let columns = format!("{POOL_KEY}, average");
    let table = "workspaces_pool_metrics";
    let minutes = equivalent(&h, table, &columns, &format!("pool_id = '{id}' AND period_seconds = 60 AND timestamp >= now() - INTERVAL '2 hours' AND timestamp < now() - INTERVAL '1 hour'")).await;
    assert_eq!(minutes.queries(), [7]);
    assert_eq!(minutes.rows, 7 * 60);

    let two = equivalent(&h, table, &columns, &format!("pool_id = '{id}' AND period_seconds IN (300, 3600) AND timestamp >= now() - INTERVAL '1 day' AND timestamp < now() - INTERVAL '2 hours'")).await;
    let periods: Vec<String> = two
        .calls
        .iter()
        .map(|c| query_members(c, &["MetricStat", "Period"])[0].clone())
        .collect();
    assert_eq!(periods, ["300", "3600"], "one call per period");

    let not_held = equivalent(
        &h,
        table,
        &columns,
        &format!("pool_id = '{id}' AND period_seconds = 120"),
    )
    .await;
    assert_eq!(
        (not_held.calls.len(), not_held.rows),
        (0, 0),
        "a period the table does not hold"
    );

    // One-minute data is kept 15 days: the older part of the range is not asked at 60 s. The
    // statement's `now()` is at or after `asked`, however long it takes to run.
    let asked = now();
    let clipped = equivalent(&h, table, &columns, &format!("pool_id = '{id}' AND period_seconds = 60 AND timestamp >= now() - INTERVAL '20 days' AND timestamp < now() - INTERVAL '14 days 23 hours'")).await;
    assert_eq!(clipped.calls.len(), 1);
    let start = clipped.calls[0].body["StartTime"]
        .as_f64()
        .expect("StartTime") as i64;
    assert!(
        start > asked - 15 * 86_400,
        "StartTime within 15 days of the statement: {start} against {asked}"
    );
    assert!(
        clipped.rows > 0 && clipped.rows <= 7 * 60,
        "{}",
        clipped.rows
    );

    // By the day, a year ago.
    let days = equivalent(&h, table, &columns, &format!("pool_id = '{id}' AND period_seconds = 86400 AND timestamp >= now() - INTERVAL '400 days' AND timestamp < now() - INTERVAL '300 days'")).await;
    assert_eq!(days.calls.len(), 1);
    assert_eq!(days.rows, 7 * 100);
}

#[tokio::test]
async fn only_the_statistics_read_are_asked_for() {
    let h = two_of_each().await;
    let table = "workspaces_pool_metrics";
    let day = weekday_hourly();
    let all = equivalent(
        &h,
        table,
        &format!("{POOL_KEY}, average, minimum, maximum, sum, sample_count"),
        &day,
    )
    .await;
    assert_eq!(all.queries(), [70], "2 pools × 7 metrics × 5 statistics");
    let stats = query_members(&all.calls[0], &["MetricStat", "Stat"]);
    assert_eq!(
        &stats[..5],
        ["Average", "Minimum", "Maximum", "Sum", "SampleCount"]
    );

    let none = equivalent(&h, table, POOL_KEY, &day).await;
    assert_eq!(none.queries(), [14]);
    assert!(
        query_members(&none.calls[0], &["MetricStat", "Stat"])
            .iter()
            .all(|s| s == "SampleCount"),
        "a datapoint exists where it has samples"
    );
    assert_eq!(none.rows, all.rows);

    let sum = equivalent(&h, table, "pool_id, timestamp, sum", &day).await;
    assert!(
        query_members(&sum.calls[0], &["MetricStat", "Stat"])
            .iter()
            .all(|s| s == "Sum")
    );

    // A filter on a statistic reads it, and is checked by DataFusion.
    h.clear();
    let busy = h
        .number(&format!("SELECT count(*) FROM {table} WHERE metric_name = 'UserSessionsCapacityUtilization' AND maximum >= 100 AND {day}"))
        .await;
    assert!(busy > 0, "the saturating pool was full on a working day");
    let calls = h.calls(GET_METRIC_DATA);
    assert!(
        query_members(&calls[0], &["MetricStat", "Stat"])
            .iter()
            .all(|s| s == "Maximum")
    );
}

#[tokio::test]
async fn a_limit_stops_the_calls() {
    let h = two_of_each().await;
    h.library.cache().set_enabled(false);
    // Every statistic at 60 s over 14 days: 21,600 datapoints a query, one pool's metric a call.
    let condition = "period_seconds = 60 AND timestamp >= now() - INTERVAL '14 days'";
    let text = h
        .rows(&format!(
            "EXPLAIN SELECT * FROM workspaces_pool_metrics WHERE {condition} LIMIT 5"
        ))
        .await
        .join("\n");
    assert!(text.contains("stop after 5 rows"), "{text}");
    h.clear();
    let rows = h
        .rows(&format!(
            "SELECT * FROM workspaces_pool_metrics WHERE {condition} LIMIT 5"
        ))
        .await;
    assert_eq!(rows.len(), 5);
    // Unlimited: 14 chains (a pool's metric each) of 2 pages; 4 chains are read at a time.
    let calls = h.calls(GET_METRIC_DATA).len();
    assert!((1..=8).contains(&calls), "{calls} calls of 28");
    h.library.cache().set_enabled(true);
    for row in rows {
        let cells: Vec<&str> = row.split('|').collect();
        let found = h
            .number(&format!(
                "SELECT count(*) FROM workspaces_pool_metrics_reference WHERE pool_id = '{}' AND metric_name = '{}' AND timestamp = TIMESTAMP '{}' AND period_seconds = 60 AND maximum = {}",
                cells[2], cells[3], cells[4], cells[9]
            ))
            .await;
        assert_eq!(found, 1, "{row} is the reference's");
    }
}

#[tokio::test]
async fn workspaces_metrics_push_down_the_same_way() {
    let h = two_of_each().await;
    let ids = workspace_ids(&h);
    assert_eq!(WorkspaceProfile::of(&ids[0]), WorkspaceProfile::DailyUser);
    let columns = format!("{WORKSPACE_KEY}, maximum");
    let table = "workspaces_metrics";
    let day = weekday_hourly();

    let one = equivalent(
        &h,
        table,
        &columns,
        &format!(
            "workspace_id = '{}' AND metric_name = 'UserConnected' AND {day}",
            ids[0]
        ),
    )
    .await;
    assert_eq!((one.queries(), one.listing_calls), (vec![1], 0));
    let dimension = query_members(&one.calls[0], &["MetricStat", "Metric", "Dimensions"]);
    assert!(
        dimension[0].contains("WorkspaceId") && dimension[0].contains(&ids[0]),
        "{dimension:?}"
    );

    let both = equivalent(&h, table, &columns, &format!("workspace_id IN ({}) AND metric_name IN ('UserConnected', 'CPUUsage', 'Stopped') AND {day}", quoted(&ids))).await;
    assert_eq!(both.queries(), [6]);
    assert!(both.rows > 0);

    let every = equivalent(&h, table, &columns, &day).await;
    assert_eq!(
        every.listing_calls, 1,
        "one page of WorkSpaces listed first"
    );
    assert_eq!(every.queries(), [58], "2 WorkSpaces × 29 metrics");

    let week = equivalent(&h, table, &format!("{WORKSPACE_KEY}, sum"), &format!("workspace_id = '{}' AND metric_name = 'UserConnected' AND timestamp BETWEEN now() - INTERVAL '8 days' AND now() - INTERVAL '2 days' AND period_seconds = 86400", ids[0])).await;
    assert_eq!(week.queries(), [1]);
    assert!(week.rows > 0);

    // A join on the WorkSpace that a predicate picks.
    let user = h.emulator.fleet().workspaces(REGION)[0]
        .user_name
        .clone()
        .unwrap_or_default();
    let join = |metrics: &str| {
        format!(
            "SELECT m.workspace_id, m.timestamp, m.maximum FROM workspaces w JOIN {metrics} m USING (workspace_id) \
             WHERE w.user_name = '{user}' AND m.metric_name = 'UserConnected' AND m.timestamp >= now() - INTERVAL '3 days' AND m.timestamp < now() - INTERVAL '2 hours' AND m.period_seconds = 3600"
        )
    };
    h.library.cache().set_enabled(false);
    h.clear();
    let pushed = h.rows(&join("workspaces_metrics")).await;
    assert_eq!(
        h.calls(GET_METRIC_DATA)
            .iter()
            .map(queries_of)
            .collect::<Vec<_>>(),
        [1]
    );
    assert_eq!(
        h.calls(WORKSPACES).len(),
        1,
        "the WorkSpaces table's own call, no listing"
    );
    assert!(
        !pushed.is_empty() && pushed.iter().all(|r| r.starts_with(&ids[0])),
        "{pushed:?}"
    );
    h.library.cache().set_enabled(true);
    let compared = h
        .rows(&format!(
            "SELECT count(*) FROM ({} EXCEPT ALL {})",
            join("workspaces_metrics"),
            join("workspaces_metrics_reference")
        ))
        .await;
    assert_eq!(compared, ["0"]);
}

#[tokio::test]
async fn without_a_range_the_table_answers_its_default_window_not_everything() {
    let h = two_of_each().await;
    let id = &pool_ids(&h)[1];
    // The same comparison that finds pushdown exact finds the default window: the reference,
    // which cannot know a query left time unrestricted, holds every retained datapoint.
    let condition = format!("pool_id = '{id}' AND period_seconds = 3600");
    let (only_pushed, only_reference, pushed) = compare(
        &h,
        "workspaces_pool_metrics",
        &format!("{POOL_KEY}, maximum"),
        &condition,
    )
    .await;
    assert_eq!(
        only_pushed, 0,
        "the default window's rows are the reference's"
    );
    assert_eq!(pushed, 7 * 24, "24 hours of 7 metrics");
    assert!(
        only_reference > 7 * 24 * 300,
        "the reference reaches back a year and more: {only_reference}"
    );
}

#[tokio::test]
async fn a_call_of_more_datapoints_than_a_page_holds_merges_its_pages() {
    let h = two_of_each().await;
    h.library.cache().set_enabled(false);
    let id = &pool_ids(&h)[1];
    // All that is kept at 60 s (15 days): 21,540 datapoints a query, so 4 queries fill a call,
    // but a metric's 5 statistics go together (107,700): CloudWatch pages them, and the pages
    // cut datapoints' statistics apart.
    h.clear();
    let counts = h
        .rows(&format!(
            "SELECT count(*), count(average), count(minimum), count(maximum), count(sum), count(sample_count) \
             FROM workspaces_pool_metrics WHERE pool_id = '{id}' AND period_seconds = 60 \
             AND timestamp >= now() - INTERVAL '16 days' AND timestamp < now() - INTERVAL '1 hour'"
        ))
        .await;
    let counts: Vec<&str> = counts[0].split('|').collect();
    assert!(
        counts.iter().all(|c| *c == counts[0]),
        "every datapoint has its five statistics: {counts:?}"
    );
    let calls = h.calls(GET_METRIC_DATA);
    let tokens = calls
        .iter()
        .filter(|c| c.body["NextToken"].is_string())
        .count();
    assert_eq!(
        calls.len(),
        7 + tokens,
        "7 calls, and their NextToken pages"
    );
    assert!(tokens > 0, "some call was paged");
    let pages: u64 = h.report().scans.iter().map(|s| s.pages).sum();
    assert_eq!(pages as usize, calls.len(), "every page counted once");
}

/// Odd literals (those of `reliability::odd_literals`, whose walk of every table leaves the
/// metrics tables here: their reference reads every period CloudWatch keeps, which this
/// harness's cache makes affordable) on every pushed column of both metrics tables, inside one
/// working day by the hour, answer as the reference.
#[tokio::test]
async fn odd_literals_on_every_pushed_column_answer_as_the_reference() {
    let h = two_of_each().await;
    let day = weekday_hourly();
    let mut checked = Vec::new();
    for table in Table::all().filter(|t| t.operation() == GET_METRIC_DATA) {
        let name = table.name();
        let key = match table.schema().field_with_name("pool_id").is_ok() {
            true => POOL_KEY,
            false => WORKSPACE_KEY,
        };
        let columns = format!("{key}, maximum");
        for column in table.pushed_columns() {
            let real = h
                .strings(&format!(
                    "SELECT {column} FROM {name} WHERE {day} ORDER BY {column} LIMIT 1"
                ))
                .await;
            let real = real.first().cloned().expect("the day has rows");
            for condition in odd_conditions(column, &real) {
                let condition = format!("{day} AND ({condition})");
                let (only_pushed, only_reference, _) =
                    compare(&h, name, &columns, &condition).await;
                assert_eq!(
                    (only_pushed, only_reference),
                    (0, 0),
                    "pushdown changed the answer of {name} WHERE {condition}"
                );
            }
            checked.push(format!("{name}.{column}"));
        }
    }
    assert_eq!(
        checked,
        [
            "workspaces_pool_metrics.pool_id",
            "workspaces_pool_metrics.metric_name",
            "workspaces_metrics.workspace_id",
            "workspaces_metrics.metric_name",
        ]
    );
}
