//! Many accounts: each image table over the organization answers the union of what each account
//! alone answers, and what one account shares is what the others see as shared with them.

use wsql::Accounts;

use super::organization;
use crate::accounts::org::{self, account_ids, rows, session, settings, start};

const TABLES: &[&str] = &[
    "workspaces_images",
    "workspaces_image_permissions",
    "workspaces_image_imports",
    "workspaces_image_associations",
    "workspaces_bundle_associations",
];

#[tokio::test]
async fn every_image_table_answers_the_union_of_its_accounts() {
    let emulator = start(org::organization(44, 3, 12)).await;
    let ids = account_ids(&emulator);
    let all = session(settings(&emulator, Accounts::Organization));
    for table in TABLES {
        let sql = format!("SELECT * FROM {table}");
        let (every, report) = rows(&all, &sql).await;
        let mut union = Vec::new();
        for id in &ids {
            let one = session(settings(&emulator, Accounts::Listed(vec![id.clone()])));
            let (rows, _) = rows(&one, &sql).await;
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
}

#[tokio::test]
async fn what_an_account_shares_is_what_the_others_see_as_shared() {
    let h = organization().await;
    let shared_seen = h
        .rows(
            "SELECT account_id, region, image_id, owner_account_id FROM workspaces_images \
             WHERE image_type = 'SHARED'",
        )
        .await;
    let granted = h
        .rows(
            "SELECT p.shared_account_id, p.region, p.image_id, p.account_id \
             FROM workspaces_image_permissions p \
             WHERE p.shared_account_id IN (SELECT DISTINCT account_id FROM workspaces_images)",
        )
        .await;
    assert!(!shared_seen.is_empty());
    assert_eq!(shared_seen, granted);
    let outside = h
        .number(
            "SELECT count(*) FROM workspaces_image_permissions \
             WHERE shared_account_id NOT IN (SELECT DISTINCT account_id FROM workspaces_images)",
        )
        .await;
    assert_eq!(outside, 3 * 2, "each account's partner, in each region");
}
