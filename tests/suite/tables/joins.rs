//! Joins push down: the build side's keys reach the probe-side scan as DataFusion's dynamic
//! filter, and only the matching pools, directories or bundles are called. Every answer equals
//! the answer with the join pushdown off, and the answer of the no-pushdown tables.

use crate::support::{
    BUNDLES, DIRECTORIES, Harness, POOLS, SESSIONS, body_strings, harness, sorted_rows,
};

/// Calls per operation of one query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Calls {
    pools: usize,
    probe: usize,
}

/// Runs `sql` with the join pushdown on and off, asserts both answers equal `reference_sql`'s,
/// and returns the calls (pools, `probe` operation) of each.
async fn on_and_off(h: &Harness, sql: &str, reference_sql: &str, probe: &str) -> (Calls, Calls) {
    let reference = h.rows(reference_sql).await;
    assert!(!reference.is_empty(), "the join has rows: {reference_sql}");
    let mut measured = Vec::new();
    for on in [true, false] {
        h.set_join_pushdown(on).await;
        h.clear();
        let rows = h.rows(sql).await;
        assert_eq!(
            rows, reference,
            "join pushdown {on} changed the answer of {sql}"
        );
        measured.push(Calls {
            pools: h.calls(POOLS).len(),
            probe: h.calls(probe).len(),
        });
    }
    h.set_join_pushdown(true).await;
    println!(
        "{sql}\n  with join pushdown: {:?}\n  without: {:?}",
        measured[0], measured[1]
    );
    (measured[0], measured[1])
}

/// A pool that has sessions, by name (the name is unique in the fleet).
async fn pool_with_sessions(h: &Harness) -> (String, String) {
    let rows = h
        .rows(
            "SELECT p.pool_name, p.pool_id FROM workspaces_pools_reference p \
             JOIN workspaces_pool_sessions_reference s USING (pool_id) \
             WHERE p.pool_name IN (SELECT pool_name FROM workspaces_pools_reference \
                                   GROUP BY pool_name HAVING count(*) = 1) \
             GROUP BY p.pool_name, p.pool_id HAVING count(*) <= 50 ORDER BY 1 LIMIT 1",
        )
        .await;
    let row = rows.first().expect("a pool with sessions");
    let (name, id) = row.split_once('|').expect("two columns");
    (name.to_string(), id.to_string())
}

#[tokio::test]
async fn pools_join_sessions_fetches_only_the_matching_pools_sessions() {
    let h = harness(60).await;
    let (name, id) = pool_with_sessions(&h).await;
    for partitions in [1, 4] {
        h.batches(&format!(
            "SET datafusion.execution.target_partitions = {partitions}"
        ))
        .await;
        let (on, off) = on_and_off(
            &h,
            &format!(
                "SELECT p.pool_name, s.session_id, s.user_id FROM workspaces_pools p \
                 JOIN workspaces_pool_sessions s USING (pool_id) WHERE p.pool_name = '{name}'"
            ),
            &format!(
                "SELECT p.pool_name, s.session_id, s.user_id FROM workspaces_pools_reference p \
                 JOIN workspaces_pool_sessions_reference s USING (pool_id) \
                 WHERE p.pool_name = '{name}'"
            ),
            SESSIONS,
        )
        .await;
        // On: the pools scan's one filtered call, and the one pool's sessions.
        assert_eq!(on, Calls { pools: 1, probe: 1 }, "{partitions} partitions");
        // Off: the sessions scan lists all 60 pools too, and calls each.
        assert_eq!(off.pools, 1 + 3, "{partitions} partitions");
        assert!(off.probe >= 60, "{partitions} partitions: {off:?}");
        h.clear();
        h.rows(&format!(
            "SELECT s.session_id FROM workspaces_pools p JOIN workspaces_pool_sessions s \
             USING (pool_id) WHERE p.pool_name = '{name}'"
        ))
        .await;
        let called: Vec<String> = h
            .calls(SESSIONS)
            .iter()
            .flat_map(|c| body_strings(c, "PoolId"))
            .collect();
        assert_eq!(called, vec![id.clone()]);
    }
}

#[tokio::test]
async fn the_plan_shows_the_join_filter_and_the_requests_it_chose() {
    let h = harness(30).await;
    let (name, id) = pool_with_sessions(&h).await;
    let sql = format!(
        "SELECT s.session_id FROM workspaces_pools p JOIN workspaces_pool_sessions s \
         USING (pool_id) WHERE p.pool_name = '{name}'"
    );
    let plan = sorted_rows(&h.batches(&format!("EXPLAIN {sql}")).await).join("\n");
    assert!(
        plan.contains("join filter on pool_id=DynamicFilter"),
        "{plan}"
    );
    let analyzed = sorted_rows(&h.batches(&format!("EXPLAIN ANALYZE {sql}")).await).join("\n");
    assert!(
        analyzed.contains(&format!(
            "requests after join filter=[{{PoolId: {id}, Limit: 50}}]"
        )),
        "{analyzed}"
    );
}

