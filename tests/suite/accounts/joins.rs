//! Joins across accounts: ids are unique within (account, region), so the reports join on
//! `account_id` and `region` too, and the join's dynamic filter still narrows the probe side to
//! the build side's pools, and its targets to the build side's accounts and regions.

use wsql::Accounts;

use crate::accounts::org::{organization, rows, session, settings, start, workspaces_calls};

#[tokio::test]
async fn a_join_on_account_region_and_pool_calls_only_the_build_sides_pool() {
    let emulator = start(organization(61, 3, 20)).await;
    let ctx = session(settings(&emulator, Accounts::Organization));
    let (names, _) = rows(
        &ctx,
        "SELECT p.pool_name FROM workspaces_pools p \
         JOIN workspaces_pool_sessions s USING (account_id, region, pool_id) \
         GROUP BY p.pool_name HAVING count(DISTINCT p.pool_id) = 1 ORDER BY 1 LIMIT 1",
    )
    .await;
    let name = names.first().expect("a pool with sessions");
    let sql = format!(
        "SELECT p.account_id, p.pool_name, s.session_id FROM workspaces_pools p \
         JOIN workspaces_pool_sessions s USING (account_id, region, pool_id) \
         WHERE p.pool_name = '{name}'"
    );
    let mut answers = Vec::new();
    let mut session_calls = Vec::new();
    for on in [true, false] {
        rows(
            &ctx,
            &format!("SET datafusion.optimizer.enable_join_dynamic_filter_pushdown = {on}"),
        )
        .await;
        emulator.clear_request_log();
        let (answer, _) = rows(&ctx, &sql).await;
        let log = emulator.request_log();
        let sessions: Vec<String> = workspaces_calls(&log)
            .into_iter()
            .filter(|r| r.operation == "DescribeWorkspacesPoolSessions")
            .map(|r| format!("{}/{}", r.account, r.region))
            .collect();
        answers.push(answer);
        session_calls.push(sessions);
    }
    assert!(!answers[0].is_empty());
    assert_eq!(
        answers[0], answers[1],
        "the join pushdown changed the answer"
    );
    let account = answers[0][0]
        .split('|')
        .next()
        .expect("account")
        .to_string();
    assert_eq!(
        session_calls[0].len(),
        1,
        "one pool's sessions, one page: {:?}",
        session_calls[0]
    );
    assert!(session_calls[0][0].starts_with(&account));
    assert!(
        session_calls[1].len() > 3 * 2 * 20 / 2,
        "without the filter every pool of every account is fanned out over"
    );
}
