//! `wsql serve` against the library in-process, emulator at zero latency, one region:
//! - `listing`: `SELECT * FROM workspaces_pools` over 1k pools (every column, tags included),
//!   in-process (the batches collected) and through the server (tokio-postgres, binary rows),
//!   each scanning the emulator (no cache). The summary gives the time the server adds.
//! - `cached`: a one-pool query answered from the cache, by 16 connections at once; reported in
//!   queries/s, beside 16 tasks running it in-process on one session.
//!
//! `cargo bench --bench serve` (it starts the `wsql` binary the bench profile builds).

mod common;

use std::cell::RefCell;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use datafusion::prelude::SessionContext;
use futures::future::join_all;
use tokio_postgres::{Client, NoTls};
use wsql::{AwsSettings, Library};
use wsql_emulator::{Emulator, Fleet};

use common::row_count;

const REGION: &str = "us-east-1";
const POOLS: usize = 1_000;
const CLIENTS: usize = 16;
const LISTING: &str = "SELECT * FROM workspaces_pools";

/// `wsql serve` on a free port; killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Server {
    fn start(emulator: &Emulator, cache_ttl: &str) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_wsql"))
            .args(["serve", "--listen", "127.0.0.1:0", "--region", REGION])
            .args(["--cache-ttl", cache_ttl, "--endpoint-url"])
            .arg(emulator.endpoint_url())
            .env("AWS_ACCESS_KEY_ID", "AKIDBENCH")
            .env("AWS_SECRET_ACCESS_KEY", "bench-secret")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("wsql serve starts");
        let stderr = BufReader::new(child.stderr.take().expect("stderr"));
        let addr = stderr
            .lines()
            .map_while(Result::ok)
            .find_map(|line| {
                let rest = line.strip_prefix("wsql serve: listening on ")?.to_string();
                rest.split(',').next()?.parse().ok()
            })
            .expect("wsql serve says where it listens");
        Server { child, addr }
    }

    async fn connect(&self) -> Client {
        let url = format!(
            "host={} port={} user=wsql dbname=wsql",
            self.addr.ip(),
            self.addr.port()
        );
        let (client, connection) = tokio_postgres::connect(&url, NoTls)
            .await
            .expect("connects");
        tokio::spawn(connection);
        client
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Total time and iterations of one benchmark, for the summary.
#[derive(Default, Clone, Copy)]
struct Timing {
    elapsed: Duration,
    iterations: u64,
}

impl Timing {
    fn add(&mut self, elapsed: Duration, iterations: u64) -> Duration {
        self.elapsed += elapsed;
        self.iterations += iterations;
        elapsed
    }

    fn mean(&self) -> Duration {
        self.elapsed / self.iterations.max(1) as u32
    }
}

fn session(url: &str, cache_ttl: Option<Duration>) -> SessionContext {
    let ctx = SessionContext::new();
    Library::new(AwsSettings::emulator(url, &[REGION]))
        .with_cache_ttl(cache_ttl)
        .register(&ctx)
        .expect("tables register");
    ctx
}

fn listing(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let emulator = runtime
        .block_on(Emulator::start(Fleet::seeded(7, &[REGION], POOLS)))
        .expect("emulator starts");
    let ctx = session(&emulator.endpoint_url(), None);
    let server = Server::start(&emulator, "0");
    let client = runtime.block_on(server.connect());
    assert_eq!(runtime.block_on(row_count(&ctx, LISTING)), POOLS);
    assert_eq!(
        runtime.block_on(client.query(LISTING, &[])).unwrap().len(),
        POOLS
    );

    let mut group = c.benchmark_group("serve_listing");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.throughput(Throughput::Elements(POOLS as u64));
    let in_process = RefCell::new(Timing::default());
    group.bench_function("in_process", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let (ctx, timing) = (&ctx, &in_process);
            async move {
                let started = Instant::now();
                for _ in 0..iters {
                    assert_eq!(row_count(ctx, LISTING).await, POOLS);
                }
                timing.borrow_mut().add(started.elapsed(), iters)
            }
        })
    });
    let served = RefCell::new(Timing::default());
    group.bench_function("through_server", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let (client, timing) = (&client, &served);
            async move {
                let started = Instant::now();
                for _ in 0..iters {
                    assert_eq!(client.query(LISTING, &[]).await.unwrap().len(), POOLS);
                }
                timing.borrow_mut().add(started.elapsed(), iters)
            }
        })
    });
    group.finish();
    let (local, remote) = (in_process.into_inner().mean(), served.into_inner().mean());
    println!(
        "\nserve listing summary ({POOLS} pools, {LISTING}): in-process {:.1} ms, through \
         the server {:.1} ms: +{:.1} ms ({:.2}×)",
        local.as_secs_f64() * 1e3,
        remote.as_secs_f64() * 1e3,
        (remote.as_secs_f64() - local.as_secs_f64()) * 1e3,
        remote.as_secs_f64() / local.as_secs_f64()
    );
}

fn cached(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let emulator = runtime
        .block_on(Emulator::start(Fleet::seeded(7, &[REGION], 100)))
        .expect("emulator starts");
    let pool_id = emulator.fleet().pools(REGION)[0].pool_id.clone();
    let query = format!(
        "SELECT pool_id, pool_name, state FROM workspaces_pools WHERE pool_id = '{pool_id}'"
    );
    let ctx = session(&emulator.endpoint_url(), Some(Duration::from_secs(3600)));
    let server = Server::start(&emulator, "3600");
    let clients: Vec<Client> = runtime.block_on(join_all((0..CLIENTS).map(|_| server.connect())));
    // Fills both caches before anything is timed.
    assert_eq!(runtime.block_on(row_count(&ctx, &query)), 1);
    assert_eq!(
        runtime
            .block_on(clients[0].query(query.as_str(), &[]))
            .unwrap()
            .len(),
        1
    );

    let mut group = c.benchmark_group("serve_cached");
    group.sample_size(10);
    group.throughput(Throughput::Elements(CLIENTS as u64));
    let served = RefCell::new(Timing::default());
    group.bench_function("16_clients", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let (clients, query, timing) = (&clients, &query, &served);
            async move {
                let started = Instant::now();
                for _ in 0..iters {
                    let answers =
                        join_all(clients.iter().map(|c| c.query(query.as_str(), &[]))).await;
                    assert!(answers.iter().all(|rows| rows.as_ref().unwrap().len() == 1));
                }
                timing.borrow_mut().add(started.elapsed(), iters)
            }
        })
    });
    let in_process = RefCell::new(Timing::default());
    group.bench_function("16_tasks_in_process", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let (ctx, query, timing) = (&ctx, &query, &in_process);
            async move {
                let started = Instant::now();
                for _ in 0..iters {
                    let counts = join_all((0..CLIENTS).map(|_| row_count(ctx, query))).await;
                    assert!(counts.iter().all(|&rows| rows == 1));
                }
                timing.borrow_mut().add(started.elapsed(), iters)
            }
        })
    });
    group.finish();
    let qps = |timing: Timing| CLIENTS as f64 / timing.mean().as_secs_f64();
    println!(
        "\nserve cached summary (one pool by id from the cache, {CLIENTS} at once): through the \
         server {:.0} queries/s, in-process {:.0} queries/s",
        qps(served.into_inner()),
        qps(in_process.into_inner())
    );
}

criterion_group!(benches, listing, cached);
criterion_main!(benches);
