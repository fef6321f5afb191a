//! Smithy RPCv2 CBOR on the wire: the same answers as awsJson1_1 for every WorkSpaces
//! operation, errors and faults in CBOR, the protocol's header rules, the request log, and
//! CloudWatch's routing. Requests are written and answers read with ciborium, a CBOR
//! implementation the emulator does not use.

use std::collections::HashSet;

use ciborium::Value as Cbor;
use serde_json::{Map, Number, Value, json};
use tokio::net::TcpStream;
use wsql_emulator::connection_aliases::connection_aliases_of;
use wsql_emulator::images::ImageCatalog;
use wsql_emulator::snapshots::snapshots_of;
use wsql_emulator::{Emulator, Faults, Fleet, Protocol, answered_operations};

use crate::common::{RawAnswer, exchange_raw};

const REGION: &str = "eu-west-1";
const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/eu-west-1/workspaces/aws4_request, SignedHeaders=host, Signature=0";
const JSON: (&str, &str) = ("content-type", "application/x-amz-json-1.1");
const CBOR: (&str, &str) = ("content-type", "application/cbor");
const SMITHY: (&str, &str) = ("smithy-protocol", "rpc-v2-cbor");

fn path(operation: &str) -> String {
    format!("/service/WorkspacesService/operation/{operation}")
}

/// `value` (JSON) as a client writes it in CBOR.
fn to_cbor(value: &Value) -> Vec<u8> {
    let mut bytes = Vec::new();
    ciborium::into_writer(value, &mut bytes).expect("encodes");
    bytes
}

fn read(answer: &RawAnswer) -> Cbor {
    ciborium::from_reader(answer.body.as_slice()).expect("a CBOR answer")
}

/// The JSON form of a CBOR answer, every number as a double (JSON writes a whole timestamp as
/// `1.0e9`, CBOR as an integer): tag-1 timestamps as their seconds, byte strings as base64.
fn json_form(value: &Cbor) -> Value {
    match value {
        Cbor::Integer(n) => number(i128::from(*n) as f64),
        Cbor::Float(f) => number(*f),
        Cbor::Text(text) => Value::from(text.as_str()),
        Cbor::Bool(b) => Value::Bool(*b),
        Cbor::Null => Value::Null,
        Cbor::Tag(1, inner) => json_form(inner),
        Cbor::Array(items) => Value::Array(items.iter().map(json_form).collect()),
        Cbor::Map(entries) => Value::Object(
            entries
                .iter()
                .map(|(k, v)| (k.as_text().unwrap_or_default().to_string(), json_form(v)))
                .collect(),
        ),
        other => panic!("unexpected CBOR {other:?}"),
    }
}

fn number(f: f64) -> Value {
    Number::from_f64(f).map_or(Value::Null, Value::Number)
}

/// `value` with every number as a double, to compare with [`json_form`].
fn doubles(value: &Value) -> Value {
    match value {
        Value::Number(n) => number(n.as_f64().unwrap_or_default()),
        Value::Array(items) => Value::Array(items.iter().map(doubles).collect()),
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), doubles(v)))
                .collect::<Map<_, _>>(),
        ),
        other => other.clone(),
    }
}

/// The member `name` of a CBOR map.
fn member<'v>(value: &'v Cbor, name: &str) -> Option<&'v Cbor> {
    value
        .as_map()?
        .iter()
        .find(|(k, _)| k.as_text() == Some(name))
        .map(|(_, v)| v)
}

async fn json_call(stream: &mut TcpStream, operation: &str, body: &Value) -> (u16, Value) {
    let target = format!("WorkspacesService.{operation}");
    let answer = exchange_raw(
        stream,
        "/",
        &[JSON, ("x-amz-target", &target), ("authorization", AUTH)],
        body.to_string().as_bytes(),
    )
    .await
    .expect("an answer");
    (
        answer.status,
        serde_json::from_slice(&answer.body).expect("JSON"),
    )
}

async fn cbor_call(stream: &mut TcpStream, operation: &str, body: &Value) -> RawAnswer {
    exchange_raw(
        stream,
        &path(operation),
        &[CBOR, SMITHY, ("authorization", AUTH)],
        &to_cbor(body),
    )
    .await
    .expect("an answer")
}

