//! An organization of 1,000 accounts × 4 regions, 25–100 pools in each (account, region), at
//! 40 ms a call, with a rate limit per account and region on the WorkSpaces operations (a token
//! bucket of 10 calls refilled at 5 a second, as AWS throttles per account and region). The
//! release `wsql` binary reads it as a user would, through the role assumed in every ACTIVE
//! account, and answers the per-account summary; the emulator runs in this process on threads
//! of its own, with mimalloc as the process's allocator, as in its standalone binary.
//!
//! Printed: the wall time (median of the runs) against the larger of (a) the critical path, the
//! ListAccounts pages up to the last account's, its AssumeRole and its longest page chain; (b)
//! the rate-limit floor, every target's chain paced by its bucket after its account is listed;
//! and (c) the CPU floor on this machine, the CPU of wsql and of the emulator ÷ the cores.
//! The goal is ≤ 1.10. Also: the bound on calls in flight as a floor of its own (calls ×
//! latency ÷ the bound), the calls per operation, the throttled answers, wsql's peak RSS (goal
//! ≤ 200 MiB) and CPU per call, the emulator's CPU per call, and that every (account, region)
//! row holds exactly its pools. The load average is printed with the figures, and the whole
//! machine's CPU during the runs: busy beyond wsql and the emulator (the kernel's threads, the
//! bench's own), idle, and stolen by the host, which tell a wall above (c) spent waiting from
//! one spent on CPU that (c) does not count; the account listing's lag behind its pace, split
//! into its pages answered late by the emulator and each next page asked for late by wsql; the
//! chain that ended last, split the same way from its account's page on (its role, its pages);
//! and wsql's start and end: its first call from its spawn, its exit from the last answer.
//!
//! `cargo bench --bench organization` (`WSQL_BENCH_RUNS=N` for N runs, 3 by default;
//! `WSQL_BENCH_ACCOUNTS=N` for an organization of N accounts, `WSQL_BENCH_ARGS="--max-in-flight
//! 64"` to add flags, `WSQL_BENCH_LOG=PATH` to append every run's calls to PATH as JSON lines).
//! With `WSQL_BASELINE=PATH` (a `wsql` binary built from an earlier commit), as in the
//! `cpu_per_call` bench, that binary is measured too, taking turns with this build's in the same
//! runs, so that a change of load hits both alike; each gets its own figures.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use mimalloc::MiMalloc;
use wsql::DEFAULT_MAX_IN_FLIGHT;
use wsql_emulator::{DEFAULT_ROLE_NAME, Emulator, Faults, LoggedRequest, Organization, RateLimit};

use common::usage::{
    MachineCpu, ProcessUsage, load_average, median, named_runtime, quantile, run_measured,
    threads_cpu,
};

/// The emulator's allocator, as in its standalone binary: AWS's CPU is not on this machine, so
/// the emulator should take as little of it as it can.
#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc;

/// Accounts of the organization, unless `WSQL_BENCH_ACCOUNTS` says otherwise.
const ACCOUNTS: usize = 1000;
const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"];
const LATENCY: Duration = Duration::from_millis(40);
const RATE_LIMIT: RateLimit = RateLimit {
    per_second: 5.0,
    burst: 10,
};
/// Accounts a ListAccounts page holds when no MaxResults is sent (wsql sends none).
const ACCOUNTS_PER_LISTING: usize = 20;
const SUMMARY: &str = "SELECT account_id, region, count(*) FROM workspaces_pools GROUP BY 1, 2";

