//! `workspaces_bundles`: both lists without an owner predicate, one with; ids sent alone.

use serde_json::json;

use crate::support::{BUNDLES, body_strings, harness, quoted};

#[tokio::test]
async fn without_owner_both_lists_are_read() {
    let h = harness(20).await;
    let (rows, calls) = h.equivalent("workspaces_bundles", BUNDLES, "true").await;
    assert!(
        rows.iter().any(|r| r.contains("|AMAZON|")),
        "Amazon's bundles are listed"
    );
    assert!(
        rows.iter().any(|r| !r.contains("|AMAZON|")),
        "the account's bundles are listed"
    );
    assert!(calls.iter().any(|c| c.body["Owner"] == json!("AMAZON")));
    assert!(calls.iter().any(|c| c.body.get("Owner").is_none()));
}

#[tokio::test]
async fn owner_amazon_reads_only_amazons_list() {
    let h = harness(20).await;
    let (rows, calls) = h
        .equivalent("workspaces_bundles", BUNDLES, "owner = 'AMAZON'")
        .await;
    assert!(!rows.is_empty());
    assert!(!calls.is_empty());
    assert!(calls.iter().all(|c| c.body["Owner"] == json!("AMAZON")));
    let account = h
        .strings("SELECT owner FROM workspaces_bundles_reference WHERE owner <> 'AMAZON' LIMIT 1")
        .await
        .remove(0);
    let (rows, calls) = h
        .equivalent(
            "workspaces_bundles",
            BUNDLES,
            &format!("owner = '{account}'"),
        )
        .await;
    assert!(!rows.is_empty());
    assert!(calls.iter().all(|c| c.body.get("Owner").is_none()));
}

#[tokio::test]
async fn bundle_ids_are_sent_alone() {
    let h = harness(20).await;
    let ids = h
        .strings("SELECT bundle_id FROM workspaces_bundles_reference ORDER BY 1 LIMIT 3")
        .await;
    let (rows, calls) = h
        .equivalent(
            "workspaces_bundles",
            BUNDLES,
            &format!("bundle_id IN ({}) AND owner = 'AMAZON'", quoted(&ids)),
        )
        .await;
    assert_eq!(calls.len(), 1);
    assert!(calls[0].body.get("Owner").is_none());
    let mut sent = body_strings(&calls[0], "BundleIds");
    sent.sort();
    assert_eq!(sent, ids);
    assert!(rows.iter().all(|r| r.contains("|AMAZON|")));
    let (rows, calls) = h
        .equivalent("workspaces_bundles", BUNDLES, "bundle_id = 'wsb-NOPE'")
        .await;
    assert!(rows.is_empty() && calls.is_empty());
}
