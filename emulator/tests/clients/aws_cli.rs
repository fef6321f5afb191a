//! The AWS CLI (v1, botocore's awsJson) against the standalone `wsql-emulator` binary: every
//! WorkSpaces operation the emulator answers, as `aws workspaces <operation>`, and CloudWatch's
//! metrics as `aws cloudwatch list-metrics` and `aws cloudwatch get-metric-data` (botocore
//! prefers JSON to CBOR, so the CLI speaks awsJson1_0 to CloudWatch).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Output, Stdio};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use wsql_emulator::Fleet;
use wsql_emulator::shapes::PoolState;

use crate::common::{REGION, client, has_rows, requests};

/// The standalone emulator, stopped when dropped.
struct Standalone {
    child: Child,
    url: String,
    /// Kept open: the binary prints more after its URL, and a closed pipe would fail it.
    _stdout: Option<BufReader<ChildStdout>>,
}

impl Standalone {
    /// Starts the binary on a free port with a seeded fleet, which it also writes to `dump`;
    /// reads its URL from the first line it prints.
    fn start(dump: &Path) -> Standalone {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wsql-emulator"))
            .args([
                "--port",
                "0",
                "--pools",
                "40",
                "--seed",
                "7",
                "--regions",
                REGION,
            ])
            .arg("--dump-fleet")
            .arg(dump)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the emulator binary starts");
        let mut first = String::new();
        let mut stdout = child.stdout.take().map(BufReader::new);
        if let Some(stdout) = &mut stdout {
            stdout
                .read_line(&mut first)
                .expect("the emulator prints its URL");
        }
        let url = first
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("not a URL line: {first:?}"))
            .to_string();
        Standalone {
            child,
            url,
            _stdout: stdout,
        }
    }
}

impl Drop for Standalone {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The CLI's name for an operation or a member: `DescribeWorkspacesPools` ->
/// `describe-workspaces-pools`, `PoolId` -> `pool-id`.
fn kebab(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let after_lower = i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
        let ends_acronym = i > 0
            && chars[i - 1].is_uppercase()
            && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
        if c.is_uppercase() && (after_lower || ends_acronym) {
            out.push('-');
        }
        out.extend(c.to_lowercase());
    }
    out
}

#[test]
fn kebab_case_is_the_clis() {
    assert_eq!(
        kebab("DescribeWorkspacesPoolSessions"),
        "describe-workspaces-pool-sessions"
    );
    assert_eq!(kebab("PoolId"), "pool-id");
    assert_eq!(kebab("IDCConfig"), "idc-config");
}