/// Pools of the account at `position` in `region`: 25 to 100, spread deterministically.
fn pools(position: usize, region: &str) -> usize {
    let mut hash = 0xcbf2_9ce4_8422_2325_u64 ^ position as u64;
    for byte in region.bytes() {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash ^= hash >> 29;
    25 + (hash % 76) as usize
}

/// One run of wsql: what it cost, and what the emulator saw and spent.
struct Run {
    wsql: ProcessUsage,
    emulator_cpu: Duration,
    /// The whole machine's CPU from wsql's start to its exit.
    machine: MachineCpu,
    log: Vec<LoggedRequest>,
}

fn main() {
    let runs = number_from_env("WSQL_BENCH_RUNS", 3);
    let log_path = std::env::var("WSQL_BENCH_LOG").ok();
    let runtime = named_runtime("emulator");
    let accounts = number_from_env("WSQL_BENCH_ACCOUNTS", ACCOUNTS);
    let organization = Organization::seeded_with_pools(7, accounts, &REGIONS, pools);
    let expected = expected_rows(&organization);
    let positions: BTreeMap<String, usize> = organization
        .accounts()
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id().to_string(), i))
        .collect();
    let emulator = runtime
        .block_on(Emulator::start_organization(organization))
        .expect("the emulator starts");
    let faults = || Faults {
        latency: LATENCY,
        rate_limit: Some(RATE_LIMIT),
        ..Faults::default()
    };
    let work = tempfile::tempdir().expect("a temporary directory");
    let csv = work.path().join("summary.csv");
    let load_before = load_average();

    let mut builds = vec![(
        "this build".to_string(),
        PathBuf::from(env!("CARGO_BIN_EXE_wsql")),
    )];
    if let Some(baseline) = common::baseline() {
        builds.push((format!("baseline {}", baseline.display()), baseline));
    }
    let mut results: Vec<Vec<Run>> = builds.iter().map(|_| Vec::new()).collect();
    for _ in 0..runs {
        for ((_, binary), its_runs) in builds.iter().zip(&mut results) {
            // Every bucket full again, as for a new process a while after the last.
            emulator.set_faults(faults());
            emulator.clear_request_log();
            let before = threads_cpu("emulator");
            let machine_before = MachineCpu::now();
            let wsql = wsql_process(binary, &emulator.endpoint_url(), &csv);
            let machine = MachineCpu::now().since(machine_before);
            let emulator_cpu = threads_cpu("emulator").saturating_sub(before);
            assert_eq!(
                read_summary(&csv),
                expected,
                "{}: every (account, region) row, exact",
                binary.display()
            );
            let log = emulator.request_log();
            if let Some(path) = &log_path {
                write_log(path, binary, &log);
            }
            its_runs.push(Run {
                wsql,
                emulator_cpu,
                machine,
                log,
            });
        }
    }
    let load_after = load_average();

    println!(
        "\norganization: {accounts} accounts × {} regions × 25–100 pools ({} pools), {} ms a call, \
         rate limit {}/s burst {} per (account, region); {runs} runs; load average {load_before} \
         before, {load_after} after",
        REGIONS.len(),
        expected.values().sum::<usize>(),
        LATENCY.as_millis(),
        RATE_LIMIT.per_second,
        RATE_LIMIT.burst
    );
    for ((name, _), its_runs) in builds.iter().zip(&results) {
        println!("\n{name}:");
        print_figures(its_runs, &positions);
    }
}

