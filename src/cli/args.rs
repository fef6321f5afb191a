//! The command line: the flags, their checks, and the settings and inputs they make.

use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use crate::{
    Accounts, AssumeRole, AwsSettings, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_IN_FLIGHT_PER_ACCOUNT,
    DEFAULT_MAX_PAGES, DEFAULT_TTL, RegionErrorPolicy, RetryMode,
};
use clap::builder::TypedValueParser;
use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, ValueEnum};

use crate::cli::print::{OutputFormat, PrintOptions};

/// SQL over AWS WorkSpaces.
///
/// With -c, -f or --report, runs them in the order given and exits; otherwise starts a REPL.
/// `wsql serve` serves the tables to Postgres clients instead.
#[derive(Debug, Parser)]
#[command(name = "wsql", version, about, long_about = None)]
pub struct Args {
    /// What to run instead of the REPL or scripts.
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Region to query; repeat the flag or give a comma list [default: the region of AWS_REGION or the profile]
    #[arg(
        long = "region",
        value_name = "REGION",
        value_delimiter = ',',
        value_parser = parse_region,
        global = true
    )]
    pub regions: Vec<String>,

    /// Named profile from ~/.aws/config and ~/.aws/credentials, one account each; repeat the flag or give a comma list
    #[arg(
        long = "profile",
        value_name = "NAME",
        value_delimiter = ',',
        global = true
    )]
    pub profiles: Vec<String>,

    /// Read many accounts by assuming the role NAME in each (with --accounts), from the base credentials
    #[arg(long, value_name = "NAME", requires = "accounts", global = true)]
    pub assume_role: Option<String>,

    /// The accounts to assume --assume-role in: 12-digit ids (repeat or comma list), or `org` for every ACTIVE account of the organization
    #[arg(
        long,
        value_name = "ID,...|org",
        value_delimiter = ',',
        value_parser = parse_account,
        requires = "assume_role",
        global = true
    )]
    pub accounts: Vec<String>,

    /// ExternalId to pass when assuming --assume-role
    #[arg(long, value_name = "ID", requires = "assume_role", global = true)]
    pub external_id: Option<String>,

    /// Send every call (WorkSpaces, CloudWatch, STS, Organizations) to URL instead of AWS (also AWS_ENDPOINT_URL; AWS_ENDPOINT_URL_<SERVICE> still wins for its service)
    #[arg(long, value_name = "URL", global = true)]
    pub endpoint_url: Option<String>,

    /// Query a built-in emulator with a synthetic fleet instead of AWS (no account needed)
    #[arg(long, global = true)]
    pub demo: bool,

    /// Run SQL (several statements separated by ';') and exit; repeatable
    #[arg(short = 'c', long = "command", value_name = "SQL")]
    pub commands: Vec<String>,

    /// Run the statements in FILE and exit; repeatable
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    pub files: Vec<PathBuf>,

    /// Run a saved report (see \reports in the REPL) or a .sql file, and exit; repeatable
    #[arg(long = "report", value_name = "NAME")]
    pub reports: Vec<String>,

    /// Output format
    #[arg(long, value_enum, value_name = "FORMAT", default_value_t = OutputFormat::Table)]
    pub format: OutputFormat,

    /// Show at most N rows of a table (the rest are counted, not shown)
    #[arg(long, value_name = "N")]
    pub maxrows: Option<usize>,

    /// No row-count/timing footer (and no demo banner)
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,

    /// Attempts per API call, the first included [default: 3]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), global = true)]
    pub max_attempts: Option<u32>,

    /// How throttled and failed calls are retried
    #[arg(long, value_enum, value_name = "MODE", default_value_t = RetryModeArg::Standard, global = true)]
    pub retry_mode: RetryModeArg,

    /// Seconds to wait for a connection [default: 5]
    #[arg(long, value_name = "SECS", value_parser = parse_seconds, global = true)]
    pub connect_timeout: Option<Duration>,

    /// Seconds one attempt of one call may take, reading the answer included [default: 30]
    #[arg(long, value_name = "SECS", value_parser = parse_seconds, global = true)]
    pub read_timeout: Option<Duration>,

    /// When one region of one account fails (its calls, or assuming its role): fail the query, or warn and answer from the others
    #[arg(long, value_enum, value_name = "POLICY", default_value_t = RegionErrorArg::Fail, global = true)]
    pub on_region_error: RegionErrorArg,

    /// Calls in flight at once, over every account and region
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_IN_FLIGHT, value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize), global = true)]
    pub max_in_flight: usize,

    /// Calls in flight at once in one account
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_IN_FLIGHT_PER_ACCOUNT, value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize), global = true)]
    pub max_in_flight_per_account: usize,

    /// Pages one request chain may take before the query fails (a guard against endless paging)
    #[arg(long, value_name = "N", default_value_t = DEFAULT_MAX_PAGES, value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize), global = true)]
    pub max_pages: usize,

    /// Keep API responses for SECS and answer repeated calls from them; 0 turns the cache off
    /// [default: off with -c/-f/--report, 300 in the REPL and wsql serve]
    #[arg(long, value_name = "SECS", value_parser = parse_cache_ttl, global = true)]
    pub cache_ttl: Option<Duration>,

    /// After each statement, print its physical plan (with the requests), the pages and rows of
    /// each region and the timings to stderr
    #[arg(long, global = true)]
    pub debug: bool,
}

