//! Predicates with odd literals on every pushable column of the sibling tables (the pools
//! table's are in `tests/pools/pushdown.rs`) answer exactly as with no pushdown: empty strings,
//! LIKE wildcards and escapes, unicode, quotes, long IN lists, NULL comparisons, casts, huge and
//! near-miss literals.

use wsql_emulator::Fleet;

use crate::reliability::setup::REGIONS;
use crate::support::{BUNDLES, DIRECTORIES, SESSIONS, WORKSPACES, harness_with};

/// (table, operation, columns whose predicates push down).
const PUSHABLE: &[(&str, &str, &[&str])] = &[
    (
        "workspaces_pool_sessions",
        SESSIONS,
        &["pool_id", "user_id", "region"],
    ),
    (
        "workspaces_directories",
        DIRECTORIES,
        &[
            "directory_id",
            "workspace_directory_name",
            "user_identity_type",
            "workspace_type",
            "region",
        ],
    ),
    (
        "workspaces_bundles",
        BUNDLES,
        &["bundle_id", "owner", "region"],
    ),
    (
        "workspaces",
        WORKSPACES,
        &[
            "workspace_id",
            "directory_id",
            "bundle_id",
            "user_name",
            "workspace_name",
            "region",
        ],
    ),
    (
        "workspaces_images",
        "DescribeWorkspaceImages",
        &["image_id", "image_type"],
    ),
    (
        "workspaces_image_permissions",
        "DescribeWorkspaceImagePermissions",
        &["image_id"],
    ),
    (
        "workspaces_image_imports",
        "DescribeCustomWorkspaceImageImport",
        &["image_id"],
    ),
    (
        "workspaces_image_associations",
        "DescribeImageAssociations",
        &["image_id", "associated_resource_type"],
    ),
    (
        "workspaces_bundle_associations",
        "DescribeBundleAssociations",
        &["bundle_id", "associated_resource_type"],
    ),
    (
        "workspaces_connection_status",
        "DescribeWorkspacesConnectionStatus",
        &["workspace_id", "region"],
    ),
    (
        "workspaces_snapshots",
        "DescribeWorkspaceSnapshots",
        &["workspace_id", "region"],
    ),
    (
        "workspaces_ip_groups",
        "DescribeIpGroups",
        &["group_id", "region"],
    ),
    (
        "workspaces_connection_aliases",
        "DescribeConnectionAliases",
        &["alias_id", "resource_id", "region"],
    ),
    (
        "workspaces_connection_alias_permissions",
        "DescribeConnectionAliasPermissions",
        &["alias_id", "region"],
    ),
    (
        "workspaces_client_properties",
        "DescribeClientProperties",
        &["resource_id", "region"],
    ),
    (
        "workspaces_client_branding",
        "DescribeClientBranding",
        &["resource_id", "region"],
    ),
    (
        "workspaces_connect_client_add_ins",
        "DescribeConnectClientAddIns",
        &["resource_id", "region"],
    ),
];

/// Conditions on `column` built around `real`, a value it holds.
fn odd_conditions(column: &str, real: &str) -> Vec<String> {
    let real = real.replace('\'', "''");
    let many: Vec<String> = std::iter::once(format!("'{real}'"))
        .chain((0..29).map(|i| format!("'{real}-{i}'")))
        .collect();
    let c = column;
    vec![
        format!("{c} = ''"),
        format!("{c} = '{real}'"),
        format!("'{real}' = {c}"),
        format!("{c} = '{real} '"),
        format!("{c} = upper('{real}')"),
        format!("{c} = lower('{real}')"),
        format!("{c} <> '{real}'"),
        format!("{c} IN ('{real}', '', NULL)"),
        format!("{c} IN ({})", many.join(", ")),
        format!("{c} NOT IN ({})", many.join(", ")),
        format!("{c} = '{real}' OR {c} = '{real}'"),
        format!("{c} = '{real}' AND {c} = ''"),
        format!("{c} = NULL"),
        format!("{c} <> NULL"),
        format!("{c} IS NULL"),
        format!("{c} IS NOT NULL"),
        format!("{c} IN (NULL)"),
        format!("{c} NOT IN ('{real}', NULL)"),
        format!("{c} LIKE '%'"),
        format!("{c} LIKE '_'"),
        format!("{c} LIKE '{real}'"),
        format!(r"{c} LIKE '%\_%'"),
        format!(r"{c} LIKE '%\%%'"),
        format!("{c} ILIKE '{}'", real.to_uppercase()),
        format!("{c} = 'Ünïcødé-ü'"),
        format!("{c} = 'O''Brien'"),
        format!("{c} = '{}'", "x".repeat(5000)),
        format!("CAST({c} AS VARCHAR) = '{real}'"),
        format!("{c} = CAST('{real}' AS VARCHAR)"),
        format!("{c} = '{real}' AND region IN ('us-east-1', 'eu-west-1')"),
        format!("({c} = '{real}') IS TRUE"),
        format!("NOT ({c} <> '{real}')"),
    ]
}

#[tokio::test]
async fn odd_literals_on_sibling_tables_answer_as_without_pushdown() {
    let regions = &REGIONS[..2];
    let h = harness_with(Fleet::seeded(13, regions, 8), regions, None).await;
    let mut checked = 0;
    for (table, operation, columns) in PUSHABLE {
        for column in *columns {
            let real = h
                .strings(&format!(
                    "SELECT {column} FROM {table}_reference WHERE {column} IS NOT NULL \
                     ORDER BY {column} LIMIT 1"
                ))
                .await;
            let real = real.first().cloned().unwrap_or_else(|| "none".to_string());
            for condition in odd_conditions(column, &real) {
                h.equivalent(table, operation, &condition).await;
                checked += 1;
            }
        }
    }
    let columns: usize = PUSHABLE.iter().map(|(_, _, columns)| columns.len()).sum();
    assert_eq!(checked, columns * 32);
}
