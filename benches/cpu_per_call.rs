//! CPU per API call: the user + system time of the `wsql` process (the release binary, as a
//! user runs it) listing 20,000 pools (800 `DescribeWorkspacesPools` calls) against the
//! emulator, divided by its calls; beside it the floor, aws-sdk-workspaces paging the same
//! listing in a plain loop (the same HTTP client, SigV4 signing and JSON parsing, the same kind
//! of runtime; no DataFusion, no conversion), and `wsql -c 'SELECT 1'` (start-up alone). The
//! emulator runs in this process on threads of its own, so its CPU per call is reported
//! separately: on one machine it shares the cores with the client.
//!
//! With `WSQL_BASELINE=PATH` (a `wsql` binary built from an earlier commit), that binary is
//! measured too, in the same runs, so that before and after are read side by side on the same
//! machine state.
//!
//! Medians of several runs; the load average is printed with the figures, which are only worth
//! reading on a quiet machine.
//!
//! `cargo bench --bench cpu_per_call`

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_sdk_workspaces::config::{Credentials, Region};
use wsql_emulator::{Emulator, Fleet};

use common::usage::{ProcessUsage, load_average, median, named_runtime, run_measured, threads_cpu};
use common::{LISTING, PAGE_SIZE, pages};

const REGION: &str = "us-east-1";
const POOLS: usize = 20_000;
const RUNS: usize = 7;

/// What one run of a client cost, and what the emulator spent answering it.
#[derive(Debug, Clone, Copy)]
struct Run {
    client_cpu: Duration,
    emulator_cpu: Duration,
    calls: usize,
    max_rss_kib: u64,
}

fn main() {
    let emulator_runtime = named_runtime("emulator");
    let emulator = emulator_runtime
        .block_on(Emulator::start(Fleet::seeded(7, &[REGION], POOLS)))
        .expect("the emulator starts");
    let url = emulator.endpoint_url();
    let load_before = load_average();

    let floor_runtime = named_runtime("floor");
    let client = floor_runtime.block_on(floor_client(&url));
    // Opens the connection before anything is measured.
    assert_eq!(floor_runtime.block_on(sdk_listing(client.clone())), POOLS);
    let floor: Vec<Run> = (0..RUNS)
        .map(|_| {
            measure(&emulator, || {
                let before = threads_cpu("floor");
                let listed = floor_runtime.block_on(sdk_listing(client.clone()));
                assert_eq!(listed, POOLS);
                (threads_cpu("floor").saturating_sub(before), 0)
            })
        })
        .collect();

    let work = tempfile::tempdir().expect("a temporary directory");
    let csv = work.path().join("out.csv");
    let wsql_binary = Path::new(env!("CARGO_BIN_EXE_wsql"));
    let baseline = common::baseline();
    let listing = |binary: &Path| -> Run {
        measure(&emulator, || {
            let usage = wsql_process(binary, &url, LISTING, &csv);
            assert_eq!(csv_rows(&csv), POOLS, "every pool listed");
            (usage.cpu, usage.max_rss_kib)
        })
    };
    // The two binaries take turns, so that a change of load hits both alike.
    let mut wsql = Vec::new();
    let mut before = Vec::new();
    for _ in 0..RUNS {
        wsql.push(listing(wsql_binary));
        if let Some(binary) = &baseline {
            before.push(listing(binary));
        }
    }
    let start_up: Vec<Duration> = (0..RUNS)
        .map(|_| wsql_process(wsql_binary, &url, "SELECT 1", &csv).cpu)
        .collect();
    let load_after = load_average();

    let calls = wsql[0].calls;
    assert_eq!(calls, pages(POOLS), "one call a page of {PAGE_SIZE}");
    let per_call = |cpu: Duration| cpu / calls as u32;
    let cpu = |runs: &[Run]| median(&runs.iter().map(|r| r.client_cpu).collect::<Vec<_>>());
    let emulator_cpu = median(&wsql.iter().map(|r| r.emulator_cpu).collect::<Vec<_>>());
    let (wsql_cpu, floor_cpu, start_up) = (cpu(&wsql), cpu(&floor), median(&start_up));
    let listing_cpu = wsql_cpu.saturating_sub(start_up);
    let rss = wsql.iter().map(|r| r.max_rss_kib).max().unwrap_or(0);
    println!(
        "\nCPU per call: {POOLS} pools in {REGION}, {calls} DescribeWorkspacesPools calls, \
         medians of {RUNS} runs; load average {load_before} before, {load_after} after"
    );
    println!(
        "wsql process (release binary): {:.1} ms CPU = {:.0} µs a call (start-up alone, \
         `SELECT 1`: {:.1} ms; without it {:.0} µs a call); max RSS {:.1} MiB",
        ms(wsql_cpu),
        us(per_call(wsql_cpu)),
        ms(start_up),
        us(per_call(listing_cpu)),
        rss as f64 / 1024.0
    );
    println!(
        "floor (aws-sdk-workspaces in a loop): {:.1} ms CPU = {:.0} µs a call",
        ms(floor_cpu),
        us(per_call(floor_cpu))
    );
    println!(
        "wsql ÷ floor: {:.2} (whole process), {:.2} (without start-up)",
        wsql_cpu.as_secs_f64() / floor_cpu.as_secs_f64(),
        listing_cpu.as_secs_f64() / floor_cpu.as_secs_f64()
    );
    if let Some(binary) = &baseline {
        let before_cpu = cpu(&before);
        let before_rss = before.iter().map(|r| r.max_rss_kib).max().unwrap_or(0);
        println!(
            "baseline {} (same runs, alternating): {:.1} ms CPU = {:.0} µs a call; max RSS {:.1} MiB; \
             this build ÷ baseline: {:.2}",
            binary.display(),
            ms(before_cpu),
            us(per_call(before_cpu)),
            before_rss as f64 / 1024.0,
            wsql_cpu.as_secs_f64() / before_cpu.as_secs_f64()
        );
    }
    println!(
        "emulator (its own threads, during the wsql runs): {:.1} ms CPU = {:.0} µs a call",
        ms(emulator_cpu),
        us(per_call(emulator_cpu))
    );
}

