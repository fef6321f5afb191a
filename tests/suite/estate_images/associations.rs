//! `workspaces_image_associations` and `workspaces_bundle_associations`: every type of the model
//! asked for without a predicate, the types a predicate allows otherwise, no call for a type the
//! operation cannot have; parents listed (own images; every bundle, Amazon's included), named or
//! joined.

use std::collections::BTreeSet;

use serde_json::json;

use super::{BUNDLE_ASSOCIATIONS, IMAGE_ASSOCIATIONS, IMAGES, one_account, own_images};
use crate::support::{BUNDLES, REGION, body_strings};

#[tokio::test]
async fn image_associations_of_every_own_image() {
    let h = one_account().await;
    let own = own_images(&h);
    let mut expected: Vec<String> = own
        .image_associations
        .iter()
        .map(|a| format!("{}|{}|{}", a.image_id, a.associated_resource_id, a.state))
        .collect();
    expected.sort();
    assert!(!expected.is_empty());
    for condition in ["true", "associated_resource_type = 'APPLICATION'"] {
        let (rows, calls) = h
            .equivalent(
                "workspaces_image_associations",
                IMAGE_ASSOCIATIONS,
                condition,
            )
            .await;
        assert_eq!(rows.len(), expected.len(), "{condition}");
        assert_eq!(
            calls.len(),
            own.images.len(),
            "{condition}: one call per own image"
        );
        assert!(
            calls
                .iter()
                .all(|c| c.body["AssociatedResourceTypes"] == json!(["APPLICATION"])),
            "{condition}"
        );
    }
    let rows = h
        .rows("SELECT image_id, associated_resource_id, state FROM workspaces_image_associations")
        .await;
    assert_eq!(rows, expected);
}

#[tokio::test]
async fn a_type_the_operation_cannot_have_makes_no_call() {
    let h = one_account().await;
    for (table, condition) in [
        (
            "workspaces_image_associations",
            "associated_resource_type = 'BUNDLE'",
        ),
        (
            "workspaces_image_associations",
            "associated_resource_type = 'application'",
        ),
        (
            "workspaces_image_associations",
            "image_id = 'wsb-abcdefghi'",
        ),
        (
            "workspaces_bundle_associations",
            "associated_resource_type = 'IMAGE'",
        ),
        (
            "workspaces_bundle_associations",
            "bundle_id = 'wsi-abcdefghi'",
        ),
    ] {
        let operation = match table {
            "workspaces_image_associations" => IMAGE_ASSOCIATIONS,
            _ => BUNDLE_ASSOCIATIONS,
        };
        let (rows, _) = h.equivalent(table, operation, condition).await;
        assert!(rows.is_empty(), "{condition}");
        h.clear();
        h.rows(&format!("SELECT * FROM {table} WHERE {condition}"))
            .await;
        assert_eq!(h.all_calls(), 0, "{table} WHERE {condition}");
    }
}

#[tokio::test]
async fn bundle_associations_of_every_bundle_amazons_included() {
    let h = one_account().await;
    let own = own_images(&h);
    let bundles = h.emulator.fleet().bundles(REGION);
    let mut expected: Vec<String> = own
        .bundle_associations
        .iter()
        .map(|a| format!("{}|{}", a.bundle_id, a.associated_resource_id))
        .collect();
    expected.sort();
    assert!(!expected.is_empty());
    let (rows, calls) = h
        .equivalent(
            "workspaces_bundle_associations",
            BUNDLE_ASSOCIATIONS,
            "true",
        )
        .await;
    assert_eq!(rows.len(), expected.len());
    let called: BTreeSet<String> = calls
        .iter()
        .flat_map(|c| body_strings(c, "BundleId"))
        .collect();
    let every: BTreeSet<String> = bundles.iter().map(|b| b.bundle_id.clone()).collect();
    assert_eq!(
        called, every,
        "one call per bundle, the account's and Amazon's"
    );
    assert_eq!(calls.len(), every.len());
    h.clear();
    let got = h
        .rows("SELECT bundle_id, associated_resource_id FROM workspaces_bundle_associations")
        .await;
    assert_eq!(got, expected);
    assert_eq!(h.calls(BUNDLES).len(), 2, "the account's list and Amazon's");
}

#[tokio::test]
async fn named_or_joined_parents_are_the_only_ones_called() {
    let h = one_account().await;
    let own = own_images(&h);
    let image = own.image_associations[0].image_id.clone();
    h.clear();
    let rows = h
        .rows(&format!(
            "SELECT * FROM workspaces_image_associations WHERE image_id = '{image}'"
        ))
        .await;
    assert!(!rows.is_empty());
    assert!(h.calls(IMAGES).is_empty());
    assert_eq!(h.calls(IMAGE_ASSOCIATIONS).len(), 1);

    let associated = own.bundle_associations[0].bundle_id.clone();
    let name = h
        .emulator
        .fleet()
        .bundles(REGION)
        .iter()
        .find(|b| b.bundle_id == associated)
        .and_then(|b| b.name.clone())
        .expect("a named bundle");
    let sql = |suffix: &str| {
        format!(
            "SELECT b.bundle_id, a.associated_resource_id FROM workspaces_bundles{suffix} b \
             JOIN workspaces_bundle_associations{suffix} a ON a.bundle_id = b.bundle_id \
             WHERE b.name = '{name}'"
        )
    };
    let reference = h.rows(&sql("_reference")).await;
    assert_eq!(
        reference.len(),
        own.bundle_associations
            .iter()
            .filter(|a| a.bundle_id == associated)
            .count()
    );
    h.clear();
    assert_eq!(h.rows(&sql("")).await, reference);
    let called: Vec<String> = h
        .calls(BUNDLE_ASSOCIATIONS)
        .iter()
        .flat_map(|c| body_strings(c, "BundleId"))
        .collect();
    assert_eq!(called, vec![associated], "only the build side's bundle");
}
