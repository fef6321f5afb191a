//! Differential tests of pushdown (issue 6): random fleets and random WHERE clauses over
//! `pool_id`, `pool_name`, `state`, `region` and the capacity columns; the answer of
//! `workspaces_pools` must equal that of `workspaces_pools_reference`, which pushes nothing.
//!
//! Pool names come from a five-letter alphabet so that equal names, prefixes, case differences
//! and CONTAINS hits are frequent. `PROPTEST_CASES` sets the number of fleets (default 64); a
//! failure prints the fleet's pools and the SQL.

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};
use wsql_emulator::Fleet;

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
            return Err(format!(
                "pushdown changed the answer of\n  {pushed_sql}\npushed:    {pushed:?}\nreference: {reference:?}\n{}",
                describe(&fleet, spec)
            ));
        }
    }
    Ok(())
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
