//! The operations against seeded fleets: metrics agree with each other and with the fleet, the
//! profiles behave as named, the period aggregates equal the minutes they cover, and
//! GetMetricData / ListMetrics follow CloudWatch's rules (rounding, periods, retention, order,
//! paging, limits, filters).

use serde_json::{Value, json};

use super::catalog::{Family, MetricSpec, POOL_METRICS, WORKSPACE_METRICS, metric};
use super::series::Series;
use super::stats::Stats;
use super::stats::tests::assert_close;
use super::{get_metric_data, list_metrics};
use crate::shapes::PoolState;
use crate::usage::tests::workspaces_fleet as workspace_fleet;
use crate::usage::{PoolProfile, PoolUsage, WorkspaceProfile, WorkspaceUsage};
use crate::{Fleet, Workspace};

/// 2026-07-01T12:00:00Z, a Wednesday: the seeded fleet's "now".
const NOW: i64 = 1_782_907_200;
const DAY: i64 = 86_400;
const REGION: &str = "us-east-1";

fn pool_fleet() -> Fleet {
    Fleet::seeded(7, &[REGION], 100)
}

fn query(id: &str, metric: &str, dimension: (&str, &str), period: i64, stat: &str) -> Value {
    json!({
        "Id": id,
        "MetricStat": {
            "Metric": {
                "Namespace": "AWS/WorkSpaces",
                "MetricName": metric,
                "Dimensions": [{"Name": dimension.0, "Value": dimension.1}],
            },
            "Period": period,
            "Stat": stat,
        },
    })
}

fn pool_query(id: &str, metric: &str, pool_id: &str, period: i64, stat: &str) -> Value {
    query(id, metric, ("WorkSpaces pool ID", pool_id), period, stat)
}

fn get(fleet: &Fleet, body: Value) -> Value {
    get_metric_data(fleet, REGION, &body, NOW).unwrap_or_else(|e| panic!("{e:?} for {body}"))
}

fn refused(fleet: &Fleet, body: Value) -> (String, String) {
    match get_metric_data(fleet, REGION, &body, NOW) {
        Ok(answer) => panic!("answered {answer}"),
        Err(e) => (e.code.to_string(), e.message),
    }
}

/// `(timestamps, values)` of the result with this id.
fn series_of(answer: &Value, id: &str) -> (Vec<i64>, Vec<f64>) {
    let result = answer["MetricDataResults"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["Id"] == id))
        .unwrap_or_else(|| panic!("no result {id} in {answer}"));
    let timestamps = result["Timestamps"]
        .as_array()
        .map(|t| t.iter().filter_map(Value::as_i64).collect())
        .unwrap_or_default();
    let values = result["Values"]
        .as_array()
        .map(|v| v.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    (timestamps, values)
}

fn running_pools(fleet: &Fleet) -> impl Iterator<Item = &crate::Pool> {
    fleet
        .pools(REGION)
        .iter()
        .filter(|p| p.state == PoolState::Running && p.capacity_status.desired_user_sessions > 0)
}

fn spec(family: Family, name: &str) -> &'static MetricSpec {
    metric(family, name).unwrap_or_else(|| panic!("no metric {name}"))
}

/// Every sample of a metric of a series at a minute (at most one for one resource).
fn sample(series: &mut Series, family: Family, name: &str, minute: i64) -> Option<f64> {
    let samples = series.samples_at(spec(family, name), minute);
    assert!(samples.len() <= 1);
    samples.first().copied()
}

#[test]
fn pool_metrics_agree_with_each_other_and_the_fleet() {
    let fleet = pool_fleet();
    let mut checked = 0;
    for pool in fleet.pools(REGION) {
        let mut series = Series::pool(pool, REGION);
        let desired = f64::from(pool.capacity_status.desired_user_sessions);
        for minute in (NOW / 60 - 2 * 1440..NOW / 60).step_by(7) {
            let value = |series: &mut Series, name| sample(series, Family::Pool, name, minute);
            let active = value(&mut series, "ActiveUserSessionCapacity");
            let Some(active) = active else {
                assert!(
                    !matches!(pool.state, PoolState::Running | PoolState::Updating),
                    "a pool in service has data"
                );
                for m in POOL_METRICS {
                    assert!(series.samples_at(m, minute).is_empty(), "{}", m.name);
                }
                continue;
            };
            let actual = value(&mut series, "ActualUserSessionCapacity").expect("actual");
            let available = value(&mut series, "AvailableUserSessionCapacity").expect("available");
            let pending = value(&mut series, "PendingUserSessionCapacity").expect("pending");
            let desired_now = value(&mut series, "DesiredUserSessionCapacity").expect("desired");
            let rejected = value(&mut series, "InsufficientCapacityError").expect("errors");
            let utilization = value(&mut series, "UserSessionsCapacityUtilization");
            assert!(0.0 <= active && active <= actual, "{active} {actual}");
            assert_eq!(available, actual - active);
            assert_eq!(desired_now, desired, "Desired is the pool's");
            assert_eq!(desired_now, actual + pending, "Desired = Actual + Pending");
            match utilization {
                Some(u) => assert!((u - active / actual * 100.0).abs() < 1e-9),
                None => assert_eq!(actual, 0.0, "no utilization only without capacity"),
            }
            if rejected > 0.0 {
                assert_eq!(PoolProfile::of(&pool.pool_id), PoolProfile::Saturating);
                assert_eq!(active, actual, "rejects only when full");
            }
            checked += 1;
        }
        if pool.state == PoolState::Stopped {
            assert_eq!(series.first_minute(), None, "no data for stopped pools");
        }
    }
    assert!(checked > 5_000, "{checked}");
}

