//! `workspaces_ip_groups`: ids in one request, `MaxResults` from `LIMIT`, a directory's groups
//! through a join on its `ip_group_ids`, and the groups and rules the fleet's directories name.

use wsql_emulator::Fleet;
use wsql_emulator::ip_groups::ip_groups_of;

use super::{IP_GROUPS, join_calls, sent};
use crate::support::{REGION, harness, harness_with, quoted};

const TABLE: &str = "workspaces_ip_groups";

#[tokio::test]
async fn every_group_of_the_directories_with_its_rules() {
    let h = harness(30).await;
    let groups = ip_groups_of(h.emulator.fleet(), REGION);
    let mut expected: Vec<String> = groups
        .iter()
        .flat_map(|g| {
            g.user_rules.iter().map(move |r| {
                format!(
                    "{}|{}|{}|{}",
                    g.group_id, g.group_name, r.ip_rule, r.rule_desc
                )
            })
        })
        .collect();
    expected.sort();
    let rows = h
        .rows(&format!(
            "SELECT group_id, group_name, rule['ip_rule'], rule['rule_desc'] \
             FROM (SELECT group_id, group_name, unnest(user_rules) AS rule FROM {TABLE})"
        ))
        .await;
    assert_eq!(rows, expected);
    // Every group a directory names is a group of the region.
    let orphans = h
        .rows(&format!(
            "SELECT d.group_id FROM (SELECT unnest(ip_group_ids) AS group_id \
             FROM workspaces_directories) d LEFT JOIN {TABLE} g USING (group_id) \
             WHERE g.group_id IS NULL"
        ))
        .await;
    assert!(orphans.is_empty(), "{orphans:?}");
    let any = h
        .number(&format!(
            "SELECT count(DISTINCT group_id) FROM (SELECT group_id, unnest(user_rules) AS rule \
             FROM {TABLE}) WHERE rule['ip_rule'] = '0.0.0.0/0'"
        ))
        .await;
    let admitting = groups.iter().filter(|g| g.admits_any_address()).count();
    assert_eq!(any, admitting as i64);
    assert!(any >= 1);
}

#[tokio::test]
async fn ids_go_in_one_request_whatever_their_number() {
    let h = harness(30).await;
    let mut ids = h
        .strings(&format!(
            "SELECT group_id FROM {TABLE}_reference ORDER BY 1"
        ))
        .await;
    let known = ids.len();
    assert!(known >= 2, "{ids:?}");
    ids.extend((0..40).map(|i| format!("wsipg-zzzz{i:05}")));
    let (rows, calls) = h
        .equivalent(TABLE, IP_GROUPS, &format!("group_id IN ({})", quoted(&ids)))
        .await;
    assert_eq!(rows.len(), known);
    assert_eq!(calls.len(), 1);
    assert_eq!(
        crate::support::body_strings(&calls[0], "GroupIds").len(),
        ids.len()
    );
}

#[tokio::test]
async fn limit_sets_max_results_and_stops_paging() {
    let h = harness_with(Fleet::seeded(6, &[REGION], 900), &[REGION], None).await;
    let groups = ip_groups_of(h.emulator.fleet(), REGION).len();
    assert!(groups > 2, "{groups} groups");
    h.clear();
    let rows = h.rows(&format!("SELECT * FROM {TABLE} LIMIT 2")).await;
    assert_eq!(rows.len(), 2);
    let calls = h.calls(IP_GROUPS);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["MaxResults"], serde_json::json!(2));
}

#[tokio::test]
async fn a_directorys_groups_through_a_join_on_its_ip_group_ids() {
    let h = harness_with(Fleet::seeded(6, &[REGION], 900), &[REGION], None).await;
    let directory = h
        .strings(
            "SELECT directory_id FROM workspaces_directories_reference \
             WHERE cardinality(ip_group_ids) > 0 ORDER BY 1 LIMIT 1",
        )
        .await
        .remove(0);
    let attached = |table: &str| {
        format!(
            "SELECT d.directory_id, g.group_id, g.group_name FROM \
             (SELECT directory_id, unnest(ip_group_ids) AS group_id FROM workspaces_directories{table} \
              WHERE directory_id = '{directory}') d \
             JOIN {TABLE}{table} g USING (group_id)"
        )
    };
    let (on, off) = join_calls(&h, &attached(""), &attached("_reference"), IP_GROUPS).await;
    assert_eq!((on, off), (1, 1));
    h.clear();
    let rows = h.rows(&attached("")).await;
    let expected: Vec<String> = h
        .emulator
        .fleet()
        .directories(REGION)
        .iter()
        .find(|d| d.directory_id == directory)
        .and_then(|d| d.ip_group_ids.clone())
        .unwrap_or_default();
    let mut expected_sorted = expected.clone();
    expected_sorted.sort();
    assert_eq!(sent(&h, IP_GROUPS, "GroupIds"), expected_sorted);
    assert_eq!(rows.len(), expected.len());
}

#[tokio::test]
async fn impossible_ids_make_no_call() {
    let h = harness(10).await;
    for condition in [
        "group_id = 'wsipg-1'",
        "group_id = ''",
        "group_id = 'wsipg-ABCDEFGH'",
        "group_id IN ('wsipg-abcdefgh-', 'x')",
    ] {
        let (rows, calls) = h.equivalent(TABLE, IP_GROUPS, condition).await;
        assert!(rows.is_empty() && calls.is_empty(), "{condition}");
    }
    // The model's pattern is not anchored at the start: such a value is sent, and matches none.
    let (rows, calls) = h
        .equivalent(TABLE, IP_GROUPS, "group_id = 'xwsipg-abcdefgh'")
        .await;
    assert!(rows.is_empty());
    assert_eq!(calls.len(), 1);
}
