//! `workspaces_images`: both lists asked for by type, ids in chunks of 25 with each type, the
//! type alone, `LIMIT` as `MaxResults`, a join from the bundles, impossible values without a call.

use std::collections::BTreeSet;

use serde_json::json;
use wsql_emulator::images::{ImageCatalog, image_type};

use super::{IMAGES, one_account, organization, own_images};
use crate::accounts::org::REGIONS;
use crate::support::{BUNDLES, body_strings, quoted};

#[tokio::test]
async fn every_account_lists_its_own_images_and_those_shared_with_it() {
    let h = organization().await;
    let catalog = ImageCatalog::of_organization(h.emulator.organization());
    let mut expected = Vec::new();
    for account in h.emulator.organization().accounts() {
        for region in REGIONS {
            for image in catalog.visible(account.id(), region) {
                expected.push(format!(
                    "{}|{region}|{}|{}|{}",
                    account.id(),
                    image.image_id,
                    image_type(&image, account.id()),
                    image.owner_account_id
                ));
            }
        }
    }
    expected.sort();
    assert!(expected.iter().any(|r| r.contains("|SHARED|")));
    h.clear();
    let rows = h
        .rows("SELECT account_id, region, image_id, image_type, owner_account_id FROM workspaces_images")
        .await;
    assert_eq!(rows, expected);
    // Two lists (OWNED, SHARED) of one page each, in each of 3 accounts × 2 regions.
    let calls = h.calls(IMAGES);
    assert_eq!(calls.len(), 2 * 3 * 2);
    let types: BTreeSet<String> = calls
        .iter()
        .flat_map(|c| body_strings(c, "ImageType"))
        .collect();
    assert_eq!(types, BTreeSet::from(["OWNED".into(), "SHARED".into()]));
}

#[tokio::test]
async fn image_ids_go_25_a_request_with_each_type() {
    let h = one_account().await;
    let real: Vec<String> = own_images(&h)
        .images
        .iter()
        .map(|i| i.image_id.clone())
        .collect();
    assert_eq!(real.len(), 5);
    // Ids the model allows but no image has, to make two chunks.
    let mut ids = real.clone();
    ids.extend((0..25).map(|i| format!("wsi-nothing{i:02}")));
    let (rows, calls) = h
        .equivalent(
            "workspaces_images",
            IMAGES,
            &format!("image_id IN ({})", quoted(&ids)),
        )
        .await;
    assert_eq!(rows.len(), 5);
    let mut shapes: Vec<(usize, String)> = calls
        .iter()
        .map(|c| {
            (
                body_strings(c, "ImageIds").len(),
                body_strings(c, "ImageType").concat(),
            )
        })
        .collect();
    shapes.sort();
    assert_eq!(
        shapes,
        vec![
            (5, "OWNED".to_string()),
            (5, "SHARED".to_string()),
            (25, "OWNED".to_string()),
            (25, "SHARED".to_string())
        ]
    );
    let (rows, calls) = h
        .equivalent(
            "workspaces_images",
            IMAGES,
            &format!("image_id = '{}' AND image_type = 'OWNED'", real[0]),
        )
        .await;
    assert_eq!(rows.len(), 1);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["ImageIds"], json!([real[0]]));
}

#[tokio::test]
async fn the_image_type_is_one_chain_per_type() {
    let h = organization().await;
    let (rows, calls) = h
        .equivalent("workspaces_images", IMAGES, "image_type = 'SHARED'")
        .await;
    assert!(!rows.is_empty());
    assert_eq!(calls.len(), 3 * 2, "one chain per account and region");
    assert!(calls.iter().all(|c| c.body["ImageType"] == json!("SHARED")));
    let (both, calls) = h
        .equivalent(
            "workspaces_images",
            IMAGES,
            "image_type IN ('OWNED', 'SHARED')",
        )
        .await;
    assert_eq!(calls.len(), 2 * 3 * 2);
    assert!(both.len() > rows.len());
}

#[tokio::test]
async fn limit_is_sent_as_max_results() {
    let h = one_account().await;
    h.clear();
    let rows = h
        .rows("SELECT * FROM workspaces_images WHERE image_type = 'OWNED' LIMIT 2")
        .await;
    assert_eq!(rows.len(), 2);
    let calls = h.calls(IMAGES);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["MaxResults"], json!(2));
}

#[tokio::test]
async fn impossible_values_make_no_call() {
    let h = one_account().await;
    for condition in [
        "image_id = 'wsi-short'",
        "image_id IN ('ami-0123456789', 'WSI-ABCDEFGHI')",
        "image_type = 'owned'",
        "image_type = 'AMAZON'",
        "image_id = 'wsi-aaaaaaaaa' AND image_id = 'wsi-bbbbbbbbb'",
    ] {
        let (rows, _) = h.equivalent("workspaces_images", IMAGES, condition).await;
        assert!(rows.is_empty(), "{condition}");
        h.clear();
        h.rows(&format!(
            "SELECT * FROM workspaces_images WHERE {condition}"
        ))
        .await;
        assert_eq!(h.all_calls(), 0, "{condition} made calls");
    }
}

#[tokio::test]
async fn a_join_from_a_bundle_asks_only_for_its_image() {
    let h = one_account().await;
    let own = own_images(&h);
    let bundle = h
        .emulator
        .fleet()
        .bundles(crate::support::REGION)
        .iter()
        .find(|b| b.owner.as_deref() == Some(h.emulator.fleet().account_id()))
        .expect("an own bundle")
        .clone();
    let image = bundle.image_id.clone().expect("its image");
    assert!(own.image(&image).is_some());
    let sql = |suffix: &str| {
        format!(
            "SELECT b.bundle_id, i.image_id, i.name, i.image_type FROM workspaces_bundles{suffix} b \
             JOIN workspaces_images{suffix} i ON i.image_id = b.image_id WHERE b.bundle_id = '{}'",
            bundle.bundle_id
        )
    };
    let reference = h.rows(&sql("_reference")).await;
    assert_eq!(reference.len(), 1);
    h.clear();
    assert_eq!(h.rows(&sql("")).await, reference);
    assert_eq!(h.calls(BUNDLES).len(), 1);
    let calls = h.calls(IMAGES);
    assert_eq!(calls.len(), 2, "the join's one image, with each type");
    assert!(
        calls
            .iter()
            .all(|c| body_strings(c, "ImageIds") == vec![image.clone()])
    );
}
