//! `workspaces_image_permissions`: without a predicate the account's own images are listed (not
//! the ones shared with it) and each is called; named images are called without a listing; a
//! join calls only the build side's images; `LIMIT` is `MaxResults`; an image shared with the
//! account has no permissions it may read.

use serde_json::json;

use super::{IMAGES, PERMISSIONS, one_account, organization, own_images, owned};
use crate::support::{REGION, body_strings, quoted};

#[tokio::test]
async fn without_an_image_the_own_images_are_listed_then_each_is_called() {
    let h = one_account().await;
    let own = own_images(&h);
    let mut expected: Vec<String> = own
        .permissions
        .iter()
        .flat_map(|(image, accounts)| accounts.iter().map(move |a| format!("{image}|{a}")))
        .collect();
    expected.sort();
    assert!(
        !expected.is_empty(),
        "the first image is shared with a partner"
    );
    h.clear();
    let rows = h
        .rows("SELECT image_id, shared_account_id FROM workspaces_image_permissions")
        .await;
    assert_eq!(rows, expected);
    let listing = h.calls(IMAGES);
    assert_eq!(listing.len(), 1, "one listing: the account's own images");
    assert_eq!(listing[0].body["ImageType"], json!("OWNED"));
    let mut called: Vec<String> = h
        .calls(PERMISSIONS)
        .iter()
        .flat_map(|c| body_strings(c, "ImageId"))
        .collect();
    called.sort();
    let mut images: Vec<String> = own.images.iter().map(|i| i.image_id.clone()).collect();
    images.sort();
    assert_eq!(called, images, "one call per own image");
    let reference = h
        .rows("SELECT image_id, shared_account_id FROM workspaces_image_permissions_reference")
        .await;
    assert_eq!(rows, reference);
}

#[tokio::test]
async fn named_images_are_called_without_a_listing() {
    let h = one_account().await;
    let own = own_images(&h);
    let shared = own
        .permissions
        .keys()
        .next()
        .expect("a shared image")
        .clone();
    let unshared = own
        .images
        .iter()
        .find(|i| !own.permissions.contains_key(&i.image_id))
        .expect("an unshared image")
        .image_id
        .clone();
    let (rows, calls) = h
        .equivalent(
            "workspaces_image_permissions",
            PERMISSIONS,
            &format!("image_id IN ({})", quoted(&[shared.clone(), unshared])),
        )
        .await;
    assert_eq!(rows.len(), own.shared_accounts(&shared).len());
    assert_eq!(calls.len(), 2);
    h.clear();
    h.rows(&format!(
        "SELECT * FROM workspaces_image_permissions WHERE image_id = '{shared}'"
    ))
    .await;
    assert!(h.calls(IMAGES).is_empty(), "no listing for a named image");
    assert_eq!(h.calls(PERMISSIONS).len(), 1);
}

#[tokio::test]
async fn a_join_calls_only_the_images_of_the_build_side() {
    let h = one_account().await;
    let own = own_images(&h);
    let shared = own.permissions.keys().next().expect("a shared image");
    let name = &own.image(shared).expect("its image").name;
    let sql = |suffix: &str| {
        format!(
            "SELECT i.name, p.shared_account_id FROM workspaces_images{suffix} i \
             JOIN workspaces_image_permissions{suffix} p ON p.image_id = i.image_id \
             WHERE i.name = '{name}'"
        )
    };
    let reference = h.rows(&sql("_reference")).await;
    assert_eq!(reference.len(), own.shared_accounts(shared).len());
    for on in [true, false] {
        h.set_join_pushdown(on).await;
        h.clear();
        assert_eq!(h.rows(&sql("")).await, reference, "join pushdown {on}");
        let called = h.calls(PERMISSIONS).len();
        match on {
            true => {
                assert_eq!(called, 1, "the one image the join names");
                assert_eq!(h.calls(IMAGES).len(), 2, "only the images scan's own lists");
            }
            false => {
                assert_eq!(called, own.images.len(), "every own image");
                assert_eq!(h.calls(IMAGES).len(), 2 + 1, "and the parent listing");
            }
        }
    }
    h.set_join_pushdown(true).await;
}

#[tokio::test]
async fn limit_is_sent_as_max_results() {
    let h = one_account().await;
    let own = own_images(&h);
    let shared = own.permissions.keys().next().expect("a shared image");
    h.clear();
    let rows = h
        .rows(&format!(
            "SELECT * FROM workspaces_image_permissions WHERE image_id = '{shared}' LIMIT 1"
        ))
        .await;
    assert_eq!(rows.len(), 1);
    let calls = h.calls(PERMISSIONS);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["MaxResults"], json!(1));
}

#[tokio::test]
async fn an_image_shared_with_the_account_has_no_permissions_it_may_read() {
    let h = organization().await;
    let accounts = h.emulator.organization().accounts();
    let (owner, reader) = (accounts[0].id(), accounts[1].id());
    let granted = owned(&h.emulator, owner, REGION)
        .permissions
        .into_iter()
        .find(|(_, to)| to.iter().any(|a| a == reader))
        .map(|(image, _)| image)
        .expect("an image the owner shares with the reader");
    let (rows, calls) = h
        .equivalent(
            "workspaces_image_permissions",
            PERMISSIONS,
            &format!("image_id = '{granted}' AND account_id = '{reader}' AND region = '{REGION}'"),
        )
        .await;
    assert!(rows.is_empty());
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].status, 400,
        "ResourceNotFoundException: not the reader's image"
    );
    let (rows, _) = h
        .equivalent(
            "workspaces_image_permissions",
            PERMISSIONS,
            &format!("image_id = '{granted}' AND account_id = '{owner}' AND region = '{REGION}'"),
        )
        .await;
    assert!(
        rows.iter().any(|r| r.ends_with(&format!("|{reader}"))),
        "{rows:?}"
    );
}

#[tokio::test]
async fn impossible_ids_make_no_call() {
    let h = one_account().await;
    for condition in ["image_id = 'wsi-1'", "image_id IN ('ws-abcdefghi', '')"] {
        let (rows, _) = h
            .equivalent("workspaces_image_permissions", PERMISSIONS, condition)
            .await;
        assert!(rows.is_empty());
        h.clear();
        h.rows(&format!(
            "SELECT * FROM workspaces_image_permissions WHERE {condition}"
        ))
        .await;
        assert_eq!(h.all_calls(), 0, "{condition}");
    }
}