/// One run of `client`, which returns its own CPU and peak RSS (0 when not its own process),
/// with the emulator's CPU and calls in the same span.
fn measure(emulator: &Emulator, client: impl FnOnce() -> (Duration, u64)) -> Run {
    emulator.clear_request_log();
    let emulator_before = threads_cpu("emulator");
    let (client_cpu, max_rss_kib) = client();
    let emulator_cpu = threads_cpu("emulator").saturating_sub(emulator_before);
    Run {
        client_cpu,
        emulator_cpu,
        calls: emulator.request_log().len(),
        max_rss_kib,
    }
}

/// The floor's client: aws-sdk-workspaces configured as wsql configures its own (standard
/// retries, its timeouts, fixed credentials, the emulator's endpoint).
async fn floor_client(url: &str) -> aws_sdk_workspaces::Client {
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(Duration::from_secs(5))
        .operation_attempt_timeout(Duration::from_secs(30))
        .build();
    let config = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard())
        .timeout_config(timeouts)
        .endpoint_url(url)
        .credentials_provider(Credentials::new("AKIDFLOOR", "floor", None, None, "floor"))
        .region(Region::new(REGION))
        .load()
        .await;
    aws_sdk_workspaces::Client::new(&config)
}

/// Every page of `DescribeWorkspacesPools`, 25 pools a call, on the runtime's worker threads
/// (as wsql's scans run); the pools listed.
async fn sdk_listing(client: aws_sdk_workspaces::Client) -> usize {
    let listing = tokio::spawn(async move {
        let mut pools = 0;
        let mut token: Option<String> = None;
        loop {
            let page = client
                .describe_workspaces_pools()
                .limit(PAGE_SIZE as i32)
                .set_next_token(token)
                .send()
                .await
                .expect("a page");
            pools += page.workspaces_pools().len();
            token = page.next_token;
            if token.is_none() {
                return pools;
            }
        }
    });
    listing.await.expect("the listing runs")
}

/// One `binary -c SQL` process against the emulator, its CSV written to `csv`.
fn wsql_process(binary: &Path, url: &str, sql: &str, csv: &Path) -> ProcessUsage {
    let mut command = Command::new(binary);
    command
        .args([
            "--endpoint-url",
            url,
            "--region",
            REGION,
            "-q",
            "--format",
            "csv",
            "-c",
            sql,
        ])
        .env("AWS_ACCESS_KEY_ID", "AKIDWSQLBENCH")
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
    run_measured(&mut command, csv)
}

/// Rows of a CSV file with one header line.
fn csv_rows(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).expect("reads the CSV");
    text.lines().count().saturating_sub(1)
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
