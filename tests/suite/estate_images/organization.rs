//! Many accounts: each image table over the organization answers the union of what each account
//! alone answers, and what one account shares is what the others see as shared with them.

use super::organization;
use crate::accounts::org::{self, assert_union_of_accounts, start};

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
    for table in TABLES {
        assert_union_of_accounts(&emulator, table, &format!("SELECT * FROM {table}")).await;
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
