//! The response cache: a second look makes no calls, entries expire, `clear` and `off` work,
//! and one table's responses serve another's identical calls.

use std::time::Duration;

use wsql_emulator::Fleet;

use crate::support::{Harness, POOLS, REGION, SESSIONS, harness_with};

async fn cached(ttl: Duration) -> Harness {
    harness_with(Fleet::seeded(5, &[REGION], 40), &[REGION], Some(ttl)).await
}

const JOIN: &str = "SELECT p.pool_name, s.session_id, d.directory_name, b.name \
                    FROM workspaces_pools p \
                    JOIN workspaces_pool_sessions s USING (pool_id) \
                    JOIN workspaces_directories d ON p.directory_id = d.directory_id \
                    JOIN workspaces_bundles b ON p.bundle_id = b.bundle_id";

#[tokio::test]
async fn a_second_look_makes_no_calls() {
    let h = cached(Duration::from_secs(60)).await;
    let cache = h.library.cache();
    let first = h.rows(JOIN).await;
    assert!(!first.is_empty());
    let calls = h.all_calls();
    assert!(calls > 0);
    let misses = cache.stats().misses;
    assert_eq!(misses as usize, calls, "every call was stored");
    h.clear();
    let second = h.rows(JOIN).await;
    assert_eq!(second, first);
    assert_eq!(
        h.all_calls(),
        0,
        "the second look is answered from the cache"
    );
    assert!(cache.stats().hits >= misses);
}

#[tokio::test]
async fn entries_expire_after_the_ttl() {
    let h = cached(Duration::from_millis(300)).await;
    h.rows("SELECT * FROM workspaces_directories").await;
    h.clear();
    h.rows("SELECT * FROM workspaces_directories").await;
    assert_eq!(h.all_calls(), 0, "within the TTL");
    tokio::time::sleep(Duration::from_millis(400)).await;
    h.rows("SELECT * FROM workspaces_directories").await;
    assert!(h.all_calls() > 0, "after the TTL the API is called again");
}

#[tokio::test]
async fn clear_and_off_call_again() {
    let h = cached(Duration::from_secs(60)).await;
    let cache = h.library.cache();
    let sql = "SELECT count(*) FROM workspaces_bundles";
    h.rows(sql).await;
    h.clear();
    cache.clear();
    h.rows(sql).await;
    let calls = h.all_calls();
    assert!(calls > 0, "clear forgets");
    cache.set_enabled(false);
    for round in 1..=2 {
        h.clear();
        h.rows(sql).await;
        assert_eq!(h.all_calls(), calls, "off: round {round} calls again");
    }
    cache.set_enabled(true);
    h.rows(sql).await;
    h.clear();
    h.rows(sql).await;
    assert_eq!(h.all_calls(), 0, "on again");
}

#[tokio::test]
async fn tables_share_the_cache() {
    let h = cached(Duration::from_secs(60)).await;
    h.rows("SELECT * FROM workspaces_pools").await;
    h.clear();
    h.rows("SELECT * FROM workspaces_pool_sessions").await;
    assert!(
        h.calls(POOLS).is_empty(),
        "the sessions scan's pool listing came from the cache"
    );
    assert!(!h.calls(SESSIONS).is_empty());
}

#[tokio::test]
async fn without_a_ttl_nothing_is_cached() {
    let h = harness_with(Fleet::seeded(5, &[REGION], 10), &[REGION], None).await;
    assert!(!h.library.cache().is_enabled());
    h.rows("SELECT * FROM workspaces_pools").await;
    h.clear();
    h.rows("SELECT * FROM workspaces_pools").await;
    assert_eq!(h.calls(POOLS).len(), 1);
}
