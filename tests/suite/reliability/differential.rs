//! Differential tests of pushdown (issue 6): random fleets and random WHERE clauses over
//! `pool_id`, `pool_name`, `state`, `region` and the capacity columns; the answer of
//! `workspaces_pools` must equal that of `workspaces_pools_reference`, which pushes nothing.
//!
//! Pool names come from a five-letter alphabet so that equal names, prefixes, case differences
//! and CONTAINS hits are frequent. `PROPTEST_CASES` sets the number of fleets (default 64); a
//! failure prints the fleet's pools and the SQL.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use wsql_emulator::{Fleet, Pool};

use crate::reliability::setup::{REGIONS, RUNTIME, cases};
use crate::support::{Harness, harness_with};

const STATES: &[&str] = &[
    "RUNNING", "STOPPED", "STARTING", "STOPPING", "UPDATING", "running",
];
const CAPACITY: &[&str] = &[
    "available_user_sessions",
    "desired_user_sessions",
    "actual_user_sessions",
    "active_user_sessions",
];
const PROJECTION: &str = "region, pool_id, pool_name, state, available_user_sessions, \
                          desired_user_sessions, actual_user_sessions, active_user_sessions";

/// A random fleet: a seed (states, capacities, ids) and each region's pool names.
#[derive(Debug, Clone)]
struct FleetSpec {
    seed: u64,
    regions: Vec<(&'static str, Vec<String>)>,
}

impl FleetSpec {
    fn build(&self) -> Fleet {
        let regions: Vec<&str> = self.regions.iter().map(|(r, _)| *r).collect();
        let most = self.regions.iter().map(|(_, n)| n.len()).max().unwrap_or(0);
        let mut fleet = Fleet::seeded(self.seed, &regions, most);
        for (region, names) in &self.regions {
            let pools = &mut fleet.region_mut(region).pools;
            pools.truncate(names.len());
            for (pool, name) in pools.iter_mut().zip(names) {
                pool.pool_name.clone_from(name);
            }
        }
        fleet
    }

    fn region_names(&self) -> Vec<&'static str> {
        self.regions.iter().map(|(r, _)| *r).collect()
    }
}

