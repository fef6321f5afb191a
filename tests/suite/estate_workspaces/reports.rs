//! `queries/stale_workspaces.sql` and `queries/ip_access_audit.sql` over every account of an
//! organization: their answers are what the fleets hold, and what the same SQL answers over the
//! no-pushdown tables.

use std::time::{SystemTime, UNIX_EPOCH};

use wsql_emulator::connection_status::connection_status;
use wsql_emulator::ip_groups::ip_groups_of;

use super::{REGIONS, every_account, organization};
use crate::support::Harness;

/// The tables the reports read, whose `_reference` copies answer without pushdown.
const READ: &[&str] = &[
    "workspaces",
    "workspaces_connection_status",
    "workspaces_bundles",
    "workspaces_directories",
    "workspaces_ip_groups",
];

/// The report's SQL, without its final `;`.
fn report(name: &str) -> String {
    let path = format!("{}/queries/{name}.sql", env!("CARGO_MANIFEST_DIR"));
    let sql = std::fs::read_to_string(&path).expect("the report exists");
    assert!(sql.starts_with("-- "), "{name} opens with its description");
    sql.trim().trim_end_matches(';').to_string()
}

/// `sql` over the `_reference` tables.
fn over_references(sql: &str) -> String {
    let mut sql = sql.to_string();
    for table in READ {
        for keyword in ["FROM", "JOIN"] {
            for after in [" ", "\n"] {
                sql = sql.replace(
                    &format!("{keyword} {table}{after}"),
                    &format!("{keyword} {table}_reference{after}"),
                );
            }
        }
    }
    sql
}

/// The report answers as over the reference tables, and has rows.
async fn answers_as_the_reference(h: &Harness, sql: &str) {
    let reference = over_references(sql);
    for table in READ {
        if sql.contains(&format!(" {table}\n")) || sql.contains(&format!(" {table} ")) {
            assert!(reference.contains(&format!("{table}_reference")), "{table}");
        }
    }
    let rows = h.rows(sql).await;
    assert!(!rows.is_empty(), "the report has rows");
    assert_eq!(rows, h.rows(&reference).await);
}

#[tokio::test]
async fn stale_workspaces_are_the_ones_idle_for_a_month_or_never_used() {
    let h = every_account(organization(51, 3, 30)).await;
    let sql = report("stale_workspaces");
    answers_as_the_reference(&h, &sql).await;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let month_ago = now - 30 * 86_400;
    let mut expected = Vec::new();
    let mut fresh = 0;
    for account in h.emulator.organization().accounts() {
        for region in REGIONS {
            for w in account.fleet.workspaces(region) {
                let status = connection_status(w, region, h.emulator.now());
                let last = status.last_known_user_connection_timestamp;
                if last.is_some_and(|t| t >= month_ago) {
                    fresh += 1;
                    continue;
                }
                let mode = w
                    .workspace_properties
                    .as_ref()
                    .and_then(|p| p.running_mode.clone());
                expected.push(format!(
                    "{}|{region}|{}|{}|{}|{}|{}|{}",
                    account.id(),
                    w.workspace_id,
                    w.user_name.as_deref().unwrap_or("NULL"),
                    w.bundle_id.as_deref().unwrap_or("NULL"),
                    mode.as_deref().unwrap_or("NULL"),
                    w.directory_id.as_deref().unwrap_or("NULL"),
                    last.map_or("NULL".to_string(), |t| t.to_string()),
                ));
            }
        }
    }
    expected.sort();
    let rows = h
        .rows(&format!(
            "SELECT account_id, region, workspace_id, user_name, bundle_id, running_mode, \
             directory_id, CAST(to_unixtime(last_connection) AS BIGINT) FROM ({sql})"
        ))
        .await;
    assert_eq!(rows, expected);
    assert!(fresh > 0, "some WorkSpaces are in use");
    assert!(
        expected.iter().any(|r| r.ends_with("|NULL"))
            && expected.iter().any(|r| !r.ends_with("|NULL")),
        "never used, and not for months: {expected:?}"
    );
    let unnamed = h
        .number(&format!(
            "SELECT count(*) FROM ({sql}) WHERE bundle_name IS NULL OR directory_name IS NULL"
        ))
        .await;
    assert_eq!(unnamed, 0, "every bundle and directory found");
}

#[tokio::test]
async fn the_ip_access_audit_lists_the_groups_admitting_anyone_with_their_directories() {
    let h = every_account(organization(52, 3, 300)).await;
    let sql = report("ip_access_audit");
    answers_as_the_reference(&h, &sql).await;
    let mut expected = Vec::new();
    for account in h.emulator.organization().accounts() {
        for region in REGIONS {
            let directories = account.fleet.directories(region);
            for group in ip_groups_of(&account.fleet, region) {
                if !group.admits_any_address() {
                    continue;
                }
                let attached: Vec<&str> = directories
                    .iter()
                    .filter(|d| {
                        d.ip_group_ids
                            .iter()
                            .flatten()
                            .any(|g| *g == group.group_id)
                    })
                    .map(|d| d.directory_id.as_str())
                    .collect();
                let row = |directory: &str| {
                    format!(
                        "{}|{region}|{}|0.0.0.0/0|{directory}",
                        account.id(),
                        group.group_id
                    )
                };
                match attached.is_empty() {
                    true => expected.push(row("NULL")),
                    false => expected.extend(attached.into_iter().map(row)),
                }
            }
        }
    }
    expected.sort();
    let rows = h
        .rows(&format!(
            "SELECT account_id, region, group_id, ip_rule, directory_id FROM ({sql})"
        ))
        .await;
    assert_eq!(rows, expected);
    assert!(
        rows.iter().any(|r| !r.ends_with("|NULL")),
        "attached groups"
    );
}
