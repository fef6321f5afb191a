//! `wsql-emulator`: the WorkSpaces, CloudWatch, STS and Organizations emulator as a standalone
//! server, for the AWS CLI, wsql itself, or anything else that takes an endpoint URL. WorkSpaces
//! answers in awsJson1_1 and Smithy RPCv2 CBOR alike, CloudWatch (`GetMetricData`,
//! `ListMetrics`, over the fleet's metrics) in awsJson1_0 and RPCv2 CBOR; `--list-operations`
//! lists what is answered, in which protocols.
//!
//! ```text
//! wsql-emulator --port 4566 --pools 300 --regions us-east-1,eu-west-1 --seed 7
//! aws workspaces describe-workspaces-pools --endpoint-url http://127.0.0.1:4566 --region us-east-1
//! aws cloudwatch list-metrics --namespace AWS/WorkSpaces --endpoint-url http://127.0.0.1:4566 \
//!     --region us-east-1
//!
//! wsql-emulator --accounts 5 --denied-accounts 2 --suspended-accounts 4
//! wsql-emulator --accounts 1000 --latency-ms 40 --rate-limit 5 --rate-burst 10
//! aws organizations list-accounts --endpoint-url http://127.0.0.1:4566
//! aws sts assume-role --role-arn arn:aws:iam::<ID>:role/OrganizationAccountAccessRole \
//!     --role-session-name me --endpoint-url http://127.0.0.1:4566
//! ```
//!
//! The first line printed is `listening on http://127.0.0.1:PORT` (with `--port 0`, the port the
//! system picked). Accounts are named by their position (0 is the management account) or their
//! id; the table printed at start-up lists both.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, ValueEnum};
use mimalloc::MiMalloc;
use wsql_emulator::{
    AccountStatus, DEFAULT_ROLE_NAME, Emulator, Faults, Fleet, Organization, RateLimit,
    UnknownPoolIds, answered_operations,
};

#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc;

/// Serve emulated AWS WorkSpaces (awsJson1_1 and RPCv2 CBOR), CloudWatch metrics (awsJson1_0
/// and RPCv2 CBOR), STS and Organizations APIs on 127.0.0.1.
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
    /// Fraction (0 to 1) of WorkSpaces and CloudWatch calls answered with a throttling error
    /// (ThrottlingException; CloudWatch's Throttling).
    #[arg(long, value_name = "F", default_value_t = 0.0)]
    throttle_rate: f64,
    /// WorkSpaces calls a second each account may make in each region, as AWS throttles: a
    /// token bucket per (account, region); a call that finds it empty is answered
    /// ThrottlingException. Off unless given.
    #[arg(long, value_name = "N")]
    rate_limit: Option<f64>,
    /// Calls a quiet account and region answer at once under --rate-limit (the bucket's size;
    /// default: a second's worth, at least 1).
    #[arg(long, value_name = "N", requires = "rate_limit")]
    rate_burst: Option<u32>,
    /// Write the management account's fleet as a JSON fixture to FILE before serving.
    #[arg(long, value_name = "FILE")]
    dump_fleet: Option<PathBuf>,
    /// Accounts in the organization, the management account included; each member has its own
    /// generated fleet.
    #[arg(long, value_name = "N", default_value_t = 1)]
    accounts: usize,
    /// Accounts whose role cannot be assumed (AssumeRole is AccessDenied), comma-separated
    /// positions (1 is the first member) or account ids.
    #[arg(long, value_name = "ACCOUNTS", value_delimiter = ',')]
    denied_accounts: Vec<String>,
    /// Suspended accounts (listed as SUSPENDED; AssumeRole into them is denied), comma-separated
    /// positions or account ids.
    #[arg(long, value_name = "ACCOUNTS", value_delimiter = ',')]
    suspended_accounts: Vec<String>,
    /// The role that exists in member accounts; AssumeRole of any other is denied.
    #[arg(long, value_name = "NAME", default_value = DEFAULT_ROLE_NAME)]
    role_name: String,
    /// Require this ExternalId in AssumeRole.
    #[arg(long, value_name = "ID")]
    external_id: Option<String>,
    /// How DescribeWorkspacesPools answers PoolIds naming pools that do not exist.
    #[arg(long, value_enum, default_value_t = UnknownPools::Omitted)]
    unknown_pool_ids: UnknownPools,
    /// Print the operations answered (service, operation, protocols, required members) and exit.
    #[arg(long)]
    list_operations: bool,
}

/// `--unknown-pool-ids`.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum UnknownPools {
    /// Leave them out of the list.
    Omitted,
    /// ResourceNotFoundException when none of the named pools exists.
    NotFoundWhenNoneExist,
    /// ResourceNotFoundException when any named pool does not exist.
    NotFoundWhenAnyUnknown,
}