/// The figures of one build's `results`: its calls, the three floors, the wall against the
/// largest, its memory and CPU.
fn print_figures(results: &[Run], positions: &BTreeMap<String, usize>) {
    let median_of =
        |f: &dyn Fn(&Run) -> Duration| median(&results.iter().map(f).collect::<Vec<_>>());
    let wall = median_of(&|r| r.wsql.wall);
    let wsql_cpu = median_of(&|r| r.wsql.cpu);
    let emulator_cpu = median_of(&|r| r.emulator_cpu);
    let max_rss = results
        .iter()
        .map(|r| r.wsql.max_rss_kib)
        .max()
        .unwrap_or(0);
    let log = &results[0].log;
    let calls = log.len();
    let by_operation = count_by(log, |r| r.operation.clone());
    let throttled: Vec<usize> = results
        .iter()
        .map(|r| {
            r.log
                .iter()
                .filter(|c| c.error_code.is_some_and(is_throttling))
                .count()
        })
        .collect();

    let chains = page_chains(log);
    let critical = critical_path(&chains, positions, None);
    let rate_floor = critical_path(&chains, positions, Some(RATE_LIMIT));
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
    let cpu_floor = (wsql_cpu + emulator_cpu) / cores;
    let in_flight_floor = LATENCY * calls as u32 / DEFAULT_MAX_IN_FLIGHT as u32;
    let floor = critical.max(rate_floor).max(cpu_floor);

    println!("calls: {calls} {by_operation:?}; throttled answers per run {throttled:?}");
    println!(
        "(a) critical path {} ms (ListAccounts pages to the account, AssumeRole, its longest chain)",
        critical.as_millis()
    );
    println!(
        "(b) rate-limit floor {} ms (each chain paced by its bucket)",
        rate_floor.as_millis()
    );
    println!(
        "(c) CPU floor {} ms = (wsql {} ms + emulator {} ms of CPU) ÷ {cores} cores",
        cpu_floor.as_millis(),
        wsql_cpu.as_millis(),
        emulator_cpu.as_millis()
    );
    println!(
        "    (the bound on calls in flight alone: {calls} calls × {} ms ÷ {DEFAULT_MAX_IN_FLIGHT} = {} ms)",
        LATENCY.as_millis(),
        in_flight_floor.as_millis()
    );
    println!(
        "wall {:.0} ms (median; runs {:?} ms) = {:.3} × max(a, b, c)",
        wall.as_secs_f64() * 1e3,
        results
            .iter()
            .map(|r| r.wsql.wall.as_millis())
            .collect::<Vec<_>>(),
        wall.as_secs_f64() / floor.as_secs_f64()
    );
    // When the listing ended and the last call was answered, from the first call's arrival (a
    // listing late against its pace starts the last accounts late), and where the listing's lag
    // goes: pages answered late by the emulator, or asked for late by wsql.
    let timings: Vec<LogTimings> = results
        .iter()
        .map(|r| LogTimings::of(&r.log, &r.wsql, positions))
        .collect();
    let median_timing =
        |f: fn(&LogTimings) -> Duration| median(&timings.iter().map(f).collect::<Vec<_>>());
    let listings = by_operation.get("ListAccounts").copied().unwrap_or(0);
    println!(
        "from the first call (medians): the last ListAccounts page answered at {} ms (its \
         {listings} pages at {} ms each: {} ms), the last call at {} ms",
        median_timing(|t| t.listing_end).as_millis(),
        LATENCY.as_millis(),
        (LATENCY * listings as u32).as_millis(),
        median_timing(|t| t.last_call).as_millis()
    );
    println!(
        "the listing's lag (medians, summed over its pages): its pages answered {} ms beyond \
         {} ms each, and {} ms from each page's answer to the next page's request",
        median_timing(|t| t.pages_late).as_millis(),
        LATENCY.as_millis(),
        median_timing(|t| t.request_gaps).as_millis()
    );
    println!(
        "the last chain to end (medians): its account listed at {} ms; its {} calls (the role, \
         its pages) asked for {} ms after what each waited for and answered {} ms beyond {} ms \
         each, summed",
        median_timing(|t| t.last_chain.listed).as_millis(),
        timings.first().map_or(0, |t| t.last_chain.calls),
        median_timing(|t| t.last_chain.asked_late).as_millis(),
        median_timing(|t| t.last_chain.answered_late).as_millis(),
        LATENCY.as_millis()
    );
    println!(
        "a chain's next page after its page's answer (medians of the runs): {:.1} ms at the \
         median, {:.1} ms at the 90th percentile",
        median_timing(|t| t.turnaround.0).as_secs_f64() * 1e3,
        median_timing(|t| t.turnaround.1).as_secs_f64() * 1e3
    );
    println!(
        "wsql's start and end (medians): its first call arrived {} ms after it was spawned; it \
         exited {} ms after the last answer",
        median_timing(|t| t.first_call).as_millis(),
        median_timing(|t| t.exit).as_millis()
    );
    let other_busy = median_of(&|r| r.machine.busy.saturating_sub(r.wsql.cpu + r.emulator_cpu));
    println!(
        "the machine during a run (medians): {} ms of CPU busy beyond wsql's and the emulator's, \
         {} ms idle, {} ms stolen by the host",
        other_busy.as_millis(),
        median_of(&|r| r.machine.idle).as_millis(),
        median_of(&|r| r.machine.stolen).as_millis()
    );
    println!(
        "wsql: max RSS {:.1} MiB; CPU {:.0} µs a call; the emulator's {:.0} µs a call",
        max_rss as f64 / 1024.0,
        wsql_cpu.as_secs_f64() * 1e6 / calls as f64,
        emulator_cpu.as_secs_f64() * 1e6 / calls as f64
    );
}

