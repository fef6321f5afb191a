//! CloudWatch `ListMetrics` and `GetMetricData` through `aws-sdk-cloudwatch`, which speaks RPCv2
//! CBOR to it: filters and pages, pool and WorkSpace metrics over a window with several
//! statistics, NextTokens, `ScanBy`, typed errors by their awsQuery codes (which only the
//! `x-amzn-query-error` header gives the SDK), and a throttling fault retried.

use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::config::Region;
use aws_sdk_cloudwatch::config::retry::RetryConfig;
use aws_sdk_cloudwatch::error::ProvideErrorMetadata;
use aws_sdk_cloudwatch::operation::get_metric_data::GetMetricDataOutput;
use aws_sdk_cloudwatch::operation::list_metrics::ListMetricsOutput;
use aws_sdk_cloudwatch::primitives::DateTime;
use aws_sdk_cloudwatch::types::{
    Dimension, DimensionFilter, Metric, MetricDataQuery, MetricStat, ScanBy, StatusCode,
};
use wsql_emulator::shapes::PoolState;
use wsql_emulator::{Emulator, Faults, Fleet, Protocol};

use crate::common::{REGION, static_credentials};

const NAMESPACE: &str = "AWS/WorkSpaces";
const POOL_DIMENSION: &str = "WorkSpaces pool ID";
const HOUR: i64 = 3600;

/// A CloudWatch client of the emulator making up to `attempts` attempts per call, with a short
/// backoff so that retries take no time.
fn client(emulator: &Emulator, attempts: u32) -> Client {
    let config = aws_sdk_cloudwatch::Config::builder()
        .behavior_version_latest()
        .endpoint_url(emulator.endpoint_url())
        .region(Region::new(REGION))
        .credentials_provider(static_credentials())
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(attempts)
                .with_initial_backoff(Duration::from_millis(1)),
        )
        .build();
    Client::from_conf(config)
}

/// A pool that publishes metrics: running, with sessions to serve.
fn running_pool(fleet: &Fleet) -> String {
    fleet
        .pools(REGION)
        .iter()
        .find(|p| p.state == PoolState::Running && p.capacity_status.desired_user_sessions > 0)
        .map(|p| p.pool_id.clone())
        .expect("a running pool")
}

/// A personal WorkSpace with a history of status metrics.
fn live_workspace(fleet: &Fleet) -> String {
    fleet
        .workspaces(REGION)
        .iter()
        .find(|w| matches!(w.state.as_deref(), Some("AVAILABLE" | "STOPPED")))
        .map(|w| w.workspace_id.clone())
        .expect("a live WorkSpace")
}

fn query(
    id: &str,
    metric: &str,
    dimension: (&str, &str),
    period: i32,
    stat: &str,
) -> MetricDataQuery {
    let metric = Metric::builder()
        .namespace(NAMESPACE)
        .metric_name(metric)
        .dimensions(
            Dimension::builder()
                .name(dimension.0)
                .value(dimension.1)
                .build(),
        )
        .build();
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(
            MetricStat::builder()
                .metric(metric)
                .period(period)
                .stat(stat)
                .build(),
        )
        .build()
}

/// Six whole hours that ended at least an hour ago: their datapoints no longer change.
fn past_window() -> (DateTime, DateTime) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;
    let end = now.div_euclid(HOUR) * HOUR - HOUR;
    (
        DateTime::from_secs(end - 6 * HOUR),
        DateTime::from_secs(end),
    )
}

/// `(timestamps in seconds, values)` of the result with this id.
fn series(output: &GetMetricDataOutput, id: &str) -> (Vec<i64>, Vec<f64>) {
    let result = output
        .metric_data_results()
        .iter()
        .find(|r| r.id() == Some(id))
        .unwrap_or_else(|| panic!("no result {id}"));
    let timestamps = result.timestamps().iter().map(DateTime::secs).collect();
    (timestamps, result.values().to_vec())
}

