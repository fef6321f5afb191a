//! `workspaces_image_imports`: one row per imported image in whatever state, none for an image
//! that was not imported (the service's `ResourceNotFoundException`); one call per image named,
//! listed (own images only) or held by a join's build side.

use super::{IMAGES, IMPORTS, one_account, own_images};
use crate::support::{body_strings, quoted};

#[tokio::test]
async fn every_import_of_the_account_and_no_row_for_other_images() {
    let h = one_account().await;
    let own = own_images(&h);
    let mut expected: Vec<String> = own
        .imports
        .iter()
        .map(|i| format!("{}|{}|{}", i.image_id, i.state, i.progress_percentage))
        .collect();
    expected.sort();
    assert!(
        expected.len() >= 2,
        "a running and a failed import at least"
    );
    assert!(
        own.images.len() > own.imports.len(),
        "and images never imported"
    );
    h.clear();
    let rows = h
        .rows("SELECT image_id, state, progress_percentage FROM workspaces_image_imports")
        .await;
    assert_eq!(rows, expected);
    assert_eq!(h.calls(IMAGES).len(), 1, "the own images listed");
    let calls = h.calls(IMPORTS);
    assert_eq!(calls.len(), own.images.len(), "one call per image");
    let not_found = calls.iter().filter(|c| c.status == 400).count();
    assert_eq!(not_found, own.images.len() - own.imports.len());
    let reference = h
        .rows("SELECT image_id, state, progress_percentage FROM workspaces_image_imports_reference")
        .await;
    assert_eq!(rows, reference);
}

#[tokio::test]
async fn named_images_make_one_call_each() {
    let h = one_account().await;
    let own = own_images(&h);
    let imported = own.imports[0].image_id.clone();
    let never = own
        .images
        .iter()
        .find(|i| own.import_of(&i.image_id).is_none())
        .expect("an image never imported")
        .image_id
        .clone();
    let (rows, calls) = h
        .equivalent(
            "workspaces_image_imports",
            IMPORTS,
            &format!("image_id IN ({})", quoted(&[imported.clone(), never])),
        )
        .await;
    assert_eq!(rows.len(), 1);
    assert!(rows[0].contains(&imported));
    assert_eq!(calls.len(), 2);
    h.clear();
    h.rows(&format!(
        "SELECT * FROM workspaces_image_imports WHERE image_id = '{imported}'"
    ))
    .await;
    assert!(h.calls(IMAGES).is_empty());
}

#[tokio::test]
async fn a_failed_import_says_why() {
    let h = one_account().await;
    let own = own_images(&h);
    let failed = own
        .imports
        .iter()
        .find(|i| i.state == "ERROR")
        .expect("a failed import");
    let codes: Vec<String> = failed
        .error_details
        .iter()
        .flatten()
        .map(|d| d.error_code.clone())
        .collect();
    let rows = h
        .strings(&format!(
            "SELECT d['error_code'] FROM (SELECT unnest(error_details) AS d \
             FROM workspaces_image_imports WHERE image_id = '{}') ORDER BY 1",
            failed.image_id
        ))
        .await;
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(rows, sorted);
    assert!(!rows.is_empty());
}

#[tokio::test]
async fn a_join_on_failed_images_calls_only_them() {
    let h = one_account().await;
    let own = own_images(&h);
    let failed: Vec<String> = own
        .images
        .iter()
        .filter(|i| i.state == "ERROR")
        .map(|i| i.image_id.clone())
        .collect();
    assert_eq!(failed.len(), 1);
    let sql = |suffix: &str| {
        format!(
            "SELECT i.name, m.state, m.state_message FROM workspaces_images{suffix} i \
             JOIN workspaces_image_imports{suffix} m ON m.image_id = i.image_id \
             WHERE i.state = 'ERROR'"
        )
    };
    let reference = h.rows(&sql("_reference")).await;
    assert_eq!(reference.len(), 1);
    h.clear();
    assert_eq!(h.rows(&sql("")).await, reference);
    let called: Vec<String> = h
        .calls(IMPORTS)
        .iter()
        .flat_map(|c| body_strings(c, "ImageId"))
        .collect();
    assert_eq!(called, failed);
}
