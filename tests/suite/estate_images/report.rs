//! `image_inventory`: every image oldest first, with the bundles built on it and the accounts
//! it is shared with, as the fleet holds them, and as the same SQL over the no-pushdown tables.

use std::collections::BTreeMap;

use wsql_emulator::images::{ImageCatalog, image_type};

use super::{PERMISSIONS, organization};
use crate::accounts::org::REGIONS;
use crate::support::body_strings;

fn report_sql() -> String {
    std::fs::read_to_string(format!(
        "{}/queries/image_inventory.sql",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("the report exists")
}

/// `["a","b"]` as the library prints a list, or NULL for none.
fn list(values: &[String]) -> String {
    match values.is_empty() {
        true => "NULL".to_string(),
        false => format!("[{}]", values.join(", ")),
    }
}

#[tokio::test]
async fn image_inventory_lists_each_image_with_its_bundles_and_shares() {
    let h = organization().await;
    let sql = report_sql();
    assert!(sql.starts_with("-- "), "opens with its description");
    let organization = h.emulator.organization();
    let catalog = ImageCatalog::of_organization(organization);
    let mut expected = Vec::new();
    for account in organization.accounts() {
        for region in REGIONS {
            let own = catalog.owned(account.id(), region);
            let mut bundles: BTreeMap<&str, Vec<String>> = BTreeMap::new();
            for bundle in account.fleet.bundles(region) {
                if let Some(image) = bundle.image_id.as_deref() {
                    bundles
                        .entry(image)
                        .or_default()
                        .push(bundle.bundle_id.clone());
                }
            }
            for image in catalog.visible(account.id(), region) {
                let mut built = bundles
                    .get(image.image_id.as_str())
                    .cloned()
                    .unwrap_or_default();
                built.sort();
                let mut shared: Vec<String> = own
                    .shared_accounts(&image.image_id)
                    .into_iter()
                    .map(String::from)
                    .collect();
                shared.sort();
                expected.push(format!(
                    "{}|{region}|{}|{}|{}|{}|{}|{}|{}",
                    account.id(),
                    image.image_id,
                    image.name,
                    image_type(&image, account.id()),
                    image.state,
                    built.len(),
                    list(&built),
                    list(&shared)
                ));
            }
        }
    }
    expected.sort();
    let wrapped = |from: &str| {
        format!(
            "SELECT account_id, region, image_id, name, image_type, state, bundles, bundle_ids, shared_with \
             FROM ({})",
            from.trim().trim_end_matches(';')
        )
    };
    h.clear();
    let rows = h.rows(&wrapped(&sql)).await;
    assert_eq!(rows, expected);
    // The join on (account_id, region, image_id) has each target call only its own images'
    // permissions: the images its build side holds for that account and region.
    let mut called: Vec<String> = h
        .calls(PERMISSIONS)
        .iter()
        .flat_map(|c| {
            body_strings(c, "ImageId")
                .into_iter()
                .map(|image| format!("{}|{}|{image}", c.account, c.region))
        })
        .collect();
    called.sort();
    let mut visible: Vec<String> = expected
        .iter()
        .map(|row| row.split('|').take(3).collect::<Vec<_>>().join("|"))
        .collect();
    visible.sort();
    assert_eq!(called, visible);
    assert!(
        rows.iter().any(|r| r.contains("|2|[")),
        "an image with two bundles"
    );

    // Oldest first, and the same answer without pushdown.
    let created = h.strings(&sql).await;
    let mut sorted = created.clone();
    sorted.sort();
    assert_eq!(created, sorted);
    let reference = sql
        .replace(
            "FROM workspaces_bundles\n",
            "FROM workspaces_bundles_reference\n",
        )
        .replace(
            "FROM workspaces_image_permissions\n",
            "FROM workspaces_image_permissions_reference\n",
        )
        .replace(
            "FROM workspaces_images i",
            "FROM workspaces_images_reference i",
        );
    assert_eq!(reference.matches("_reference").count(), 3);
    assert_eq!(h.rows(&reference).await, h.rows(&sql).await);
}
