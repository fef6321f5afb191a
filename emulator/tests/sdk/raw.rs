//! The wire, request by request, for what the SDK never sends: missing and garbled signatures,
//! unknown operations, bodies that are not JSON; and the server's own share of a page.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::AsyncReadExt;
use tokio::net::TcpStream;
use wsql_emulator::{Emulator, Fleet, Organization};

use crate::common::{REGION, exchange, exchange_text};

const AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKIDTEST/20260101/eu-west-1/workspaces/aws4_request, SignedHeaders=host, Signature=0";
const JSON: (&str, &str) = ("content-type", "application/x-amz-json-1.1");

#[tokio::test]
async fn raw_requests_get_the_services_answers_on_one_kept_alive_connection() {
    let emulator = Emulator::start(Fleet::seeded(1, &["eu-west-1"], 3))
        .await
        .expect("starts");
    let mut stream = TcpStream::connect(emulator.addr()).await.expect("connect");
    let target = ("x-amz-target", "WorkspacesService.DescribeWorkspacesPools");

    let (status, body) = exchange(&mut stream, &[JSON, target], "{}").await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("MissingAuthenticationTokenException"))
    );
    let (status, body) = exchange(
        &mut stream,
        &[JSON, target, ("authorization", "Basic abc")],
        "{}",
    )
    .await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("IncompleteSignatureException"))
    );
    let unknown = ("x-amz-target", "WorkspacesService.CreateWorkspacesPool");
    let (status, body) =
        exchange(&mut stream, &[JSON, unknown, ("authorization", AUTH)], "{}").await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("UnknownOperationException"))
    );
    let (status, body) = exchange(
        &mut stream,
        &[JSON, target, ("authorization", AUTH)],
        "{not json",
    )
    .await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("SerializationException"))
    );
    let (status, body) = exchange(
        &mut stream,
        &[JSON, target, ("authorization", AUTH)],
        r#"{"Limit":"x"}"#,
    )
    .await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("SerializationException"))
    );
    let (status, body) = exchange(&mut stream, &[JSON, target, ("authorization", AUTH)], "").await;
    assert_eq!(status, 200, "an empty body is an empty request");
    assert_eq!(body["WorkspacesPools"].as_array().map(Vec::len), Some(3));
    let (status, body) = exchange(
        &mut stream,
        &[JSON, target, ("authorization", AUTH)],
        r#"{"Limit": 1}"#,
    )
    .await;
    assert_eq!(status, 200);
    assert!(
        body["WorkspacesPools"][0]["CreatedAt"].is_f64(),
        "timestamps are epoch seconds"
    );
    assert!(body["NextToken"].is_string());

    let log = emulator.request_log();
    assert_eq!(log.len(), 7, "all on one connection, all logged");
    assert_eq!(log[0].region, "", "no region without a credential scope");
    assert_eq!(log[2].operation, "CreateWorkspacesPool");
    assert_eq!(log[3].body, Value::String("{not json".into()));
    assert_eq!(log[6].region, "eu-west-1");
    assert_eq!(log[6].body, json!({"Limit": 1}));
}

/// `(code, status)` of an STS error body: `<ErrorResponse><Error><Type>..<Code>CODE</Code>`.
fn sts_error(status: u16, xml: &str) -> (String, u16) {
    assert!(xml.starts_with("<ErrorResponse"), "{xml}");
    assert!(xml.contains("<RequestId>"), "{xml}");
    let code = xml
        .split_once("<Code>")
        .and_then(|(_, rest)| rest.split_once("</Code>"))
        .map_or(String::new(), |(code, _)| code.to_string());
    (code, status)
}

