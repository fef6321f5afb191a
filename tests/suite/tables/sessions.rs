//! `workspaces_pool_sessions`: named pools are called directly, otherwise every pool is listed
//! and fanned out over; `user_id` is sent; impossible values make no call.

use serde_json::json;

use crate::support::{POOLS, SESSIONS, body_strings, harness, quoted};

/// Calls a chain of `sessions` rows at 50 a page makes.
fn pages(sessions: i64) -> usize {
    (sessions.max(1) as usize).div_ceil(50)
}

#[tokio::test]
async fn named_pools_are_called_one_chain_each_without_a_pool_listing() {
    let h = harness(30).await;
    let busiest = h
        .strings(
            "SELECT pool_id FROM workspaces_pool_sessions_reference GROUP BY pool_id \
             ORDER BY count(*) DESC, pool_id LIMIT 2",
        )
        .await;
    assert_eq!(busiest.len(), 2, "the fleet has pools with sessions");
    let expected_calls: usize = {
        let mut total = 0;
        for id in &busiest {
            let n = h
                .number(&format!(
                    "SELECT count(*) FROM workspaces_pool_sessions_reference WHERE pool_id = '{id}'"
                ))
                .await;
            total += pages(n);
        }
        total
    };
    let (rows, calls) = h
        .equivalent(
            "workspaces_pool_sessions",
            SESSIONS,
            &format!("pool_id IN ({})", quoted(&busiest)),
        )
        .await;
    assert!(!rows.is_empty());
    assert_eq!(calls.len(), expected_calls);
    let mut called: Vec<String> = calls
        .iter()
        .flat_map(|c| body_strings(c, "PoolId"))
        .collect();
    called.sort();
    called.dedup();
    let mut wanted = busiest.clone();
    wanted.sort();
    assert_eq!(called, wanted);
    h.clear();
    h.rows(&format!(
        "SELECT * FROM workspaces_pool_sessions WHERE pool_id IN ({})",
        quoted(&busiest)
    ))
    .await;
    assert!(h.calls(POOLS).is_empty(), "no pool listing for named pools");
}

#[tokio::test]
async fn without_a_pool_predicate_every_pool_is_listed_then_called() {
    let h = harness(60).await;
    let per_pool = h
        .strings(
            "SELECT count(s.session_id) FROM workspaces_pools_reference p \
             LEFT JOIN workspaces_pool_sessions_reference s USING (pool_id) GROUP BY p.pool_id",
        )
        .await;
    assert_eq!(per_pool.len(), 60);
    let expected: usize = per_pool
        .iter()
        .map(|n| pages(n.parse().expect("a count")))
        .sum();
    h.clear();
    let pushed = h.rows("SELECT * FROM workspaces_pool_sessions").await;
    assert_eq!(h.calls(POOLS).len(), 3, "60 pools at 25 a page");
    assert_eq!(h.calls(SESSIONS).len(), expected);
    let reference = h
        .rows("SELECT * FROM workspaces_pool_sessions_reference")
        .await;
    assert_eq!(pushed, reference);
}

#[tokio::test]
async fn user_id_is_sent_with_every_call() {
    let h = harness(20).await;
    let user = h
        .strings(
            "SELECT user_id FROM workspaces_pool_sessions_reference ORDER BY session_id LIMIT 1",
        )
        .await
        .remove(0);
    let (rows, calls) = h
        .equivalent(
            "workspaces_pool_sessions",
            SESSIONS,
            &format!("user_id = '{user}'"),
        )
        .await;
    assert!(!rows.is_empty());
    assert!(!calls.is_empty());
    assert!(calls.iter().all(|c| c.body["UserId"] == json!(user)));
}

#[tokio::test]
async fn impossible_values_make_no_call() {
    let h = harness(10).await;
    for condition in [
        "pool_id = 'not-a-pool'",
        "pool_id IN ('WSPOOL-AAAAAAAAA')",
        "user_id = 'x'",
        "pool_id = 'wspool-aaaaaaaaa' AND pool_id = 'wspool-bbbbbbbbb'",
    ] {
        let (rows, _) = h
            .equivalent("workspaces_pool_sessions", SESSIONS, condition)
            .await;
        assert!(rows.is_empty(), "{condition}");
        h.clear();
        h.rows(&format!(
            "SELECT * FROM workspaces_pool_sessions WHERE {condition}"
        ))
        .await;
        assert_eq!(h.all_calls(), 0, "{condition} made calls");
    }
}

#[tokio::test]
async fn limit_sets_the_page_size_and_stops() {
    let h = harness(30).await;
    let busiest = h
        .strings(
            "SELECT pool_id FROM workspaces_pool_sessions_reference GROUP BY pool_id \
             HAVING count(*) > 3 ORDER BY pool_id LIMIT 1",
        )
        .await
        .remove(0);
    h.clear();
    let rows = h
        .rows(&format!(
            "SELECT * FROM workspaces_pool_sessions WHERE pool_id = '{busiest}' LIMIT 3"
        ))
        .await;
    assert_eq!(rows.len(), 3);
    let calls = h.calls(SESSIONS);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["Limit"], json!(3));
}
