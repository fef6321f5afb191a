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
            "workspaces_bundles",
            "workspaces_directories",
            "workspaces_metrics",
            "workspaces_pool_metrics",
            "workspaces_pool_sessions",
            "workspaces_pools"
        ]
    );
    let mut documented: Vec<&str> = wsql::Table::all().map(|t| t.name()).collect();
    documented.sort();
    assert_eq!(documented, tables);
    assert_eq!(h.all_calls(), 0, "listing tables makes no call");
}
