//! Throttling, server errors, dropped connections, slow answers and truncated bodies, injected by
//! the emulator: retried into a complete answer when the retries suffice, else one clear error
//! naming the operation and the region after exactly `max_attempts` calls.

use std::time::Duration;

use wsql::AwsSettings;
use wsql::RetryMode;
use wsql_emulator::{Faults, Fleet};

use wsql::Table;

use crate::reliability::setup::{REGIONS, assert_read_only, fast_retries, tables, within};
use crate::support::{
    DIRECTORIES, Harness, POOLS, REGION, WORKSPACES, harness_with_settings, scan_of,
};

/// Two regions of 40 pools, retrying `attempts` times in `mode` with a fast back-off.
async fn two_regions(attempts: u32, mode: RetryMode) -> Harness {
    let regions = &REGIONS[..2];
    harness_with_settings(Fleet::seeded(3, regions, 40), regions, None, move |s| {
        AwsSettings {
            retry_mode: mode,
            ..fast_retries(attempts)(s)
        }
    })
    .await
}

/// One region of 30 pools, retrying `attempts` times with a fast back-off.
async fn one_region(attempts: u32) -> Harness {
    harness_with_settings(
        Fleet::seeded(3, &[REGION], 30),
        &[REGION],
        None,
        fast_retries(attempts),
    )
    .await
}

/// Every table of the library.
fn every_table() -> Vec<&'static str> {
    tables().into_iter().map(|(table, _)| table).collect()
}

