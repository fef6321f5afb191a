//! The saved reports in `queries/` run against a seeded fleet and answer as the same SQL over
//! the no-pushdown tables.

use crate::support::harness;

const REPORTS: &[&str] = &[
    "pools_with_directory_and_bundle",
    "sessions_vs_capacity",
    "pools_by_owner_tag",
    "migration_personal_targets",
];

/// The report's SQL over the `_reference` tables.
fn over_references(sql: &str) -> String {
    [
        "workspaces_pools",
        "workspaces_pool_sessions",
        "workspaces_directories",
        "workspaces_bundles",
    ]
    .iter()
    .fold(sql.to_string(), |sql, table| {
        sql.replace(
            &format!("FROM {table} "),
            &format!("FROM {table}_reference "),
        )
        .replace(
            &format!("FROM {table}\n"),
            &format!("FROM {table}_reference\n"),
        )
        .replace(
            &format!("JOIN {table} "),
            &format!("JOIN {table}_reference "),
        )
    })
}

#[tokio::test]
async fn every_report_runs_and_answers_as_without_pushdown() {
    let h = harness(40).await;
    for report in REPORTS {
        let path = format!("{}/queries/{report}.sql", env!("CARGO_MANIFEST_DIR"));
        let sql = std::fs::read_to_string(&path).expect("report exists");
        assert!(
            sql.starts_with("-- "),
            "{report} starts with its description"
        );
        let rows = h.rows(&sql).await;
        assert!(!rows.is_empty(), "{report} has rows");
        let reference = over_references(&sql);
        assert_ne!(reference, sql, "{report} reads the library's tables");
        assert_eq!(rows, h.rows(&reference).await, "{report}");
    }
}

#[tokio::test]
async fn the_migration_report_flags_pools_with_a_personal_directory() {
    let h = harness(40).await;
    let sql = std::fs::read_to_string(format!(
        "{}/queries/migration_personal_targets.sql",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("report exists");
    let flags = h
        .strings(&format!(
            "SELECT DISTINCT CAST(personal_target_exists AS VARCHAR) FROM ({}) ORDER BY 1",
            sql.trim().trim_end_matches(';')
        ))
        .await;
    assert!(!flags.is_empty());
    assert!(
        flags.iter().all(|f| f == "true" || f == "false"),
        "{flags:?}"
    );
}