impl From<UnknownPools> for UnknownPoolIds {
    fn from(value: UnknownPools) -> UnknownPoolIds {
        match value {
            UnknownPools::Omitted => UnknownPoolIds::Omitted,
            UnknownPools::NotFoundWhenNoneExist => UnknownPoolIds::NotFoundWhenNoneExist,
            UnknownPools::NotFoundWhenAnyUnknown => UnknownPoolIds::NotFoundWhenAnyUnknown,
        }
    }
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
    if args.list_operations {
        print!("{}", operations_table());
        return Ok(());
    }
    if !(0.0..=1.0).contains(&args.throttle_rate) {
        return Err(format!(
            "--throttle-rate must be between 0 and 1, not {}",
            args.throttle_rate
        ));
    }
    let rate_limit = rate_limit(&args)?;
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
    if args.accounts == 0 {
        return Err("--accounts must be at least 1 (the management account)".into());
    }
    let organization = match &args.fixtures {
        Some(_) if args.accounts > 1 => {
            return Err("--fixtures serves one account; drop --accounts or --fixtures".into());
        }
        Some(path) => {
            Organization::of_fleet(Fleet::from_json_file(path).map_err(|e| e.to_string())?)
        }
        None if regions.is_empty() => return Err("--regions needs at least one region".into()),
        None => Organization::seeded(args.seed, args.accounts, &regions, args.pools),
    };
    let organization = configure(organization, &args)?;
    if let Some(path) = &args.dump_fleet {
        std::fs::write(path, organization.management().fleet.to_json())
            .map_err(|e| format!("--dump-fleet: cannot write {}: {e}", path.display()))?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))?;
    runtime.block_on(serve(args, organization, rate_limit))
}

/// `--rate-limit` and `--rate-burst`, checked.
fn rate_limit(args: &Args) -> Result<Option<RateLimit>, String> {
    let Some(per_second) = args.rate_limit else {
        return Ok(None);
    };
    if !(per_second.is_finite() && per_second > 0.0) {
        return Err(format!(
            "--rate-limit must be a number of calls a second above 0, not {per_second}"
        ));
    }
    let burst = match args.rate_burst {
        Some(0) => return Err("--rate-burst must be at least 1".into()),
        Some(burst) => burst,
        None => (per_second.ceil() as u32).max(1),
    };
    Ok(Some(RateLimit { per_second, burst }))
}

/// Applies the organization's flags.
fn configure(organization: Organization, args: &Args) -> Result<Organization, String> {
    let denied = account_ids(&organization, "--denied-accounts", &args.denied_accounts)?;
    let suspended = account_ids(
        &organization,
        "--suspended-accounts",
        &args.suspended_accounts,
    )?;
    let denied: Vec<&str> = denied.iter().map(String::as_str).collect();
    let suspended: Vec<&str> = suspended.iter().map(String::as_str).collect();
    let mut organization = organization
        .with_role_denied(&denied)
        .with_status(&suspended, AccountStatus::Suspended)
        .with_role_name(args.role_name.as_str());
    if let Some(external_id) = &args.external_id {
        organization = organization.with_external_id(external_id.as_str());
    }
    Ok(organization)
}

/// The ids of accounts named by position or id; the error names the flag and what it takes.
fn account_ids(
    organization: &Organization,
    flag: &str,
    values: &[String],
) -> Result<Vec<String>, String> {
    let accounts = organization.accounts();
    let mut ids = Vec::new();
    for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        let by_id = organization.account(value).map(|a| a.id().to_string());
        let by_position = value
            .parse::<usize>()
            .ok()
            .filter(|_| value.len() < 12)
            .and_then(|i| accounts.get(i))
            .map(|a| a.id().to_string());
        match by_id.or(by_position) {
            Some(id) => ids.push(id),
            None => {
                return Err(format!(
                    "{flag}: `{value}` is neither a position (0 to {}) nor the id of an account of the organization",
                    accounts.len() - 1
                ));
            }
        }
    }
    Ok(ids)
}

async fn serve(
    args: Args,
    organization: Organization,
    rate_limit: Option<RateLimit>,
) -> Result<(), String> {
    let addr = SocketAddr::from(([127, 0, 0, 1], args.port));
    let emulator = Emulator::start_organization_on(addr, organization)
        .await
        .map_err(|e| {
            format!("cannot listen on {addr}: {e}; pick another --port (0 picks a free one)")
        })?;
    emulator.set_faults(Faults {
        latency: Duration::from_millis(args.latency_ms),
        throttle_rate: args.throttle_rate,
        seed: args.seed,
        unknown_pool_ids: args.unknown_pool_ids.into(),
        rate_limit,
        ..Faults::default()
    });
    println!("listening on {}", emulator.endpoint_url());
    print_organization(emulator.organization());
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| format!("cannot wait for Ctrl-C: {e}"))?;
    Ok(())
}