#[tokio::test]
async fn cbor_answers_carry_what_json_answers_carry() {
    let fleet = Fleet::seeded(5, &[REGION], 60);
    let emulator = Emulator::start(fleet.clone()).await.expect("starts");
    let mut stream = TcpStream::connect(emulator.addr()).await.expect("connect");
    let pools = fleet.pools(REGION);
    let busiest = pools
        .iter()
        .max_by_key(|p| fleet.sessions(REGION, &p.pool_id).len())
        .expect("pools");
    let tagged = pools
        .iter()
        .find(|p| {
            fleet
                .tags(REGION, &p.pool_id)
                .is_some_and(|t| !t.is_empty())
        })
        .expect("a tagged pool");
    let images = ImageCatalog::of_fleet(&fleet).owned(fleet.account_id(), REGION);
    let shared_image = images.permissions.keys().next().expect("a shared image");
    let imported_image = &images.imports.first().expect("an import").image_id;
    let image_with_applications = &images.image_associations[0].image_id;
    let bundle_with_applications = &images.bundle_associations[0].bundle_id;
    let snapshotted = fleet
        .workspaces(REGION)
        .iter()
        .find(|w| {
            !snapshots_of(w, REGION, emulator.now())
                .rebuild_snapshots
                .is_empty()
        })
        .expect("a WorkSpace with snapshots");
    let shared = connection_aliases_of(&fleet, REGION, &[])
        .into_iter()
        .find(|a| !a.permissions.is_empty())
        .expect("a shared alias");
    // The first directory of a region is branded and has add-ins.
    let first_directory = &fleet.directories(REGION)[0].directory_id;
    let requests = [
        ("DescribeWorkspacesPools", json!({"Limit": 3})),
        (
            "DescribeWorkspacesPoolSessions",
            json!({"PoolId": busiest.pool_id}),
        ),
        ("DescribeWorkspaceDirectories", json!({})),
        ("DescribeWorkspaceBundles", json!({"Owner": "AMAZON"})),
        ("DescribeWorkspaces", json!({"Limit": 4})),
        ("DescribeTags", json!({"ResourceId": tagged.pool_id})),
        ("DescribeWorkspaceImages", json!({"MaxResults": 3})),
        (
            "DescribeWorkspaceImagePermissions",
            json!({"ImageId": shared_image}),
        ),
        (
            "DescribeCustomWorkspaceImageImport",
            json!({"ImageId": imported_image}),
        ),
        (
            "DescribeImageAssociations",
            json!({"ImageId": image_with_applications, "AssociatedResourceTypes": ["APPLICATION"]}),
        ),
        (
            "DescribeBundleAssociations",
            json!({"BundleId": bundle_with_applications, "AssociatedResourceTypes": ["APPLICATION"]}),
        ),
        ("DescribeWorkspacesConnectionStatus", json!({})),
        (
            "DescribeWorkspaceSnapshots",
            json!({"WorkspaceId": snapshotted.workspace_id}),
        ),
        ("DescribeIpGroups", json!({"MaxResults": 2})),
        ("DescribeConnectionAliases", json!({})),
        (
            "DescribeConnectionAliasPermissions",
            json!({"AliasId": shared.alias_id}),
        ),
        (
            "DescribeClientProperties",
            json!({"ResourceIds": [first_directory]}),
        ),
        (
            "DescribeClientBranding",
            json!({"ResourceId": first_directory}),
        ),
        (
            "DescribeConnectClientAddIns",
            json!({"ResourceId": first_directory}),
        ),
    ];
    let answered: Vec<&str> = answered_operations()
        .into_iter()
        .filter(|o| o.service == "workspaces")
        .map(|o| o.name)
        .collect();
    assert_eq!(
        answered,
        requests.iter().map(|(o, _)| *o).collect::<Vec<_>>(),
        "a request here for every answered operation"
    );
    for (operation, body) in &requests {
        let (status, json) = json_call(&mut stream, operation, body).await;
        assert_eq!(status, 200, "{operation}: {json}");
        let answer = cbor_call(&mut stream, operation, body).await;
        assert_eq!(answer.status, 200, "{operation}");
        assert_eq!(answer.header("content-type"), Some("application/cbor"));
        assert_eq!(answer.header("smithy-protocol"), Some("rpc-v2-cbor"));
        assert!(answer.header("x-amzn-requestid").is_some());
        let cbor = read(&answer);
        assert_eq!(json_form(&cbor), doubles(&json), "{operation}");
    }

    // Timestamps are tag 1, whole or not; empty lists stay empty lists.
    let answer = cbor_call(
        &mut stream,
        "DescribeWorkspacesPools",
        &json!({"Limit": 25}),
    )
    .await;
    let listed = read(&answer);
    let pools = member(&listed, "WorkspacesPools")
        .and_then(Cbor::as_array)
        .expect("pools");
    assert!(
        pools
            .iter()
            .all(|p| matches!(member(p, "CreatedAt"), Some(Cbor::Tag(1, _)))),
        "{pools:?}"
    );
    let sessions = cbor_call(
        &mut stream,
        "DescribeWorkspacesPoolSessions",
        &json!({"PoolId": busiest.pool_id}),
    )
    .await;
    let sessions = read(&sessions);
    let first = member(&sessions, "Sessions")
        .and_then(Cbor::as_array)
        .and_then(|s| s.first())
        .expect("a session");
    assert!(matches!(member(first, "StartTime"), Some(Cbor::Tag(1, _))));

    // The log keeps each request's JSON form and the protocol it came in on.
    let log = emulator.request_log();
    assert_eq!(log.len(), requests.len() * 2 + 2);
    for pair in log[..requests.len() * 2].chunks(2) {
        assert_eq!(pair[0].protocol, Protocol::AwsJson1_1);
        assert_eq!(pair[1].protocol, Protocol::RpcV2Cbor);
        assert_eq!(pair[0].body, pair[1].body);
        assert_eq!(pair[0].operation, pair[1].operation);
        assert_eq!(pair[1].region, REGION);
    }
    assert_eq!(log[0].body, json!({"Limit": 3}));
}