/// The subcommands.
#[derive(Debug, Clone, PartialEq, Eq, clap::Subcommand)]
pub enum Command {
    /// Serve the tables over the Postgres protocol (psql, Grafana, psycopg, JDBC) until Ctrl-C
    Serve(ServeArgs),
}

/// The flags of `wsql serve` (the AWS flags of `wsql` apply too).
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
#[command(next_help_heading = "Serving")]
pub struct ServeArgs {
    /// Address and port to listen on; anything but loopback needs a password
    #[arg(long, value_name = "ADDR:PORT", default_value = "127.0.0.1:5433")]
    pub listen: SocketAddr,

    /// Clients must give the password on the first line of FILE (WSQL_PASSWORD also sets one)
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,

    /// How clients prove the password: SCRAM-SHA-256, MD5, or the password itself (TLS only)
    #[arg(
        long,
        value_enum,
        value_name = "METHOD",
        default_value = "scram-sha-256"
    )]
    pub auth: AuthMethod,

    /// PEM certificate chain for TLS (with --tls-key)
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// PEM private key for TLS (with --tls-cert)
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
}

/// `--auth`: how clients prove the password.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum AuthMethod {
    /// SCRAM-SHA-256 (psql, libpq, JDBC, tokio-postgres, ...).
    #[value(name = "scram-sha-256")]
    ScramSha256,
    /// MD5 challenge and response, for clients without SCRAM.
    Md5,
    /// The password itself; only with --tls-cert/--tls-key, and only over TLS.
    Password,
}

/// `--on-region-error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RegionErrorArg {
    /// The query fails with the region's error.
    Fail,
    /// The region's rows are left out, with a warning on stderr; the other regions answer.
    Warn,
}

/// `--retry-mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RetryModeArg {
    /// Exponential back-off with jitter.
    Standard,
    /// Standard plus client-side rate limiting when throttled.
    Adaptive,
}

/// One thing to run, in command-line order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// `-c SQL`.
    Sql(String),
    /// `-f FILE`.
    File(PathBuf),
    /// `--report NAME`.
    Report(String),
}

/// The parsed command line.
#[derive(Debug)]
pub struct Cli {
    /// The flags.
    pub args: Args,
    /// `-c`, `-f` and `--report` in the order they were given; empty starts the REPL.
    pub inputs: Vec<Input>,
}

