//! Differential: every WorkSpaces operation, and errors, through botocore's awsJson1_1 and its
//! smithy-rpc-v2-cbor serializer and parser (`botocore_differential.py`). Both parses must be
//! equal, whatever encoding carried them, and the emulator must have logged the same JSON form
//! of each request.

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};
use wsql_emulator::{Emulator, Faults, Fleet, LoggedRequest, Protocol, UnknownPoolIds};

use crate::common::{REGION, client, has_rows, requests};

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/clients/botocore_differential.py"
);

/// One call as the script reports it, for one protocol.
#[derive(Debug)]
struct Reported {
    operation: String,
    protocol: String,
    status: u16,
    content_type: String,
    smithy_protocol: Option<String>,
    /// botocore's parse, as canonical JSON text.
    parsed: String,
}

/// Runs the script over `calls`; each call is reported for `json` then `smithy-rpc-v2-cbor`.
async fn drive(emulator: &Emulator, calls: &[(&str, Value)]) -> Vec<(Reported, Reported)> {
    let plan = json!({
        "endpoint": emulator.endpoint_url(),
        "region": REGION,
        "service": "workspaces",
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
        assert_eq!(json.content_type, "application/x-amz-json-1.1", "{json:?}");
        assert_eq!(json.smithy_protocol, None);
        assert_eq!(cbor.content_type, "application/cbor", "{cbor:?}");
        assert_eq!(cbor.smithy_protocol.as_deref(), Some("rpc-v2-cbor"));
        assert_eq!(json.status, cbor.status, "{}", json.operation);
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
fn logged_pairs(log: &[LoggedRequest]) -> Vec<(&LoggedRequest, &LoggedRequest)> {
    assert_eq!(log.len() % 2, 0, "{log:?}");
    log.chunks(2)
        .map(|pair| {
            let (json, cbor) = (&pair[0], &pair[1]);
            assert_eq!(json.protocol, Protocol::AwsJson1_1, "{json:?}");
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
    let answered = drive(&emulator, &calls).await;

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
    let pairs = logged_pairs(&log);
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
    let answered = drive(&emulator, &calls).await;
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
    let throttled = drive(&emulator, &[("DescribeWorkspacesPools", json!({}))]).await;
    let error = parsed(&throttled[0].0);
    assert_eq!(error["Error"]["Code"], "ThrottlingException", "{error}");

    let log = emulator.request_log();
    assert_eq!(logged_pairs(&log).len(), calls.len() + 1);
}
