//! Scans under injected latency (20 ms a call): how close the wall time comes to the sum of
//! the round trips, pages × latency, for one region and for four regions scanned at once
//! (their pages are sequential within a region, so four regions should cost one region's time).
//! The summary prints wall ÷ (pages × latency); the targets are ≤ 1.05 for one region and
//! ≤ 1.10 for four. A bare keep-alive HTTP loop over the same pages is the floor the emulator's
//! own timer allows.
//!
//! `cargo bench --bench latency`

mod common;

use std::cell::RefCell;
use std::time::{Duration, Instant};

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use wsql_emulator::{Emulator, Faults, Fleet};

use common::usage::median;
use common::{LISTING, floor_listing, pages, row_count, session};

const LATENCY: Duration = Duration::from_millis(20);
const POOLS_PER_REGION: usize = 500;
const REGIONS: [&str; 4] = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2"];

/// Wall time of every timed iteration of one benchmark.
#[derive(Default)]
struct Walls(Vec<Duration>);

impl Walls {
    fn median(&self) -> Duration {
        median(&self.0)
    }
}

fn latency(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let emulator = runtime
        .block_on(Emulator::start(Fleet::seeded(
            7,
            &REGIONS,
            POOLS_PER_REGION,
        )))
        .expect("emulator starts");
    let pages_per_region = REGIONS
        .iter()
        .map(|r| pages(emulator.fleet().pools(r).len()))
        .max()
        .unwrap_or(1);
    let round_trips = LATENCY * pages_per_region as u32;

    let mut group = c.benchmark_group("latency_20ms");
    group.sample_size(10);
    group.sampling_mode(SamplingMode::Flat);
    group.warm_up_time(Duration::from_secs(1));
    let mut summary = Vec::new();
    for regions in [1usize, 4] {
        let regions = &REGIONS[..regions];
        let ctx = session(&emulator.endpoint_url(), regions);
        // Connections open and clients resolve before the latency is switched on.
        runtime.block_on(row_count(&ctx, LISTING));
        emulator.set_faults(Faults {
            latency: LATENCY,
            ..Faults::default()
        });
        let rows = POOLS_PER_REGION * regions.len();
        group.throughput(Throughput::Elements(rows as u64));
        let walls = RefCell::new(Walls::default());
        group.bench_function(BenchmarkId::new("regions", regions.len()), |b| {
            b.to_async(&runtime).iter_custom(|iters| {
                let (ctx, walls) = (&ctx, &walls);
                async move {
                    let mut total = Duration::ZERO;
                    for _ in 0..iters {
                        let started = Instant::now();
                        assert_eq!(row_count(ctx, LISTING).await, rows);
                        let wall = started.elapsed();
                        walls.borrow_mut().0.push(wall);
                        total += wall;
                    }
                    total
                }
            })
        });
        summary.push((
            format!("wsql, {} region(s)", regions.len()),
            walls.into_inner(),
        ));
        emulator.set_faults(Faults::default());
    }

    emulator.set_faults(Faults {
        latency: LATENCY,
        ..Faults::default()
    });
    let walls = RefCell::new(Walls::default());
    group.throughput(Throughput::Elements(POOLS_PER_REGION as u64));
    group.bench_function("floor", |b| {
        b.to_async(&runtime).iter_custom(|iters| {
            let (emulator, walls) = (&emulator, &walls);
            async move {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let started = Instant::now();
                    floor_listing(emulator.addr(), REGIONS[0]).await;
                    let wall = started.elapsed();
                    walls.borrow_mut().0.push(wall);
                    total += wall;
                }
                total
            }
        })
    });
    summary.push(("bare HTTP loop, 1 region".to_string(), walls.into_inner()));
    group.finish();

    println!(
        "\nlatency summary: {pages_per_region} pages a region × {} ms = {} ms of round trips",
        LATENCY.as_millis(),
        round_trips.as_millis()
    );
    for (what, walls) in summary {
        let median = walls.median();
        println!(
            "{what:<26} median wall {:>7.1} ms  ratio {:.3}",
            median.as_secs_f64() * 1e3,
            median.as_secs_f64() / round_trips.as_secs_f64()
        );
    }
}

criterion_group!(benches, latency);
criterion_main!(benches);