#[test]
fn pool_metrics_through_the_operation_agree_too() {
    let fleet = pool_fleet();
    for pool in running_pools(&fleet).take(5) {
        let id = pool.pool_id.as_str();
        let names = [
            "ActiveUserSessionCapacity",
            "ActualUserSessionCapacity",
            "AvailableUserSessionCapacity",
            "UserSessionsCapacityUtilization",
        ];
        let queries: Vec<Value> = names
            .iter()
            .enumerate()
            .map(|(i, name)| pool_query(&format!("q{i}"), name, id, 60, "Average"))
            .collect();
        let answer = get(
            &fleet,
            json!({"MetricDataQueries": queries, "StartTime": NOW - 6 * 3600, "EndTime": NOW}),
        );
        let (times, active) = series_of(&answer, "q0");
        let (_, actual) = series_of(&answer, "q1");
        let (_, available) = series_of(&answer, "q2");
        let (_, utilization) = series_of(&answer, "q3");
        assert_eq!(times.len(), 360, "a datapoint a minute for six hours");
        assert!(times.windows(2).all(|w| w[0] - w[1] == 60), "newest first");
        for i in 0..times.len() {
            assert_eq!(available[i], actual[i] - active[i]);
            assert!((utilization[i] - active[i] / actual[i] * 100.0).abs() < 1e-9);
        }
    }
}

#[test]
fn pool_profiles_behave_as_named() {
    let fleet = pool_fleet();
    let two_weeks = json!({"StartTime": NOW - 14 * DAY, "EndTime": NOW});
    let mut seen = std::collections::HashMap::new();
    for pool in running_pools(&fleet) {
        let id = pool.pool_id.as_str();
        let desired = f64::from(pool.capacity_status.desired_user_sessions);
        let mut body = two_weeks.clone();
        body["MetricDataQueries"] = json!([
            pool_query("errors", "InsufficientCapacityError", id, 3600, "Sum"),
            pool_query("peak", "ActiveUserSessionCapacity", id, 3600, "Maximum"),
            pool_query("full", "AvailableUserSessionCapacity", id, 3600, "Minimum"),
        ]);
        let answer = get(&fleet, body);
        let rejected: f64 = series_of(&answer, "errors").1.iter().sum();
        let peak = series_of(&answer, "peak")
            .1
            .iter()
            .fold(0.0_f64, |m, v| m.max(*v));
        let profile = PoolUsage::of(pool, REGION).profile();
        *seen.entry(profile).or_insert(0) += 1;
        match profile {
            PoolProfile::Saturating => {
                assert!(rejected > 0.0, "{id} rejects sessions at peaks");
                let emptiest_hour = series_of(&answer, "full").1;
                assert!(emptiest_hour.contains(&0.0), "{id} is full at times");
            }
            PoolProfile::Oversized => {
                assert_eq!(rejected, 0.0);
                assert!(peak <= (desired / 2.0).floor(), "{id}: {peak} of {desired}");
            }
            PoolProfile::Normal => {
                assert_eq!(rejected, 0.0);
                if desired >= 4.0 {
                    assert!(
                        peak > desired / 2.0 - 1.0,
                        "{id} is busy at peaks: {peak} of {desired}"
                    );
                }
            }
        }
    }
    assert!(
        seen.get(&PoolProfile::Saturating).copied().unwrap_or(0) >= 2,
        "{seen:?}"
    );
    assert!(
        seen.get(&PoolProfile::Oversized).copied().unwrap_or(0) >= 2,
        "{seen:?}"
    );
}

#[test]
fn business_hours_are_busier_than_weekend_nights() {
    let fleet = pool_fleet();
    let pool = running_pools(&fleet)
        .find(|p| {
            p.capacity_status.desired_user_sessions >= 10
                && PoolProfile::of(&p.pool_id) == PoolProfile::Normal
        })
        .expect("a large normal pool");
    let mut series = Series::pool(pool, REGION);
    let active = spec(Family::Pool, "ActiveUserSessionCapacity");
    // 2026-06-30 (Tuesday) 15:00-16:00 New York is 20:00-21:00 UTC; Sunday 2026-06-28 03:00
    // New York is 08:00 UTC.
    let tuesday_afternoon = (NOW - 16 * 3600 + 3600) / 60;
    let sunday_night = (NOW - 3 * DAY - 4 * 3600) / 60;
    let busy = series.stats(active, tuesday_afternoon, tuesday_afternoon + 60);
    let quiet = series.stats(active, sunday_night, sunday_night + 60);
    let average = |s: Stats| s.sum / s.count as f64;
    assert!(
        average(busy) > 4.0 * average(quiet).max(0.5),
        "{busy:?} vs {quiet:?}"
    );
}