/// A WHERE clause, with pool ids as indexes into the fleet's ids (resolved when rendered).
#[derive(Debug, Clone)]
enum Predicate {
    Compare(&'static str, &'static str, Literal),
    In(&'static str, bool, Vec<Literal>),
    Like(&'static str, bool, &'static str, String),
    Number(&'static str, &'static str, i32),
    Not(Box<Predicate>),
    And(Box<Predicate>, Box<Predicate>),
    Or(Box<Predicate>, Box<Predicate>),
}

#[derive(Debug, Clone)]
enum Literal {
    Text(String),
    PoolId(usize),
    Null,
}

impl Literal {
    fn render(&self, ids: &[String]) -> String {
        match self {
            Literal::Text(t) => format!("'{}'", t.replace('\'', "''")),
            Literal::PoolId(_) if ids.is_empty() => "'wspool-zzzzzzzzz'".to_string(),
            Literal::PoolId(i) => format!("'{}'", ids[i % ids.len()]),
            Literal::Null => "NULL".to_string(),
        }
    }
}

impl Predicate {
    fn render(&self, ids: &[String]) -> String {
        match self {
            Predicate::Compare(column, op, value) => {
                format!("{column} {op} {}", value.render(ids))
            }
            Predicate::In(column, negated, values) => {
                let values: Vec<String> = values.iter().map(|v| v.render(ids)).collect();
                let not = if *negated { "NOT " } else { "" };
                format!("{column} {not}IN ({})", values.join(", "))
            }
            Predicate::Like(column, negated, like, pattern) => {
                let not = if *negated { "NOT " } else { "" };
                format!("{column} {not}{like} '{pattern}'")
            }
            Predicate::Number(column, op, n) => format!("{column} {op} {n}"),
            Predicate::Not(inner) => format!("NOT ({})", inner.render(ids)),
            Predicate::And(a, b) => format!("({}) AND ({})", a.render(ids), b.render(ids)),
            Predicate::Or(a, b) => format!("({}) OR ({})", a.render(ids), b.render(ids)),
        }
    }
}

fn name() -> impl Strategy<Value = String> {
    "[abAB1][abAB1_.-]{0,4}"
}

fn fleet() -> impl Strategy<Value = FleetSpec> {
    let names = prop::collection::vec(name(), 0..12);
    (any::<u64>(), 2usize..=3, prop::collection::vec(names, 3)).prop_map(
        |(seed, region_count, names)| FleetSpec {
            seed,
            regions: REGIONS[..region_count].iter().copied().zip(names).collect(),
        },
    )
}

fn text_literal(column: &'static str) -> BoxedStrategy<Literal> {
    match column {
        "pool_id" => prop_oneof![
            4 => any::<usize>().prop_map(Literal::PoolId),
            1 => Just(Literal::Text("wspool-zzzzzzzzz".into())),
            1 => Just(Literal::Text("not-a-pool".into())),
            1 => Just(Literal::Null),
        ]
        .boxed(),
        "state" => prop_oneof![
            5 => prop::sample::select(STATES).prop_map(|s| Literal::Text(s.into())),
            1 => Just(Literal::Null),
        ]
        .boxed(),
        "region" => prop_oneof![
            5 => prop::sample::select(REGIONS).prop_map(|s| Literal::Text(s.into())),
            1 => Just(Literal::Text("mars-north-1".into())),
            1 => Just(Literal::Text("US-EAST-1".into())),
        ]
        .boxed(),
        _ => prop_oneof![
            8 => name().prop_map(Literal::Text),
            1 => Just(Literal::Text(String::new())),
            1 => Just(Literal::Text("has space".into())),
            1 => Just(Literal::Null),
        ]
        .boxed(),
    }
}

fn leaf() -> BoxedStrategy<Predicate> {
    let text_column = prop::sample::select(&["pool_id", "pool_name", "state", "region"][..]);
    let compare = text_column.clone().prop_flat_map(|column| {
        (
            prop::sample::select(&["=", "<>", "<", ">="][..]),
            text_literal(column),
        )
            .prop_map(move |(op, value)| Predicate::Compare(column, op, value))
    });
    let in_list = text_column.prop_flat_map(|column| {
        (
            any::<bool>(),
            prop::collection::vec(text_literal(column), 1..30),
        )
            .prop_map(move |(negated, values)| Predicate::In(column, negated, values))
    });
    let like = (
        any::<bool>(),
        prop::sample::select(&["LIKE", "ILIKE"][..]),
        "%?[abAB1_.-]{0,3}%?_?",
    )
        .prop_map(|(negated, like, pattern)| Predicate::Like("pool_name", negated, like, pattern));
    let number = (
        prop::sample::select(CAPACITY),
        prop::sample::select(&["=", "<>", "<", "<=", ">", ">="][..]),
        0i32..12,
    )
        .prop_map(|(column, op, n)| Predicate::Number(column, op, n));
    prop_oneof![3 => compare, 3 => in_list, 3 => like, 2 => number].boxed()
}

fn predicate() -> impl Strategy<Value = Predicate> {
    leaf().prop_recursive(3, 12, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|p| Predicate::Not(Box::new(p))),
            (inner.clone(), inner.clone())
                .prop_map(|(a, b)| Predicate::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Predicate::Or(Box::new(a), Box::new(b))),
        ]
    })
}

/// A query: its WHERE clause and, maybe, a LIMIT (with or without ORDER BY).
#[derive(Debug, Clone)]
struct QuerySpec {
    predicate: Predicate,
    limit: Option<(usize, bool)>,
}

fn query() -> impl Strategy<Value = QuerySpec> {
    (predicate(), prop::option::of((0usize..30, any::<bool>())))
        .prop_map(|(predicate, limit)| QuerySpec { predicate, limit })
}

/// The SQL of `query` over `table`. An unordered LIMIT picks any rows: only its count is
/// compared.
fn sql(query: &QuerySpec, table: &str, ids: &[String]) -> String {
    let condition = query.predicate.render(ids);
    match query.limit {
        None => format!("SELECT {PROJECTION} FROM {table} WHERE {condition}"),
        Some((n, true)) => format!(
            "SELECT {PROJECTION} FROM {table} WHERE {condition} ORDER BY region, pool_id LIMIT {n}"
        ),
        Some((n, false)) => format!(
            "SELECT count(*) FROM (SELECT pool_id FROM {table} WHERE {condition} LIMIT {n})"
        ),
    }
}

