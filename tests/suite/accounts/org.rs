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
