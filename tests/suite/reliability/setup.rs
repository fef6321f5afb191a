//! What the reliability tests share beyond `support`: fast retries, every table, and the
//! read-only check of a request log.

use std::sync::LazyLock;
use std::time::Duration;

use wsql::{AwsSettings, Table};
use wsql_emulator::LoggedRequest;

/// Three regions, so one can fail while two answer.
pub const REGIONS: &[&str] = &["us-east-1", "eu-west-1", "ap-southeast-2"];

/// Every table of the library with the operation that lists it.
pub fn tables() -> Vec<(&'static str, &'static str)> {
    Table::all().map(|t| (t.name(), t.operation())).collect()
}

/// `settings` retrying up to `attempts` times with a back-off of milliseconds instead of seconds,
/// so that a test of many retries takes a moment.
pub fn fast_retries(attempts: u32) -> impl FnOnce(AwsSettings) -> AwsSettings {
    move |settings| AwsSettings {
        max_attempts: Some(attempts),
        retry_backoff: Some(Duration::from_millis(5)),
        ..settings
    }
}

/// Panics naming the first call of `log` that is not read-only: a WorkSpaces `Describe*`,
/// `List*` or `Get*` (`ListAccountLinks`, `GetAccountLink`), a CloudWatch read (`GetMetricData`,
/// `ListMetrics`), or one of the identity calls that change nothing (STS `GetCallerIdentity` and
/// `AssumeRole`, Organizations `ListAccounts`).
pub fn assert_read_only(log: &[LoggedRequest]) {
    assert!(!log.is_empty(), "no call was logged: nothing was checked");
    for call in log {
        let read_only = match call.service.as_str() {
            "workspaces" => ["Describe", "List", "Get"]
                .iter()
                .any(|verb| call.operation.starts_with(verb)),
            "monitoring" => matches!(call.operation.as_str(), "GetMetricData" | "ListMetrics"),
            "sts" => matches!(call.operation.as_str(), "GetCallerIdentity" | "AssumeRole"),
            "organizations" => call.operation == "ListAccounts",
            _ => false,
        };
        assert!(
            read_only,
            "a call that is not read-only: {} {} in {}",
            call.service, call.operation, call.region
        );
    }
}

/// A one-region fleet (`region`) holding `count` WorkSpaces, enough for many pages of
/// `DescribeWorkspaces` (25 a page).
pub fn fleet_with_workspaces(region: &str, count: usize) -> wsql_emulator::Fleet {
    let mut fleet = wsql_emulator::Fleet::seeded(11, &[region], 20);
    let workspaces = &mut fleet.region_mut(region).workspaces;
    let template = workspaces.first().cloned().expect("a seeded WorkSpace");
    workspaces.extend((0..count.saturating_sub(workspaces.len())).map(|i| {
        let mut workspace = template.clone();
        workspace.workspace_id = format!("ws-copy{i:06}");
        workspace
    }));
    fleet
}

/// Runs `future`, failing the test if it takes longer than `seconds`: a hang is a bug, and the
/// bound is far above what the test needs.
pub async fn within<T>(
    seconds: u64,
    what: &str,
    future: impl std::future::Future<Output = T>,
) -> T {
    match tokio::time::timeout(Duration::from_secs(seconds), future).await {
        Ok(value) => value,
        Err(_) => panic!("{what} did not finish within {seconds} s"),
    }
}

/// Cases per property test unless `PROPTEST_CASES` says otherwise.
const DEFAULT_CASES: u32 = 64;

/// Cases per property test: `PROPTEST_CASES`, else 64.
pub fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES)
}

/// The runtime of the property tests (which are synchronous): one for every case, since
/// starting one per case costs more than the case.
pub static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
});