/// The fleet's pools, one line each, for a failure message.
fn describe(fleet: &Fleet, spec: &FleetSpec) -> String {
    let mut lines = vec![format!("fleet seed {}", spec.seed)];
    for region in spec.region_names() {
        for pool in fleet.pools(region) {
            let c = &pool.capacity_status;
            lines.push(format!(
                "  {region} {} {:?} {:?} available={} desired={} actual={} active={}",
                pool.pool_id,
                pool.pool_name,
                pool.state,
                c.available_user_sessions,
                c.desired_user_sessions,
                c.actual_user_sessions,
                c.active_user_sessions
            ));
        }
    }
    lines.join("\n")
}

/// Runs every query on both tables of one fleet; the first difference is the error.
async fn compare(spec: &FleetSpec, queries: &[QuerySpec]) -> Result<(), String> {
    let fleet = spec.build();
    let regions = spec.region_names();
    let h: Harness = harness_with(fleet.clone(), &regions, None).await;
    let ids: Vec<String> = regions
        .iter()
        .flat_map(|r| fleet.pools(r).iter().map(|p| p.pool_id.clone()))
        .collect();
    for query in queries {
        let pushed_sql = sql(query, "workspaces_pools", &ids);
        let reference_sql = sql(query, "workspaces_pools_reference", &ids);
        let answer = |sql: String| {
            let h = &h;
            async move {
                let batches = h
                    .try_batches(&sql)
                    .await
                    .map_err(|e| format!("{sql}: {e}"))?;
                let rows = crate::support::sorted_rows(&batches);
                Ok::<_, String>(rows)
            }
        };
        let (pushed, reference) = match (
            answer(pushed_sql.clone()).await,
            answer(reference_sql).await,
        ) {
            (Ok(p), Ok(r)) => (p, r),
            (Err(e), Ok(_)) | (Ok(_), Err(e)) => {
                return Err(format!(
                    "only one side failed: {e}\n{}",
                    describe(&fleet, spec)
                ));
            }
            // Both refused it (e.g. a type error): the same answer.
            (Err(_), Err(_)) => continue,
        };
        if pushed != reference {
            // The oracle's answer says which side is wrong: the scan's pushdown, or DataFusion's
            // own planning of the reference (the `null_lists` rule keeps both sides from the one
            // such bug known in DataFusion 55.2; a new one fails here too, to be looked at).
            let truth = truth(query, &fleet, &regions, &ids);
            return Err(format!(
                "pushdown changed the answer of\n  {pushed_sql}\npushed:    {pushed:?}\nreference: {reference:?}\ntruth:     {truth:?}\n{}",
                describe(&fleet, spec)
            ));
        }
    }
    Ok(())
}

/// SQL's three-valued truth of `predicate` for one pool (`None` is NULL).
fn holds(predicate: &Predicate, pool: &Pool, region: &str, ids: &[String]) -> Option<bool> {
    let text = |column: &str| -> String {
        match column {
            "pool_id" => pool.pool_id.clone(),
            "pool_name" => pool.pool_name.clone(),
            "state" => serde_json::to_value(&pool.state)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            _ => region.to_string(),
        }
    };
    let literal = |value: &Literal| -> Option<String> {
        match value {
            Literal::Text(t) => Some(t.clone()),
            Literal::PoolId(_) if ids.is_empty() => Some("wspool-zzzzzzzzz".to_string()),
            Literal::PoolId(i) => Some(ids[i % ids.len()].clone()),
            Literal::Null => None,
        }
    };
    let compare = |ordering: std::cmp::Ordering, op: &str| match op {
        "=" => ordering.is_eq(),
        "<>" => ordering.is_ne(),
        "<" => ordering.is_lt(),
        "<=" => ordering.is_le(),
        ">" => ordering.is_gt(),
        _ => ordering.is_ge(),
    };
    match predicate {
        Predicate::Compare(column, op, value) => {
            let value = literal(value)?;
            Some(compare(text(column).as_str().cmp(value.as_str()), op))
        }
        Predicate::In(column, negated, values) => {
            let actual = text(column);
            let values: Vec<Option<String>> = values.iter().map(literal).collect();
            let found = if values.iter().any(|v| v.as_deref() == Some(actual.as_str())) {
                Some(true)
            } else if values.iter().any(Option::is_none) {
                None
            } else {
                Some(false)
            };
            found.map(|f| f != *negated)
        }
        Predicate::Like(column, negated, like, pattern) => {
            let fold = |s: &str| match *like {
                "ILIKE" => s.to_lowercase(),
                _ => s.to_string(),
            };
            let matched = like_matches(&fold(&text(column)), &fold(pattern));
            Some(matched != *negated)
        }
        Predicate::Number(column, op, n) => {
            let c = &pool.capacity_status;
            let value = match *column {
                "available_user_sessions" => c.available_user_sessions,
                "desired_user_sessions" => c.desired_user_sessions,
                "actual_user_sessions" => c.actual_user_sessions,
                _ => c.active_user_sessions,
            };
            Some(compare(i64::from(value).cmp(&i64::from(*n)), op))
        }
        Predicate::Not(inner) => holds(inner, pool, region, ids).map(|b| !b),
        Predicate::And(a, b) => match (holds(a, pool, region, ids), holds(b, pool, region, ids)) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        },
        Predicate::Or(a, b) => match (holds(a, pool, region, ids), holds(b, pool, region, ids)) {
            (Some(true), _) | (_, Some(true)) => Some(true),
            (Some(false), Some(false)) => Some(false),
            _ => None,
        },
    }
}

