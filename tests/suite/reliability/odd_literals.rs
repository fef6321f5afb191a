//! Predicates with odd literals on every pushable column of the sibling tables (the pools
//! table's are in `tests/pools/pushdown.rs`) answer exactly as with no pushdown: empty strings,
//! LIKE wildcards and escapes, unicode, quotes, long IN lists, NULL comparisons, casts, huge and
//! near-miss literals.

use wsql_emulator::Fleet;

use crate::reliability::setup::REGIONS;
use wsql::Table;

use crate::support::harness_with;

/// Conditions on `column` built around `real`, a value it holds.
pub(crate) fn odd_conditions(column: &str, real: &str) -> Vec<String> {
    let real = real.replace('\'', "''");
    let many: Vec<String> = std::iter::once(format!("'{real}'"))
        .chain((0..29).map(|i| format!("'{real}-{i}'")))
        .collect();
    let c = column;
    vec![
        format!("{c} = ''"),
        format!("{c} = '{real}'"),
        format!("'{real}' = {c}"),
        format!("{c} = '{real} '"),
        format!("{c} = upper('{real}')"),
        format!("{c} = lower('{real}')"),
        format!("{c} <> '{real}'"),
        format!("{c} IN ('{real}', '', NULL)"),
        format!("{c} IN ({})", many.join(", ")),
        format!("{c} NOT IN ({})", many.join(", ")),
        format!("{c} = '{real}' OR {c} = '{real}'"),
        format!("{c} = '{real}' AND {c} = ''"),
        format!("{c} = NULL"),
        format!("{c} <> NULL"),
        format!("{c} IS NULL"),
        format!("{c} IS NOT NULL"),
        format!("{c} IN (NULL)"),
        format!("{c} NOT IN ('{real}', NULL)"),
        format!("{c} LIKE '%'"),
        format!("{c} LIKE '_'"),
        format!("{c} LIKE '{real}'"),
        format!(r"{c} LIKE '%\_%'"),
        format!(r"{c} LIKE '%\%%'"),
        format!("{c} ILIKE '{}'", real.to_uppercase()),
        format!("{c} = 'Ünïcødé-ü'"),
        format!("{c} = 'O''Brien'"),
        format!("{c} = '{}'", "x".repeat(5000)),
        format!("CAST({c} AS VARCHAR) = '{real}'"),
        format!("{c} = CAST('{real}' AS VARCHAR)"),
        format!("{c} = '{real}' AND region IN ('us-east-1', 'eu-west-1')"),
        format!("({c} = '{real}') IS TRUE"),
        format!("NOT ({c} <> '{real}')"),
    ]
}

/// Every table but the pools' (whose odd literals are in `tests/suite/pools/pushdown.rs`) and
/// the metrics tables' (in `tests/suite/metrics/pushdown.rs`, inside a fixed window: their
/// reference reads every period CloudWatch keeps), with each column whose predicates push
/// down: what the tables say of themselves, so a new table is checked without a line here.
#[tokio::test]
async fn odd_literals_on_every_table_answer_as_without_pushdown() {
    let regions = &REGIONS[..2];
    let h = harness_with(Fleet::seeded(13, regions, 8), regions, None).await;
    let mut checked = Vec::new();
    let elsewhere = |t: &Table| t.name() == "workspaces_pools" || t.operation() == "GetMetricData";
    for table in Table::all().filter(|t| !elsewhere(t)) {
        let (name, operation) = (table.name(), table.operation());
        // A table that cannot be called without a value gets it beside every condition.
        let needed = table
            .required_condition()
            .unwrap_or_else(|| "true".to_string());
        let mut columns = table.pushed_columns();
        columns.push("region");
        for column in columns {
            let real = h
                .strings(&format!(
                    "SELECT {column} FROM {name}_reference WHERE {needed} AND {column} IS NOT NULL \
                     ORDER BY {column} LIMIT 1"
                ))
                .await;
            let real = real.first().cloned().unwrap_or_else(|| "none".to_string());
            for condition in odd_conditions(column, &real) {
                h.equivalent(name, operation, &format!("{needed} AND ({condition})"))
                    .await;
            }
            checked.push(format!("{name}.{column}"));
        }
    }
    assert!(checked.len() > 40, "{checked:?}");
    assert!(checked.contains(
        &"workspaces_management_cidr_ranges.management_cidr_range_constraint".to_string()
    ));
}
