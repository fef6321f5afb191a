//! `--demo`: the emulator started in-process with a synthetic organization of three accounts,
//! and the settings that read all of them the way a real organization is read (the role
//! assumed in every ACTIVE account, from the management account's credentials), so wsql can be
//! tried without an AWS account or a network, multi-account view included.

use crate::{Accounts, AssumeRole, AwsSettings};
use wsql_emulator::{Account, DEFAULT_ROLE_NAME, Emulator, Fleet, Organization};

use crate::cli::args::Args;

/// Regions of the demo fleet when `--region` is not given.
pub const DEMO_REGIONS: &[&str] = &["us-east-1", "eu-west-1", "ap-southeast-2"];
/// The accounts of the demo organization after the management account: (id, name, pools in
/// each region). With the management account's 50, every region holds 100 pools.
const MEMBERS: &[(&str, &str, usize)] = &[
    ("210987654321", "finance", 30),
    ("345678901234", "engineering", 20),
];
/// Pools in each region of the management account.
const MANAGEMENT_POOLS: usize = 50;
/// Pools in each region, over every account.
pub const POOLS_PER_REGION: usize = 100;
/// The fleet is the same on every run.
pub const SEED: u64 = 2027;

/// A running demo: the emulator lives as long as this does.
pub struct Demo {
    /// The emulator serving the organization.
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
        let mut organization =
            Organization::of_fleet(Fleet::seeded(SEED, &region_refs, MANAGEMENT_POOLS));
        for (n, (id, name, pools)) in MEMBERS.iter().enumerate() {
            let fleet = Fleet::seeded_for_account(id, SEED + 1 + n as u64, &region_refs, *pools);
            organization = organization.with_member(Account {
                name: name.to_string(),
                ..Account::member(fleet)
            });
        }
        let emulator = Emulator::start_organization(organization).await?;
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

    /// Settings that read every account of the organization from the emulator, with the
    /// management account's fixed fake credentials.
    pub fn settings(&self) -> AwsSettings {
        let regions: Vec<&str> = self.regions.iter().map(String::as_str).collect();
        AwsSettings {
            assume_role: Some(AssumeRole {
                role_name: DEFAULT_ROLE_NAME.to_string(),
                accounts: Accounts::Organization,
                external_id: None,
            }),
            ..AwsSettings::emulator(self.emulator.endpoint_url(), &regions)
        }
    }

    /// The one line printed on stderr so nobody mistakes the data for their own.
    pub fn banner(&self) -> String {
        format!(
            "wsql demo: synthetic data ({} pools in {}, in an organization of {} accounts) from a built-in emulator, not your AWS account",
            self.regions.len() * POOLS_PER_REGION,
            self.regions.join(", "),
            MEMBERS.len() + 1
        )
    }
}