#[tokio::test]
async fn list_metrics_filters_and_pages() {
    let fleet = Fleet::seeded(7, &[REGION], 100);
    let pool = running_pool(&fleet);
    let emulator = Emulator::start(fleet.clone()).await.expect("starts");
    let client = client(&emulator, 1);

    // Everything, page by page: more than one page of 500, no metric twice.
    let mut listed = Vec::new();
    let mut pages = 0;
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_metrics()
            .set_next_token(token.take())
            .send()
            .await
            .expect("a page");
        assert!(page.metrics().len() <= 500);
        listed.extend(page.metrics().iter().map(|m| {
            let dimension = &m.dimensions()[0];
            (
                m.metric_name().unwrap_or_default().to_string(),
                dimension.name().unwrap_or_default().to_string(),
                dimension.value().unwrap_or_default().to_string(),
            )
        }));
        pages += 1;
        match page.next_token() {
            Some(next) => token = Some(next.to_string()),
            None => break,
        }
    }
    assert!(pages >= 2, "{pages} pages of {} metrics", listed.len());
    let distinct: BTreeSet<_> = listed.iter().cloned().collect();
    assert_eq!(distinct.len(), listed.len(), "no metric listed twice");

    // The SDK's own paginator walks the same metrics.
    let paginated: Vec<ListMetricsOutput> = client
        .list_metrics()
        .into_paginator()
        .send()
        .collect::<Result<_, _>>()
        .await
        .expect("every page");
    assert_eq!(paginated.len(), pages);
    assert_eq!(
        paginated.iter().map(|p| p.metrics().len()).sum::<usize>(),
        listed.len()
    );

    // A metric name and a dimension name: that metric of every pool that publishes it.
    let filtered = client
        .list_metrics()
        .namespace(NAMESPACE)
        .metric_name("AvailableUserSessionCapacity")
        .dimensions(DimensionFilter::builder().name(POOL_DIMENSION).build())
        .send()
        .await
        .expect("filtered");
    let expected: Vec<&(String, String, String)> = listed
        .iter()
        .filter(|(metric, dimension, _)| {
            metric == "AvailableUserSessionCapacity" && dimension == POOL_DIMENSION
        })
        .collect();
    assert!(!expected.is_empty());
    assert_eq!(filtered.metrics().len(), expected.len());
    assert!(filtered.metrics().iter().all(|m| {
        m.namespace() == Some(NAMESPACE)
            && m.metric_name() == Some("AvailableUserSessionCapacity")
            && m.dimensions()[0].name() == Some(POOL_DIMENSION)
    }));

    // One pool's metrics, by its dimension's value.
    let one_pool = client
        .list_metrics()
        .dimensions(
            DimensionFilter::builder()
                .name(POOL_DIMENSION)
                .value(pool.as_str())
                .build(),
        )
        .send()
        .await
        .expect("one pool");
    let names: BTreeSet<&str> = one_pool
        .metrics()
        .iter()
        .filter_map(Metric::metric_name)
        .collect();
    assert!(names.contains("ActiveUserSessionCapacity"), "{names:?}");
    assert!(
        one_pool
            .metrics()
            .iter()
            .all(|m| m.dimensions()[0].value() == Some(pool.as_str()))
    );
    let none = client
        .list_metrics()
        .namespace("AWS/EC2")
        .send()
        .await
        .expect("another namespace");
    assert!(none.metrics().is_empty());

    // The log: CloudWatch's signing name, the operation, the JSON form of the CBOR body, the
    // account of the static credentials.
    let log = emulator.request_log();
    assert_eq!(log.len(), 2 * pages + 3);
    assert!(log.iter().all(|r| r.service == "monitoring"
        && r.operation == "ListMetrics"
        && r.protocol == Protocol::RpcV2Cbor
        && r.account == fleet.account_id()
        && r.region == REGION
        && r.status == 200));
    let filtered_entry = &log[2 * pages];
    assert_eq!(
        filtered_entry.body["MetricName"],
        "AvailableUserSessionCapacity"
    );
    assert_eq!(filtered_entry.body["Dimensions"][0]["Name"], POOL_DIMENSION);
}