#[test]
fn workspace_metrics_agree_with_each_other_and_the_sessions() {
    let fleet = workspace_fleet();
    let mut connected_minutes = 0;
    for region in fleet.regions() {
        for workspace in fleet.workspaces(region) {
            let usage = WorkspaceUsage::of(workspace, region);
            let mut series = Series::workspaces([workspace], region);
            for minute in (NOW / 60 - 3 * 1440..NOW / 60).step_by(11) {
                let mut value = |name| sample(&mut series, Family::Workspace, name, minute);
                let health: Vec<f64> = ["Available", "Unhealthy", "Stopped", "Maintenance"]
                    .into_iter()
                    .filter_map(&mut value)
                    .collect();
                if usage.created().is_none() {
                    assert!(health.is_empty(), "no history for {:?}", workspace.state);
                    continue;
                }
                assert_eq!(health.len(), 4);
                assert_eq!(health.iter().sum::<f64>(), 1.0, "exactly one health");
                let stopped = value("Stopped") == Some(1.0);
                let connected = value("UserConnected");
                let plan =
                    usage.day(crate::usage::LocalTime::of(minute, usage.offset_minutes()).day);
                let in_session = plan
                    .sessions
                    .iter()
                    .any(|s| s.start <= minute && minute < s.end);
                match usage.profile() {
                    WorkspaceProfile::NeverConnected => assert_eq!(connected, None),
                    _ if stopped => assert_eq!(connected, None, "no agent while stopped"),
                    _ => assert_eq!(connected, Some(if in_session { 1.0 } else { 0.0 })),
                }
                if in_session {
                    connected_minutes += 1;
                }
                let latency = value("InSessionLatency");
                assert_eq!(
                    latency.is_some(),
                    in_session,
                    "in-session metrics while connected"
                );
                assert_eq!(
                    value("CPUUsage").is_some(),
                    !stopped,
                    "resource metrics while running"
                );
                if let Some(cpu) = value("CPUUsage") {
                    assert!((0.0..=100.0).contains(&cpu));
                }
                if let Some(up) = value("UpTime") {
                    assert!(up >= 0.0);
                }
                let attempts = value("ConnectionAttempt");
                let successes = value("ConnectionSuccess");
                let failures = value("ConnectionFailure");
                if let Some(attempts) = attempts {
                    assert_eq!(
                        Some(attempts),
                        Some(successes.unwrap_or(0.0) + failures.unwrap_or(0.0))
                    );
                    assert!(plan.sessions.iter().any(|s| s.start == minute));
                }
            }
        }
    }
    assert!(connected_minutes > 100, "{connected_minutes}");
}

#[test]
fn workspace_profiles_behave_as_named() {
    let fleet = workspace_fleet();
    let mut seen = std::collections::HashMap::new();
    for region in fleet.regions() {
        for workspace in fleet.workspaces(region) {
            let usage = WorkspaceUsage::of(workspace, region);
            if usage.created().is_none() || usage.stopped_since().is_some() {
                continue;
            }
            let id = workspace.workspace_id.as_str();
            let dimension = ("WorkspaceId", id);
            let body = json!({
                "MetricDataQueries": [
                    query("connected", "UserConnected", dimension, 3600, "Maximum"),
                    query("attempts", "ConnectionAttempt", dimension, 3600, "Sum"),
                    query("available", "Available", dimension, 3600, "SampleCount"),
                ],
                "StartTime": NOW - 14 * DAY,
                "EndTime": NOW,
            });
            let answer = get_metric_data(&fleet, region, &body, NOW).expect("answered");
            let connected = series_of(&answer, "connected").1;
            let attempts: f64 = series_of(&answer, "attempts").1.iter().sum();
            assert!(
                !series_of(&answer, "available").1.is_empty(),
                "health of {id}"
            );
            *seen.entry(usage.profile()).or_insert(0) += 1;
            match usage.profile() {
                WorkspaceProfile::DailyUser => {
                    assert!(attempts >= 5.0, "{id}: {attempts}");
                    assert!(connected.contains(&1.0));
                }
                WorkspaceProfile::Occasional => assert!(attempts >= 1.0, "{id}"),
                WorkspaceProfile::Stale => {
                    assert_eq!(attempts, 0.0, "{id} has not connected for weeks");
                    assert!(connected.iter().all(|v| *v == 0.0));
                    let last = usage.last_user_connection(NOW).expect("connected once");
                    assert!(NOW - last > 14 * DAY);
                }
                WorkspaceProfile::NeverConnected => {
                    assert!(connected.is_empty(), "nothing ever for {id}");
                    assert_eq!(attempts, 0.0);
                    let year = json!({
                        "MetricDataQueries": [query("a", "ConnectionAttempt", dimension, 86_400, "Sum")],
                        "StartTime": NOW - 400 * DAY,
                        "EndTime": NOW,
                    });
                    let answer = get_metric_data(&fleet, region, &year, NOW).expect("answered");
                    assert!(series_of(&answer, "a").1.is_empty());
                }
            }
        }
    }
    for profile in [WorkspaceProfile::Stale, WorkspaceProfile::NeverConnected] {
        assert!(seen.get(&profile).copied().unwrap_or(0) >= 2, "{seen:?}");
    }
}