/// SQL `LIKE` without an escape: `%` any run, `_` one character.
fn like_matches(text: &str, pattern: &str) -> bool {
    let text: Vec<char> = text.chars().collect();
    let pattern: Vec<char> = pattern.chars().collect();
    fn at(t: &[char], p: &[char]) -> bool {
        match p.split_first() {
            None => t.is_empty(),
            Some(('%', rest)) => (0..=t.len()).any(|i| at(&t[i..], rest)),
            Some(('_', rest)) => !t.is_empty() && at(&t[1..], rest),
            Some((c, rest)) => t.first() == Some(c) && at(&t[1..], rest),
        }
    }
    at(&text, &pattern)
}

/// The true answer of `query` on `fleet`, rendered as `sorted_rows` renders a result: the
/// oracle that decides who is right when the pushed and the reference answers differ.
fn truth(query: &QuerySpec, fleet: &Fleet, regions: &[&str], ids: &[String]) -> Vec<String> {
    let mut kept: Vec<(String, String, String)> = Vec::new();
    for region in regions {
        for pool in fleet.pools(region) {
            if holds(&query.predicate, pool, region, ids) != Some(true) {
                continue;
            }
            let c = &pool.capacity_status;
            let state = serde_json::to_value(&pool.state)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            let row = format!(
                "{region}|{}|{}|{state}|{}|{}|{}|{}",
                pool.pool_id,
                pool.pool_name,
                c.available_user_sessions,
                c.desired_user_sessions,
                c.actual_user_sessions,
                c.active_user_sessions
            );
            kept.push((region.to_string(), pool.pool_id.clone(), row));
        }
    }
    kept.sort();
    let mut rows: Vec<String> = match query.limit {
        None => kept.into_iter().map(|(_, _, row)| row).collect(),
        Some((n, true)) => kept.into_iter().take(n).map(|(_, _, row)| row).collect(),
        Some((n, false)) => vec![kept.len().min(n).to_string()],
    };
    rows.sort();
    rows
}

#[test]
fn the_oracle_is_sql() {
    assert!(like_matches("abc", "a%"));
    assert!(like_matches("abc", "_b_"));
    assert!(!like_matches("abc", "_b"));
    assert!(like_matches("a.b", "%.%"));
    let fleet = Fleet::seeded(3, &["us-east-1"], 4);
    let pool = &fleet.pools("us-east-1")[0];
    let ids = vec![pool.pool_id.clone()];
    let null_in = Predicate::In(
        "pool_id",
        false,
        vec![Literal::Null, Literal::Text("x".into())],
    );
    assert_eq!(holds(&null_in, pool, "us-east-1", &ids), None);
    let not_null_in = Predicate::Not(Box::new(null_in));
    assert_eq!(holds(&not_null_in, pool, "us-east-1", &ids), None);
    let hit = Predicate::In("pool_id", false, vec![Literal::Null, Literal::PoolId(0)]);
    assert_eq!(holds(&hit, pool, "us-east-1", &ids), Some(true));
}