/// Appends one run's calls to `path` as JSON lines (`WSQL_BENCH_LOG=PATH`), for a look at
/// where a run's time went: each call's operation, account, region, status, and when it
/// arrived and was answered in ms from the run's first call.
fn write_log(path: &str, binary: &Path, log: &[LoggedRequest]) {
    use std::io::Write;
    let Some(first) = first_arrival(log) else {
        return;
    };
    let ms = |at: Instant| at.duration_since(first).as_secs_f64() * 1e3;
    let binary = binary.display().to_string();
    let mut out = String::new();
    for call in log {
        let line = serde_json::json!({
            "binary": binary,
            "operation": call.operation,
            "account": call.account,
            "region": call.region,
            "status": call.status,
            "received": ms(call.received),
            "answered": ms(call.answered),
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .and_then(|mut file| file.write_all(out.as_bytes()));
    if let Err(error) = written {
        eprintln!("WSQL_BENCH_LOG {path}: {error}");
    }
}

/// The number the environment variable `name` holds, else `default`.
fn number_from_env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}

/// One `binary` process reading the summary of the whole organization, its CSV to `csv`.
fn wsql_process(binary: &Path, url: &str, csv: &Path) -> ProcessUsage {
    // Flags to add, for trying settings (`WSQL_BENCH_ARGS="--max-in-flight 64"`).
    let extra = std::env::var("WSQL_BENCH_ARGS").unwrap_or_default();
    let mut command = Command::new(binary);
    command
        .args(extra.split_whitespace())
        .args(["--endpoint-url", url, "--region", &REGIONS.join(",")])
        .args(["--assume-role", DEFAULT_ROLE_NAME, "--accounts", "org"])
        .args(["-q", "--format", "csv", "-c", SUMMARY])
        .env("AWS_ACCESS_KEY_ID", "AKIDWSQLBENCH")
        .env("AWS_SECRET_ACCESS_KEY", "bench")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent");
    run_measured(&mut command, csv)
}

/// When a run's calls were answered, from its request log.
#[derive(Default)]
struct LogTimings {
    /// The first call's arrival, from wsql's spawn (its start: loading, planning, the first
    /// request's making).
    first_call: Duration,
    /// wsql's exit, from the last call answered (its end: the last pages' rows, the answer
    /// printed, the runtime's shutdown).
    exit: Duration,
    /// The last ListAccounts page answered, from the first call's arrival.
    listing_end: Duration,
    /// The last call answered, from the first call's arrival.
    last_call: Duration,
    /// The time the emulator took on the ListAccounts pages beyond the latency it adds, summed.
    pages_late: Duration,
    /// From each ListAccounts page's answer to the next page's arrival, summed (wsql's side:
    /// reading the page, then asking for the next, which waits until a scan reaches the last
    /// page listed).
    request_gaps: Duration,
    /// The chain that ended last (the wall's tail after the listing).
    last_chain: LastChain,
    /// From each WorkSpaces page's answer to its chain's next request, over every chain: the
    /// median and the 90th percentile (wsql's turnaround, which grows as the cores fill).
    turnaround: (Duration, Duration),
}

impl LogTimings {
    fn of(log: &[LoggedRequest], wsql: &ProcessUsage, positions: &BTreeMap<String, usize>) -> Self {
        let Some(first) = first_arrival(log) else {
            return Self::default();
        };
        let last = log.iter().map(|c| c.answered).max().unwrap_or(first);
        let pages = in_order(log.iter().filter(|c| c.operation == "ListAccounts"));
        let chains = workspaces_chains(log);
        let since_first = |c: &&LoggedRequest| c.answered.duration_since(first);
        Self {
            first_call: first.saturating_duration_since(wsql.started),
            exit: (wsql.started + wsql.wall).saturating_duration_since(last),
            listing_end: pages.iter().map(since_first).max().unwrap_or_default(),
            last_call: log
                .iter()
                .map(|c| since_first(&c))
                .max()
                .unwrap_or_default(),
            pages_late: pages.iter().map(|c| answered_late(c)).sum(),
            request_gaps: asked_late(&pages).sum(),
            last_chain: LastChain::of(log, &chains, &pages, positions, first).unwrap_or_default(),
            turnaround: turnaround(&chains),
        }
    }
}

/// When the run's first call arrived, which its times count from.
fn first_arrival(log: &[LoggedRequest]) -> Option<Instant> {
    log.iter().map(|c| c.received).min()
}

/// `calls` in the order they arrived.
fn in_order<'a>(calls: impl Iterator<Item = &'a LoggedRequest>) -> Vec<&'a LoggedRequest> {
    let mut calls: Vec<&LoggedRequest> = calls.collect();
    calls.sort_by_key(|c| c.received);
    calls
}

