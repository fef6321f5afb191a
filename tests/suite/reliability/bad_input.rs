//! Bad input never panics: random strings and mutations of real queries (dropped, duplicated and
//! swapped tokens, random bytes, unbalanced quotes, huge literals) are planned and executed
//! against the emulator, and each yields rows or an error. A panic anywhere (in wsql's pushdown,
//! in a conversion, in DataFusion) fails the test with the SQL that caused it.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use datafusion::prelude::SessionContext;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use wsql_emulator::Fleet;

use crate::reliability::setup::{REGIONS, RUNTIME, cases};
use crate::support::{Harness, harness_with};

/// One session over a small fleet for every case (the answers do not matter, only that they
/// come).
static HARNESS: LazyLock<Arc<Harness>> = LazyLock::new(|| {
    let regions = &REGIONS[..2];
    Arc::new(RUNTIME.block_on(harness_with(Fleet::seeded(21, regions, 6), regions, None)))
});

/// Real queries over the five tables, and the saved reports, to mutate.
fn corpus() -> Vec<String> {
    let mut queries: Vec<String> = [
        "SELECT pool_id, pool_name FROM workspaces_pools WHERE pool_name LIKE '%fin%' AND state = 'RUNNING' ORDER BY pool_name LIMIT 5",
        "SELECT * FROM workspaces_pools WHERE pool_id IN ('wspool-aaaaaaaaa', 'wspool-bbbbbbbbb') OR region = 'eu-west-1'",
        "SELECT count(*) FROM workspaces_pool_sessions WHERE user_id = 'alice' AND pool_id = 'wspool-abcdefghi'",
        "SELECT d.directory_id, d.workspace_directory_name FROM workspaces_directories d WHERE d.workspace_type IN ('PERSONAL', 'POOLS')",
        "SELECT bundle_id, name FROM workspaces_bundles WHERE owner = 'AMAZON' AND bundle_id <> 'wsb-12345678'",
        "SELECT w.workspace_id, w.user_name FROM workspaces w JOIN workspaces_directories d ON w.directory_id = d.directory_id WHERE w.user_name ILIKE 'A%'",
        "SELECT p.pool_name, s.session_id FROM workspaces_pools p JOIN workspaces_pool_sessions s USING (pool_id) WHERE p.available_user_sessions > 2",
        "SELECT region, sum(desired_user_sessions) AS desired FROM workspaces_pools GROUP BY region HAVING count(*) > 1",
        "EXPLAIN SELECT * FROM workspaces WHERE workspace_id = 'ws-abcdefghi' AND bundle_id IN ('wsb-1', NULL)",
        "SELECT CAST(pool_name AS VARCHAR), upper(state) FROM workspaces_pools WHERE NOT (pool_name = '' OR pool_name IS NULL)",
    ]
    .iter()
    .map(|q| q.to_string())
    .collect();
    let reports = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("queries");
    let mut files: Vec<_> = std::fs::read_dir(&reports)
        .expect("queries/ is readable")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|e| e == "sql"))
        .collect();
    files.sort();
    for file in files {
        queries.push(std::fs::read_to_string(file).expect("a report"));
    }
    queries
}

/// Tokens worth inserting: the pieces of SQL most likely to confuse a parser or a planner.
const VOCABULARY: &[&str] = &[
    "'",
    "\"",
    "(",
    ")",
    ",",
    ";",
    "%",
    "_",
    "\\",
    "NULL",
    "NOT",
    "AND",
    "OR",
    "IN",
    "LIKE",
    "ILIKE",
    "ESCAPE",
    "=",
    "<>",
    "<",
    ">=",
    "IS",
    "CAST",
    "AS",
    "SELECT",
    "FROM",
    "WHERE",
    "LIMIT",
    "ORDER BY",
    "GROUP BY",
    "JOIN",
    "ON",
    "USING",
    "-1",
    "0",
    "99999999999999999999999",
    "1e308",
    "'é'",
    "'ü%'",
    "''",
    "'%'",
    "'\\_'",
    "region",
    "pool_id",
    "pool_name",
    "*",
    "workspaces_pools",
    "workspaces",
    "WITH",
    "UNION",
    "VALUES",
    "CASE",
    "WHEN",
    "END",
];