#[tokio::test]
async fn get_metric_data_of_pools_and_workspaces_with_several_statistics() {
    let fleet = Fleet::seeded(7, &[REGION], 20);
    let pool = running_pool(&fleet);
    let workspace = live_workspace(&fleet);
    let emulator = Emulator::start(fleet).await.expect("starts");
    let client = client(&emulator, 1);
    let (start, end) = past_window();
    let active = |id: &str, stat: &str| {
        query(
            id,
            "ActiveUserSessionCapacity",
            (POOL_DIMENSION, &pool),
            3600,
            stat,
        )
    };
    let status = |id: &str, metric: &str, stat: &str| {
        query(id, metric, ("WorkspaceId", &workspace), 3600, stat)
    };
    let output = client
        .get_metric_data()
        .metric_data_queries(active("avg", "Average"))
        .metric_data_queries(active("low", "Minimum"))
        .metric_data_queries(active("high", "Maximum"))
        .metric_data_queries(active("total", "Sum"))
        .metric_data_queries(active("samples", "SampleCount"))
        .metric_data_queries(status("available", "Available", "Sum"))
        .metric_data_queries(status("unhealthy", "Unhealthy", "Sum"))
        .metric_data_queries(status("stopped", "Stopped", "Sum"))
        .metric_data_queries(status("maintenance", "Maintenance", "Sum"))
        .metric_data_queries(status("minutes", "Available", "SampleCount"))
        .start_time(start)
        .end_time(end)
        .send()
        .await
        .expect("answered");
    let ids: Vec<&str> = output
        .metric_data_results()
        .iter()
        .filter_map(|r| r.id())
        .collect();
    assert_eq!(
        ids,
        [
            "avg",
            "low",
            "high",
            "total",
            "samples",
            "available",
            "unhealthy",
            "stopped",
            "maintenance",
            "minutes"
        ],
        "in request order"
    );
    assert!(
        output
            .metric_data_results()
            .iter()
            .all(|r| r.status_code() == Some(&StatusCode::Complete))
    );
    assert_eq!(
        output.metric_data_results()[0].label(),
        Some("ActiveUserSessionCapacity"),
        "the metric name, when no label is given"
    );

    // A running pool publishes every minute: six whole hours, newest first, of 60 samples.
    let hours: Vec<i64> = (0..6).rev().map(|h| start.secs() + h * HOUR).collect();
    let (timestamps, samples) = series(&output, "samples");
    assert_eq!(timestamps, hours);
    assert!(samples.iter().all(|&n| n == 60.0), "{samples:?}");
    let (_, average) = series(&output, "avg");
    let (_, low) = series(&output, "low");
    let (_, high) = series(&output, "high");
    let (_, total) = series(&output, "total");
    for hour in 0..6 {
        assert!(low[hour] <= average[hour] && average[hour] <= high[hour]);
        assert!(
            (total[hour] - average[hour] * samples[hour]).abs() < 1e-6 * total[hour].max(1.0),
            "Sum = Average * SampleCount in hour {hour}"
        );
        assert!(low[hour] >= 0.0);
    }

    // A WorkSpace reports exactly one of its four states every minute.
    let (timestamps, minutes) = series(&output, "minutes");
    assert_eq!(timestamps, hours);
    assert!(minutes.iter().all(|&n| n == 60.0), "{minutes:?}");
    let states = ["available", "unhealthy", "stopped", "maintenance"].map(|id| series(&output, id));
    for &hour in &hours {
        let ones: f64 = states
            .iter()
            .map(|(timestamps, values)| {
                timestamps
                    .iter()
                    .position(|&t| t == hour)
                    .map_or(0.0, |i| values[i])
            })
            .sum();
        assert_eq!(ones, 60.0, "the hour from {hour}");
    }

    let log = emulator.request_log();
    assert_eq!(log.len(), 1);
    assert_eq!(
        (log[0].service.as_str(), log[0].operation.as_str()),
        ("monitoring", "GetMetricData")
    );
    assert_eq!(log[0].protocol, Protocol::RpcV2Cbor);
    assert_eq!(log[0].body["StartTime"].as_f64(), Some(start.secs() as f64));
    assert_eq!(log[0].body["MetricDataQueries"][5]["Id"], "available");
}