/// The WorkSpaces calls of each (account, region), in the order they arrived.
fn workspaces_chains(log: &[LoggedRequest]) -> BTreeMap<(&str, &str), Vec<&LoggedRequest>> {
    let mut chains: BTreeMap<(&str, &str), Vec<&LoggedRequest>> = BTreeMap::new();
    for call in log.iter().filter(|c| c.service == "workspaces") {
        chains
            .entry((call.account.as_str(), call.region.as_str()))
            .or_default()
            .push(call);
    }
    for calls in chains.values_mut() {
        calls.sort_by_key(|c| c.received);
    }
    chains
}

/// How long each call of a chain after the first was asked for after the one before it was
/// answered: wsql's side.
fn asked_late<'a>(chain: &'a [&LoggedRequest]) -> impl Iterator<Item = Duration> + 'a {
    chain
        .windows(2)
        .map(|pair| pair[1].received.saturating_duration_since(pair[0].answered))
}

/// How long `call` was answered beyond the latency: the emulator's side.
fn answered_late(call: &LoggedRequest) -> Duration {
    call.answered
        .duration_since(call.received)
        .saturating_sub(LATENCY)
}

/// The median and 90th percentile, over every chain of `chains`, of the time from a page's
/// answer to the chain's next request.
fn turnaround(chains: &BTreeMap<(&str, &str), Vec<&LoggedRequest>>) -> (Duration, Duration) {
    let gaps: Vec<Duration> = chains.values().flat_map(|c| asked_late(c)).collect();
    (quantile(&gaps, 0.5), quantile(&gaps, 0.9))
}

/// The (account, region) chain whose last call was answered last, from its account's listing.
#[derive(Default)]
struct LastChain {
    /// When the ListAccounts page naming its account was answered, from the first call's
    /// arrival.
    listed: Duration,
    /// Its calls (its account's AssumeRole, then its pages) each asked for after the answer it
    /// waited for (the page listing its account, the role, the previous page), summed.
    asked_late: Duration,
    /// Its calls answered beyond the latency, summed.
    answered_late: Duration,
    calls: usize,
}

impl LastChain {
    /// From the log, its WorkSpaces `chains` and its ListAccounts `pages` in order, with times
    /// from `first`; `None` for the management account (no role) or a log without WorkSpaces
    /// calls.
    fn of(
        log: &[LoggedRequest],
        chains: &BTreeMap<(&str, &str), Vec<&LoggedRequest>>,
        pages: &[&LoggedRequest],
        positions: &BTreeMap<String, usize>,
        first: Instant,
    ) -> Option<Self> {
        let last = chains
            .values()
            .filter_map(|chain| chain.last())
            .max_by_key(|c| c.answered)?;
        let position = *positions.get(&last.account)?;
        let page = *pages.get(position / ACCOUNTS_PER_LISTING)?;
        let role = log
            .iter()
            .find(|c| c.operation == "AssumeRole" && c.account == last.account)?;
        // The chain from the page listing its account: the role, then its pages.
        let mut calls = vec![page, role];
        calls.extend(&chains[&(last.account.as_str(), last.region.as_str())]);
        Some(Self {
            listed: page.answered.duration_since(first),
            asked_late: asked_late(&calls).sum(),
            answered_late: calls[1..].iter().map(|c| answered_late(c)).sum(),
            calls: calls.len() - 1,
        })
    }
}

