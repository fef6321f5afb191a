//! `workspaces_pools.tags`: `DescribeTags` per pool, only when the query reads the column.

use crate::support::{POOLS, TAGS, body_strings, harness};

#[tokio::test]
async fn no_tags_column_no_describe_tags() {
    let h = harness(30).await;
    for sql in [
        "SELECT pool_id, pool_name FROM workspaces_pools",
        "SELECT count(*) FROM workspaces_pools",
        "SELECT p.pool_id FROM workspaces_pools p JOIN workspaces_pool_sessions s USING (pool_id)",
    ] {
        h.clear();
        h.rows(sql).await;
        assert!(!h.calls(POOLS).is_empty(), "{sql}");
        assert_eq!(h.calls(TAGS).len(), 0, "{sql} made DescribeTags calls");
    }
}

#[tokio::test]
async fn selecting_tags_calls_describe_tags_once_per_pool() {
    let h = harness(30).await;
    for sql in [
        "SELECT pool_id, tags FROM workspaces_pools",
        "SELECT * FROM workspaces_pools",
    ] {
        h.clear();
        let rows = h.rows(sql).await;
        assert_eq!(rows.len(), 30);
        let mut ids: Vec<String> = h
            .calls(TAGS)
            .iter()
            .flat_map(|c| body_strings(c, "ResourceId"))
            .collect();
        assert_eq!(ids.len(), 30, "{sql}");
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 30, "{sql}: one call per pool");
    }
    let id = h
        .strings("SELECT pool_id FROM workspaces_pools ORDER BY 1 LIMIT 1")
        .await
        .remove(0);
    h.clear();
    h.rows(&format!(
        "SELECT tags FROM workspaces_pools WHERE pool_id = '{id}'"
    ))
    .await;
    assert_eq!(h.calls(TAGS).len(), 1);
}

#[tokio::test]
async fn tags_hold_the_pools_tags() {
    let h = harness(30).await;
    let tagged = h
        .strings(
            "SELECT pool_id || '=' || tags['owner'] FROM workspaces_pools \
             WHERE tags['owner'] IS NOT NULL ORDER BY 1",
        )
        .await;
    assert!(!tagged.is_empty(), "some pools have an owner tag");
    let fleet = h.emulator.fleet();
    for entry in tagged {
        let (id, owner) = entry.split_once('=').expect("id=owner");
        let tags = fleet
            .tags(crate::support::REGION, id)
            .expect("the pool has tags");
        let expected = tags
            .iter()
            .find(|t| t.key == "owner")
            .and_then(|t| t.value.clone());
        assert_eq!(expected.as_deref(), Some(owner), "{id}");
    }
    let untagged = h
        .number("SELECT count(*) FROM workspaces_pools WHERE cardinality(tags) = 0")
        .await;
    let expected_untagged = h
        .strings("SELECT pool_id FROM workspaces_pools")
        .await
        .iter()
        .filter(|id| {
            fleet
                .tags(crate::support::REGION, id)
                .is_some_and(|t| t.is_empty())
        })
        .count();
    assert_eq!(untagged as usize, expected_untagged);
}
