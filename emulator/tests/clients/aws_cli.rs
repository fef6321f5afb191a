//! The AWS CLI (v1, botocore's awsJson) against the standalone `wsql-emulator` binary: every
//! WorkSpaces operation the emulator answers, as `aws workspaces <operation>`.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};

use serde_json::Value;
use wsql_emulator::Fleet;

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

#[test]
fn the_aws_cli_calls_every_operation_of_the_standalone_emulator() {
    let aws = client("aws");
    let home = tempfile::tempdir().expect("a home");
    let dump = home.path().join("fleet.json");
    let emulator = Standalone::start(&dump);
    let fleet = Fleet::from_json_file(&dump).expect("the served fleet");
    let requests = requests(&fleet);
    assert!(requests.len() >= 6);
    for (operation, parameters) in requests {
        let mut command = Command::new(&aws);
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("AWS_CONFIG_FILE", home.path().join("no-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                home.path().join("no-credentials"),
            )
            .env("AWS_ACCESS_KEY_ID", "AKIDAWSCLITEST")
            .env("AWS_SECRET_ACCESS_KEY", "aws-cli-secret")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .args(["workspaces", &kebab(operation)])
            .args([
                "--endpoint-url",
                &emulator.url,
                "--region",
                REGION,
                "--output",
                "json",
            ]);
        for (member, value) in parameters.as_object().into_iter().flatten() {
            let value = match value {
                Value::String(text) => text.clone(),
                other => other.to_string(),
            };
            command.arg(format!("--{}", kebab(member))).arg(value);
        }
        let output = command.output().expect("the AWS CLI runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "aws workspaces {} failed: {}{stdout}",
            kebab(operation),
            String::from_utf8_lossy(&output.stderr)
        );
        let answer: Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{operation}: not JSON ({e}): {stdout}"));
        assert!(has_rows(&answer), "{operation}: no items in {answer}");
    }
}