/// Every row of each of `tables` (`SELECT *`: tags and the sessions fan-out included), sorted.
async fn answers(h: &Harness, tables: &[&'static str]) -> Vec<(&'static str, Vec<String>)> {
    let mut answers = Vec::new();
    for table in tables {
        let sql = format!("SELECT * FROM {}", scan_of(table));
        answers.push((*table, h.rows(&sql).await));
    }
    answers
}

/// With `faults` on, each of `tables` answers exactly as without faults, and some calls did fail.
async fn complete_despite(h: &Harness, tables: &[&'static str], faults: Faults) {
    let clean = answers(h, tables).await;
    assert!(clean.iter().all(|(_, rows)| !rows.is_empty()));
    h.emulator.set_faults(faults.clone());
    h.clear();
    let faulty = within(120, "the faulty queries", answers(h, tables)).await;
    for ((table, clean), (_, faulty)) in clean.iter().zip(&faulty) {
        assert_eq!(
            clean, faulty,
            "{table} answered differently under {faults:?}"
        );
    }
    let log = h.emulator.request_log();
    assert_read_only(&log);
    let failed = log.iter().filter(|call| call.status != 200).count();
    assert!(
        failed > 0,
        "no call failed under {faults:?}: nothing was retried"
    );
}

#[tokio::test]
async fn thirty_percent_throttling_is_retried_into_complete_answers() {
    let h = two_regions(10, RetryMode::Standard).await;
    complete_despite(
        &h,
        &every_table(),
        Faults {
            throttle_rate: 0.3,
            seed: 17,
            ..Faults::default()
        },
    )
    .await;
}

#[tokio::test]
async fn adaptive_retry_answers_completely_under_throttling_too() {
    // Adaptive retry slows every later call down once throttled (its point): a few tables
    // keep the test short.
    let h = two_regions(10, RetryMode::Adaptive).await;
    complete_despite(
        &h,
        &["workspaces_directories", "workspaces_bundles", "workspaces"],
        Faults {
            throttle_rate: 0.3,
            seed: 23,
            ..Faults::default()
        },
    )
    .await;
}

#[tokio::test]
async fn server_errors_and_dropped_connections_are_retried_into_complete_answers() {
    let h = two_regions(10, RetryMode::Standard).await;
    complete_despite(
        &h,
        &every_table(),
        Faults {
            server_error_rate: 0.2,
            drop_connection_rate: 0.1,
            seed: 5,
            ..Faults::default()
        },
    )
    .await;
}

/// Attempts per call in the tests of persistent faults.
const ATTEMPTS: u32 = 4;

/// Under `faults` on every call, `sql` fails with one line that starts with `expected` and
/// holds each of `hints`, after `calls` calls of `operation` (the attempts, as logged).
async fn fails_after_every_attempt(
    faults: Faults,
    sql: &str,
    (operation, calls): (&str, std::ops::RangeInclusive<usize>),
    expected: &str,
    hints: &[&str],
) {
    let h = one_region(ATTEMPTS).await;
    h.emulator.set_faults(faults);
    h.clear();
    let error = within(60, sql, h.error(sql)).await;
    assert!(
        error.starts_with(&format!("{operation} in {REGION} failed: {expected}")),
        "{error}"
    );
    for hint in hints {
        assert!(error.contains(hint), "'{hint}' missing from: {error}");
    }
    assert!(!error.contains('\n'), "{error}");
    assert!(error.len() < 300, "too long for one line: {error}");
    let made = h.calls(operation).len();
    assert!(
        calls.contains(&made),
        "{made} calls of {operation} for: {error}"
    );
}

/// Exactly one logged call per attempt.
fn attempts_of(operation: &str) -> (&str, std::ops::RangeInclusive<usize>) {
    (operation, ATTEMPTS as usize..=ATTEMPTS as usize)
}

#[tokio::test]
async fn full_throttling_fails_after_max_attempts_naming_the_operation_and_region() {
    let throttled = || Faults {
        throttle_rate: 1.0,
        ..Faults::default()
    };
    let hints = ["--max-attempts", "--retry-mode adaptive"];
    fails_after_every_attempt(
        throttled(),
        "SELECT count(*) FROM workspaces_pools",
        attempts_of(POOLS),
        "ThrottlingException",
        &hints,
    )
    .await;
    fails_after_every_attempt(
        throttled(),
        "SELECT * FROM workspaces_directories",
        attempts_of(DIRECTORIES),
        "ThrottlingException",
        &hints,
    )
    .await;
}

#[tokio::test]
async fn persistent_server_errors_fail_after_max_attempts() {
    let h = one_region(ATTEMPTS).await;
    h.emulator.set_faults(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    });
    let error = within(60, "5xx", h.error("SELECT * FROM workspaces")).await;
    assert!(
        error.starts_with(&format!("{WORKSPACES} in {REGION} failed: ")),
        "{error}"
    );
    assert!(
        error.contains("InternalFailure") || error.contains("ServiceUnavailable"),
        "{error}"
    );
    assert!(error.contains("--max-attempts"), "{error}");
    assert_eq!(h.calls(WORKSPACES).len(), ATTEMPTS as usize);
}

#[tokio::test]
async fn persistently_dropped_connections_fail_after_max_attempts() {
    fails_after_every_attempt(
        Faults {
            drop_connection_rate: 1.0,
            ..Faults::default()
        },
        "SELECT * FROM workspaces_bundles",
        // The HTTP client resends a request once on its own when a reused connection turns
        // out closed, so an attempt may be logged twice.
        (
            crate::support::BUNDLES,
            ATTEMPTS as usize..=2 * ATTEMPTS as usize,
        ),
        "could not reach the service: ",
        &[],
    )
    .await;
}

#[tokio::test]
async fn an_answer_slower_than_the_attempt_timeout_says_which_flag_to_raise() {
    let h = harness_with_settings(
        Fleet::seeded(3, &[REGION], 5),
        &[REGION],
        None,
        |settings| AwsSettings {
            attempt_timeout: Duration::from_millis(200),
            ..fast_retries(2)(settings)
        },
    )
    .await;
    // Far longer than the test's bound: only the attempt timeout can end the query in time.
    h.emulator.set_faults(Faults {
        latency: Duration::from_secs(120),
        ..Faults::default()
    });
    for (table, operation) in [("workspaces_pools", POOLS), ("workspaces", WORKSPACES)] {
        let sql = format!("SELECT count(*) FROM {table}");
        let error = within(30, &sql, h.error(&sql)).await;
        assert_eq!(
            error,
            format!(
                "{operation} in {REGION} failed: timed out waiting for the service (raise --read-timeout to wait longer)"
            )
        );
    }
}

#[tokio::test]
async fn truncated_json_is_a_clear_error_not_a_panic() {
    let h = one_region(3).await;
    h.emulator.set_faults(Faults {
        malformed_json_rate: 1.0,
        ..Faults::default()
    });
    for table in Table::all() {
        // A table whose operation needs a parent lists the parents first: that call fails.
        let operation = table.parent_operation().unwrap_or(table.operation());
        let sql = format!("SELECT * FROM {}", scan_of(table.name()));
        let error = within(60, &sql, h.error(&sql)).await;
        assert!(
            error.starts_with(&format!(
                "{operation} in {REGION} failed: unreadable response"
            )),
            "{error}"
        );
        assert!(!error.contains('\n'), "{error}");
        assert!(error.len() < 300, "too long for one line: {error}");
    }
}
