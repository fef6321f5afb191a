//! End-to-end scan of `workspaces_pools` through the emulator over HTTP at zero latency: 1k,
//! 10k and 100k pools in one region, against the floor of a bare keep-alive HTTP/1.1 loop
//! making the same calls. Reported as rows/s; the summary adds the time per page and the ratio
//! to the floor.
//!
//! `cargo bench --bench scan`

mod common;

use std::cell::RefCell;
use std::time::{Duration, Instant};

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use wsql_emulator::{Emulator, Fleet};

use common::{LISTING, floor_listing, pages, row_count, session};

const REGION: &str = "us-east-1";
const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// Total time and iterations of one benchmark, for the per-page summary.
#[derive(Default, Clone, Copy)]
struct Timing {
    elapsed: Duration,
    iterations: u64,
}

impl Timing {
    fn per_page(&self, pages: usize) -> Duration {
        self.elapsed / (self.iterations as u32 * pages as u32).max(1)
    }
}

fn scan(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let mut summary = Vec::new();
    let mut group = c.benchmark_group("scan");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    for pools in SIZES {
        let emulator = runtime
            .block_on(Emulator::start(Fleet::seeded(7, &[REGION], pools)))
            .expect("emulator starts");
        let ctx = session(&emulator.endpoint_url(), &[REGION]);
        // Resolves the clients and opens the connection before anything is timed.
        assert_eq!(runtime.block_on(row_count(&ctx, LISTING)), pools);
        group.throughput(Throughput::Elements(pools as u64));

        let wsql = RefCell::new(Timing::default());
        group.bench_with_input(BenchmarkId::new("wsql", pools), &pools, |b, &pools| {
            b.to_async(&runtime).iter_custom(|iters| {
                let (ctx, emulator, wsql) = (&ctx, &emulator, &wsql);
                async move {
                    emulator.clear_request_log();
                    let started = Instant::now();
                    for _ in 0..iters {
                        assert_eq!(row_count(ctx, LISTING).await, pools);
                    }
                    let elapsed = started.elapsed();
                    let mut timing = wsql.borrow_mut();
                    timing.elapsed += elapsed;
                    timing.iterations += iters;
                    elapsed
                }
            })
        });

        let floor = RefCell::new(Timing::default());
        group.bench_with_input(BenchmarkId::new("floor", pools), &pools, |b, &pools| {
            b.to_async(&runtime).iter_custom(|iters| {
                let (emulator, floor) = (&emulator, &floor);
                async move {
                    emulator.clear_request_log();
                    let started = Instant::now();
                    for _ in 0..iters {
                        assert_eq!(floor_listing(emulator.addr(), REGION).await, pools);
                    }
                    let elapsed = started.elapsed();
                    let mut timing = floor.borrow_mut();
                    timing.elapsed += elapsed;
                    timing.iterations += iters;
                    elapsed
                }
            })
        });
        summary.push((pools, wsql.into_inner(), floor.into_inner()));
    }
    group.finish();

    println!("\nscan summary (zero latency, one region, {LISTING}):");
    println!(
        "{:>8} {:>7} {:>14} {:>14} {:>12} {:>9}",
        "pools", "pages", "wsql/page", "floor/page", "wsql rows/s", "vs floor"
    );
    for (pools, wsql, floor) in summary {
        let pages = pages(pools);
        let (w, f) = (wsql.per_page(pages), floor.per_page(pages));
        let rows_per_second = pools as f64 / (wsql.elapsed.as_secs_f64() / wsql.iterations as f64);
        println!(
            "{pools:>8} {pages:>7} {:>11.1} µs {:>11.1} µs {rows_per_second:>12.0} {:>8.2}×",
            w.as_secs_f64() * 1e6,
            f.as_secs_f64() * 1e6,
            w.as_secs_f64() / f.as_secs_f64()
        );
    }
}

criterion_group!(benches, scan);
criterion_main!(benches);
