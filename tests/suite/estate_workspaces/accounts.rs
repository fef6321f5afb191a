//! The eight tables over an organization: each answers the union of what its accounts answer
//! alone, `account_id` picks the accounts called, and on the demo organization each has rows.

use datafusion::prelude::SessionContext;
use wsql::{Accounts, AssumeRole, AwsSettings, Library};
use wsql_emulator::DEFAULT_ROLE_NAME;

use super::{REGIONS, TABLES, every_account, organization};
use crate::support::command::Wsql;
use crate::support::{Harness, sorted_rows};

/// A session of its own over the emulator of `h`, reading the `accounts` listed.
fn session_for(h: &Harness, accounts: Vec<String>) -> SessionContext {
    let settings = AwsSettings {
        assume_role: Some(AssumeRole {
            role_name: DEFAULT_ROLE_NAME.to_string(),
            accounts: Accounts::Listed(accounts),
            external_id: None,
        }),
        ..AwsSettings::emulator(h.emulator.endpoint_url(), REGIONS)
    };
    let ctx = SessionContext::new();
    Library::new(settings).register(&ctx).expect("registers");
    ctx
}

/// Every row of `sql` in `ctx`, sorted.
async fn rows(ctx: &SessionContext, sql: &str) -> Vec<String> {
    let frame = ctx.sql(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    let batches = frame
        .collect()
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    sorted_rows(&batches)
}

#[tokio::test]
async fn every_table_answers_the_union_of_its_accounts() {
    let h = every_account(organization(41, 3, 40)).await;
    let ids: Vec<String> = h
        .emulator
        .organization()
        .accounts()
        .iter()
        .map(|a| a.id().to_string())
        .collect();
    for (table, _) in TABLES {
        let sql = format!("SELECT * FROM {table}");
        let every = h.rows(&sql).await;
        assert!(!every.is_empty(), "{table} has rows");
        let mut union = Vec::new();
        for id in &ids {
            let one = rows(&session_for(&h, vec![id.clone()]), &sql).await;
            assert!(
                one.iter().all(|r| r.split('|').nth(1) == Some(id.as_str())),
                "{table}: account_id is the account read"
            );
            assert!(!one.is_empty(), "{table}: every account has rows");
            union.extend(one);
        }
        union.sort();
        assert_eq!(every, union, "{table}: the organization's answer");
    }
}

#[tokio::test]
async fn account_id_calls_only_that_account() {
    let h = every_account(organization(42, 3, 20)).await;
    let member = h.emulator.organization().accounts()[2].id().to_string();
    for (table, operation) in TABLES {
        let (rows, _) = h
            .equivalent(table, operation, &format!("account_id = '{member}'"))
            .await;
        assert!(!rows.is_empty(), "{table}");
        h.clear();
        h.rows(&format!(
            "SELECT * FROM {table} WHERE account_id = '{member}'"
        ))
        .await;
        let read: Vec<String> = h
            .emulator
            .request_log()
            .iter()
            .filter(|c| c.service == "workspaces")
            .map(|c| c.account.clone())
            .collect();
        assert!(!read.is_empty());
        assert!(read.iter().all(|a| *a == member), "{table}: {read:?}");
    }
}

#[test]
fn every_table_has_rows_on_the_demo() {
    let mut wsql = Wsql::new().args(["--demo", "--quiet", "--format", "csv"]);
    for (table, _) in TABLES {
        wsql = wsql.args([
            "-c",
            &format!("SELECT '{table}' AS t, count(*) AS n FROM {table}"),
        ]);
    }
    let run = wsql.run().success();
    let counts: Vec<(String, i64)> = run
        .stdout
        .lines()
        .filter(|line| *line != "t,n")
        .filter_map(|line| {
            let (table, n) = line.split_once(',')?;
            Some((table.to_string(), n.parse().ok()?))
        })
        .collect();
    assert_eq!(counts.len(), TABLES.len(), "{}", run.stdout);
    for (table, n) in &counts {
        assert!(*n > 0, "{table} is empty on the demo");
    }
}