#[tokio::test]
async fn errors_are_cbor_maps_naming_the_absolute_shape_id() {
    let fleet = Fleet::seeded(5, &[REGION], 5);
    let emulator = Emulator::start(fleet).await.expect("starts");
    let mut stream = TcpStream::connect(emulator.addr()).await.expect("connect");
    let code = |answer: &RawAnswer| {
        assert_eq!(answer.header("content-type"), Some("application/cbor"));
        assert_eq!(answer.header("smithy-protocol"), Some("rpc-v2-cbor"));
        let error = read(answer);
        let code = member(&error, "__type")
            .and_then(Cbor::as_text)
            .unwrap_or_default()
            .to_string();
        (answer.status, code)
    };
    let pools = path("DescribeWorkspacesPools");
    let empty = to_cbor(&json!({}));
    // (path, headers, body, the error expected)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<u8>, &'a str);
    let cases: Vec<Case> = vec![
        (
            pools.as_str(),
            vec![CBOR, SMITHY],
            empty.clone(),
            "MissingAuthenticationTokenException",
        ),
        (
            pools.as_str(),
            vec![CBOR, ("authorization", AUTH)],
            empty.clone(),
            "SerializationException",
        ),
        (
            pools.as_str(),
            vec![
                CBOR,
                SMITHY,
                ("authorization", AUTH),
                ("x-amz-target", "WorkspacesService.DescribeWorkspacesPools"),
            ],
            empty.clone(),
            "SerializationException",
        ),
        (
            pools.as_str(),
            vec![JSON, SMITHY, ("authorization", AUTH)],
            empty.clone(),
            "SerializationException",
        ),
        (
            pools.as_str(),
            vec![CBOR, SMITHY, ("authorization", AUTH)],
            b"{\"Limit\": 1}".to_vec(),
            "SerializationException",
        ),
        (
            pools.as_str(),
            vec![CBOR, SMITHY, ("authorization", AUTH)],
            to_cbor(&json!({"Limit": "1"})),
            "SerializationException",
        ),
        (
            "/service/WorkspacesService/operation/CreateWorkspacesPool",
            vec![CBOR, SMITHY, ("authorization", AUTH)],
            empty.clone(),
            "UnknownOperationException",
        ),
        (
            "/service/AWSOrganizationsV20161128/operation/ListAccounts",
            vec![CBOR, SMITHY, ("authorization", AUTH)],
            empty.clone(),
            "UnknownOperationException",
        ),
    ];
    for (at, headers, body, expected) in &cases {
        let answer = exchange_raw(&mut stream, at, headers, body)
            .await
            .expect("an answer");
        assert_eq!(
            code(&answer),
            (400, format!("com.amazonaws.workspaces#{expected}")),
            "{at} {headers:?}"
        );
    }

    // An operation's own errors, with their members, and the same message as in JSON.
    let unknown = json!({"PoolId": "wspool-000000000"});
    let answer = cbor_call(&mut stream, "DescribeWorkspacesPoolSessions", &unknown).await;
    assert_eq!(
        code(&answer),
        (
            400,
            "com.amazonaws.workspaces#ResourceNotFoundException".into()
        )
    );
    let error = read(&answer);
    assert_eq!(
        member(&error, "ResourceId").and_then(Cbor::as_text),
        Some("wspool-000000000")
    );
    let invalid = json!({"Limit": 0, "PoolIds": ["nope"], "NextToken": ""});
    let answer = cbor_call(&mut stream, "DescribeWorkspacesPools", &invalid).await;
    let (_, json) = json_call(&mut stream, "DescribeWorkspacesPools", &invalid).await;
    let error = read(&answer);
    let message = member(&error, "message").and_then(Cbor::as_text);
    assert_eq!(message, json["message"].as_str());
    assert!(
        message.is_some_and(|m| m.starts_with("3 validation errors detected: ")),
        "{message:?}"
    );

    let log = emulator.request_log();
    assert_eq!(log[0].protocol, Protocol::RpcV2Cbor);
    assert_eq!(
        log[4].body,
        Value::String("{\"Limit\": 1}".into()),
        "undecodable bodies are kept as text"
    );
    assert_eq!(log[5].body, json!({"Limit": "1"}));
    assert_eq!(log[6].operation, "CreateWorkspacesPool");
}

