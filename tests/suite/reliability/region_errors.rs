//! One region failing among three: under the default policy the query fails with one line
//! naming the region and the operation; under `Warn` the other regions answer, and a warning per
//! failed region says what the answer lacks. The row count never shrinks without one.

use std::collections::BTreeMap;

use wsql::{AwsSettings, RegionErrorPolicy, Table};
use wsql_emulator::{Faults, Fleet};

use crate::reliability::setup::{REGIONS, tables};
use crate::support::{Harness, harness_with_settings, scan_of};

const DENIED: &str = "eu-west-1";

async fn three_regions(policy: RegionErrorPolicy) -> Harness {
    harness_with_settings(Fleet::seeded(5, REGIONS, 30), REGIONS, None, move |s| {
        AwsSettings {
            on_region_error: policy,
            ..s
        }
    })
    .await
}

fn deny(h: &Harness) {
    h.emulator.set_faults(Faults {
        access_denied_regions: vec![DENIED.to_string()],
        ..Faults::default()
    });
}

/// The operation whose call fails first in a scan of `table`: the parents' listing, for a table
/// whose operation needs a parent (the sessions scan lists pools).
fn first_operation(table: &str, operation: &'static str) -> &'static str {
    Table::named(table)
        .and_then(Table::parent_operation)
        .unwrap_or(operation)
}

/// Rows of `table` per region, read before any fault.
async fn rows_per_region(h: &Harness, table: &str) -> BTreeMap<String, i64> {
    let counts = h
        .rows(&format!(
            "SELECT region, count(*) FROM {} GROUP BY region",
            scan_of(table)
        ))
        .await;
    counts
        .iter()
        .map(|row| {
            let (region, n) = row.split_once('|').expect("region|count");
            (region.to_string(), n.parse().expect("a count"))
        })
        .collect()
}

#[tokio::test]
async fn by_default_a_failing_region_fails_the_query_naming_it_and_the_operation() {
    let h = three_regions(RegionErrorPolicy::default()).await;
    deny(&h);
    for (table, operation) in tables() {
        let error = h
            .error(&format!("SELECT count(*) FROM {}", scan_of(table)))
            .await;
        let operation = first_operation(table, operation);
        assert!(
            error.starts_with(&format!(
                "{operation} in {DENIED} failed: AccessDeniedException"
            )),
            "{table}: {error}"
        );
        assert!(!error.contains('\n'), "{error}");
    }
    assert!(h.warnings().is_empty());
}

#[tokio::test]
async fn with_warn_the_other_regions_answer_and_each_failure_is_warned() {
    let h = three_regions(RegionErrorPolicy::Warn).await;
    let mut expected = BTreeMap::new();
    for (table, _) in tables() {
        expected.insert(table, rows_per_region(&h, table).await);
    }
    assert!(h.warnings().is_empty(), "no warning without a fault");
    deny(&h);
    for (table, operation) in tables() {
        let healthy: i64 = expected[table]
            .iter()
            .filter(|(region, _)| region.as_str() != DENIED)
            .map(|(_, n)| n)
            .sum();
        assert!(healthy > 0, "{table}: the healthy regions hold rows");
        let count = h
            .number(&format!("SELECT count(*) FROM {}", scan_of(table)))
            .await;
        assert_eq!(
            count, healthy,
            "{table}: the healthy regions' rows, all of them"
        );

        let warnings = h.warnings();
        assert_eq!(warnings.len(), 1, "{table}: {warnings:?}");
        let warning = &warnings[0];
        assert_eq!((warning.table, warning.region.as_str()), (table, DENIED));
        let operation = first_operation(table, operation);
        let text = warning.to_string();
        assert!(
            text.starts_with(&format!(
                "{operation} in {DENIED} failed: AccessDeniedException"
            )),
            "{text}"
        );
        assert!(text.ends_with("; results exclude that region"), "{text}");
    }
}

#[tokio::test]
async fn with_warn_rows_read_before_a_failure_stay_and_the_warning_says_so() {
    // Every page carries the same NextToken: two pages of 25 are read, then paging must stop.
    let regions = &REGIONS[..2];
    let h = harness_with_settings(Fleet::seeded(5, regions, 60), regions, None, |s| {
        AwsSettings {
            on_region_error: RegionErrorPolicy::Warn,
            ..s
        }
    })
    .await;
    h.emulator.set_faults(Faults {
        repeat_next_token: true,
        ..Faults::default()
    });
    let count = h.number("SELECT count(*) FROM workspaces_pools").await;
    assert_eq!(count, 2 * 50);
    let mut warnings = h.warnings();
    warnings.sort_by(|a, b| a.region.cmp(&b.region));
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    for (warning, region) in warnings.iter().zip(["eu-west-1", "us-east-1"]) {
        assert_eq!(warning.region, region);
        assert_eq!(warning.rows_kept, 50);
        let text = warning.to_string();
        assert!(text.contains("returned the same NextToken twice"), "{text}");
        assert!(
            text.ends_with(
                "results hold only the 50 row(s) of workspaces_pools read before it failed"
            ),
            "{text}"
        );
    }
}

#[tokio::test]
async fn with_warn_every_region_failing_answers_empty_with_a_warning_each() {
    let h = three_regions(RegionErrorPolicy::Warn).await;
    h.emulator.set_faults(Faults {
        access_denied_regions: REGIONS.iter().map(|r| r.to_string()).collect(),
        ..Faults::default()
    });
    let count = h
        .number("SELECT count(*) FROM workspaces_directories")
        .await;
    assert_eq!(count, 0);
    let mut regions: Vec<String> = h.warnings().into_iter().map(|w| w.region).collect();
    regions.sort();
    assert_eq!(regions, ["ap-southeast-2", "eu-west-1", "us-east-1"]);
}
