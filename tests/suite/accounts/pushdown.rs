//! `account_id = 'x'`, `IN (...)` and OR-chains choose the accounts called, composing with
//! `region`; an account that is not read answers no rows without a WorkSpaces call. Answers equal
//! the answers filtered after the fact.

use wsql::Accounts;

use crate::accounts::org::{
    account_ids, organization, rows, session, settings, start, workspaces_calls,
};

#[tokio::test]
async fn account_predicates_call_only_those_accounts() {
    let emulator = start(organization(31, 4, 30)).await;
    let ids = account_ids(&emulator);
    let ctx = session(settings(&emulator, Accounts::Organization));
    let (all, _) = rows(
        &ctx,
        "SELECT account_id, region, pool_id FROM workspaces_pools",
    )
    .await;
    let filtered = |accounts: &[&str], region: Option<&str>| -> Vec<String> {
        all.iter()
            .filter(|r| {
                let mut cells = r.split('|');
                let (account, row_region) = (cells.next(), cells.next());
                accounts.iter().any(|a| Some(*a) == account)
                    && region.is_none_or(|g| Some(g) == row_region)
            })
            .cloned()
            .collect()
    };
    let cases: Vec<(String, Vec<&str>, Option<&str>)> = vec![
        (format!("account_id = '{}'", ids[1]), vec![&ids[1]], None),
        (
            format!("account_id IN ('{}', '{}')", ids[0], ids[2]),
            vec![&ids[0], &ids[2]],
            None,
        ),
        (
            format!("(account_id = '{}' OR account_id = '{}')", ids[3], ids[1]),
            vec![&ids[3], &ids[1]],
            None,
        ),
        (
            format!("account_id = '{}' AND region = 'eu-west-1'", ids[2]),
            vec![&ids[2]],
            Some("eu-west-1"),
        ),
    ];
    for (condition, accounts, region) in cases {
        emulator.clear_request_log();
        let (answer, _) = rows(
            &ctx,
            &format!("SELECT account_id, region, pool_id FROM workspaces_pools WHERE {condition}"),
        )
        .await;
        assert_eq!(answer, filtered(&accounts, region), "WHERE {condition}");
        let log = emulator.request_log();
        let calls = workspaces_calls(&log);
        assert!(!calls.is_empty());
        for call in &calls {
            assert!(
                accounts.contains(&call.account.as_str()),
                "WHERE {condition} called account {}",
                call.account
            );
            assert!(region.is_none_or(|r| r == call.region), "WHERE {condition}");
        }
        // 30 pools are two pages: one chain per (account, region) called.
        let targets = accounts.len() * region.map_or(2, |_| 1);
        assert_eq!(calls.len(), 2 * targets, "WHERE {condition}");
    }

    emulator.clear_request_log();
    let (none, _) = rows(
        &ctx,
        "SELECT * FROM workspaces_pools WHERE account_id = '999999999999'",
    )
    .await;
    assert!(none.is_empty());
    assert!(
        workspaces_calls(&emulator.request_log()).is_empty(),
        "an account that is not read makes no WorkSpaces call"
    );
    let (impossible, _) = rows(
        &ctx,
        "SELECT * FROM workspaces_bundles WHERE account_id = 'not-an-account'",
    )
    .await;
    assert!(impossible.is_empty());
    assert!(workspaces_calls(&emulator.request_log()).is_empty());
}

#[tokio::test]
async fn one_account_of_many_makes_only_that_accounts_calls() {
    let emulator = start(organization(32, 5, 60)).await;
    let ids = account_ids(&emulator);
    let ctx = session(settings(&emulator, Accounts::Organization));
    emulator.clear_request_log();
    let (count, report) = rows(
        &ctx,
        &format!(
            "SELECT count(*) FROM workspaces_pools WHERE account_id = '{}'",
            ids[3]
        ),
    )
    .await;
    assert_eq!(count, ["120"]);
    let log = emulator.request_log();
    let assumed: Vec<&str> = log
        .iter()
        .filter(|r| r.operation == "AssumeRole")
        .map(|r| r.account.as_str())
        .collect();
    assert_eq!(
        assumed,
        [ids[3].as_str()],
        "the role is assumed in that account only"
    );
    assert_eq!(
        workspaces_calls(&log).len(),
        2 * 3,
        "two regions of 3 pages"
    );
    assert_eq!(report.api_calls(), 6);
    let progress: Vec<(usize, usize, bool)> = report
        .accounts
        .iter()
        .map(|a| (a.done, a.total, a.listed))
        .collect();
    assert_eq!(
        progress,
        [(1, 1, true)],
        "the accounts a scan reads are those its predicates want"
    );
}