/// One line per answered operation: service, operation, protocols, and the members a request
/// must carry (`-` when none, `?` for STS and Organizations, whose models the emulator lacks).
fn operations_table() -> String {
    let mut table = String::new();
    for operation in answered_operations() {
        let protocols: Vec<&str> = operation.protocols.iter().map(|p| p.name()).collect();
        let required: Vec<&str> = operation
            .input
            .iter()
            .filter(|m| m.required)
            .map(|m| m.name.as_str())
            .collect();
        let required = match (operation.input.is_empty(), required.is_empty()) {
            (true, _) => "?".to_string(),
            (false, true) => "-".to_string(),
            (false, false) => required.join(","),
        };
        table.push_str(&format!(
            "{:<14} {:<32} {:<22} {required}\n",
            operation.service,
            operation.name,
            protocols.join(",")
        ));
    }
    table
}

/// The accounts, so that a user can name them in ARNs.
fn print_organization(organization: &Organization) {
    let external_id = organization
        .external_id()
        .map_or(String::new(), |id| format!(", ExternalId {id}"));
    println!(
        "organization {}, role {}{external_id}",
        organization.id(),
        organization.role_name()
    );
    for (position, account) in organization.accounts().iter().enumerate() {
        let role = if position == 0 {
            "management: static credentials"
        } else if account.role_assumable && account.status == AccountStatus::Active {
            "AssumeRole allowed"
        } else {
            "AssumeRole denied"
        };
        println!(
            "  {position:>3}  {}  {:<16} {:<15} {role}",
            account.id(),
            account.name,
            account.status.as_str()
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_are_named_by_position_or_id() {
        let organization = Organization::seeded(7, 4, &["us-east-1"], 0);
        let id = |i: usize| organization.accounts()[i].id().to_string();
        let values = ["2".to_string(), id(3), " 1 ".to_string(), String::new()];
        assert_eq!(
            account_ids(&organization, "--denied-accounts", &values),
            Ok(vec![id(2), id(3), id(1)])
        );
        for bad in ["4", "member", "000000000001"] {
            let err = account_ids(&organization, "--suspended-accounts", &[bad.to_string()])
                .expect_err(bad);
            assert!(err.starts_with("--suspended-accounts: `"), "{err}");
            assert!(err.contains("0 to 3"), "{err}");
        }
    }

    #[test]
    fn operations_are_listed_with_protocols_and_required_members() {
        let table = operations_table();
        let line = |operation: &str| {
            table
                .lines()
                .find(|l| l.split_whitespace().nth(1) == Some(operation))
                .map(|l| l.split_whitespace().collect::<Vec<_>>())
        };
        assert_eq!(
            line("DescribeWorkspacesPoolSessions"),
            Some(vec![
                "workspaces",
                "DescribeWorkspacesPoolSessions",
                "awsJson1_1,rpcv2Cbor",
                "PoolId"
            ])
        );
        assert_eq!(line("DescribeWorkspacesPools").map(|l| l[3]), Some("-"));
        assert_eq!(
            line("AssumeRole").map(|l| (l[2], l[3])),
            Some(("awsQuery", "?"))
        );
        assert_eq!(
            line("GetMetricData"),
            Some(vec![
                "monitoring",
                "GetMetricData",
                "awsJson1_0,rpcv2Cbor",
                "MetricDataQueries,StartTime,EndTime"
            ])
        );
        assert_eq!(line("ListMetrics").map(|l| l[3]), Some("-"));
        assert_eq!(table.lines().count(), answered_operations().len());
    }

    #[test]
    fn the_rate_limit_flags_make_one_bucket_shape() {
        let parse = |flags: &[&str]| {
            let mut argv = vec!["wsql-emulator"];
            argv.extend_from_slice(flags);
            rate_limit(&Args::parse_from(argv))
        };
        assert_eq!(parse(&[]), Ok(None));
        assert_eq!(
            parse(&["--rate-limit", "2.5"]),
            Ok(Some(RateLimit {
                per_second: 2.5,
                burst: 3
            }))
        );
        assert_eq!(
            parse(&["--rate-limit", "5", "--rate-burst", "10"]),
            Ok(Some(RateLimit {
                per_second: 5.0,
                burst: 10
            }))
        );
        for bad in [
            &["--rate-limit", "0"][..],
            &["--rate-limit", "1", "--rate-burst", "0"],
        ] {
            let err = parse(bad).expect_err("refused");
            assert!(err.starts_with("--rate-"), "{err}");
        }
        assert!(
            Args::try_parse_from(["wsql-emulator", "--rate-burst", "3"]).is_err(),
            "a burst needs a rate"
        );
    }

    #[test]
    fn flags_shape_the_organization() {
        let args = Args::parse_from([
            "wsql-emulator",
            "--accounts",
            "3",
            "--denied-accounts",
            "1",
            "--suspended-accounts",
            "2",
            "--role-name",
            "Reader",
            "--external-id",
            "ext-1",
        ]);
        let organization = Organization::seeded(args.seed, args.accounts, &["us-east-1"], 0);
        let organization = configure(organization, &args).expect("valid flags");
        let accounts = organization.accounts();
        assert!(!accounts[1].role_assumable);
        assert_eq!(accounts[2].status, AccountStatus::Suspended);
        assert_eq!(organization.role_name(), "Reader");
        assert_eq!(organization.external_id(), Some("ext-1"));
    }
}