/// Parses `argv`. On `--help`/`--version` prints them; on a bad flag prints one line. Either
/// way hands back the exit code to end with.
pub fn parse(argv: impl IntoIterator<Item = impl Into<OsString> + Clone>) -> Result<Cli, ExitCode> {
    let parsed = Args::command()
        .try_get_matches_from(argv)
        .and_then(|matches| Ok((Args::from_arg_matches(&matches)?, matches)));
    match parsed {
        Ok((args, matches)) => {
            let inputs = ordered_inputs(&args, &matches);
            if args.command.is_some() && !inputs.is_empty() {
                eprintln!("error: wsql serve runs no -c, -f or --report; see wsql serve --help");
                return Err(ExitCode::from(2));
            }
            Ok(Cli { args, inputs })
        }
        Err(error) if !error.use_stderr() => {
            let _ = error.print();
            Err(ExitCode::SUCCESS)
        }
        Err(error) => {
            eprintln!("{}", clap_error_line(&error.render().to_string()));
            Err(ExitCode::from(2))
        }
    }
}

/// clap's error without its usage block, on one line.
fn clap_error_line(rendered: &str) -> String {
    rendered
        .lines()
        .map(str::trim)
        .filter(|line| {
            !line.is_empty()
                && !line.starts_with("Usage:")
                && !line.starts_with("For more information")
        })
        .collect::<Vec<_>>()
        .join(" ")
        + "; see wsql --help"
}

/// `-c`, `-f` and `--report` values interleaved as they appeared, so that
/// `-c "CREATE EXTERNAL TABLE ..." -f uses_it.sql` runs in that order.
fn ordered_inputs(args: &Args, matches: &ArgMatches) -> Vec<Input> {
    let mut indexed: Vec<(usize, Input)> = Vec::new();
    let mut collect = |id: &str, make: &dyn Fn(usize) -> Input| {
        if let Some(indices) = matches.indices_of(id) {
            indexed.extend(indices.enumerate().map(|(n, index)| (index, make(n))));
        }
    };
    collect("commands", &|n| Input::Sql(args.commands[n].clone()));
    collect("files", &|n| Input::File(args.files[n].clone()));
    collect("reports", &|n| Input::Report(args.reports[n].clone()));
    indexed.sort_by_key(|(index, _)| *index);
    indexed.into_iter().map(|(_, input)| input).collect()
}

/// `values` trimmed, blanks and repeats dropped, in order.
fn distinct(values: &[String]) -> Vec<String> {
    let mut kept: Vec<String> = Vec::new();
    for value in values.iter().map(|v| v.trim()) {
        if !value.is_empty() && !kept.iter().any(|k| k == value) {
            kept.push(value.to_string());
        }
    }
    kept
}

/// `--region`: an AWS region's name (`us-east-1`, `us-gov-west-1`, `ap-southeast-5`), trimmed;
/// a blank piece of a comma list is dropped later.
fn parse_region(text: &str) -> Result<String, String> {
    let region = text.trim();
    let mut parts = region.split('-');
    let area = parts.next().unwrap_or_default();
    let rest: Vec<&str> = parts.collect();
    let well_formed = area.len() == 2
        && area.bytes().all(|b| b.is_ascii_lowercase())
        && rest.len() >= 2
        && rest[..rest.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && rest
            .last()
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    match region.is_empty() || well_formed {
        true => Ok(region.to_string()),
        false => Err(format!(
            "'{region}' is not an AWS region name (like us-east-1 or eu-west-2)"
        )),
    }
}

/// `--accounts`: a 12-digit account id, or `org`, trimmed; a blank piece is dropped later.
fn parse_account(text: &str) -> Result<String, String> {
    let account = text.trim();
    let id = account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit());
    match account.is_empty() || id || account.eq_ignore_ascii_case("org") {
        true => Ok(account.to_string()),
        false => Err(format!(
            "'{account}' is not an AWS account id (12 digits) or `org`"
        )),
    }
}