#[test]
fn hourly_aggregates_equal_the_minutes_they_cover() {
    let pools = pool_fleet();
    let workspaces = workspace_fleet();
    let mut series: Vec<(Series, &'static [MetricSpec])> = running_pools(&pools)
        .take(6)
        .map(|p| (Series::pool(p, REGION), POOL_METRICS))
        .collect();
    let personal: Vec<&Workspace> = workspaces.workspaces(REGION).iter().take(6).collect();
    for workspace in &personal {
        series.push((Series::workspaces([*workspace], REGION), WORKSPACE_METRICS));
    }
    series.push((
        Series::workspaces(personal.iter().copied(), REGION),
        WORKSPACE_METRICS,
    ));
    let mut compared = 0;
    for (series, metrics) in &mut series {
        // Hours across a working day and a night, in New York time.
        for hour in (NOW / 3600 - 30..NOW / 3600).step_by(3) {
            for metric in metrics.iter() {
                let (from, to) = (hour * 60, hour * 60 + 60);
                let hourly = series.stats(metric, from, to);
                let mut minutes = Stats::NONE;
                for minute in from..to {
                    for value in series.samples_at(metric, minute) {
                        minutes.merge(Stats::one(value));
                    }
                }
                assert_close(hourly, minutes, &format!("{} at hour {hour}", metric.name));
                // And a run that does not start on the hour.
                let partial = series.stats(metric, from + 17, to + 43);
                let mut folded = Stats::NONE;
                for minute in from + 17..to + 43 {
                    for value in series.samples_at(metric, minute) {
                        folded.merge(Stats::one(value));
                    }
                }
                assert_close(
                    partial,
                    folded,
                    &format!("{} from {}", metric.name, from + 17),
                );
                compared += usize::from(hourly.count > 0);
            }
        }
    }
    assert!(compared > 500, "{compared}");
}

#[test]
fn longer_periods_are_the_aggregates_of_shorter_ones() {
    let fleet = pool_fleet();
    let pool = running_pools(&fleet).next().expect("a running pool");
    let id = pool.pool_id.as_str();
    let body = |period, stat| {
        json!({
            "MetricDataQueries": [pool_query("q", "ActiveUserSessionCapacity", id, period, stat)],
            "StartTime": NOW - DAY,
            "EndTime": NOW,
            "ScanBy": "TimestampAscending",
        })
    };
    let hourly = series_of(&get(&fleet, body(3600, "Sum")), "q");
    let minutes = series_of(&get(&fleet, body(60, "Sum")), "q");
    assert_eq!(hourly.0.len(), 24);
    for (i, start) in hourly.0.iter().enumerate() {
        let sum: f64 = minutes
            .0
            .iter()
            .zip(&minutes.1)
            .filter(|(t, _)| (*start..start + 3600).contains(*t))
            .map(|(_, v)| v)
            .sum();
        assert!(
            (hourly.1[i] - sum).abs() < 1e-6,
            "hour {start}: {} vs {sum}",
            hourly.1[i]
        );
    }
}

/// The first timestamp an ascending query starting at `start_time` answers.
fn first_timestamp(fleet: &Fleet, id: &str, start_time: i64, period: i64) -> Option<i64> {
    let answer = get(
        fleet,
        json!({
            "MetricDataQueries": [pool_query("q", "DesiredUserSessionCapacity", id, period, "Average")],
            "StartTime": start_time,
            "EndTime": start_time + 3 * 3600,
            "ScanBy": "TimestampAscending",
        }),
    );
    series_of(&answer, "q").0.first().copied()
}

#[test]
fn start_time_is_rounded_by_its_age() {
    let fleet = pool_fleet();
    let pool = running_pools(&fleet)
        .find(|p| p.created_at < (NOW - 200 * DAY) as f64)
        .expect("an old running pool");
    let id = pool.pool_id.as_str();
    // 12:32:34 on days 2, 30 and 100 before now.
    let at = |days: i64| NOW - days * DAY + 32 * 60 + 34;
    assert_eq!(
        first_timestamp(&fleet, id, at(2), 60),
        Some(at(2) - 34),
        "to the minute"
    );
    assert_eq!(
        first_timestamp(&fleet, id, at(30), 300),
        Some(at(30) - 2 * 60 - 34),
        "to 5 minutes"
    );
    assert_eq!(
        first_timestamp(&fleet, id, at(100), 3600),
        Some(at(100) - 32 * 60 - 34),
        "to the hour"
    );
}

#[test]
fn periods_follow_the_age_of_the_start_time() {
    let fleet = pool_fleet();
    let pool = running_pools(&fleet)
        .find(|p| p.created_at < (NOW - 500 * DAY) as f64)
        .expect("a pool older than the retention");
    let id = pool.pool_id.as_str();
    // One-minute periods only for starts less than 15 days ago; 5 minutes up to 63 days.
    assert!(first_timestamp(&fleet, id, NOW - 20 * DAY, 60).is_none());
    assert!(first_timestamp(&fleet, id, NOW - 20 * DAY, 300).is_some());
    assert!(first_timestamp(&fleet, id, NOW - 70 * DAY, 300).is_none());
    assert!(first_timestamp(&fleet, id, NOW - 70 * DAY, 3600).is_some());
    assert!(first_timestamp(&fleet, id, NOW - 70 * DAY, 7200).is_some());
    // Sub-minute periods: only for starts in the last 3 hours, and only the periods holding a
    // minute's sample.
    assert!(first_timestamp(&fleet, id, NOW - 5 * 3600, 30).is_none());
    let recent = get(
        &fleet,
        json!({
            "MetricDataQueries": [pool_query("q", "DesiredUserSessionCapacity", id, 30, "Average")],
            "StartTime": NOW - 3600 + 15,
            "EndTime": NOW,
        }),
    );
    let (times, _) = series_of(&recent, "q");
    // The start is rounded down to the 30-second division: NOW - 3600.
    assert_eq!(
        times.len(),
        60,
        "the minutes of the hour from the rounded start"
    );
    assert_eq!(times.last(), Some(&(NOW - 3600)));
    assert!(times.iter().all(|t| t % 60 == 0));
    // Nothing older than 455 days.
    let old = get(
        &fleet,
        json!({
            "MetricDataQueries": [pool_query("q", "DesiredUserSessionCapacity", id, 86_400, "SampleCount")],
            "StartTime": NOW - 600 * DAY,
            "EndTime": NOW,
            "ScanBy": "TimestampAscending",
        }),
    );
    let (times, counts) = series_of(&old, "q");
    assert!(
        times[0] + DAY > NOW - 455 * DAY,
        "first period {}",
        times[0]
    );
    assert!(counts[0] < 1440.0, "the first day is cut by the retention");
    assert_eq!(counts[1], 1440.0);
    // Periods that are neither a few seconds nor whole minutes are refused.
    let (code, message) = refused(
        &fleet,
        json!({
            "MetricDataQueries": [pool_query("q", "DesiredUserSessionCapacity", id, 90, "Average")],
            "StartTime": NOW - 3600,
            "EndTime": NOW,
        }),
    );
    assert_eq!(code, "ValidationError");
    assert!(
        message.contains("MetricDataQueries.member.1.MetricStat.Period"),
        "{message}"
    );
}

#[test]
fn nothing_before_creation() {
    let fleet = pool_fleet();
    let young = running_pools(&fleet)
        .filter(|p| p.created_at > (NOW - 300 * DAY) as f64)
        .take(3)
        .collect::<Vec<_>>();
    assert!(!young.is_empty());
    for pool in young {
        let answer = get(
            &fleet,
            json!({
                "MetricDataQueries": [pool_query("q", "DesiredUserSessionCapacity", &pool.pool_id, 3600, "SampleCount")],
                "StartTime": NOW - 400 * DAY,
                "EndTime": NOW,
                "ScanBy": "TimestampAscending",
            }),
        );
        let (times, counts) = series_of(&answer, "q");
        let created = pool.created_at as i64;
        assert!(
            times[0] <= created && created < times[0] + 3600,
            "first hour is the creation's"
        );
        assert!(counts[0] <= 60.0);
        assert_eq!(counts[1], 60.0);
    }
}

#[test]
fn datapoints_are_ordered_by_scan_by() {
    let fleet = pool_fleet();
    let id = running_pools(&fleet)
        .next()
        .expect("a pool")
        .pool_id
        .clone();
    let body = |scan_by: Option<&str>| {
        let mut body = json!({
            "MetricDataQueries": [pool_query("q", "ActiveUserSessionCapacity", &id, 300, "Maximum")],
            "StartTime": NOW - DAY,
            "EndTime": NOW,
        });
        if let Some(scan_by) = scan_by {
            body["ScanBy"] = json!(scan_by);
        }
        body
    };
    let default = series_of(&get(&fleet, body(None)), "q");
    let descending = series_of(&get(&fleet, body(Some("TimestampDescending"))), "q");
    let ascending = series_of(&get(&fleet, body(Some("TimestampAscending"))), "q");
    assert_eq!(default, descending, "descending by default");
    assert!(descending.0.windows(2).all(|w| w[0] > w[1]));
    assert_eq!(descending.0.first(), Some(&(NOW - 300)));
    let mut reversed = ascending.clone();
    reversed.0.reverse();
    reversed.1.reverse();
    assert_eq!(reversed, descending);
}

/// A request over several resources and metrics.
fn many_queries(fleet: &Fleet) -> Vec<Value> {
    let mut queries = Vec::new();
    for (i, pool) in fleet.pools(REGION).iter().take(12).enumerate() {
        queries.push(pool_query(
            &format!("p{i}"),
            "ActiveUserSessionCapacity",
            &pool.pool_id,
            3600,
            "Average",
        ));
        queries.push(pool_query(
            &format!("e{i}"),
            "InsufficientCapacityError",
            &pool.pool_id,
            3600,
            "Sum",
        ));
    }
    queries.push(pool_query(
        "absent",
        "ActiveUserSessionCapacity",
        "wspool-nothere00",
        3600,
        "Average",
    ));
    queries
}

/// Every page of a request, following NextTokens.
fn pages(fleet: &Fleet, body: &Value) -> Vec<Value> {
    let mut pages = Vec::new();
    let mut body = body.clone();
    loop {
        let page = get(fleet, body.clone());
        let next = page.get("NextToken").cloned();
        pages.push(page);
        match next {
            Some(token) => body["NextToken"] = token,
            None => return pages,
        }
        assert!(pages.len() < 1000, "paging ends");
    }
}

#[test]
fn pages_together_are_the_one_big_answer() {
    let fleet = pool_fleet();
    for scan_by in ["TimestampDescending", "TimestampAscending"] {
        let body = json!({
            "MetricDataQueries": many_queries(&fleet),
            "StartTime": NOW - 10 * DAY,
            "EndTime": NOW,
            "ScanBy": scan_by,
        });
        let whole = get(&fleet, body.clone());
        assert!(whole.get("NextToken").is_none());
        let results = whole["MetricDataResults"]
            .as_array()
            .expect("results")
            .clone();
        assert!(results.iter().all(|r| r["StatusCode"] == "Complete"));
        let total: usize = results
            .iter()
            .map(|r| r["Values"].as_array().map_or(0, Vec::len))
            .sum();
        assert!(total > 1000, "{total}");
        let mut small = body.clone();
        small["MaxDatapoints"] = json!(97);
        let pages = pages(&fleet, &small);
        assert_eq!(pages.len(), total.div_ceil(97));
        for (n, page) in pages.iter().enumerate() {
            let results = page["MetricDataResults"].as_array().expect("results");
            assert_eq!(results.len(), 25, "every query on every page");
            let count: usize = results
                .iter()
                .map(|r| r["Values"].as_array().map_or(0, Vec::len))
                .sum();
            let last = n + 1 == pages.len();
            assert_eq!(count, if last { total - 97 * n } else { 97 });
            assert_eq!(
                results.iter().all(|r| r["StatusCode"] == "Complete"),
                last,
                "only the last page is complete"
            );
        }
        for (i, result) in results.iter().enumerate() {
            let id = result["Id"].as_str().expect("id");
            let mut timestamps = Vec::new();
            let mut values = Vec::new();
            for page in &pages {
                let (t, v) = series_of(page, id);
                timestamps.extend(t);
                values.extend(v);
            }
            assert_eq!(
                series_of(&whole, id),
                (timestamps, values),
                "query {i} ({id})"
            );
        }
    }
}

#[test]
fn next_tokens_are_bound_to_their_request() {
    let fleet = pool_fleet();
    let body = json!({
        "MetricDataQueries": many_queries(&fleet),
        "StartTime": NOW - 10 * DAY,
        "EndTime": NOW,
        "MaxDatapoints": 50,
    });
    let token = get(&fleet, body.clone())["NextToken"].clone();
    assert!(token.is_string());
    let mut same = body.clone();
    same["NextToken"] = token.clone();
    same["MaxDatapoints"] = json!(80);
    get(&fleet, same);
    let mut other = body.clone();
    other["StartTime"] = json!(NOW - 9 * DAY);
    other["NextToken"] = token.clone();
    let (code, _) = refused(&fleet, other);
    assert_eq!(code, "InvalidNextToken");
    let mut garbage = body.clone();
    garbage["NextToken"] = json!("not-a-token");
    assert_eq!(refused(&fleet, garbage).0, "InvalidNextToken");
    let mut elsewhere = body.clone();
    elsewhere["NextToken"] = token;
    let answer = get_metric_data(&fleet, "eu-west-1", &elsewhere, NOW);
    assert_eq!(answer.map_err(|e| e.code), Err("InvalidNextToken"));
}

#[test]
fn limits_are_answered_with_cloudwatchs_errors() {
    let fleet = pool_fleet();
    let id = fleet.pools(REGION)[0].pool_id.clone();
    let window = |queries: Vec<Value>| json!({"MetricDataQueries": queries, "StartTime": NOW - 3600, "EndTime": NOW});
    let q = |n: usize| {
        pool_query(
            &format!("q{n}"),
            "ActiveUserSessionCapacity",
            &id,
            60,
            "Average",
        )
    };

    let five_hundred: Vec<Value> = (0..500).map(q).collect();
    get(&fleet, window(five_hundred.clone()));
    let mut too_many = five_hundred;
    too_many.push(q(500));
    let (code, message) = refused(&fleet, window(too_many));
    assert_eq!(code, "InvalidParameterValue");
    assert!(message.contains("500"), "{message}");

    let (code, message) = refused(&fleet, window(vec![q(1), q(1)]));
    assert_eq!(code, "ValidationError");
    assert_eq!(
        message,
        "The values for parameter id in MetricDataQueries are not unique."
    );

    let mut equal = window(vec![q(1)]);
    equal["EndTime"] = json!(NOW - 3600);
    assert_eq!(
        refused(&fleet, equal),
        (
            "ValidationError".into(),
            "The parameter StartTime must not equal parameter EndTime.".into()
        )
    );
    let mut reversed = window(vec![q(1)]);
    reversed["EndTime"] = json!(NOW - 7200);
    assert_eq!(refused(&fleet, reversed).0, "ValidationError");

    let mut bad_stat = q(1);
    bad_stat["MetricStat"]["Stat"] = json!("Min");
    let (code, message) = refused(&fleet, window(vec![q(0), bad_stat]));
    assert_eq!(code, "ValidationError");
    assert_eq!(
        message,
        "The value Min for parameter MetricDataQueries.member.2.MetricStat.Stat is not a valid statistic."
    );

    let mut bad_id = q(1);
    bad_id["Id"] = json!("Q1");
    assert_eq!(refused(&fleet, window(vec![bad_id])).0, "ValidationError");

    let mut both = q(1);
    both["Expression"] = json!("q1 * 2");
    assert_eq!(
        refused(&fleet, window(vec![both])).0,
        "InvalidParameterCombination"
    );
    let expression = json!({"Id": "e1", "Expression": "SUM(METRICS())"});
    let (code, message) = refused(&fleet, window(vec![q(1), expression]));
    assert_eq!(code, "ValidationError");
    assert!(message.contains("e1"), "{message}");
    assert_eq!(
        refused(&fleet, window(vec![json!({"Id": "x"})])).0,
        "MissingParameter"
    );
    assert_eq!(refused(&fleet, window(vec![])).0, "InvalidParameterValue");

    let mut no_points = window(vec![q(1)]);
    no_points["MaxDatapoints"] = json!(0);
    assert_eq!(refused(&fleet, no_points).0, "InvalidParameterValue");
    let mut zone = window(vec![q(1)]);
    zone["LabelOptions"] = json!({"Timezone": "CET"});
    assert_eq!(refused(&fleet, zone.clone()).0, "ValidationError");
    zone["LabelOptions"] = json!({"Timezone": "+0130"});
    get(&fleet, zone);
    assert_eq!(
        refused(&fleet, json!({"StartTime": NOW - 60, "EndTime": NOW})).0,
        "MissingParameter"
    );
}

#[test]
fn only_exact_metrics_have_data() {
    let fleet = workspace_fleet();
    let pool = running_pools(&fleet).next().expect("a pool");
    let workspace = fleet
        .workspaces(REGION)
        .iter()
        .find(|w| w.state.as_deref() == Some("AVAILABLE"))
        .expect("an available WorkSpace");
    let id = pool.pool_id.as_str();
    let count = |q: Value| {
        let answer = get(
            &fleet,
            json!({"MetricDataQueries": [q], "StartTime": NOW - 3600, "EndTime": NOW}),
        );
        series_of(&answer, "q").1.len()
    };
    let base = pool_query("q", "DesiredUserSessionCapacity", id, 60, "Average");
    assert_eq!(count(base.clone()), 60);
    let mut lower_case = base.clone();
    lower_case["MetricStat"]["Metric"]["Namespace"] = json!("AWS/Workspaces");
    assert_eq!(count(lower_case), 0, "namespaces are case-sensitive");
    let mut extra = base.clone();
    extra["MetricStat"]["Metric"]["Dimensions"]
        .as_array_mut()
        .expect("dimensions")
        .push(json!({"Name": "DirectoryId", "Value": pool.directory_id}));
    assert_eq!(count(extra), 0, "an extra dimension");
    let mut none = base.clone();
    none["MetricStat"]["Metric"]["Dimensions"] = json!([]);
    assert_eq!(count(none), 0, "a missing dimension");
    assert_eq!(
        count(query(
            "q",
            "DesiredUserSessionCapacity",
            ("Pool", id),
            60,
            "Average"
        )),
        0
    );
    let mut unit = base.clone();
    unit["MetricStat"]["Unit"] = json!("Percent");
    assert_eq!(count(unit.clone()), 0, "another unit");
    unit["MetricStat"]["Unit"] = json!("Count");
    assert_eq!(count(unit), 60, "its unit");
    let mut percentile = base.clone();
    percentile["MetricStat"]["Stat"] = json!("p90");
    assert_eq!(
        count(percentile),
        0,
        "no extended statistics for these metrics"
    );
    let mut other_account = base.clone();
    other_account["AccountId"] = json!("999999999999");
    assert_eq!(count(other_account), 0);
    let mut hidden = base;
    hidden["ReturnData"] = json!(false);
    let answer = get(
        &fleet,
        json!({"MetricDataQueries": [hidden], "StartTime": NOW - 3600, "EndTime": NOW}),
    );
    assert_eq!(answer["MetricDataResults"], json!([]));
    let ws = ("WorkspaceId", workspace.workspace_id.as_str());
    assert_eq!(count(query("q", "Available", ws, 60, "Sum")), 60);
    assert_eq!(
        count(query("q", "ActiveUserSessionCapacity", ws, 60, "Sum")),
        0,
        "a pool metric"
    );
    let directory = workspace.directory_id.as_deref().expect("a directory");
    let members = fleet
        .workspaces(REGION)
        .iter()
        .filter(|w| w.directory_id.as_deref() == Some(directory))
        .filter(|w| WorkspaceUsage::of(w, REGION).created().is_some())
        .count();
    let answer = get(
        &fleet,
        json!({
            "MetricDataQueries": [query("q", "Available", ("DirectoryId", directory), 60, "SampleCount")],
            "StartTime": NOW - 600,
            "EndTime": NOW,
        }),
    );
    let (_, counts) = series_of(&answer, "q");
    assert_eq!(
        counts,
        vec![members as f64; 10],
        "one health sample per WorkSpace a minute"
    );
    let label = get(
        &fleet,
        json!({"MetricDataQueries": [query("q", "Available", ws, 60, "Sum")], "StartTime": NOW - 600, "EndTime": NOW}),
    );
    assert_eq!(label["MetricDataResults"][0]["Label"], "Available");
}

fn list(fleet: &Fleet, body: Value) -> Value {
    list_metrics(fleet, REGION, &body, NOW).unwrap_or_else(|e| panic!("{e:?} for {body}"))
}

/// Every metric of every page.
fn listing(fleet: &Fleet, body: Value) -> Vec<Value> {
    let mut all = Vec::new();
    let mut body = body;
    loop {
        let page = list(fleet, body.clone());
        let metrics = page["Metrics"].as_array().expect("metrics");
        assert!(metrics.len() <= 500);
        all.extend(metrics.iter().cloned());
        match page.get("NextToken") {
            Some(token) => {
                assert_eq!(metrics.len(), 500, "only full pages have a next one");
                body["NextToken"] = token.clone();
            }
            None => return all,
        }
    }
}

#[test]
fn list_metrics_lists_what_has_recent_data() {
    let fleet = workspace_fleet();
    let all = listing(&fleet, json!({}));
    let region = fleet.region_or_empty(REGION);
    let from = (NOW - 14 * DAY) / 60;
    let to = NOW / 60;
    let listed = |name: &str, value: &str, metric: &str| {
        all.iter().any(|m| {
            m["MetricName"] == metric && m["Dimensions"] == json!([{"Name": name, "Value": value}])
        })
    };
    // Listed exactly when there are samples in the last two weeks.
    for pool in &region.pools {
        let mut series = Series::pool(pool, REGION);
        for metric in POOL_METRICS {
            let has = series.stats(metric, from, to).count > 0;
            assert_eq!(
                listed("WorkSpaces pool ID", &pool.pool_id, metric.name),
                has,
                "{} {}",
                pool.pool_id,
                metric.name
            );
        }
    }
    for workspace in &region.workspaces {
        let mut series = Series::workspaces([workspace], REGION);
        for metric in WORKSPACE_METRICS {
            let has = series.stats(metric, from, to).count > 0;
            assert_eq!(
                listed("WorkspaceId", &workspace.workspace_id, metric.name),
                has,
                "{} {}",
                workspace.workspace_id,
                metric.name
            );
        }
    }
    assert!(all.iter().all(|m| m["Namespace"] == "AWS/WorkSpaces"));
    let directories = all
        .iter()
        .filter(|m| m["Dimensions"][0]["Name"] == "DirectoryId")
        .count();
    assert!(directories > 0);
    assert!(all.len() > 500, "more than a page: {}", all.len());
}

#[test]
fn list_metrics_plans_agree_with_the_samples_everywhere() {
    // Over the whole fleet and windows of several lengths and ages.
    let fleet = workspace_fleet();
    for region in fleet.regions() {
        let r = fleet.region_or_empty(region);
        // The pools of one region: their rule is one line; the WorkSpaces' is the plans.
        let pools = if region == REGION { &r.pools[..] } else { &[] };
        let mut candidates: Vec<(Series, &'static [MetricSpec])> = pools
            .iter()
            .map(|p| (Series::pool(p, region), POOL_METRICS))
            .collect();
        for w in &r.workspaces {
            candidates.push((Series::workspaces([w], region), WORKSPACE_METRICS));
        }
        for (series, metrics) in &mut candidates {
            for (from_days, hours) in [(14, 14 * 24), (1, 3), (200, 6)] {
                let from = (NOW - from_days * DAY) / 60;
                let to = from + hours * 60;
                for metric in metrics.iter() {
                    let has = series.stats(metric, from, to).count > 0;
                    assert_eq!(
                        series.has_samples(metric, from, to),
                        has,
                        "{} {from}..{to}",
                        metric.name
                    );
                }
            }
        }
    }
}

#[test]
fn list_metrics_filters_and_pages() {
    let fleet = workspace_fleet();
    let all = listing(&fleet, json!({}));
    let by_name = listing(&fleet, json!({"MetricName": "CPUUsage"}));
    assert_eq!(
        by_name,
        all.iter()
            .filter(|m| m["MetricName"] == "CPUUsage")
            .cloned()
            .collect::<Vec<_>>()
    );
    assert!(listing(&fleet, json!({"Namespace": "AWS/Workspaces"})).is_empty());
    assert_eq!(listing(&fleet, json!({"Namespace": "AWS/WorkSpaces"})), all);
    let pools = listing(
        &fleet,
        json!({"Dimensions": [{"Name": "WorkSpaces pool ID"}]}),
    );
    assert_eq!(
        pools,
        all.iter()
            .filter(|m| m["Dimensions"][0]["Name"] == "WorkSpaces pool ID")
            .cloned()
            .collect::<Vec<_>>()
    );
    let pool_id = pools[0]["Dimensions"][0]["Value"].clone();
    let one_pool = listing(
        &fleet,
        json!({"Dimensions": [{"Name": "WorkSpaces pool ID", "Value": pool_id}]}),
    );
    assert_eq!(one_pool.len(), 7);
    let both = listing(
        &fleet,
        json!({"Dimensions": [{"Name": "WorkSpaces pool ID"}, {"Name": "WorkspaceId"}]}),
    );
    assert!(both.is_empty(), "no metric has both dimensions");
    let recent = listing(&fleet, json!({"RecentlyActive": "PT3H"}));
    assert!(!recent.is_empty() && recent.len() < all.len());
    assert!(recent.iter().all(|m| all.contains(m)));
    let linked = list(&fleet, json!({"IncludeLinkedAccounts": true}));
    assert_eq!(
        linked["OwningAccounts"].as_array().map(Vec::len),
        linked["Metrics"].as_array().map(Vec::len)
    );
    assert!(list(&fleet, json!({"OwningAccount": "999999999999"}))["Metrics"] == json!([]));
    // A token of another request is refused.
    let token = list(&fleet, json!({}))["NextToken"].clone();
    let foreign = list_metrics(
        &fleet,
        REGION,
        &json!({"MetricName": "CPUUsage", "NextToken": token}),
        NOW,
    );
    assert_eq!(foreign.map_err(|e| e.code), Err("InvalidParameterValue"));
}

/// The cost of full GetMetricData calls: 500 queries over 14 days at one-hour periods, of pools
/// and of personal WorkSpaces, and over 455 days at one-day periods. Not a test of speed (no
/// assertion on time): run it with `--ignored --nocapture` to see the times.
#[test]
#[ignore]
fn measure_full_calls() {
    let fleet = workspace_fleet();
    let pools: Vec<&crate::Pool> = running_pools(&fleet).collect();
    let workspaces = fleet.workspaces(REGION);
    let pool_queries = |period| -> Vec<Value> {
        (0..500)
            .map(|i| {
                let pool = pools[i % pools.len()];
                let name = POOL_METRICS[i % POOL_METRICS.len()].name;
                pool_query(&format!("q{i}"), name, &pool.pool_id, period, "Average")
            })
            .collect()
    };
    let workspace_queries: Vec<Value> = (0..500)
        .map(|i| {
            let workspace = &workspaces[i % workspaces.len()];
            let name = WORKSPACE_METRICS[i % WORKSPACE_METRICS.len()].name;
            let dimension = if i % 5 == 0 {
                (
                    "DirectoryId",
                    workspace.directory_id.as_deref().unwrap_or_default(),
                )
            } else {
                ("WorkspaceId", workspace.workspace_id.as_str())
            };
            query(&format!("q{i}"), name, dimension, 3600, "Maximum")
        })
        .collect();
    let cases = [
        ("pools, 14 days x 3600 s", pool_queries(3600), 14 * DAY),
        ("WorkSpaces, 14 days x 3600 s", workspace_queries, 14 * DAY),
        ("pools, 455 days x 86400 s", pool_queries(86_400), 455 * DAY),
    ];
    for (name, queries, span) in cases {
        let body = json!({"MetricDataQueries": queries, "StartTime": NOW - span, "EndTime": NOW});
        let started = std::time::Instant::now();
        let first = get(&fleet, body.clone());
        let first_page = started.elapsed();
        let all = pages(&fleet, &body);
        let points: usize = all
            .iter()
            .flat_map(|p| {
                p["MetricDataResults"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .map(|r| r["Values"].as_array().map_or(0, Vec::len))
            .sum();
        let first_points: usize = first["MetricDataResults"].as_array().map_or(0, |r| {
            r.iter()
                .map(|r| r["Values"].as_array().map_or(0, Vec::len))
                .sum()
        });
        println!(
            "500 queries, {name}: first call {first_points} datapoints in {first_page:?}; \
             all {} calls {points} datapoints in {:?}",
            all.len(),
            started.elapsed() - first_page
        );
    }
}
