//! `wsql-emulator`: the WorkSpaces API emulator as a standalone server, for the AWS CLI, wsql
//! itself, or anything else that takes an endpoint URL.
//!
//! ```text
//! wsql-emulator --port 4566 --pools 300 --regions us-east-1,eu-west-1 --seed 7
//! aws workspaces describe-workspaces-pools --endpoint-url http://127.0.0.1:4566 --region us-east-1
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use wsql_emulator::{Emulator, Faults, Fleet};

/// Serve an emulated AWS WorkSpaces API on 127.0.0.1.
#[derive(Debug, Parser)]
#[command(name = "wsql-emulator", version, about)]
struct Args {
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 4566)]
    port: u16,
    /// Pools per region in the generated fleet.
    #[arg(long, default_value_t = 300)]
    pools: usize,
    /// Regions of the generated fleet, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "us-east-1")]
    regions: Vec<String>,
    /// Seed of the generated fleet and of the fault dice.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Serve this JSON fixture instead of a generated fleet.
    #[arg(long, value_name = "FILE")]
    fixtures: Option<PathBuf>,
    /// Delay every answer by this many milliseconds.
    #[arg(long, value_name = "N", default_value_t = 0)]
    latency_ms: u64,
    /// Fraction (0 to 1) of calls answered with ThrottlingException.
    #[arg(long, value_name = "F", default_value_t = 0.0)]
    throttle_rate: f64,
    /// Write the fleet as a JSON fixture to FILE before serving.
    #[arg(long, value_name = "FILE")]
    dump_fleet: Option<PathBuf>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("wsql-emulator: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: Args) -> Result<(), String> {
    if !(0.0..=1.0).contains(&args.throttle_rate) {
        return Err(format!(
            "--throttle-rate must be between 0 and 1, not {}",
            args.throttle_rate
        ));
    }
    let regions: Vec<&str> = args
        .regions
        .iter()
        .map(|r| r.trim())
        .filter(|r| !r.is_empty())
        .collect();
    if let Some(bad) = regions.iter().find(|r| {
        !r.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }) {
        return Err(format!(
            "--regions: `{bad}` is not a region name (like us-east-1)"
        ));
    }
    let fleet = match &args.fixtures {
        Some(path) => Fleet::from_json_file(path).map_err(|e| e.to_string())?,
        None if regions.is_empty() => return Err("--regions needs at least one region".into()),
        None => Fleet::seeded(args.seed, &regions, args.pools),
    };
    if let Some(path) = &args.dump_fleet {
        std::fs::write(path, fleet.to_json())
            .map_err(|e| format!("--dump-fleet: cannot write {}: {e}", path.display()))?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(serve(args, fleet))
}

async fn serve(args: Args, fleet: Fleet) -> Result<(), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], args.port));
    let emulator = Emulator::start_on(addr, fleet).await.map_err(|e| {
        format!("cannot listen on {addr}: {e}; pick another --port (0 picks a free one)")
    })?;
    emulator.set_faults(Faults {
        latency: Duration::from_millis(args.latency_ms),
        throttle_rate: args.throttle_rate,
        seed: args.seed,
        ..Faults::default()
    });
    println!("listening on {}", emulator.endpoint_url());
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| format!("cannot wait for Ctrl-C: {e}"))?;
    Ok(())
}
