//! Differential: every WorkSpaces operation and CloudWatch's `ListMetrics` and `GetMetricData`,
//! and errors, through botocore's JSON (awsJson1_1, awsJson1_0) and its smithy-rpc-v2-cbor
//! serializer and parser (`botocore_differential.py`). Both parses must be equal, whatever
//! encoding carried them, and the emulator must have logged the same JSON form of each request.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use wsql_emulator::shapes::PoolState;
use wsql_emulator::{Emulator, Faults, Fleet, LoggedRequest, Protocol, UnknownPoolIds};

use crate::common::{REGION, client, has_rows, requests};

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/clients/botocore_differential.py"
);

/// A service as botocore names it, with its JSON protocol.
struct BotocoreService {
    /// botocore's name of the service (`workspaces`, `cloudwatch`).
    name: &'static str,
    /// The JSON protocol botocore speaks to it.
    json: Protocol,
    /// That protocol's `Content-Type`.
    json_content_type: &'static str,
}

const WORKSPACES: BotocoreService = BotocoreService {
    name: "workspaces",
    json: Protocol::AwsJson1_1,
    json_content_type: "application/x-amz-json-1.1",
};

const CLOUDWATCH: BotocoreService = BotocoreService {
    name: "cloudwatch",
    json: Protocol::AwsJson1_0,
    json_content_type: "application/x-amz-json-1.0",
};

/// One call as the script reports it, for one protocol.
#[derive(Debug)]
struct Reported {
    operation: String,
    protocol: String,
    status: u16,
    content_type: String,
    smithy_protocol: Option<String>,
    /// The `x-amzn-query-error` header of an error of a query-compatible service.
    query_error: Option<String>,
    /// botocore's parse, as canonical JSON text.
    parsed: String,
}

/// Runs the script over `calls` to `service`; each call is reported for `json` then
/// `smithy-rpc-v2-cbor`.
async fn drive(
    emulator: &Emulator,
    service: &BotocoreService,
    calls: &[(&str, Value)],
) -> Vec<(Reported, Reported)> {
    let plan = json!({
        "endpoint": emulator.endpoint_url(),
        "region": REGION,
        "service": service.name,
        "calls": calls.iter().map(|(operation, params)| json!({"operation": operation, "params": params})).collect::<Vec<_>>(),
    });
    let python = client("python");
    let output = tokio::task::spawn_blocking(move || {
        let mut child = Command::new(python)
            .arg(SCRIPT)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("python starts");
        if let Some(mut stdin) = child.stdin.take() {
            stdin
                .write_all(plan.to_string().as_bytes())
                .expect("plan written");
        }
        child.wait_with_output().expect("python runs")
    })
    .await
    .expect("joined");
    assert!(
        output.status.success(),
        "botocore_differential.py failed (botocore comes from tests/clients/install.sh): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let lines: Vec<Reported> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let v: Value = serde_json::from_str(line).expect("a JSON line");
            let text = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            Reported {
                operation: text("operation"),
                protocol: text("protocol"),
                status: v["status"].as_u64().unwrap_or_default() as u16,
                content_type: text("content_type"),
                smithy_protocol: v["smithy_protocol"].as_str().map(str::to_string),
                query_error: v["query_error"].as_str().map(str::to_string),
                parsed: text("parsed"),
            }
        })
        .collect();
    assert_eq!(
        lines.len(),
        calls.len() * 2,
        "one line per call and protocol"
    );
    let mut pairs = Vec::new();
    let mut lines = lines.into_iter();
    while let (Some(json), Some(cbor)) = (lines.next(), lines.next()) {
        assert_eq!(
            (json.protocol.as_str(), cbor.protocol.as_str()),
            ("json", "smithy-rpc-v2-cbor")
        );
        assert_eq!(json.content_type, service.json_content_type, "{json:?}");
        assert_eq!(json.smithy_protocol, None);
        assert_eq!(cbor.content_type, "application/cbor", "{cbor:?}");
        assert_eq!(cbor.smithy_protocol.as_deref(), Some("rpc-v2-cbor"));
        assert_eq!(json.status, cbor.status, "{}", json.operation);
        assert_eq!(json.query_error, cbor.query_error, "{}", json.operation);
        assert!(
            json.parsed == cbor.parsed,
            "{}: botocore parses the two encodings differently:\n{}",
            json.operation,
            first_difference(&json.parsed, &cbor.parsed)
        );
        pairs.push((json, cbor));
    }
    pairs
}

