//! `--demo`: the emulator started in-process with a seeded synthetic fleet, and the settings
//! that point the session at it, so wsql can be tried without an AWS account or a network.

use wsql::AwsSettings;
use wsql_emulator::{Emulator, Fleet};

use crate::cli::Args;

/// Regions of the demo fleet when `--region` is not given.
pub const DEMO_REGIONS: &[&str] = &["us-east-1", "eu-west-1", "ap-southeast-2"];
/// Pools in each region of the demo fleet.
pub const POOLS_PER_REGION: usize = 100;
/// The fleet is the same on every run.
pub const SEED: u64 = 2027;

/// A running demo: the emulator lives as long as this does.
pub struct Demo {
    /// The emulator serving the fleet.
    pub emulator: Emulator,
    /// The regions the fleet has.
    pub regions: Vec<String>,
}

impl Demo {
    /// Starts the emulator over `regions` (the demo regions when empty). Must run in a runtime.
    pub async fn start(regions: &[String]) -> std::io::Result<Demo> {
        let regions: Vec<String> = if regions.is_empty() {
            DEMO_REGIONS.iter().map(|r| r.to_string()).collect()
        } else {
            regions.to_vec()
        };
        let region_refs: Vec<&str> = regions.iter().map(String::as_str).collect();
        let fleet = Fleet::seeded(SEED, &region_refs, POOLS_PER_REGION);
        let emulator = Emulator::start(fleet).await?;
        Ok(Demo { emulator, regions })
    }

    /// The settings `args` ask for. With `--demo`, the demo's (its emulator started here, its
    /// banner printed unless `--quiet`), handed back with the demo, which must be kept alive.
    pub async fn settings_for(args: &Args) -> std::io::Result<(AwsSettings, Option<Demo>)> {
        if !args.demo {
            return Ok((args.aws_settings(), None));
        }
        let demo = Demo::start(&args.region_list()).await?;
        if !args.quiet {
            eprintln!("{}", demo.banner());
        }
        Ok((args.with_call_settings(demo.settings()), Some(demo)))
    }

    /// Settings that send every call to the emulator, with its fixed fake credentials.
    pub fn settings(&self) -> AwsSettings {
        let regions: Vec<&str> = self.regions.iter().map(String::as_str).collect();
        AwsSettings::emulator(self.emulator.endpoint_url(), &regions)
    }

    /// The one line printed on stderr so nobody mistakes the data for their own.
    pub fn banner(&self) -> String {
        format!(
            "wsql demo: synthetic data ({} pools in {}) from a built-in emulator, not your AWS account",
            self.regions.len() * POOLS_PER_REGION,
            self.regions.join(", ")
        )
    }
}