/// `aws <service> <operation>` against `emulator`, with static credentials and nothing of the
/// machine's configuration, writing JSON.
fn aws(home: &Path, emulator: &Standalone, service: &str, operation: &str) -> Command {
    let mut command = Command::new(client("aws"));
    command
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("AWS_CONFIG_FILE", home.join("no-config"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.join("no-credentials"))
        .env("AWS_ACCESS_KEY_ID", "AKIDAWSCLITEST")
        .env("AWS_SECRET_ACCESS_KEY", "aws-cli-secret")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .args([service, operation])
        .args([
            "--endpoint-url",
            &emulator.url,
            "--region",
            REGION,
            "--output",
            "json",
        ]);
    command
}

/// The JSON the CLI printed, or a failure with what it said.
fn printed(output: &Output, what: &str) -> Value {
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{what} failed: {}{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{what}: not JSON ({e}): {stdout}"))
}

#[test]
fn the_aws_cli_calls_every_operation_of_the_standalone_emulator() {
    let home = tempfile::tempdir().expect("a home");
    let dump = home.path().join("fleet.json");
    let emulator = Standalone::start(&dump);
    let fleet = Fleet::from_json_file(&dump).expect("the served fleet");
    let requests = requests(&fleet);
    assert!(requests.len() >= 6);
    for (operation, parameters) in requests {
        let mut command = aws(home.path(), &emulator, "workspaces", &kebab(operation));
        for (member, value) in parameters.as_object().into_iter().flatten() {
            let value = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            command.arg(format!("--{}", kebab(member))).arg(value);
        }
        let output = command.output().expect("the AWS CLI runs");
        let answer = printed(&output, &format!("aws workspaces {}", kebab(operation)));
        assert!(has_rows(&answer), "{operation}: no items in {answer}");
    }
}

#[test]
fn the_aws_cli_reads_cloudwatch_metrics_of_the_standalone_emulator() {
    let home = tempfile::tempdir().expect("a home");
    let dump = home.path().join("fleet.json");
    let emulator = Standalone::start(&dump);
    let fleet = Fleet::from_json_file(&dump).expect("the served fleet");
    let pool = fleet
        .pools(REGION)
        .iter()
        .find(|p| p.state == PoolState::Running && p.capacity_status.desired_user_sessions > 0)
        .map(|p| p.pool_id.clone())
        .expect("a running pool");

    let output = aws(home.path(), &emulator, "cloudwatch", "list-metrics")
        .args([
            "--namespace",
            "AWS/WorkSpaces",
            "--metric-name",
            "ActiveUserSessionCapacity",
        ])
        .output()
        .expect("the AWS CLI runs");
    let listed = printed(&output, "aws cloudwatch list-metrics");
    let metrics = listed["Metrics"].as_array().cloned().unwrap_or_default();
    assert!(
        metrics
            .iter()
            .any(|m| m["Dimensions"][0]["Value"] == pool.as_str()),
        "the running pool's metric is listed: {listed}"
    );
    assert!(
        metrics
            .iter()
            .all(|m| m["MetricName"] == "ActiveUserSessionCapacity")
    );

    // Six whole hours that ended an hour ago, hour by hour, with three statistics.
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs() as i64;
    let end = now.div_euclid(3600) * 3600 - 3600;
    let stat = |id: &str, stat: &str| {
        json!({"Id": id, "MetricStat": {"Metric": {"Namespace": "AWS/WorkSpaces",
            "MetricName": "ActiveUserSessionCapacity",
            "Dimensions": [{"Name": "WorkSpaces pool ID", "Value": pool}]},
            "Period": 3600, "Stat": stat}})
    };
    let queries = home.path().join("queries.json");
    let written = json!([
        stat("low", "Minimum"),
        stat("avg", "Average"),
        stat("n", "SampleCount")
    ]);
    std::fs::write(&queries, written.to_string()).expect("queries written");
    let get_metric_data = |queries: &Path| {
        aws(home.path(), &emulator, "cloudwatch", "get-metric-data")
            .arg("--metric-data-queries")
            .arg(format!("file://{}", queries.display()))
            .args(["--start-time", &(end - 6 * 3600).to_string()])
            .args(["--end-time", &end.to_string()])
            .output()
            .expect("the AWS CLI runs")
    };
    let answer = printed(&get_metric_data(&queries), "aws cloudwatch get-metric-data");
    let results = answer["MetricDataResults"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let ids: Vec<&str> = results.iter().filter_map(|r| r["Id"].as_str()).collect();
    assert_eq!(ids, ["low", "avg", "n"], "{answer}");
    let values = |i: usize| -> Vec<f64> {
        results[i]["Values"]
            .as_array()
            .map(|v| v.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default()
    };
    assert_eq!(
        values(2),
        vec![60.0; 6],
        "a running pool publishes every minute"
    );
    assert!(
        values(0)
            .iter()
            .zip(values(1))
            .all(|(low, avg)| *low <= avg)
    );
    // The CLI v1 prints timestamps as the wire had them (`cli_timestamp_format` `none`): epoch
    // seconds, each hour's start.
    let timestamps: Vec<i64> = results[0]["Timestamps"]
        .as_array()
        .map(|t| {
            t.iter()
                .filter_map(Value::as_f64)
                .map(|t| t as i64)
                .collect()
        })
        .unwrap_or_default();
    let hours: Vec<i64> = (1..=6).map(|h| end - h * 3600).collect();
    assert_eq!(timestamps, hours, "newest first: {answer}");
    assert!(results.iter().all(|r| r["StatusCode"] == "Complete"));

    // An error in CloudWatch's words: the CLI shows the code of `x-amzn-query-error`.
    let duplicated = home.path().join("duplicated.json");
    let twice = json!([stat("a", "Sum"), stat("a", "Sum")]);
    std::fs::write(&duplicated, twice.to_string()).expect("queries written");
    let output = get_metric_data(&duplicated);
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("(ValidationError) when calling the GetMetricData operation"),
        "{stderr}"
    );
}
