//! Every table over every account of the organization answers the union of what each account
//! alone answers, with `account_id` naming the account a row came from.

use wsql::{Accounts, AccountsProgress};

use crate::accounts::org::{
    assert_union_of_accounts, organization, rows, session, settings, start,
};

const TABLES: &[&str] = &[
    "workspaces_pools",
    "workspaces_pool_sessions",
    "workspaces_directories",
    "workspaces_bundles",
    "workspaces",
];

#[tokio::test]
async fn every_table_answers_the_union_of_its_accounts() {
    let emulator = start(organization(21, 3, 12)).await;
    for table in TABLES {
        assert_union_of_accounts(&emulator, table, &format!("SELECT * FROM {table}")).await;
    }
}

#[tokio::test]
async fn a_summary_per_account_and_region_counts_each_account_alone() {
    let emulator = start(organization(22, 4, 7)).await;
    let ctx = session(settings(&emulator, Accounts::Organization));
    let (counts, report) = rows(
        &ctx,
        "SELECT account_id, region, count(*) FROM workspaces_pools GROUP BY 1, 2",
    )
    .await;
    assert_eq!(counts.len(), 4 * 2, "{counts:?}");
    assert_eq!(
        report.accounts,
        [AccountsProgress {
            table: "workspaces_pools",
            done: 4,
            total: 4,
            listed: true
        }],
        "the progress line's accounts done of total"
    );
    for (account, fleet) in emulator
        .organization()
        .accounts()
        .iter()
        .map(|a| (a.id(), &a.fleet))
    {
        for region in crate::accounts::org::REGIONS {
            let expected = format!("{account}|{region}|{}", fleet.pools(region).len());
            assert!(counts.contains(&expected), "{expected} in {counts:?}");
        }
    }
}
