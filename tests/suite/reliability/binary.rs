//! The same faults through the `wsql` binary: the flags that govern them (`--max-attempts`,
//! `--retry-mode`, `--read-timeout`, `--on-region-error`, `--debug`), one line per failure,
//! warnings on stderr, and a short missing-credentials message.

use std::time::{Duration, Instant};

use wsql_emulator::Faults;

use crate::support::command::{REGIONS, TestEmulator, Wsql};

/// `wsql` pointed at `emulator` for `region` only, with credentials in the environment.
pub fn against_region(emulator: &TestEmulator, region: &str) -> Wsql {
    let mut wsql = Wsql::new();
    wsql.command
        .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .args(["--endpoint-url", &emulator.url(), "--region", region]);
    wsql
}

#[test]
fn a_denied_region_fails_the_query_on_one_line_by_default() {
    let emulator = TestEmulator::start();
    emulator.set_faults(Faults {
        access_denied_regions: vec!["eu-west-1".into()],
        ..Faults::default()
    });
    let run = Wsql::against(&emulator)
        .args(["-c", "SELECT count(*) FROM workspaces_directories"])
        .run();
    let line = run.one_line_failure();
    assert!(
        line.starts_with(
            "error: DescribeWorkspaceDirectories in eu-west-1 failed: AccessDeniedException"
        ),
        "{line}"
    );
}

#[test]
fn on_region_error_warn_answers_from_the_other_regions_and_says_which_is_missing() {
    let emulator = TestEmulator::start();
    let healthy =
        emulator.fleet.pools("us-east-1").len() + emulator.fleet.pools("ap-southeast-2").len();
    emulator.set_faults(Faults {
        access_denied_regions: vec!["eu-west-1".into()],
        ..Faults::default()
    });
    let run = Wsql::against(&emulator)
        .args(["--on-region-error", "warn", "--format", "csv", "--quiet"])
        .args(["-c", "SELECT count(*) AS n FROM workspaces_pools"])
        .run()
        .success();
    assert_eq!(run.stdout, format!("n\n{healthy}\n"));
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{}", run.stderr);
    assert!(
        lines[0].starts_with(
            "warning: DescribeWorkspacesPools in eu-west-1 failed: AccessDeniedException: "
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].ends_with("; results exclude that region"),
        "{}",
        lines[0]
    );
}

#[test]
fn max_attempts_and_adaptive_retry_answer_completely_under_throttling() {
    let emulator = TestEmulator::start();
    emulator.set_faults(Faults {
        throttle_rate: 0.3,
        seed: 99,
        ..Faults::default()
    });
    let run = Wsql::against(&emulator)
        .args(["--max-attempts", "12", "--retry-mode", "adaptive"])
        .args([
            "--format",
            "csv",
            "--quiet",
            "-c",
            "SELECT count(*) AS n FROM workspaces_pools",
        ])
        .run()
        .success();
    assert_eq!(run.stdout, format!("n\n{}\n", emulator.pool_count()));
    let log = emulator.emulator.request_log();
    assert!(
        log.iter().any(|call| call.status == 400),
        "nothing was throttled"
    );
}

#[test]
fn full_throttling_ends_after_max_attempts_with_one_line() {
    let emulator = TestEmulator::start();
    emulator.set_faults(Faults {
        throttle_rate: 1.0,
        ..Faults::default()
    });
    let run = against_region(&emulator, "us-east-1")
        .args([
            "--max-attempts",
            "2",
            "-c",
            "SELECT count(*) FROM workspaces_pools",
        ])
        .run();
    let line = run.one_line_failure();
    assert!(
        line.starts_with("error: DescribeWorkspacesPools in us-east-1 failed: ThrottlingException"),
        "{line}"
    );
    assert!(line.contains("raise --max-attempts"), "{line}");
    assert_eq!(emulator.calls("DescribeWorkspacesPools"), 2);
}

#[test]
fn a_slow_service_times_out_naming_read_timeout() {
    let emulator = TestEmulator::start();
    emulator.set_faults(Faults {
        latency: Duration::from_secs(60),
        ..Faults::default()
    });
    let started = Instant::now();
    let run = against_region(&emulator, "us-east-1")
        .args(["--read-timeout", "0.3", "--max-attempts", "1"])
        .args(["-c", "SELECT count(*) FROM workspaces_bundles"])
        .run();
    let line = run.one_line_failure();
    assert_eq!(
        line,
        "error: DescribeWorkspaceBundles in us-east-1 failed: timed out waiting for the service (raise --read-timeout to wait longer)"
    );
    // No hang: far below the 60 s the service would take.
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[test]
fn missing_credentials_are_one_short_line_with_the_cause_and_the_fix() {
    let emulator = TestEmulator::start();
    let run = Wsql::new()
        .args(["--endpoint-url", &emulator.url(), "--region", "us-east-1"])
        .args(["-c", "SELECT count(*) FROM workspaces_pools"])
        .run();
    let line = run.one_line_failure();
    assert!(line.starts_with("error: no AWS credentials found for us-east-1: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY"), "{line}");
    assert!(line.contains("(no credentials found in chain)"), "{line}");
    for dump in [
        "ProviderAttempt",
        "DispatchFailure",
        "CredentialsNotLoaded",
        "Attempted:",
    ] {
        assert!(!line.contains(dump), "'{dump}' in: {line}");
    }
    assert!(line.len() < 250, "{} characters: {line}", line.len());
    assert!(line.contains("no AWS credentials"), "{line}");
    assert_eq!(emulator.calls("DescribeWorkspacesPools"), 0);
}

#[test]
fn debug_prints_the_plan_the_requests_and_the_pages_per_region() {
    let emulator = TestEmulator::start();
    let run = Wsql::against(&emulator)
        .args(["--debug", "--quiet", "--format", "csv"])
        .args([
            "-c",
            "SELECT count(*) AS n FROM workspaces_pools WHERE region = 'eu-west-1'",
        ])
        .run()
        .success();
    let per_region = emulator.fleet.pools("eu-west-1").len();
    assert_eq!(
        run.stdout,
        format!("n\n{per_region}\n"),
        "stdout holds only the answer"
    );
    let stderr = &run.stderr;
    assert!(stderr.lines().all(|l| l.starts_with("debug: ")), "{stderr}");
    assert!(stderr.contains("debug: physical plan:"), "{stderr}");
    assert!(
        stderr.contains(
            "WorkspacesPoolsExec: regions=[eu-west-1], requests per region=[{Limit: 25}]"
        ),
        "{stderr}"
    );
    let pages = per_region.div_ceil(25);
    assert!(
        stderr.contains(&format!(
            "debug: workspaces_pools in eu-west-1: {pages} page(s), {per_region} row(s), "
        )),
        "{stderr}"
    );
    assert!(stderr.contains("debug: statement took "), "{stderr}");
    assert_eq!(REGIONS.len(), 3);
    assert!(
        !stderr.contains("us-east-1:"),
        "only the asked region is scanned"
    );
}