#[tokio::test]
async fn sts_and_organizations_speak_their_own_protocols_on_the_wire() {
    let organization = Organization::seeded(3, 2, &["eu-west-1"], 1);
    let emulator = Emulator::start_organization(organization.clone())
        .await
        .expect("starts");
    let mut stream = TcpStream::connect(emulator.addr()).await.expect("connect");
    let form = (
        "content-type",
        "application/x-www-form-urlencoded; charset=utf-8",
    );
    let sts_auth = AUTH.replace("/workspaces/", "/sts/");
    let identity = "Action=GetCallerIdentity&Version=2011-06-15";

    let (status, xml) = exchange_text(&mut stream, &[form], identity).await;
    assert_eq!(
        sts_error(status, &xml),
        ("MissingAuthenticationToken".into(), 403)
    );
    let (status, xml) =
        exchange_text(&mut stream, &[form, ("authorization", AUTH)], identity).await;
    assert_eq!(sts_error(status, &xml), ("IncompleteSignature".into(), 400));
    assert!(xml.contains("'sts', not 'workspaces'"), "{xml}");
    let (status, xml) = exchange_text(
        &mut stream,
        &[form, ("authorization", &sts_auth)],
        "Action=GetFederationToken&Version=2011-06-15",
    )
    .await;
    assert_eq!(sts_error(status, &xml), ("InvalidAction".into(), 400));
    let forged = sts_auth.replace(
        "AKIDTEST",
        &format!("ASIA{}0000", organization.accounts()[1].id()),
    );
    let (status, xml) = exchange_text(
        &mut stream,
        &[
            form,
            ("authorization", &forged),
            ("x-amz-security-token", "t"),
        ],
        identity,
    )
    .await;
    assert_eq!(
        sts_error(status, &xml),
        ("InvalidClientTokenId".into(), 403)
    );
    let (status, xml) =
        exchange_text(&mut stream, &[form, ("authorization", &sts_auth)], identity).await;
    assert_eq!(status, 200);
    assert!(xml.starts_with("<GetCallerIdentityResponse"), "{xml}");
    assert!(
        xml.contains(&format!(
            "<Account>{}</Account>",
            organization.management().id()
        )),
        "{xml}"
    );

    let organizations_auth = AUTH.replace("/workspaces/", "/organizations/");
    let target = (
        "x-amz-target",
        "AWSOrganizationsV20161128.DescribeOrganization",
    );
    let (status, body) = exchange(
        &mut stream,
        &[JSON, target, ("authorization", &organizations_auth)],
        "{}",
    )
    .await;
    assert_eq!(
        (status, body["__type"].as_str()),
        (400, Some("UnknownOperationException"))
    );
    assert!(
        body["Message"].is_string(),
        "Organizations spell it Message: {body}"
    );
    let target = ("x-amz-target", "AWSOrganizationsV20161128.ListAccounts");
    let (status, body) = exchange(
        &mut stream,
        &[JSON, target, ("authorization", &organizations_auth)],
        r#"{"MaxResults": 1}"#,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(body["Accounts"].as_array().map(Vec::len), Some(1));
    assert!(body["NextToken"].is_string());

    let log: Vec<(String, String, String, u16)> = emulator
        .request_log()
        .into_iter()
        .map(|r| (r.service, r.operation, r.account, r.status))
        .collect();
    let management = organization.management().id().to_string();
    let entry = |service: &str, operation: &str, account: &str, status: u16| {
        (
            service.to_string(),
            operation.to_string(),
            account.to_string(),
            status,
        )
    };
    assert_eq!(
        log,
        vec![
            entry("sts", "", "", 403),
            entry("sts", "", "", 400),
            entry("sts", "GetFederationToken", "", 400),
            entry("sts", "GetCallerIdentity", "", 403),
            entry("sts", "GetCallerIdentity", &management, 200),
            entry("organizations", "DescribeOrganization", "", 400),
            entry("organizations", "ListAccounts", &management, 200),
        ]
    );
}

#[tokio::test]
async fn the_emulator_stops_when_dropped() {
    let emulator = Emulator::start(Fleet::empty(&[REGION]))
        .await
        .expect("starts");
    let addr = emulator.addr();
    let mut kept = TcpStream::connect(addr).await.expect("connect");
    drop(emulator);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(TcpStream::connect(addr).await.is_err(), "listener closed");
    let mut byte = [0u8; 1];
    let read = tokio::time::timeout(Duration::from_secs(2), kept.read(&mut byte)).await;
    assert!(
        matches!(read, Ok(Ok(0)) | Ok(Err(_))),
        "open connections closed too: {read:?}"
    );
}
