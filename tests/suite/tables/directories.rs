//! `workspaces_directories`: ids, names and type filters are sent; answers equal the reference.

use serde_json::json;

use crate::support::{DIRECTORIES, body_strings, harness, quoted};

#[tokio::test]
async fn directory_ids_are_sent() {
    let h = harness(40).await;
    let ids = h
        .strings("SELECT directory_id FROM workspaces_directories_reference ORDER BY 1 LIMIT 2")
        .await;
    assert_eq!(ids.len(), 2);
    let (rows, calls) = h
        .equivalent(
            "workspaces_directories",
            DIRECTORIES,
            &format!("directory_id IN ({})", quoted(&ids)),
        )
        .await;
    assert_eq!(rows.len(), 2);
    assert_eq!(calls.len(), 1);
    let mut sent = body_strings(&calls[0], "DirectoryIds");
    sent.sort();
    assert_eq!(sent, ids);
}

#[tokio::test]
async fn names_and_type_filters_are_sent() {
    let h = harness(40).await;
    let name = h
        .strings(
            "SELECT workspace_directory_name FROM workspaces_directories_reference \
             WHERE workspace_directory_name IS NOT NULL ORDER BY 1 LIMIT 1",
        )
        .await;
    if let Some(name) = name.first() {
        let (rows, calls) = h
            .equivalent(
                "workspaces_directories",
                DIRECTORIES,
                &format!("workspace_directory_name = '{name}'"),
            )
            .await;
        assert!(!rows.is_empty());
        assert_eq!(
            body_strings(&calls[0], "WorkspaceDirectoryNames"),
            vec![name.clone()]
        );
    }
    for workspace_type in ["PERSONAL", "POOLS"] {
        let (rows, calls) = h
            .equivalent(
                "workspaces_directories",
                DIRECTORIES,
                &format!("workspace_type = '{workspace_type}'"),
            )
            .await;
        assert!(
            !rows.is_empty(),
            "the fleet has {workspace_type} directories"
        );
        assert_eq!(
            calls[0].body["Filters"],
            json!([{"Name": "WORKSPACE_TYPE", "Values": [workspace_type]}])
        );
    }
}

#[tokio::test]
async fn every_directory_is_read_and_impossible_values_make_no_call() {
    let h = harness(40).await;
    let (rows, calls) = h
        .equivalent("workspaces_directories", DIRECTORIES, "true")
        .await;
    assert!(!rows.is_empty());
    assert_eq!(calls.len(), rows.len().div_ceil(25).max(1));
    for condition in [
        "directory_id = 'd-XYZ'",
        "workspace_type = 'personal'",
        "user_identity_type IN ('NOBODY')",
    ] {
        let (rows, calls) = h
            .equivalent("workspaces_directories", DIRECTORIES, condition)
            .await;
        assert!(rows.is_empty() && calls.is_empty(), "{condition}");
    }
}
