//! Set-up of the many-account tests: an emulated organization, settings that assume the role in
//! its accounts, and queries run through a library over them.

use std::sync::Arc;

use datafusion::physical_plan::{ExecutionPlan, collect};
use datafusion::prelude::{SessionConfig, SessionContext};
use wsql::{Accounts, AssumeRole, AwsSettings, Library, ScanReport};
use wsql_emulator::{DEFAULT_ROLE_NAME, Emulator, LoggedRequest, Organization};

use crate::support::sorted_rows;

pub const REGIONS: &[&str] = &["us-east-1", "eu-west-1"];

/// An organization of `accounts` accounts (the management account first), each with
/// `pools_per_region` pools in each of [`REGIONS`].
pub fn organization(seed: u64, accounts: usize, pools_per_region: usize) -> Organization {
    Organization::seeded(seed, accounts, REGIONS, pools_per_region)
}

pub async fn start(organization: Organization) -> Emulator {
    Emulator::start_organization(organization)
        .await
        .expect("emulator starts")
}

/// The ids of the organization's accounts, the management account first.
pub fn account_ids(emulator: &Emulator) -> Vec<String> {
    emulator
        .organization()
        .accounts()
        .iter()
        .map(|a| a.id().to_string())
        .collect()
}

/// Settings that read `accounts` through the organization's role, with the emulator's static
/// credentials (the management account's) as the base.
pub fn settings(emulator: &Emulator, accounts: Accounts) -> AwsSettings {
    AwsSettings {
        assume_role: Some(AssumeRole {
            role_name: DEFAULT_ROLE_NAME.to_string(),
            accounts,
            external_id: None,
        }),
        ..AwsSettings::emulator(emulator.endpoint_url(), REGIONS)
    }
}

/// A session over a library with `settings`.
pub fn session(settings: AwsSettings) -> SessionContext {
    let ctx = SessionContext::new_with_config(SessionConfig::new().with_information_schema(true));
    Library::new(settings)
        .register(&ctx)
        .expect("tables register");
    ctx
}

/// Runs `sql`: its rows, sorted, and its report, or the error.
pub async fn run(
    ctx: &SessionContext,
    sql: &str,
) -> datafusion::error::Result<(Vec<String>, ScanReport)> {
    let plan: Arc<dyn ExecutionPlan> = ctx.sql(sql).await?.create_physical_plan().await?;
    let batches = collect(Arc::clone(&plan), ctx.task_ctx()).await?;
    Ok((sorted_rows(&batches), ScanReport::of(&plan)))
}

/// Runs `sql`, which must succeed.
pub async fn rows(ctx: &SessionContext, sql: &str) -> (Vec<String>, ScanReport) {
    match run(ctx, sql).await {
        Ok(answer) => answer,
        Err(e) => panic!("{sql} failed: {e}"),
    }
}

/// The WorkSpaces calls of `log`.
pub fn workspaces_calls(log: &[LoggedRequest]) -> Vec<&LoggedRequest> {
    log.iter().filter(|r| r.service == "workspaces").collect()
}

/// Asserts that `sql` (naming `table`) over every account of `emulator`'s organization answers
/// the union of what each account alone answers, each row naming the account it came from, with
/// one scan per account.
pub async fn assert_union_of_accounts(emulator: &Emulator, table: &str, sql: &str) {
    let ids = account_ids(emulator);
    let all = session(settings(emulator, Accounts::Organization));
    let (every, report) = rows(&all, sql).await;
    let mut union = Vec::new();
    for id in &ids {
        let one = session(settings(emulator, Accounts::Listed(vec![id.clone()])));
        let (rows, _) = rows(&one, sql).await;
        assert!(
            rows.iter()
                .all(|r| r.split('|').nth(1) == Some(id.as_str())),
            "{table}: account_id is the account read"
        );
        union.extend(rows);
    }
    union.sort();
    assert!(!every.is_empty(), "{table} has rows");
    assert_eq!(every, union, "{table}: the organization's answer");
    let accounts: std::collections::BTreeSet<Option<String>> =
        report.scans.iter().map(|s| s.account.clone()).collect();
    assert_eq!(accounts.len(), ids.len(), "{table}: one scan per account");
}