#[tokio::test]
async fn an_empty_build_side_calls_no_sessions() {
    let h = harness(30).await;
    h.clear();
    let rows = h
        .rows(
            "SELECT s.session_id FROM workspaces_pools p JOIN workspaces_pool_sessions s \
             USING (pool_id) WHERE p.pool_name = 'no-such-pool'",
        )
        .await;
    assert!(rows.is_empty());
    assert!(h.calls(SESSIONS).is_empty());
    assert_eq!(h.calls(POOLS).len(), 1, "only the pools scan's own call");
}

#[tokio::test]
async fn pools_join_directories_calls_only_the_pools_directory() {
    let h = harness(60).await;
    let (name, _) = pool_with_sessions(&h).await;
    let directory = h
        .strings(&format!(
            "SELECT directory_id FROM workspaces_pools_reference WHERE pool_name = '{name}'"
        ))
        .await
        .remove(0);
    let (on, off) = on_and_off(
        &h,
        &format!(
            "SELECT p.pool_id, d.directory_id, d.workspace_type FROM workspaces_pools p \
             JOIN workspaces_directories d ON p.directory_id = d.directory_id \
             WHERE p.pool_name = '{name}'"
        ),
        &format!(
            "SELECT p.pool_id, d.directory_id, d.workspace_type FROM workspaces_pools_reference p \
             JOIN workspaces_directories_reference d ON p.directory_id = d.directory_id \
             WHERE p.pool_name = '{name}'"
        ),
        DIRECTORIES,
    )
    .await;
    assert_eq!(on, Calls { pools: 1, probe: 1 });
    assert_eq!(off.pools, 1);
    h.clear();
    h.rows(&format!(
        "SELECT d.directory_name FROM workspaces_pools p JOIN workspaces_directories d \
         ON p.directory_id = d.directory_id WHERE p.pool_name = '{name}'"
    ))
    .await;
    let calls = h.calls(DIRECTORIES);
    assert_eq!(body_strings(&calls[0], "DirectoryIds"), vec![directory]);
    // The fleet's few directories fit one page, so the count is the same without the join
    // pushdown; what differs is that the whole listing is asked for.
    assert_eq!(off.probe, 1);
    h.set_join_pushdown(false).await;
    h.clear();
    h.rows(&format!(
        "SELECT d.directory_name FROM workspaces_pools p JOIN workspaces_directories d \
         ON p.directory_id = d.directory_id WHERE p.pool_name = '{name}'"
    ))
    .await;
    assert!(body_strings(&h.calls(DIRECTORIES)[0], "DirectoryIds").is_empty());
}

#[tokio::test]
async fn pools_join_bundles_calls_only_the_pools_bundle() {
    let h = harness(60).await;
    let (name, _) = pool_with_sessions(&h).await;
    let bundle = h
        .strings(&format!(
            "SELECT bundle_id FROM workspaces_pools_reference WHERE pool_name = '{name}'"
        ))
        .await
        .remove(0);
    let (on, off) = on_and_off(
        &h,
        &format!(
            "SELECT p.pool_id, b.name, b.owner FROM workspaces_pools p \
             JOIN workspaces_bundles b ON p.bundle_id = b.bundle_id WHERE p.pool_name = '{name}'"
        ),
        &format!(
            "SELECT p.pool_id, b.name, b.owner FROM workspaces_pools_reference p \
             JOIN workspaces_bundles_reference b ON p.bundle_id = b.bundle_id \
             WHERE p.pool_name = '{name}'"
        ),
        BUNDLES,
    )
    .await;
    assert_eq!(on, Calls { pools: 1, probe: 1 });
    assert!(
        off.probe >= 2,
        "both bundle lists without the join pushdown: {off:?}"
    );
    h.clear();
    h.rows(&format!(
        "SELECT b.name FROM workspaces_pools p JOIN workspaces_bundles b \
         ON p.bundle_id = b.bundle_id WHERE p.pool_name = '{name}'"
    ))
    .await;
    assert_eq!(
        body_strings(&h.calls(BUNDLES)[0], "BundleIds"),
        vec![bundle]
    );
}

#[tokio::test]
async fn a_large_build_side_falls_back_to_the_full_listing_and_stays_correct() {
    // More than 150 distinct keys in one partition: the join pushes a hash table lookup, which
    // names no values, so the sessions scan lists the pools itself.
    let h = harness(200).await;
    h.batches("SET datafusion.execution.target_partitions = 1")
        .await;
    let (on, off) = on_and_off(
        &h,
        "SELECT p.pool_id, s.session_id FROM workspaces_pools p \
         JOIN workspaces_pool_sessions s USING (pool_id)",
        "SELECT p.pool_id, s.session_id FROM workspaces_pools_reference p \
         JOIN workspaces_pool_sessions_reference s USING (pool_id)",
        SESSIONS,
    )
    .await;
    assert_eq!(on.pools, off.pools);
    assert!(on.probe >= 200);
}