#[tokio::test]
async fn get_metric_data_pages_with_next_tokens_and_scans_either_way() {
    let fleet = Fleet::seeded(7, &[REGION], 20);
    let pool = running_pool(&fleet);
    let emulator = Emulator::start(fleet).await.expect("starts");
    let client = client(&emulator, 1);
    let (start, end) = past_window();
    let queries = [
        query(
            "avg",
            "ActualUserSessionCapacity",
            (POOL_DIMENSION, &pool),
            300,
            "Average",
        ),
        query(
            "peak",
            "ActiveUserSessionCapacity",
            (POOL_DIMENSION, &pool),
            600,
            "Maximum",
        ),
    ];
    let request = || {
        client
            .get_metric_data()
            .set_metric_data_queries(Some(queries.to_vec()))
            .start_time(start)
            .end_time(end)
    };
    let whole = request().send().await.expect("one answer");
    let (avg_times, avg_values) = series(&whole, "avg");
    let (peak_times, peak_values) = series(&whole, "peak");
    assert_eq!(avg_times.len(), 72, "six hours of 5 minutes");
    assert_eq!(peak_times.len(), 36);
    assert!(avg_times.windows(2).all(|w| w[0] > w[1]), "newest first");

    // Pages of 25 datapoints: the same series, cut where the token says.
    let mut pages = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = request()
            .max_datapoints(25)
            .set_next_token(token.take())
            .send()
            .await
            .expect("a page");
        let points: usize = page
            .metric_data_results()
            .iter()
            .map(|r| r.values().len())
            .sum();
        assert!(points <= 25);
        let next = page.next_token().map(str::to_string);
        if next.is_some() {
            assert!(
                page.metric_data_results()
                    .iter()
                    .any(|r| r.status_code() == Some(&StatusCode::PartialData)),
                "a page with more to come has partial data"
            );
        }
        pages.push(page);
        match next {
            Some(next) => token = Some(next),
            None => break,
        }
    }
    assert_eq!(pages.len(), (72 + 36_usize).div_ceil(25));
    let joined = |id: &str| {
        let mut timestamps = Vec::new();
        let mut values = Vec::new();
        for page in &pages {
            let (t, v) = series(page, id);
            timestamps.extend(t);
            values.extend(v);
        }
        (timestamps, values)
    };
    assert_eq!(joined("avg"), (avg_times.clone(), avg_values.clone()));
    assert_eq!(joined("peak"), (peak_times, peak_values));

    // TimestampAscending: the same datapoints, oldest first.
    let ascending = request()
        .scan_by(ScanBy::TimestampAscending)
        .send()
        .await
        .expect("ascending");
    let (times, values) = series(&ascending, "avg");
    assert_eq!(times, avg_times.iter().rev().copied().collect::<Vec<_>>());
    assert_eq!(values, avg_values.iter().rev().copied().collect::<Vec<_>>());
    let explicit = request()
        .scan_by(ScanBy::TimestampDescending)
        .send()
        .await
        .expect("descending");
    assert_eq!(series(&explicit, "avg"), (avg_times, avg_values));
}