/// `--cache-ttl`: like [`parse_seconds`], but 0 (the cache off) is allowed.
fn parse_cache_ttl(text: &str) -> Result<Duration, String> {
    if text.trim().parse::<f64>() == Ok(0.0) {
        return Ok(Duration::ZERO);
    }
    parse_seconds(text)
}

fn parse_seconds(text: &str) -> Result<Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("'{text}' is not a number of seconds"))?;
    if !seconds.is_finite() || seconds <= 0.0 || seconds > 86_400.0 {
        return Err(format!(
            "'{text}' must be more than 0 and at most 86400 seconds"
        ));
    }
    Ok(Duration::from_secs_f64(seconds))
}

impl Args {
    /// The regions asked for, comma lists split, blanks and repeats dropped.
    pub fn region_list(&self) -> Vec<String> {
        distinct(&self.regions)
    }

    /// The AWS settings these flags ask for.
    pub fn aws_settings(&self) -> AwsSettings {
        let settings = AwsSettings {
            regions: self.region_list(),
            profiles: distinct(&self.profiles),
            assume_role: self.assume_role(),
            endpoint_url: self.endpoint_url.clone(),
            ..AwsSettings::default()
        };
        self.with_call_settings(settings)
    }

    /// `--assume-role` with its `--accounts` and `--external-id`.
    pub fn assume_role(&self) -> Option<AssumeRole> {
        let role_name = self.assume_role.clone()?;
        let accounts = distinct(&self.accounts);
        let accounts = match accounts.iter().any(|a| a.eq_ignore_ascii_case("org")) {
            true => Accounts::Organization,
            false => Accounts::Listed(accounts),
        };
        Some(AssumeRole {
            role_name,
            accounts,
            external_id: self.external_id.clone(),
        })
    }

    /// `settings` with the retry and timeout flags applied (the demo's settings go through this too).
    pub fn with_call_settings(&self, mut settings: AwsSettings) -> AwsSettings {
        settings.max_attempts = self.max_attempts;
        settings.retry_mode = match self.retry_mode {
            RetryModeArg::Standard => RetryMode::Standard,
            RetryModeArg::Adaptive => RetryMode::Adaptive,
        };
        if let Some(timeout) = self.connect_timeout {
            settings.connect_timeout = timeout;
        }
        if let Some(timeout) = self.read_timeout {
            settings.attempt_timeout = timeout;
        }
        settings.on_region_error = match self.on_region_error {
            RegionErrorArg::Fail => RegionErrorPolicy::Fail,
            RegionErrorArg::Warn => RegionErrorPolicy::Warn,
        };
        settings.max_in_flight = self.max_in_flight;
        settings.max_in_flight_per_account = self.max_in_flight_per_account;
        settings.max_pages = self.max_pages;
        settings
    }

    /// How long API responses are kept: `--cache-ttl`, else nothing for scripts and
    /// [`DEFAULT_TTL`] for the REPL, where the same data is often looked at twice. `None` is off.
    pub fn cache_ttl(&self, repl: bool) -> Option<Duration> {
        match self.cache_ttl {
            Some(ttl) if ttl.is_zero() => None,
            Some(ttl) => Some(ttl),
            None => repl.then_some(DEFAULT_TTL),
        }
    }