#[tokio::test]
async fn faults_hit_cbor_calls_too() {
    let emulator = Emulator::start(Fleet::seeded(5, &[REGION], 30))
        .await
        .expect("starts");
    let mut stream = TcpStream::connect(emulator.addr()).await.expect("connect");
    let body = json!({});

    emulator.set_faults(Faults {
        throttle_rate: 1.0,
        ..Faults::default()
    });
    let answer = cbor_call(&mut stream, "DescribeWorkspacesPools", &body).await;
    assert_eq!(answer.status, 400);
    let error = read(&answer);
    assert_eq!(
        member(&error, "__type").and_then(Cbor::as_text),
        Some("com.amazonaws.workspaces#ThrottlingException")
    );

    emulator.set_faults(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    });
    let answer = cbor_call(&mut stream, "DescribeWorkspacesPools", &body).await;
    assert!(matches!(answer.status, 500 | 503), "{}", answer.status);
    let error = read(&answer);
    assert!(
        member(&error, "__type")
            .and_then(Cbor::as_text)
            .is_some_and(|t| t == "com.amazonaws.workspaces#InternalFailure"
                || t == "com.amazonaws.workspaces#ServiceUnavailable")
    );

    emulator.set_faults(Faults {
        malformed_json_rate: 1.0,
        ..Faults::default()
    });
    let answer = cbor_call(&mut stream, "DescribeWorkspacesPools", &body).await;
    assert_eq!(answer.status, 200);
    assert!(
        ciborium::from_reader::<Cbor, _>(answer.body.as_slice()).is_err(),
        "a truncated body is not CBOR"
    );

    emulator.set_faults(Faults {
        drop_connection_rate: 1.0,
        ..Faults::default()
    });
    let answer = exchange_raw(
        &mut stream,
        &path("DescribeWorkspacesPools"),
        &[CBOR, SMITHY, ("authorization", AUTH)],
        &to_cbor(&body),
    )
    .await;
    assert!(answer.is_none(), "the connection is dropped");

    let statuses: Vec<(u16, Protocol)> = emulator
        .request_log()
        .iter()
        .map(|r| (r.status, r.protocol))
        .collect();
    assert_eq!(statuses.len(), 4);
    assert!(statuses.iter().all(|(_, p)| *p == Protocol::RpcV2Cbor));
    assert_eq!(statuses[0].0, 400);
    assert_eq!(statuses[2].0, 200);
    assert_eq!(statuses[3].0, 0, "dropped");
}