/// The case where DataFusion 55.2 once answered the no-pushdown reference wrongly (it read
/// `NOT (... OR pool_id IN (NULL, ...))` as if the NULL were not there): with the session's rule
/// that takes NULLs out of `IN` lists, both sides must agree (the true answer is no row).
#[test]
fn the_case_datafusion_once_answered_wrongly_agrees_on_both_sides() {
    let names = |n: &[&str]| n.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let spec = FleetSpec {
        seed: 132_909_073_906_261,
        regions: vec![
            ("us-east-1", names(&["A", "1", "1", "A", "1", "A"])),
            (
                "eu-west-1",
                names(&["1", "A", "1", "A", "a", "A", "a", "A"]),
            ),
        ],
    };
    let id = Literal::PoolId;
    let query = QuerySpec {
        predicate: Predicate::And(
            Box::new(Predicate::Not(Box::new(Predicate::Or(
                Box::new(Predicate::Like("pool_name", false, "LIKE", "-%".into())),
                Box::new(Predicate::In(
                    "pool_id",
                    false,
                    vec![Literal::Null, id(0), id(0), id(0)],
                )),
            )))),
            Box::new(Predicate::And(
                Box::new(Predicate::In("pool_id", false, vec![id(9), id(10)])),
                Box::new(Predicate::And(
                    Box::new(Predicate::Compare("pool_id", "<>", id(11))),
                    Box::new(Predicate::Compare(
                        "region",
                        ">=",
                        Literal::Text("eu-west-1".into()),
                    )),
                )),
            )),
        ),
        limit: None,
    };
    let fleet = spec.build();
    let ids: Vec<String> = spec
        .region_names()
        .iter()
        .flat_map(|r| fleet.pools(r).iter().map(|p| p.pool_id.clone()))
        .collect();
    // `NOT (... OR pool_id IN (NULL, ...))` is never true: no row at all.
    assert!(truth(&query, &fleet, &spec.region_names(), &ids).is_empty());
    RUNTIME
        .block_on(compare(&spec, std::slice::from_ref(&query)))
        .unwrap_or_else(|failure| panic!("{failure}"));
}

/// The case where DataFusion's simplifier, not the reference, got NULLs in `IN` lists wrong on
/// the pushed side (`x IN (.., NULL) AND x NOT IN (.., NULL)` read as if the NULLs were values):
/// the session's rule that takes NULLs out of the lists keeps both sides right.
#[test]
fn nulls_in_in_lists_never_change_an_answer() {
    let text = |values: &[&str]| -> Vec<Literal> {
        values
            .iter()
            .map(|v| match *v {
                "NULL" => Literal::Null,
                v => Literal::Text(v.to_string()),
            })
            .collect()
    };
    let spec = FleetSpec {
        seed: 0,
        regions: vec![
            ("us-east-1", Vec::new()),
            ("eu-west-1", vec!["A".into(), "A".into(), "A".into()]),
        ],
    };
    let query = QuerySpec {
        predicate: Predicate::And(
            Box::new(Predicate::Not(Box::new(Predicate::In(
                "state",
                true,
                text(&["RUNNING", "STOPPED", "NULL", "STOPPING"]),
            )))),
            Box::new(Predicate::And(
                Box::new(Predicate::In(
                    "region",
                    false,
                    text(&["mars-north-1", "US-EAST-1", "us-east-1", "eu-west-1"]),
                )),
                Box::new(Predicate::In(
                    "state",
                    true,
                    text(&[
                        "STOPPING", "STOPPED", "NULL", "UPDATING", "running", "STARTING",
                    ]),
                )),
            )),
        ),
        limit: Some((15, false)),
    };
    let fleet = spec.build();
    assert!(
        fleet
            .pools("eu-west-1")
            .iter()
            .any(|p| serde_json::to_value(&p.state).unwrap() == "RUNNING"),
        "a running pool, which the wrong simplification kept"
    );
    assert_eq!(truth(&query, &fleet, &spec.region_names(), &[]), ["0"]);
    RUNTIME
        .block_on(compare(&spec, std::slice::from_ref(&query)))
        .unwrap_or_else(|failure| panic!("{failure}"));
}

#[test]
fn pushdown_never_changes_an_answer() {
    let mut runner = TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (fleet(), prop::collection::vec(query(), 8));
    runner
        .run(&strategy, |(spec, queries)| {
            RUNTIME
                .block_on(compare(&spec, &queries))
                .map_err(TestCaseError::fail)
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
}