    /// How results are printed.
    pub fn print_options(&self) -> PrintOptions {
        PrintOptions {
            format: self.format,
            maxrows: self.maxrows,
            quiet: self.quiet,
            timing: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cli(args: &[&str]) -> Cli {
        parse(std::iter::once("wsql").chain(args.iter().copied())).expect("parses")
    }

    #[test]
    fn the_command_line_is_well_formed() {
        Args::command().debug_assert();
    }

    #[test]
    fn regions_repeat_and_take_comma_lists() {
        let cli = cli(&[
            "--region",
            "us-east-1,eu-west-1",
            "--region",
            " eu-west-1 ",
            "--region",
            "ap-southeast-2",
        ]);
        assert_eq!(
            cli.args.aws_settings().regions,
            vec!["us-east-1", "eu-west-1", "ap-southeast-2"]
        );
    }

    #[test]
    fn inputs_keep_command_line_order() {
        let cli = cli(&[
            "-f",
            "a.sql",
            "-c",
            "SELECT 1",
            "--report",
            "fleet_summary",
            "-c",
            "SELECT 2",
        ]);
        assert_eq!(
            cli.inputs,
            vec![
                Input::File("a.sql".into()),
                Input::Sql("SELECT 1".into()),
                Input::Report("fleet_summary".into()),
                Input::Sql("SELECT 2".into()),
            ]
        );
        assert!(self::cli(&[]).inputs.is_empty());
    }

    #[test]
    fn call_settings_map_to_aws_settings() {
        let cli = cli(&[
            "--profile",
            "ops",
            "--endpoint-url",
            "http://127.0.0.1:9",
            "--max-attempts",
            "7",
            "--retry-mode",
            "adaptive",
            "--connect-timeout",
            "1.5",
            "--read-timeout",
            "20",
            "--on-region-error",
            "warn",
        ]);
        let settings = cli.args.aws_settings();
        assert_eq!(settings.profiles, ["ops"]);
        assert_eq!(settings.endpoint_url.as_deref(), Some("http://127.0.0.1:9"));
        assert_eq!(settings.max_attempts, Some(7));
        assert_eq!(settings.retry_mode, RetryMode::Adaptive);
        assert_eq!(settings.connect_timeout, Duration::from_millis(1500));
        assert_eq!(settings.attempt_timeout, Duration::from_secs(20));
        assert_eq!(settings.on_region_error, RegionErrorPolicy::Warn);
        assert!(settings.credentials.is_none());
    }

    #[test]
    fn defaults() {
        let args = cli(&[]).args;
        let settings = args.aws_settings();
        assert!(settings.regions.is_empty());
        assert_eq!(settings.max_attempts, None);
        assert_eq!(
            settings.connect_timeout,
            AwsSettings::default().connect_timeout
        );
        assert_eq!(args.print_options(), PrintOptions::default());
        assert_eq!(settings.on_region_error, RegionErrorPolicy::Fail);
        assert!(!args.debug);
    }

    #[test]
    fn the_cache_is_off_for_scripts_and_on_for_the_repl_unless_told() {
        let default = cli(&[]).args;
        assert_eq!(default.cache_ttl(false), None);
        assert_eq!(default.cache_ttl(true), Some(DEFAULT_TTL));
        let off = cli(&["--cache-ttl", "0"]).args;
        assert_eq!(off.cache_ttl(true), None);
        assert_eq!(off.cache_ttl(false), None);
        let minute = cli(&["--cache-ttl", "60"]).args;
        assert_eq!(minute.cache_ttl(false), Some(Duration::from_secs(60)));
        assert_eq!(minute.cache_ttl(true), Some(Duration::from_secs(60)));
    }

    #[test]
    fn many_accounts_map_to_profiles_or_a_role() {
        let settings = cli(&["--profile", "a,b", "--profile", "a", "--profile", " c "])
            .args
            .aws_settings();
        assert_eq!(settings.profiles, ["a", "b", "c"]);
        assert!(settings.reads_many_accounts());
        let settings = cli(&[
            "--assume-role",
            "Audit",
            "--accounts",
            "111111111111,222222222222",
            "--accounts",
            "111111111111",
            "--external-id",
            "ext",
            "--max-in-flight",
            "8",
            "--max-in-flight-per-account",
            "2",
            "--max-pages",
            "40",
        ])
        .args
        .aws_settings();
        assert_eq!(
            settings.assume_role,
            Some(AssumeRole {
                role_name: "Audit".into(),
                accounts: Accounts::Listed(vec!["111111111111".into(), "222222222222".into()]),
                external_id: Some("ext".into()),
            })
        );
        assert_eq!(
            (settings.max_in_flight, settings.max_in_flight_per_account),
            (8, 2)
        );
        assert_eq!(settings.max_pages, 40);
        let org = cli(&["--assume-role", "Audit", "--accounts", "org"]).args;
        assert_eq!(
            org.aws_settings().assume_role.map(|r| r.accounts),
            Some(Accounts::Organization)
        );
    }

    #[test]
    fn bad_values_are_refused() {
        for bad in [
            vec!["--format", "xml"],
            vec!["--max-attempts", "0"],
            vec!["--connect-timeout", "-1"],
            vec!["--read-timeout", "soon"],
            vec!["--cache-ttl", "-5"],
            vec!["--cache-ttl", "forever"],
            vec!["--on-region-error", "ignore"],
            vec!["--accounts", "111111111111"],
            vec!["--external-id", "x"],
            vec!["--assume-role", "Audit"],
            vec!["--max-in-flight", "0"],
            vec!["--max-in-flight-per-account", "-2"],
            vec!["--max-pages", "0"],
            vec!["--assume-role", "Audit", "--accounts", "123"],
            vec!["--assume-role", "Audit", "--accounts", "111111111111,org1"],
            vec!["--region", "us east 1"],
            vec!["--region", "useast1"],
            vec!["--region", "us-east-1,US-EAST-1"],
            vec!["--bogus"],
        ] {
            let argv = std::iter::once("wsql").chain(bad.iter().copied());
            assert!(Args::try_parse_from(argv).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn serve_takes_the_aws_flags_but_no_scripts() {
        let cli = cli(&[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--region",
            "eu-west-1",
            "--on-region-error",
            "warn",
            "--demo",
        ]);
        let Some(Command::Serve(serve)) = &cli.args.command else {
            panic!("not serve: {:?}", cli.args.command);
        };
        assert_eq!(serve.listen.port(), 0);
        assert_eq!(cli.args.region_list(), vec!["eu-west-1"]);
        assert_eq!(
            cli.args.aws_settings().on_region_error,
            RegionErrorPolicy::Warn
        );
        assert!(cli.args.demo);
        let scripted = std::iter::once("wsql").chain(["-c", "SELECT 1", "serve"]);
        assert_eq!(parse(scripted).err(), Some(ExitCode::from(2)));
        assert!(Args::try_parse_from(["wsql", "serve", "--format", "csv"]).is_err());
        assert!(Args::try_parse_from(["wsql", "serve", "--tls-cert", "c.pem"]).is_err());
    }

    #[test]
    fn accounts_and_regions_are_checked_while_parsing_naming_the_flag() {
        let error = Args::try_parse_from(["wsql", "--assume-role", "Audit", "--accounts", "123"])
            .unwrap_err();
        let line = clap_error_line(&error.render().to_string());
        assert!(line.contains("'--accounts <ID,...|org>'"), "{line}");
        assert!(line.contains("'123' is not an AWS account id"), "{line}");
        assert_eq!(error.exit_code(), 2);
        let error = Args::try_parse_from(["wsql", "--region", "eu-west"]).unwrap_err();
        let line = clap_error_line(&error.render().to_string());
        assert!(line.contains("'--region <REGION>'"), "{line}");
        for region in [
            "us-gov-west-1",
            "ap-southeast-5",
            "cn-north-1",
            " eu-west-1 ",
        ] {
            assert_eq!(parse_region(region).as_deref(), Ok(region.trim()));
        }
        assert_eq!(parse_account(" ORG ").as_deref(), Ok("ORG"));
    }

    #[test]
    fn clap_errors_fold_to_one_line() {
        let error = Args::try_parse_from(["wsql", "--format", "xml"]).unwrap_err();
        let line = clap_error_line(&error.render().to_string());
        assert!(!line.contains('\n'));
        assert!(
            line.starts_with("error: invalid value 'xml' for '--format <FORMAT>'"),
            "{line}"
        );
        assert!(line.contains("table, csv, json, ndjson"), "{line}");
        assert!(line.ends_with("; see wsql --help"));
    }
}