/// A CloudWatch call on the raw wire: `body` as awsJson1_0 to `/`, or as CBOR to its RPCv2 path.
async fn cloudwatch_call(
    stream: &mut TcpStream,
    protocol: Protocol,
    operation: &str,
    body: &Value,
    authorization: &str,
) -> RawAnswer {
    let answer = match protocol {
        Protocol::RpcV2Cbor => {
            let path = format!("/service/GraniteServiceVersion20100801/operation/{operation}");
            let headers = [CBOR, SMITHY, ("authorization", authorization)];
            exchange_raw(stream, &path, &headers, &to_cbor(body)).await
        }
        _ => {
            let target = format!("GraniteServiceVersion20100801.{operation}");
            let headers = [
                ("content-type", "application/x-amz-json-1.0"),
                ("x-amz-target", target.as_str()),
                ("authorization", authorization),
            ];
            exchange_raw(stream, "/", &headers, body.to_string().as_bytes()).await
        }
    };
    answer.expect("an answer")
}

/// An answer's body in its JSON form, every number a double, whatever its encoding.
fn answered(protocol: Protocol, answer: &RawAnswer) -> Value {
    match protocol {
        Protocol::RpcV2Cbor => json_form(&read(answer)),
        _ => doubles(&serde_json::from_slice(&answer.body).expect("JSON")),
    }
}