/// Pools per (account, region) as the organization holds them.
fn expected_rows(organization: &Organization) -> BTreeMap<(String, String), usize> {
    let mut rows = BTreeMap::new();
    for account in organization.accounts() {
        for region in REGIONS {
            let key = (account.id().to_string(), region.to_string());
            rows.insert(key, account.fleet.pools(region).len());
        }
    }
    rows
}

/// The summary's rows, `account_id,region,count` after a header.
fn read_summary(csv: &Path) -> BTreeMap<(String, String), usize> {
    let text = std::fs::read_to_string(csv).expect("reads the summary");
    let mut rows = BTreeMap::new();
    for line in text.lines().skip(1) {
        let fields: Vec<&str> = line.split(',').collect();
        let [account, region, count] = fields[..] else {
            panic!("a row of three fields: {line}");
        };
        let count = count.parse().expect("a count");
        let previous = rows.insert((account.to_string(), region.to_string()), count);
        assert!(previous.is_none(), "one row per (account, region): {line}");
    }
    rows
}

fn is_throttling(code: &str) -> bool {
    matches!(
        code,
        "ThrottlingException" | "Throttling" | "TooManyRequestsException"
    )
}

fn count_by(
    log: &[LoggedRequest],
    key: impl Fn(&LoggedRequest) -> String,
) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for call in log {
        *counts.entry(key(call)).or_default() += 1;
    }
    counts
}

/// Successful WorkSpaces pages of each (account, region): its chain's length.
fn page_chains(log: &[LoggedRequest]) -> BTreeMap<(&str, &str), usize> {
    workspaces_chains(log)
        .into_iter()
        .map(|(key, calls)| (key, calls.iter().filter(|c| c.status == 200).count()))
        .filter(|&(_, pages)| pages > 0)
        .collect()
}

/// The earliest the last target can end: each target starts once the ListAccounts page naming
/// its account is answered and its role assumed (the management account, read with the base
/// credentials, once the first page and GetCallerIdentity are answered), then makes its chain of
/// calls one after another, each waiting for a token of its bucket when `limit` is given.
fn critical_path(
    chains: &BTreeMap<(&str, &str), usize>,
    positions: &BTreeMap<String, usize>,
    limit: Option<RateLimit>,
) -> Duration {
    let latency = LATENCY.as_secs_f64();
    let mut latest: f64 = 0.0;
    for ((account, _region), &pages) in chains {
        let position = positions.get(*account).copied().unwrap_or(0);
        let listed = (position / ACCOUNTS_PER_LISTING + 1) as f64 * latency;
        // The management account's own id is asked of STS at once with the first page.
        let assumed = if position == 0 { 0.0 } else { latency };
        let start = listed + assumed;
        latest = latest.max(chain_end(start, pages, latency, limit));
    }
    Duration::from_secs_f64(latest)
}

/// When a chain of `pages` calls started at `start` ends, each call taking `latency` after the
/// previous one's answer and, under `limit`, after its bucket (full at the start) holds a token.
fn chain_end(start: f64, pages: usize, latency: f64, limit: Option<RateLimit>) -> f64 {
    let Some(limit) = limit else {
        return start + pages as f64 * latency;
    };
    let burst = f64::from(limit.burst);
    let (mut tokens, mut at) = (burst, start);
    let mut refilled = start;
    for _ in 0..pages {
        tokens = (tokens + (at - refilled) * limit.per_second).min(burst);
        refilled = at;
        if tokens < 1.0 {
            at += (1.0 - tokens) / limit.per_second;
            tokens = 1.0;
            refilled = at;
        }
        tokens -= 1.0;
        at += latency;
    }
    at
}