#[tokio::test]
async fn errors_are_typed_by_their_query_codes() {
    let fleet = Fleet::seeded(7, &[REGION], 20);
    let pool = running_pool(&fleet);
    let emulator = Emulator::start(fleet).await.expect("starts");
    let client = client(&emulator, 1);
    let (start, end) = past_window();
    let active = query(
        "a",
        "ActiveUserSessionCapacity",
        (POOL_DIMENSION, &pool),
        60,
        "Sum",
    );

    // Duplicate ids: CloudWatch's ValidationError, which GetMetricData does not model.
    let err = client
        .get_metric_data()
        .metric_data_queries(active.clone())
        .metric_data_queries(active.clone())
        .start_time(start)
        .end_time(end)
        .send()
        .await
        .expect_err("duplicate ids");
    let service = err.as_service_error().expect("a service error");
    assert_eq!(service.code(), Some("ValidationError"));
    assert_eq!(service.meta().extra("type"), Some("Sender"));
    assert!(
        service
            .message()
            .is_some_and(|m| m.contains("are not unique")),
        "{:?}",
        service.message()
    );
    let raw = err.raw_response().expect("the answer");
    assert_eq!(raw.status().as_u16(), 400);
    assert_eq!(
        raw.headers().get("x-amzn-query-error"),
        Some("ValidationError;Sender")
    );
    let body: ciborium::Value =
        ciborium::from_reader(raw.body().bytes().unwrap_or_default()).expect("a CBOR body");
    let kind = body
        .as_map()
        .and_then(|m| m.iter().find(|(k, _)| k.as_text() == Some("__type")))
        .and_then(|(_, v)| v.as_text());
    assert_eq!(kind, Some("com.amazonaws.cloudwatch#ValidationException"));

    // A token of another request: the modeled InvalidNextToken, typed.
    let page = client
        .get_metric_data()
        .metric_data_queries(active.clone())
        .start_time(start)
        .end_time(end)
        .max_datapoints(10)
        .send()
        .await
        .expect("a first page");
    let token = page.next_token().expect("more pages").to_string();
    let err = client
        .get_metric_data()
        .metric_data_queries(active)
        .start_time(start)
        .end_time(DateTime::from_secs(end.secs() - HOUR))
        .next_token(token)
        .send()
        .await
        .expect_err("a foreign token");
    let service = err.into_service_error();
    assert!(service.is_invalid_next_token(), "{service:?}");
    assert_eq!(service.code(), Some("InvalidNextToken"));

    // ListMetrics names a foreign token InvalidParameterValue, its modeled
    // InvalidParameterValueException.
    let first = client.list_metrics().send().await.expect("a first page");
    let token = first.next_token().map(str::to_string);
    let err = client
        .list_metrics()
        .metric_name("CPUUsage")
        .set_next_token(token.or(Some("0".repeat(40))))
        .send()
        .await
        .expect_err("a foreign token");
    let service = err.into_service_error();
    assert!(
        service.is_invalid_parameter_value_exception(),
        "{service:?}"
    );
    assert_eq!(service.code(), Some("InvalidParameterValue"));
}

#[tokio::test]
async fn throttling_is_cloudwatchs_and_retried() {
    let fleet = Fleet::seeded(7, &[REGION], 5);
    let emulator = Emulator::start(fleet).await.expect("starts");

    emulator.set_faults(Faults {
        throttle_rate: 1.0,
        ..Faults::default()
    });
    let err = client(&emulator, 3)
        .list_metrics()
        .send()
        .await
        .expect_err("always throttled");
    let service = err.as_service_error().expect("a service error");
    assert_eq!(service.code(), Some("Throttling"));
    let log = emulator.request_log();
    assert_eq!(log.len(), 3, "retried as a throttling error: {log:?}");
    assert!(
        log.iter()
            .all(|r| r.status == 400 && r.operation == "ListMetrics")
    );

    // Half the calls throttled: every call gets through within its attempts.
    emulator.clear_request_log();
    emulator.set_faults(Faults {
        throttle_rate: 0.5,
        seed: 11,
        ..Faults::default()
    });
    let client = client(&emulator, 10);
    for _ in 0..8 {
        client
            .list_metrics()
            .send()
            .await
            .expect("retried to success");
    }
    let statuses: Vec<u16> = emulator.request_log().iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|&&s| s == 200).count(), 8);
    assert!(statuses.contains(&400), "{statuses:?}");
}
