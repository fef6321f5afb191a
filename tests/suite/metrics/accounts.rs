//! Many accounts and regions: the metrics of an organization's accounts are the union of what
//! each account alone answers, `account_id` naming the account; an `account_id` predicate calls
//! CloudWatch in that account only.

use std::collections::BTreeSet;
use std::time::{SystemTime, UNIX_EPOCH};

use datafusion::physical_plan::collect;
use datafusion::prelude::SessionContext;
use wsql::{Accounts, AssumeRole, AwsSettings, Library};
use wsql_emulator::{DEFAULT_ROLE_NAME, Emulator, Organization};

use crate::metrics::GET_METRIC_DATA;
use crate::support::sorted_rows;

const REGIONS: &[&str] = &["us-east-1", "eu-west-1"];

fn settings(emulator: &Emulator, accounts: Accounts) -> AwsSettings {
    AwsSettings {
        assume_role: Some(AssumeRole {
            role_name: DEFAULT_ROLE_NAME.to_string(),
            accounts,
            external_id: None,
        }),
        ..AwsSettings::emulator(emulator.endpoint_url(), REGIONS)
    }
}

async fn rows(settings: AwsSettings, sql: &str) -> Vec<String> {
    let ctx = SessionContext::new();
    Library::new(settings)
        .register(&ctx)
        .expect("tables register");
    let plan = ctx
        .sql(sql)
        .await
        .expect("plans")
        .create_physical_plan()
        .await
        .expect("plans");
    sorted_rows(&collect(plan, ctx.task_ctx()).await.expect("answers"))
}

/// Six whole hours of two days ago, by the hour: literal bounds, so that separate statements
/// read the same rows.
fn six_hours() -> String {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let start = (now / 86_400 - 2) * 86_400 + 12 * 3600;
    let at = |s: i64| {
        aws_smithy_types::DateTime::from_secs(s)
            .fmt(aws_smithy_types::date_time::Format::DateTime)
            .expect("formats")
    };
    format!(
        "timestamp >= TIMESTAMP '{}' AND timestamp < TIMESTAMP '{}' AND period_seconds = 3600",
        at(start),
        at(start + 6 * 3600)
    )
}

#[tokio::test]
async fn an_organization_answers_the_union_of_its_accounts() {
    let emulator = Emulator::start_organization(Organization::seeded(31, 3, REGIONS, 6))
        .await
        .expect("emulator starts");
    let ids: Vec<String> = emulator
        .organization()
        .accounts()
        .iter()
        .map(|a| a.id().to_string())
        .collect();
    let window = six_hours();
    for (table, columns) in [
        (
            "workspaces_pool_metrics",
            "region, account_id, pool_id, metric_name, timestamp, maximum",
        ),
        (
            "workspaces_metrics",
            "region, account_id, workspace_id, metric_name, timestamp, sum",
        ),
    ] {
        let sql = format!(
            "SELECT {columns} FROM {table} WHERE {window} AND metric_name IN ('UserSessionsCapacityUtilization', 'UserConnected')"
        );
        let every = rows(settings(&emulator, Accounts::Organization), &sql).await;
        let mut union = Vec::new();
        for id in &ids {
            let one = rows(
                settings(&emulator, Accounts::Listed(vec![id.clone()])),
                &sql,
            )
            .await;
            assert!(
                one.iter().all(|r| r.split('|').nth(1) == Some(id.as_str())),
                "{table}"
            );
            union.extend(one);
        }
        union.sort();
        assert_eq!(every, union, "{table}");
        let accounts: BTreeSet<&str> = every.iter().filter_map(|r| r.split('|').nth(1)).collect();
        let regions: BTreeSet<&str> = every.iter().filter_map(|r| r.split('|').next()).collect();
        assert_eq!(
            accounts.len(),
            ids.len(),
            "{table}: every account has metrics"
        );
        assert_eq!(
            regions.len(),
            REGIONS.len(),
            "{table}: every region has metrics"
        );
    }

    // An account predicate calls CloudWatch in that account only.
    emulator.clear_request_log();
    let member = &ids[1];
    let one = rows(
        settings(&emulator, Accounts::Organization),
        &format!("SELECT account_id FROM workspaces_pool_metrics WHERE account_id = '{member}' AND {window}"),
    )
    .await;
    assert!(!one.is_empty() && one.iter().all(|r| r == member));
    let called: BTreeSet<String> = emulator
        .request_log()
        .iter()
        .filter(|r| r.operation == GET_METRIC_DATA)
        .map(|r| r.account.clone())
        .collect();
    assert_eq!(called, BTreeSet::from([member.clone()]));
}
