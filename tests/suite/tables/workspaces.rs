//! `workspaces`: one selector a request, the others checked on the rows.

use serde_json::json;

use crate::support::{WORKSPACES, body_strings, harness, quoted};

#[tokio::test]
async fn workspace_ids_are_sent() {
    let h = harness(20).await;
    let ids = h
        .strings("SELECT workspace_id FROM workspaces_reference ORDER BY 1 LIMIT 3")
        .await;
    assert_eq!(ids.len(), 3, "the fleet has WorkSpaces");
    let (rows, calls) = h
        .equivalent(
            "workspaces",
            WORKSPACES,
            &format!("workspace_id IN ({})", quoted(&ids)),
        )
        .await;
    assert_eq!(rows.len(), 3);
    assert_eq!(calls.len(), 1);
    let mut sent = body_strings(&calls[0], "WorkspaceIds");
    sent.sort();
    assert_eq!(sent, ids);
}

#[tokio::test]
async fn directory_with_user_name_and_bundle_are_sent() {
    let h = harness(20).await;
    let found = h
        .batches(
            "SELECT directory_id, user_name, bundle_id FROM workspaces_reference \
             WHERE user_name IS NOT NULL ORDER BY workspace_id LIMIT 1",
        )
        .await;
    let row = crate::support::sorted_rows(&found).remove(0);
    let parts: Vec<&str> = row.split('|').collect();
    let (directory, user, bundle) = (parts[0], parts[1], parts[2]);

    let (rows, calls) = h
        .equivalent(
            "workspaces",
            WORKSPACES,
            &format!("directory_id = '{directory}' AND user_name = '{user}'"),
        )
        .await;
    assert!(!rows.is_empty());
    assert!(calls.iter().all(|c| c.body["DirectoryId"] == json!(directory)
        && c.body["UserName"] == json!(user)));

    let (rows, calls) = h
        .equivalent("workspaces", WORKSPACES, &format!("bundle_id = '{bundle}'"))
        .await;
    assert!(!rows.is_empty());
    assert!(calls.iter().all(|c| c.body["BundleId"] == json!(bundle)));

    let (_, calls) = h
        .equivalent("workspaces", WORKSPACES, &format!("user_name = '{user}'"))
        .await;
    assert!(
        calls.iter().all(|c| c.body.get("UserName").is_none()),
        "UserName needs DirectoryId"
    );
}

#[tokio::test]
async fn impossible_ids_make_no_call() {
    let h = harness(5).await;
    for condition in [
        "workspace_id = 'ws-X'",
        "directory_id = 'nope'",
        "bundle_id = 'wsb-1'",
    ] {
        let (rows, calls) = h.equivalent("workspaces", WORKSPACES, condition).await;
        assert!(rows.is_empty() && calls.is_empty(), "{condition}");
    }
}