/// One way of damaging a query.
#[derive(Debug, Clone)]
enum Mutation {
    Drop(usize),
    Duplicate(usize),
    Swap(usize, usize),
    Insert(usize, &'static str),
    Bytes(usize, Vec<u8>),
    HugeLiteral(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        any::<usize>().prop_map(Mutation::Drop),
        any::<usize>().prop_map(Mutation::Duplicate),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::Swap(a, b)),
        (any::<usize>(), prop::sample::select(VOCABULARY))
            .prop_map(|(i, t)| Mutation::Insert(i, t)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Mutation::Bytes(i, b)),
        (any::<usize>(), 1_000usize..200_000).prop_map(|(i, n)| Mutation::HugeLiteral(i, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

/// `sql` with `mutations` applied to its whitespace-separated tokens.
fn mutate(sql: &str, mutations: &[Mutation]) -> String {
    let mut tokens: Vec<String> = sql.split_whitespace().map(String::from).collect();
    for mutation in mutations {
        if tokens.is_empty() {
            tokens.push("SELECT".to_string());
        }
        let n = tokens.len();
        match mutation {
            Mutation::Drop(i) => {
                tokens.remove(i % n);
            }
            Mutation::Duplicate(i) => {
                let token = tokens[i % n].clone();
                tokens.insert(i % n, token);
            }
            Mutation::Swap(a, b) => tokens.swap(a % n, b % n),
            Mutation::Insert(i, token) => tokens.insert(i % (n + 1), token.to_string()),
            Mutation::Bytes(i, bytes) => {
                let junk = String::from_utf8_lossy(bytes).into_owned();
                tokens.insert(i % (n + 1), junk);
            }
            Mutation::HugeLiteral(i, size) => {
                tokens.insert(i % (n + 1), format!("'{}'", "x".repeat(*size)));
            }
            Mutation::Truncate(i) => tokens.truncate(1 + i % n),
        }
    }
    tokens.join(" ")
}

/// Plans and runs `sql` in a task of its own; `Err` only for a panic (or a hang).
async fn survives(ctx: SessionContext, sql: String) -> Result<(), String> {
    let statement = sql.clone();
    let task = tokio::spawn(async move {
        match ctx.sql(&statement).await {
            Ok(frame) => frame.collect().await.map(|_| ()),
            Err(error) => Err(error),
        }
    });
    let shown: String = sql.chars().take(2_000).collect();
    match tokio::time::timeout(Duration::from_secs(120), task).await {
        Err(_) => Err(format!("hung: {shown}")),
        Ok(Err(join)) if join.is_panic() => Err(format!("panicked: {shown}")),
        Ok(Err(join)) => Err(format!("task failed ({join}): {shown}")),
        // DataFusion turns a panic in a task of its own into an error: still a panic.
        Ok(Ok(Err(error))) if error.to_string().contains("panicked") => {
            Err(format!("panicked inside DataFusion ({error}): {shown}"))
        }
        Ok(Ok(_)) => Ok(()),
    }
}

fn run(strategy: impl Strategy<Value = String>) {
    let harness = Arc::clone(&HARNESS);
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&strategy, |sql| {
            RUNTIME
                .block_on(survives(harness.ctx.clone(), sql))
                .map_err(TestCaseError::fail)
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
}

#[test]
fn mutated_real_queries_answer_or_fail_but_never_panic() {
    let corpus = corpus();
    let strategy = (
        prop::sample::select(corpus),
        prop::collection::vec(mutation(), 1..6),
    )
        .prop_map(|(sql, mutations)| mutate(&sql, &mutations));
    run(strategy);
}

#[test]
fn random_strings_answer_or_fail_but_never_panic() {
    let random_text = prop_oneof![
        any::<String>(),
        prop::collection::vec(prop::sample::select(VOCABULARY), 0..25).prop_map(|t| t.join(" ")),
        "SELECT [a-z_*, ]{0,20} FROM workspaces(_pools)? WHERE .{0,40}",
    ];
    run(random_text);
}

#[test]
fn mutations_do_damage() {
    let sql = "SELECT a FROM t WHERE b = 'c'";
    assert_eq!(
        mutate(sql, &[Mutation::Drop(1)]),
        "SELECT FROM t WHERE b = 'c'"
    );
    assert_eq!(mutate(sql, &[Mutation::Truncate(2)]), "SELECT a FROM");
    assert_eq!(
        mutate(sql, &[Mutation::Insert(0, "'")]),
        "' SELECT a FROM t WHERE b = 'c'"
    );
    assert!(mutate(sql, &[Mutation::HugeLiteral(7, 5000)]).len() > 5000);
}
