//! Over every account of an organization, each table answers the union of what each account
//! alone answers, and the account links agree across accounts: each link is listed by both of
//! its accounts.

use wsql::Accounts;

use crate::accounts::org::{
    account_ids, assert_union_of_accounts, organization, rows, session, settings, start,
};
use crate::estate_account::TABLES;
use crate::support::scan_of;

#[tokio::test]
async fn every_table_answers_the_union_of_its_accounts() {
    let emulator = start(organization(41, 4, 6)).await;
    for table in TABLES {
        let sql = format!("SELECT * FROM {}", scan_of(table));
        assert_union_of_accounts(&emulator, table, &sql).await;
    }
}

#[tokio::test]
async fn each_link_is_listed_by_both_its_accounts() {
    let emulator = start(organization(42, 5, 2)).await;
    let ids = account_ids(&emulator);
    let ctx = session(settings(&emulator, Accounts::Organization));
    let (links, _) = rows(
        &ctx,
        "SELECT account_id, account_link_id, source_account_id, target_account_id \
         FROM workspaces_account_links WHERE region = 'us-east-1'",
    )
    .await;
    assert_eq!(links.len(), 2 * (ids.len() - 1), "{links:?}");
    for link in &links {
        let fields: Vec<&str> = link.split('|').collect();
        let (account, source, target) = (fields[0], fields[2], fields[3]);
        assert_eq!(source, ids[0], "the management account is the source");
        assert!(account == source || account == target, "{link}");
        let other = if account == source { target } else { source };
        let mirrored = format!("{other}|{}|{source}|{target}", fields[1]);
        assert!(links.contains(&mirrored), "{mirrored} in {links:?}");
    }
    let (byol, _) = rows(
        &ctx,
        "SELECT a.account_id, a.dedicated_tenancy_account_type, l.account_link_status \
         FROM workspaces_account a JOIN workspaces_account_links l \
           ON l.target_account_id = a.account_id AND l.account_id = a.account_id \
          AND l.region = a.region \
         WHERE a.region = 'us-east-1'",
    )
    .await;
    assert_eq!(byol.len(), ids.len() - 1);
    for row in byol {
        let linked = row.ends_with("|LINKED");
        assert_eq!(row.contains("|TARGET_ACCOUNT|"), linked, "{row}");
    }
}
