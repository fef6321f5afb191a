//! Where CloudWatch calls go: `--endpoint-url` sends them to the emulator with every other
//! service's, and `AWS_ENDPOINT_URL_CLOUDWATCH` (the SDK's variable for the service whose id is
//! `CloudWatch`) wins for CloudWatch alone. The calls go in RPCv2 CBOR, the SDK's protocol.

use wsql_emulator::Protocol;

use crate::support::command::{TestEmulator, Wsql};

#[test]
fn the_service_variable_wins_for_cloudwatch_alone() {
    let emulator = TestEmulator::start();
    let id = emulator.fleet.pools("us-east-1")[0].pool_id.clone();
    // Nothing listens on port 9: only a call that goes elsewhere can answer.
    let nowhere = "http://127.0.0.1:9";
    let wsql = || {
        let mut wsql = Wsql::new();
        wsql.command
            .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
            .env("AWS_SECRET_ACCESS_KEY", "test-secret")
            .env("AWS_ENDPOINT_URL_CLOUDWATCH", emulator.url());
        wsql.args([
            "--endpoint-url",
            nowhere,
            "--region",
            "us-east-1",
            "--max-attempts",
            "1",
            "--format",
            "csv",
            "--quiet",
        ])
    };
    let metrics = wsql()
        .args([
            "-c",
            &format!("SELECT count(*) AS n FROM workspaces_pool_metrics WHERE pool_id = '{id}'"),
        ])
        .run()
        .success();
    assert_eq!(metrics.stdout.lines().next(), Some("n"));
    assert!(emulator.calls("GetMetricData") >= 1);

    let pools = wsql()
        .args(["-c", "SELECT count(*) FROM workspaces_pools"])
        .run();
    let line = pools.one_line_failure();
    assert!(
        line.contains("DescribeWorkspacesPools in us-east-1 failed: could not reach the service"),
        "WorkSpaces still goes to --endpoint-url: {line}"
    );
}

#[test]
fn the_endpoint_flag_reaches_cloudwatch_too() {
    let emulator = TestEmulator::start();
    let id = emulator.fleet.pools("us-east-1")[0].pool_id.clone();
    Wsql::against(&emulator)
        .args([
            "--quiet",
            "-c",
            &format!("SELECT count(*) FROM workspaces_pool_metrics WHERE pool_id = '{id}'"),
        ])
        .run()
        .success();
    let cloudwatch: Vec<_> = emulator
        .emulator
        .request_log()
        .into_iter()
        .filter(|r| r.service == "monitoring")
        .collect();
    assert!(!cloudwatch.is_empty());
    assert!(cloudwatch.iter().all(|r| r.operation == "GetMetricData"));
    // aws-sdk-cloudwatch speaks Smithy RPCv2 CBOR; the emulator decodes it to the same JSON form.
    assert!(
        cloudwatch.iter().all(|r| r.protocol == Protocol::RpcV2Cbor),
        "{:?}",
        cloudwatch.iter().map(|r| r.protocol).collect::<Vec<_>>()
    );
}
