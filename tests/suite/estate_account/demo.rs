//! Every table answers `SELECT count(*)` on the demo organization, through the library with the
//! demo's own settings (the role assumed in each account of the organization).

use wsql::cli::demo::Demo;

use crate::accounts::org::{rows, session};
use crate::estate_account::TABLES;
use crate::support::scan_of;

#[tokio::test]
async fn every_table_counts_rows_on_the_demo_organization() {
    let demo = Demo::start(&[]).await.expect("the demo starts");
    let ctx = session(demo.settings());
    let mut counts = Vec::new();
    for table in TABLES {
        let (answer, report) =
            rows(&ctx, &format!("SELECT count(*) FROM {}", scan_of(table))).await;
        let count: i64 = answer[0].parse().expect("a count");
        assert!(count > 0, "{table} is empty on the demo");
        let accounts = report
            .scans
            .iter()
            .filter_map(|s| s.account.clone())
            .count();
        assert!(accounts >= 3, "{table}: every account read, {accounts}");
        counts.push(format!("{table}: {count}"));
    }
    println!("{}", counts.join("\n"));
    // Three regions, three accounts: one row each.
    let (accounts, _) = rows(&ctx, "SELECT count(*) FROM workspaces_account").await;
    assert_eq!(accounts, ["9"]);
}
