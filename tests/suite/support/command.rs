//! Shared set-up of the binary's tests: the `wsql` command with a clean environment (an empty
//! HOME, no AWS_* variables, IMDS off so nothing leaves the machine), an in-process emulator on
//! its own runtime, and the output of a run.

#![allow(dead_code)] // each test binary uses a different part of this module

use std::path::Path;
use std::process::{Command, Output};

use tempfile::TempDir;
use wsql_emulator::{Emulator, Faults, Fleet, Organization};

/// Regions of the test fleet.
pub const REGIONS: &[&str] = &["us-east-1", "eu-west-1", "ap-southeast-2"];
/// Pools per region of the test fleet: several pages per region.
pub const POOLS_PER_REGION: usize = 60;
/// Seed of the test fleet.
pub const SEED: u64 = 11;

/// A `wsql` command whose environment holds nothing of the machine's: HOME and the data
/// directory are an empty temporary directory, no AWS_* variable is set, and the instance
/// metadata service is off (the credential and region chains would otherwise try it).
pub struct Wsql {
    pub command: Command,
    pub home: TempDir,
}

impl Wsql {
    pub fn new() -> Self {
        let home = tempfile::tempdir().expect("temp dir");
        let mut command = Command::new(env!("CARGO_BIN_EXE_wsql"));
        command
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", home.path().join("no-aws-config"))
            .env(
                "AWS_SHARED_CREDENTIALS_FILE",
                home.path().join("no-aws-credentials"),
            )
            .env("NO_COLOR", "1");
        Self { command, home }
    }

    /// A command pointed at `emulator` the way a user would: flags plus credentials in the env.
    pub fn against(emulator: &TestEmulator) -> Self {
        let mut wsql = Self::new();
        wsql.command
            .env("AWS_ACCESS_KEY_ID", "AKIDTEST")
            .env("AWS_SECRET_ACCESS_KEY", "test-secret")
            .arg("--endpoint-url")
            .arg(emulator.url())
            .arg("--region")
            .arg(REGIONS.join(","));
        wsql
    }

    pub fn args<I, S>(mut self, args: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        self.command.args(args);
        self
    }

    pub fn arg(mut self, arg: impl AsRef<std::ffi::OsStr>) -> Self {
        self.command.arg(arg);
        self
    }

    pub fn current_dir(mut self, dir: &Path) -> Self {
        self.command.current_dir(dir);
        self
    }

    pub fn run(mut self) -> Run {
        let output = self.command.output().expect("wsql runs");
        Run::from(output)
    }
}

/// What one run printed and how it ended.
#[derive(Debug)]
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl From<Output> for Run {
    fn from(output: Output) -> Self {
        Self {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }
}

impl Run {
    /// Panics with everything printed unless the run succeeded.
    pub fn success(self) -> Self {
        assert_eq!(self.code, Some(0), "wsql failed:\n{self:#?}");
        self
    }

    /// Asserts the run failed with exactly one line on stderr, and returns that line.
    pub fn one_line_failure(&self) -> &str {
        assert_ne!(self.code, Some(0), "wsql should have failed:\n{self:#?}");
        assert!(
            self.code.is_some(),
            "wsql was killed by a signal:\n{self:#?}"
        );
        let lines: Vec<&str> = self.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "expected one stderr line:\n{}", self.stderr);
        let line = lines[0];
        for noise in ["panicked", "backtrace", "External error", "RUST_BACKTRACE"] {
            assert!(!line.contains(noise), "'{noise}' in: {line}");
        }
        line
    }

    /// stdout parsed as one JSON array of objects.
    pub fn json_rows(&self) -> Vec<serde_json::Map<String, serde_json::Value>> {
        let value: serde_json::Value = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout));
        value
            .as_array()
            .expect("a JSON array")
            .iter()
            .map(|row| row.as_object().expect("an object").clone())
            .collect()
    }
}

/// The emulator serving a seeded fleet, on a runtime of its own (the tests themselves are
/// synchronous: they only start processes). The emulator is dropped before its runtime.
pub struct TestEmulator {
    pub emulator: Emulator,
    pub fleet: Fleet,
    runtime: tokio::runtime::Runtime,
}

impl TestEmulator {
    pub fn start() -> Self {
        Self::start_with(Fleet::seeded(SEED, REGIONS, POOLS_PER_REGION))
    }

    pub fn start_with(fleet: Fleet) -> Self {
        Self::start_organization(Organization::of_fleet(fleet))
    }

    /// The emulator serving `organization`; [`TestEmulator::fleet`] is its management account's.
    pub fn start_organization(organization: Organization) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        let fleet = organization.management().fleet.clone();
        let emulator = runtime
            .block_on(Emulator::start_organization(organization))
            .expect("emulator starts");
        Self {
            emulator,
            fleet,
            runtime,
        }
    }

    /// Runs `future` on the emulator's runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }

    pub fn url(&self) -> String {
        self.emulator.endpoint_url()
    }

    pub fn set_faults(&self, faults: Faults) {
        self.emulator.set_faults(faults);
    }

    /// Calls of `operation` received so far.
    pub fn calls(&self, operation: &str) -> usize {
        self.emulator
            .request_log()
            .iter()
            .filter(|r| r.operation == operation)
            .count()
    }

    pub fn pool_count(&self) -> usize {
        REGIONS.iter().map(|r| self.fleet.pools(r).len()).sum()
    }

    pub fn error_count(&self) -> usize {
        REGIONS
            .iter()
            .flat_map(|r| self.fleet.pools(r))
            .map(|pool| pool.errors.as_ref().map_or(0, Vec::len))
            .sum()
    }
}