#[tokio::test]
async fn cloudwatch_answers_alike_in_both_of_its_protocols() {
    let fleet = Fleet::seeded(5, &[REGION], 10);
    let pool = fleet
        .pools(REGION)
        .iter()
        .find(|p| {
            p.state == wsql_emulator::shapes::PoolState::Running
                && p.capacity_status.desired_user_sessions > 0
        })
        .map(|p| p.pool_id.clone())
        .expect("a running pool");
    let emulator = Emulator::start(fleet).await.expect("starts");
    let mut stream = TcpStream::connect(emulator.addr()).await.expect("connect");
    let monitoring = AUTH.replace("/workspaces/", "/monitoring/");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;
    let end = now.div_euclid(3600) * 3600 - 3600;
    let metric_data = json!({
        "StartTime": end - 3 * 3600,
        "EndTime": end,
        "MetricDataQueries": [{"Id": "active", "MetricStat": {"Metric": {
            "Namespace": "AWS/WorkSpaces", "MetricName": "ActiveUserSessionCapacity",
            "Dimensions": [{"Name": "WorkSpaces pool ID", "Value": pool}]},
            "Period": 600, "Stat": "Average"}}],
        "MaxDatapoints": 10,
    });
    let calls = [
        ("ListMetrics", json!({})),
        (
            "ListMetrics",
            json!({"MetricName": "DesiredUserSessionCapacity"}),
        ),
        ("GetMetricData", metric_data.clone()),
    ];
    for (operation, body) in &calls {
        let json_answer = cloudwatch_call(
            &mut stream,
            Protocol::AwsJson1_0,
            operation,
            body,
            &monitoring,
        )
        .await;
        let cbor_answer = cloudwatch_call(
            &mut stream,
            Protocol::RpcV2Cbor,
            operation,
            body,
            &monitoring,
        )
        .await;
        assert_eq!(
            (json_answer.status, cbor_answer.status),
            (200, 200),
            "{operation}"
        );
        assert_eq!(
            json_answer.header("content-type"),
            Some("application/x-amz-json-1.0")
        );
        assert_eq!(cbor_answer.header("smithy-protocol"), Some("rpc-v2-cbor"));
        let answer = answered(Protocol::AwsJson1_0, &json_answer);
        assert_eq!(
            answer,
            answered(Protocol::RpcV2Cbor, &cbor_answer),
            "{operation}"
        );
        assert!(
            answer.as_object().is_some_and(|o| o
                .values()
                .any(|v| v.as_array().is_some_and(|a| !a.is_empty()))),
            "{operation}: {answer}"
        );
    }
    // CBOR carries each period's start as a tag-1 timestamp, its value as a double.
    let answer = cloudwatch_call(
        &mut stream,
        Protocol::RpcV2Cbor,
        "GetMetricData",
        &metric_data,
        &monitoring,
    )
    .await;
    let results = member(&read(&answer), "MetricDataResults").cloned();
    let first = results
        .as_ref()
        .and_then(Cbor::as_array)
        .and_then(|r| r.first())
        .cloned()
        .expect("a result");
    let timestamp = member(&first, "Timestamps")
        .and_then(Cbor::as_array)
        .and_then(|t| t.first())
        .cloned();
    assert!(matches!(timestamp, Some(Cbor::Tag(1, _))), "{timestamp:?}");
    assert!(matches!(
        member(&first, "Values")
            .and_then(Cbor::as_array)
            .and_then(|v| v.first()),
        Some(Cbor::Float(_))
    ));

    // Errors: the model's shape in `__type`, the awsQuery code in `x-amzn-query-error`, in both.
    let wrong_signing_name = AUTH.to_string();
    let errors = [
        (
            "GetMetricData",
            json!({}),
            &monitoring,
            400,
            "ValidationException",
            "ValidationError;Sender",
        ),
        (
            "ListMetrics",
            json!({"NextToken": "0".repeat(40)}),
            &monitoring,
            400,
            "InvalidParameterValueException",
            "InvalidParameterValue;Sender",
        ),
        (
            "GetMetricData",
            json!({"NextToken": "0".repeat(40), "StartTime": end - 60, "EndTime": end,
                   "MetricDataQueries": metric_data["MetricDataQueries"]}),
            &monitoring,
            400,
            "InvalidNextToken",
            "InvalidNextToken;Sender",
        ),
        (
            "PutMetricData",
            json!({}),
            &monitoring,
            400,
            "UnknownOperationException",
            "InvalidAction;Sender",
        ),
        (
            "ListMetrics",
            json!({}),
            &wrong_signing_name,
            400,
            "IncompleteSignatureException",
            "IncompleteSignature;Sender",
        ),
    ];
    for (operation, body, authorization, status, shape, query_error) in &errors {
        for protocol in [Protocol::AwsJson1_0, Protocol::RpcV2Cbor] {
            let answer =
                cloudwatch_call(&mut stream, protocol, operation, body, authorization).await;
            assert_eq!(answer.status, *status, "{operation} {protocol:?}");
            assert_eq!(
                answer.header("x-amzn-query-error"),
                Some(*query_error),
                "{operation} {protocol:?}"
            );
            let error = answered(protocol, &answer);
            let expected = match protocol {
                Protocol::RpcV2Cbor => format!("com.amazonaws.cloudwatch#{shape}"),
                _ => shape.to_string(),
            };
            assert_eq!(error["__type"], expected.as_str(), "{error}");
            assert!(error["message"].is_string(), "{error}");
        }
    }

    // An injected server error is CloudWatch's InternalServiceFault.
    emulator.set_faults(Faults {
        server_error_rate: 1.0,
        seed: 1,
        ..Faults::default()
    });
    let mut seen = Vec::new();
    for _ in 0..6 {
        let answer = cloudwatch_call(
            &mut stream,
            Protocol::RpcV2Cbor,
            "ListMetrics",
            &json!({}),
            &monitoring,
        )
        .await;
        let error = answered(Protocol::RpcV2Cbor, &answer);
        seen.push((
            answer.status,
            error["__type"].as_str().unwrap_or_default().to_string(),
            answer.header("x-amzn-query-error").map(str::to_string),
        ));
    }
    assert!(
        seen.contains(&(
            500,
            "com.amazonaws.cloudwatch#InternalServiceFault".to_string(),
            Some("InternalServiceError;Receiver".to_string())
        )),
        "{seen:?}"
    );
    assert!(
        seen.contains(&(
            503,
            "com.amazonaws.cloudwatch#ServiceUnavailable".to_string(),
            Some("ServiceUnavailable;Receiver".to_string())
        )),
        "{seen:?}"
    );

    let log = emulator.request_log();
    assert!(log.iter().all(|r| r.service == "monitoring"), "{log:?}");
    let protocols: HashSet<Protocol> = log.iter().map(|r| r.protocol).collect();
    assert_eq!(protocols.len(), 2);
    let first = &log[0];
    assert_eq!(
        (first.operation.as_str(), first.protocol, first.status),
        ("ListMetrics", Protocol::AwsJson1_0, 200)
    );
    assert_eq!(first.account, emulator.fleet().account_id());
    assert_eq!(log[4].body, metric_data, "the JSON form of either body");
    assert_eq!(log[5].body, metric_data);
}
