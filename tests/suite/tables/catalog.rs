//! The library registers every table, and `\d`'s docs cover each.

use crate::support::harness;

#[tokio::test]
async fn information_schema_lists_every_table() {
    let h = harness(1).await;
    let tables = h
        .strings(
            "SELECT table_name FROM information_schema.tables \
             WHERE table_schema = 'public' AND table_name NOT LIKE '%_reference' ORDER BY 1",
        )
        .await;
    assert_eq!(
        tables,
        vec![
            "workspaces",
            "workspaces_account",
            "workspaces_account_links",
            "workspaces_account_modifications",
            "workspaces_application_associations",
            "workspaces_applications",
            "workspaces_bundle_associations",
            "workspaces_bundles",
            "workspaces_client_branding",
            "workspaces_client_properties",
            "workspaces_connect_client_add_ins",
            "workspaces_connection_alias_permissions",
            "workspaces_connection_aliases",
            "workspaces_connection_status",
            "workspaces_directories",
            "workspaces_image_associations",
            "workspaces_image_imports",
            "workspaces_image_permissions",
            "workspaces_images",
            "workspaces_ip_groups",
            "workspaces_management_cidr_ranges",
            "workspaces_metrics",
            "workspaces_pool_metrics",
            "workspaces_pool_sessions",
            "workspaces_pools",
            "workspaces_snapshots",
            "workspaces_workspace_associations",
        ]
    );
    let mut documented: Vec<&str> = wsql::Table::all().map(|t| t.name()).collect();
    documented.sort();
    assert_eq!(documented, tables);
    assert_eq!(h.all_calls(), 0, "listing tables makes no call");
}
