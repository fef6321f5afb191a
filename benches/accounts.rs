//! A whole organization: 50 accounts × 4 regions × 100 pools at 20 ms a call, read through the
//! role assumed in every ACTIVE account, with a new library each time (ListAccounts, AssumeRole
//! and every page chain paid each time). The summary prints the wall time against the larger of
//! (a) the critical path, ListAccounts pages + AssumeRole + the longest page chain, and (b)
//! every call × latency ÷ the bound on calls in flight; the target is ≤ 1.10. It also prints
//! (c), the CPU time of a run (wsql and the emulator, which share this process) ÷ the cores:
//! on a small machine that, not the latency, can be the floor. Then the same query for one
//! account, whose calls must be that account's chains only.
//!
//! `cargo bench --bench accounts`

mod common;

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use datafusion::prelude::SessionContext;
use futures::StreamExt;
use wsql::{Accounts, AssumeRole, AwsSettings, DEFAULT_MAX_IN_FLIGHT, Library};
use wsql_emulator::{DEFAULT_ROLE_NAME, Emulator, Faults, LoggedRequest, Organization};

use common::usage::median;

const LATENCY: Duration = Duration::from_millis(20);
const ACCOUNTS: usize = 50;
const POOLS_PER_REGION: usize = 100;
const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"];
const SUMMARY: &str = "SELECT account_id, region, count(*) FROM workspaces_pools GROUP BY 1, 2";

/// A new library over the organization, as a new `wsql` process would have.
fn session(emulator: &Emulator) -> SessionContext {
    let settings = AwsSettings {
        assume_role: Some(AssumeRole {
            role_name: DEFAULT_ROLE_NAME.to_string(),
            accounts: Accounts::Organization,
            external_id: None,
        }),
        ..AwsSettings::emulator(emulator.endpoint_url(), &REGIONS)
    };
    let ctx = SessionContext::new();
    Library::new(settings)
        .register(&ctx)
        .expect("tables register");
    ctx
}

async fn rows(ctx: &SessionContext, sql: &str) -> usize {
    let mut stream = ctx
        .sql(sql)
        .await
        .expect("plans")
        .execute_stream()
        .await
        .expect("executes");
    let mut rows = 0;
    while let Some(batch) = stream.next().await {
        rows += batch.expect("batch").num_rows();
    }
    rows
}

/// Calls per operation, and the longest chain of WorkSpaces pages of one target.
fn calls(log: &[LoggedRequest]) -> (BTreeMap<String, usize>, usize) {
    let mut by_operation = BTreeMap::new();
    let mut by_target: BTreeMap<(String, String), usize> = BTreeMap::new();
    for call in log {
        *by_operation.entry(call.operation.clone()).or_default() += 1;
        if call.service == "workspaces" {
            *by_target
                .entry((call.account.clone(), call.region.clone()))
                .or_default() += 1;
        }
    }
    (by_operation, by_target.values().copied().max().unwrap_or(0))
}

/// CPU time (user + system) of this process so far, from `/proc/self/stat` (Linux; clock
/// ticks of 10 ms); `None` elsewhere.
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

fn organization(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let organization = Organization::seeded(7, ACCOUNTS, &REGIONS, POOLS_PER_REGION);
    let one = organization.accounts()[ACCOUNTS / 2].id().to_string();
    let emulator = runtime
        .block_on(Emulator::start_organization(organization))
        .expect("emulator starts");
    emulator.set_faults(Faults {
        latency: LATENCY,
        ..Faults::default()
    });

    // One measured run for the call counts.
    emulator.clear_request_log();
    let targets = runtime.block_on(rows(&session(&emulator), SUMMARY));
    assert_eq!(targets, ACCOUNTS * REGIONS.len());
    let log = emulator.request_log();
    let (by_operation, longest_chain) = calls(&log);
    let peak = emulator.peak_in_flight();

    let mut group = c.benchmark_group("organization_20ms");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    group.throughput(Throughput::Elements((ACCOUNTS * REGIONS.len()) as u64));
    let walls = RefCell::new(Vec::new());
    let cpu_before = process_cpu();
    group.bench_function("50_accounts_4_regions", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let (emulator, walls) = (&emulator, &walls);
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let ctx = session(emulator);
                    let started = Instant::now();
                    assert_eq!(rows(&ctx, SUMMARY).await, ACCOUNTS * REGIONS.len());
                    let wall = started.elapsed();
                    walls.borrow_mut().push(wall);
                    total += wall;
                }
                total
            }
        })
    });
    group.finish();
    let runs = walls.borrow().len() as u32;
    let cpu_per_run = process_cpu()
        .zip(cpu_before)
        .map(|(after, before)| (after - before) / runs.max(1));

    emulator.clear_request_log();
    let started = Instant::now();
    let one_sql = format!(
        "SELECT account_id, region, count(*) FROM workspaces_pools \
         WHERE account_id = '{one}' GROUP BY 1, 2"
    );
    let one_rows = runtime.block_on(rows(&session(&emulator), &one_sql));
    let one_wall = started.elapsed();
    let one_log = emulator.request_log();
    let (one_operations, _) = calls(&one_log);

    let total: usize = by_operation.values().sum();
    let list_pages = by_operation.get("ListAccounts").copied().unwrap_or(0);
    let critical = LATENCY * (list_pages + 1 + longest_chain) as u32;
    let bounded = LATENCY * total as u32 / DEFAULT_MAX_IN_FLIGHT as u32;
    let floor = critical.max(bounded);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u32;
    let cpu_floor = cpu_per_run.map(|cpu| cpu / cores);
    let wall = median(&walls.into_inner());
    println!(
        "\norganization summary: {ACCOUNTS} accounts × {} regions × {POOLS_PER_REGION} pools, {} ms a call",
        REGIONS.len(),
        LATENCY.as_millis()
    );
    println!(
        "calls: {total} in all {by_operation:?}; longest page chain {longest_chain}; peak in flight {peak}"
    );
    println!(
        "(a) critical path {} ms = ({list_pages} ListAccounts pages + 1 AssumeRole + {longest_chain} pages) × {} ms",
        critical.as_millis(),
        LATENCY.as_millis()
    );
    println!(
        "(b) {total} calls × {} ms ÷ {DEFAULT_MAX_IN_FLIGHT} in flight = {} ms",
        LATENCY.as_millis(),
        bounded.as_millis()
    );
    if let (Some(cpu), Some(cpu_floor)) = (cpu_per_run, cpu_floor) {
        println!(
            "(c) {} ms of CPU a run (wsql and the emulator) ÷ {cores} cores = {} ms",
            cpu.as_millis(),
            cpu_floor.as_millis()
        );
    }
    println!(
        "median wall {:.1} ms, ratio to max(a, b) {:.3}, to max(a, b, c) {:.3}",
        wall.as_secs_f64() * 1e3,
        wall.as_secs_f64() / floor.as_secs_f64(),
        wall.as_secs_f64() / floor.max(cpu_floor.unwrap_or_default()).as_secs_f64()
    );
    println!(
        "one account ({one}): {one_rows} rows, {:.1} ms, calls {one_operations:?}",
        one_wall.as_secs_f64() * 1e3
    );
}

criterion_group!(benches, organization);
criterion_main!(benches);