/// Where two parses first differ, with some context: JSON, then CBOR.
fn first_difference(json: &str, cbor: &str) -> String {
    let at = json
        .char_indices()
        .zip(cbor.chars())
        .find(|((_, a), b)| a != b)
        .map_or(json.len().min(cbor.len()), |((i, _), _)| i);
    let context = |text: &str| {
        let start = text.floor_char_boundary(at.saturating_sub(120));
        let end = text.ceil_char_boundary((at + 120).min(text.len()));
        text[start..end].to_string()
    };
    format!(
        "json: ...{}...\ncbor: ...{}...",
        context(json),
        context(cbor)
    )
}

fn parsed(reported: &Reported) -> Value {
    serde_json::from_str(&reported.parsed).expect("canonical JSON")
}

/// The log's entries in pairs (JSON, then CBOR): same operation, same JSON form of the body.
fn logged_pairs<'l>(
    log: &'l [LoggedRequest],
    service: &BotocoreService,
) -> Vec<(&'l LoggedRequest, &'l LoggedRequest)> {
    assert_eq!(log.len() % 2, 0, "{log:?}");
    log.chunks(2)
        .map(|pair| {
            let (json, cbor) = (&pair[0], &pair[1]);
            assert_eq!(json.protocol, service.json, "{json:?}");
            assert_eq!(cbor.protocol, Protocol::RpcV2Cbor, "{cbor:?}");
            assert_eq!(json.operation, cbor.operation);
            assert_eq!(
                json.body, cbor.body,
                "{}: the logged JSON forms",
                json.operation
            );
            assert_eq!(json.status, cbor.status);
            (json, cbor)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn botocore_parses_both_encodings_of_every_operation_alike() {
    let fleet = Fleet::seeded(7, &[REGION], 60);
    let emulator = Emulator::start(fleet.clone()).await.expect("starts");
    let mut calls = requests(&fleet);
    let operations: BTreeSet<&str> = calls.iter().map(|(operation, _)| *operation).collect();
    assert!(operations.len() >= 6, "{operations:?}");
    // Pages, filters and selections on top of the plain calls.
    let pool = &fleet.pools(REGION)[0];
    calls.extend([
        ("DescribeWorkspacesPools", json!({"Limit": 3})),
        (
            "DescribeWorkspacesPools",
            json!({"PoolIds": [pool.pool_id], "Filters": [{"Name": "PoolName", "Operator": "EQUALS", "Values": [pool.pool_name]}]}),
        ),
        ("DescribeWorkspaceDirectories", json!({"Limit": 2})),
        ("DescribeWorkspaceBundles", json!({"Owner": "AMAZON"})),
        ("DescribeWorkspaces", json!({"Limit": 2})),
    ]);
    let answered = drive(&emulator, &WORKSPACES, &calls).await;

    let mut covered = BTreeSet::new();
    for (json, _cbor) in &answered {
        assert_eq!(json.status, 200, "{json:?}");
        let answer = parsed(json);
        assert!(has_rows(&answer), "{}: no rows in {answer}", json.operation);
        covered.insert(json.operation.clone());
    }
    assert_eq!(
        covered,
        operations.iter().map(|o| o.to_string()).collect(),
        "every answered operation, in both encodings"
    );
    let paged = parsed(&answered[operations.len()].0);
    assert!(
        paged["NextToken"].is_string(),
        "the same token in both: {paged}"
    );

    let log = emulator.request_log();
    let pairs = logged_pairs(&log, &WORKSPACES);
    assert_eq!(pairs.len(), calls.len());
    assert_eq!(pairs[operations.len()].0.body, json!({"Limit": 3}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn botocore_parses_both_encodings_of_errors_alike() {
    let fleet = Fleet::seeded(7, &[REGION], 20);
    let emulator = Emulator::start(fleet.clone()).await.expect("starts");
    emulator.set_faults(Faults {
        unknown_pool_ids: UnknownPoolIds::NotFoundWhenAnyUnknown,
        ..Faults::default()
    });
    let calls = [
        (
            "DescribeWorkspacesPoolSessions",
            json!({"PoolId": "wspool-000000000"}),
        ),
        (
            "DescribeWorkspacesPools",
            json!({"PoolIds": ["wspool-000000000", "wspool-zzzzzzzzz"]}),
        ),
        (
            "DescribeWorkspacesPools",
            json!({"Limit": 0, "PoolIds": []}),
        ),
        (
            "DescribeWorkspacesPools",
            json!({"Filters": [{"Name": "PoolName", "Operator": "LIKE", "Values": ["a b"]}]}),
        ),
        (
            "DescribeWorkspaces",
            json!({"DirectoryId": "d-1234567890", "BundleId": "wsb-12345678"}),
        ),
        ("DescribeTags", json!({"ResourceId": "wspool-000000000"})),
    ];
    let answered = drive(&emulator, &WORKSPACES, &calls).await;
    let codes: Vec<(String, u16)> = answered
        .iter()
        .map(|(json, _)| {
            let error = parsed(json);
            (
                error["Error"]["Code"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                json.status,
            )
        })
        .collect();
    let expected = [
        "ResourceNotFoundException",
        "ResourceNotFoundException",
        "ValidationException",
        "ValidationException",
        "InvalidParameterValuesException",
        "ResourceNotFoundException",
    ];
    assert_eq!(codes, expected.map(|code| (code.to_string(), 400)).to_vec());
    let not_found = parsed(&answered[1].0);
    assert_eq!(not_found["Modeled"]["ResourceId"], "wspool-000000000");
    let validation = parsed(&answered[2].0);
    assert!(
        validation["Error"]["Message"]
            .as_str()
            .is_some_and(|m| m.starts_with("2 validation errors detected: ")),
        "{validation}"
    );

    // An injected fault reads the same in both encodings too.
    emulator.set_faults(Faults {
        throttle_rate: 1.0,
        ..Faults::default()
    });
    let throttled = drive(
        &emulator,
        &WORKSPACES,
        &[("DescribeWorkspacesPools", json!({}))],
    )
    .await;
    let error = parsed(&throttled[0].0);
    assert_eq!(error["Error"]["Code"], "ThrottlingException", "{error}");

    let log = emulator.request_log();
    assert_eq!(logged_pairs(&log, &WORKSPACES).len(), calls.len() + 1);
}

/// Six whole hours that ended at least an hour ago, in epoch seconds: their datapoints no longer
/// change between the two encodings' calls.
fn past_window() -> (i64, i64) {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let end = now.div_euclid(3600) * 3600 - 3600;
    (end - 6 * 3600, end)
}

fn metric_query(id: &str, metric: &str, dimension: (&str, &str), period: i64, stat: &str) -> Value {
    json!({"Id": id, "MetricStat": {"Metric": {"Namespace": "AWS/WorkSpaces", "MetricName": metric,
        "Dimensions": [{"Name": dimension.0, "Value": dimension.1}]}, "Period": period, "Stat": stat}})
}

/// A running pool, which publishes metrics, and a WorkSpace with a history.
fn metric_sources(fleet: &Fleet) -> (String, String) {
    let pool = fleet
        .pools(REGION)
        .iter()
        .find(|p| p.state == PoolState::Running && p.capacity_status.desired_user_sessions > 0)
        .map(|p| p.pool_id.clone())
        .expect("a running pool");
    let workspace = fleet
        .workspaces(REGION)
        .iter()
        .find(|w| matches!(w.state.as_deref(), Some("AVAILABLE" | "STOPPED")))
        .map(|w| w.workspace_id.clone())
        .expect("a live WorkSpace");
    (pool, workspace)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn botocore_parses_both_encodings_of_cloudwatch_alike() {
    let fleet = Fleet::seeded(7, &[REGION], 30);
    let (pool, workspace) = metric_sources(&fleet);
    let emulator = Emulator::start(fleet).await.expect("starts");
    let (start, end) = past_window();
    let pool_dimension = ("WorkSpaces pool ID", pool.as_str());
    let workspace_dimension = ("WorkspaceId", workspace.as_str());
    let queries = json!([
        metric_query(
            "avg",
            "ActiveUserSessionCapacity",
            pool_dimension,
            3600,
            "Average"
        ),
        metric_query(
            "peak",
            "ActiveUserSessionCapacity",
            pool_dimension,
            3600,
            "Maximum"
        ),
        metric_query(
            "samples",
            "AvailableUserSessionCapacity",
            pool_dimension,
            1800,
            "SampleCount"
        ),
        metric_query("up", "Available", workspace_dimension, 3600, "Sum"),
        metric_query("cpu", "CPUUsage", workspace_dimension, 300, "Average"),
    ]);
    let window = json!({"StartTime": start, "EndTime": end, "MetricDataQueries": queries});
    let with = |extra: Value| {
        let mut body = window.clone();
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        body
    };
    let calls = [
        ("ListMetrics", json!({})),
        (
            "ListMetrics",
            json!({"Namespace": "AWS/WorkSpaces", "MetricName": "CPUUsage"}),
        ),
        (
            "ListMetrics",
            json!({"Dimensions": [{"Name": "WorkSpaces pool ID", "Value": pool}]}),
        ),
        ("GetMetricData", window.clone()),
        (
            "GetMetricData",
            with(json!({"ScanBy": "TimestampAscending"})),
        ),
        ("GetMetricData", with(json!({"MaxDatapoints": 5}))),
    ];
    let answered = drive(&emulator, &CLOUDWATCH, &calls).await;
    for (json, _cbor) in &answered {
        assert_eq!(json.status, 200, "{json:?}");
        assert!(has_rows(&parsed(json)), "{}: no rows", json.operation);
    }
    let listed = parsed(&answered[1].0);
    assert!(
        listed["Metrics"]
            .as_array()
            .is_some_and(|m| m.iter().all(|m| m["MetricName"] == "CPUUsage")),
        "{listed}"
    );
    let results = parsed(&answered[3].0);
    let ids: Vec<&str> = results["MetricDataResults"]
        .as_array()
        .map(|r| r.iter().filter_map(|r| r["Id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(ids, ["avg", "peak", "samples", "up", "cpu"]);
    assert_eq!(
        results["MetricDataResults"][2]["Values"],
        json!(vec![30.0; 12]),
        "a running pool's half hours hold 30 samples each"
    );
    let first_page = parsed(&answered[5].0);
    let token = first_page["NextToken"]
        .as_str()
        .expect("more pages, the same token in both encodings")
        .to_string();

    // The next page, through both encodings again.
    let next = drive(
        &emulator,
        &CLOUDWATCH,
        &[(
            "GetMetricData",
            with(json!({"MaxDatapoints": 5, "NextToken": token})),
        )],
    )
    .await;
    assert_eq!(next[0].0.status, 200, "{:?}", next[0].0);
    let second_page = parsed(&next[0].0);
    assert_ne!(second_page, first_page);
    assert!(second_page["NextToken"].is_string());

    let log = emulator.request_log();
    let pairs = logged_pairs(&log, &CLOUDWATCH);
    assert_eq!(pairs.len(), calls.len() + 1);
    assert!(pairs.iter().all(|(json, _)| json.service == "monitoring"));
    assert_eq!(pairs[3].0.body["StartTime"].as_i64(), Some(start));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn botocore_reads_cloudwatchs_query_codes_in_both_encodings() {
    let fleet = Fleet::seeded(7, &[REGION], 10);
    let (pool, _) = metric_sources(&fleet);
    let emulator = Emulator::start(fleet).await.expect("starts");
    let (start, end) = past_window();
    let query = metric_query(
        "a",
        "ActiveUserSessionCapacity",
        ("WorkSpaces pool ID", &pool),
        60,
        "Sum",
    );
    let foreign_token = "0".repeat(40);
    let calls = [
        (
            "GetMetricData",
            json!({"StartTime": start, "EndTime": end, "MetricDataQueries": [query, query]}),
        ),
        (
            "GetMetricData",
            json!({"StartTime": start, "EndTime": end, "MetricDataQueries": [query],
                   "NextToken": foreign_token}),
        ),
        ("ListMetrics", json!({"NextToken": foreign_token})),
        ("GetMetricData", json!({"MetricDataQueries": [query]})),
        (
            "PutMetricData",
            json!({"Namespace": "Custom", "MetricData": []}),
        ),
    ];
    let answered = drive(&emulator, &CLOUDWATCH, &calls).await;
    let errors: Vec<(String, String, String, Option<String>, u16)> = answered
        .iter()
        .map(|(json, _)| {
            let error = &parsed(json)["Error"];
            let text = |member: &str| error[member].as_str().unwrap_or_default().to_string();
            (
                text("Code"),
                text("QueryErrorCode"),
                text("Type"),
                json.query_error.clone(),
                json.status,
            )
        })
        .collect();
    let expected = [
        ("ValidationError", "ValidationException"),
        ("InvalidNextToken", "InvalidNextToken"),
        ("InvalidParameterValue", "InvalidParameterValueException"),
        ("ValidationError", "ValidationException"),
        ("InvalidAction", "UnknownOperationException"),
    ];
    assert_eq!(
        errors,
        expected
            .map(|(code, shape)| (
                code.to_string(),
                shape.to_string(),
                "Sender".to_string(),
                Some(format!("{code};Sender")),
                400
            ))
            .to_vec()
    );
    // Modeled errors are found by their code, as a botocore client raises them.
    let foreign = parsed(&answered[2].0);
    assert!(
        foreign["Modeled"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("NextToken")),
        "{foreign}"
    );

    // Injected faults are CloudWatch's too.
    emulator.set_faults(Faults {
        throttle_rate: 1.0,
        ..Faults::default()
    });
    let throttled = drive(&emulator, &CLOUDWATCH, &[("ListMetrics", json!({}))]).await;
    let error = parsed(&throttled[0].0);
    assert_eq!(error["Error"]["Code"], "Throttling", "{error}");
    assert_eq!(error["Error"]["QueryErrorCode"], "ThrottlingException");
    assert_eq!(
        throttled[0].0.query_error.as_deref(),
        Some("Throttling;Sender")
    );
    emulator.set_faults(Faults {
        server_error_rate: 1.0,
        seed: 5,
        ..Faults::default()
    });
    let failed = drive(&emulator, &CLOUDWATCH, &[("ListMetrics", json!({}))]).await;
    let error = parsed(&failed[0].0);
    let code = error["Error"]["Code"].as_str().unwrap_or_default();
    assert!(
        matches!(code, "InternalServiceError" | "ServiceUnavailable"),
        "{error}"
    );
    assert_eq!(error["Error"]["Type"], "Receiver");

    let log = emulator.request_log();
    assert_eq!(logged_pairs(&log, &CLOUDWATCH).len(), calls.len() + 2);
}
