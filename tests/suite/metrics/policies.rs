//! CloudWatch failing: a region whose metrics may not be read fails the query naming
//! `GetMetricData` and the region, or under the warn policy is left out with a warning while the
//! other regions answer; throttling and server errors on every attempt fail after
//! `max_attempts` calls; a truncated answer is an unreadable response, not a panic.

use std::collections::BTreeMap;
use std::time::Duration;

use wsql::{AwsSettings, RegionErrorPolicy};
use wsql_emulator::{Faults, Fleet};

use crate::metrics::GET_METRIC_DATA;
use crate::support::{Harness, harness_with_settings};

const REGIONS: &[&str] = &["us-east-1", "eu-west-1", "ap-southeast-2"];
const DENIED: &str = "eu-west-1";
const ATTEMPTS: u32 = 3;

async fn three_regions(policy: RegionErrorPolicy) -> Harness {
    harness_with_settings(Fleet::seeded(9, REGIONS, 8), REGIONS, None, move |s| {
        AwsSettings {
            on_region_error: policy,
            max_attempts: Some(ATTEMPTS),
            retry_backoff: Some(Duration::from_millis(5)),
            ..s
        }
    })
    .await
}

/// Metrics rows per region of one statement that names no pool: the pools are listed, then
/// their metrics read.
const BY_REGION: &str = "SELECT region, count(*) FROM workspaces_pool_metrics \
     WHERE metric_name = 'ActiveUserSessionCapacity' AND timestamp >= now() - INTERVAL '3 hours' AND period_seconds = 3600 \
     GROUP BY region";

fn counts(rows: &[String]) -> BTreeMap<String, i64> {
    rows.iter()
        .map(|r| {
            let (region, n) = r.split_once('|').expect("region|count");
            (region.to_string(), n.parse().expect("a count"))
        })
        .collect()
}

fn deny_metrics(h: &Harness) {
    h.emulator.set_faults(Faults {
        cloudwatch_denied_regions: vec![DENIED.to_string()],
        ..Faults::default()
    });
}

#[tokio::test]
async fn by_default_a_region_without_metrics_access_fails_the_query_naming_it() {
    let h = three_regions(RegionErrorPolicy::Fail).await;
    deny_metrics(&h);
    let error = h.error(BY_REGION).await;
    assert!(
        error.starts_with(&format!("{GET_METRIC_DATA} in {DENIED} failed: AccessDenied: User is not authorized to perform: cloudwatch:GetMetricData")),
        "{error}"
    );
    assert!(!error.contains('\n'), "{error}");
    assert!(h.warnings().is_empty());
}

#[tokio::test]
async fn with_warn_the_other_regions_answer_and_the_denied_one_is_warned() {
    let h = three_regions(RegionErrorPolicy::Warn).await;
    let clean = counts(&h.rows(BY_REGION).await);
    assert_eq!(
        clean.len(),
        3,
        "every region has pools in service: {clean:?}"
    );
    deny_metrics(&h);
    let faulty = counts(&h.rows(BY_REGION).await);
    let expected: BTreeMap<String, i64> = clean
        .into_iter()
        .filter(|(region, _)| region != DENIED)
        .collect();
    assert_eq!(faulty, expected);
    let warnings = h.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(
        (warnings[0].table, warnings[0].region.as_str()),
        ("workspaces_pool_metrics", DENIED)
    );
    let text = warnings[0].to_string();
    assert!(
        text.starts_with(&format!(
            "{GET_METRIC_DATA} in {DENIED} failed: AccessDenied"
        )),
        "{text}"
    );
    assert!(text.ends_with("; results exclude that region"), "{text}");
}

#[tokio::test]
async fn throttling_server_errors_and_truncated_answers_fail_after_every_attempt() {
    let h = three_regions(RegionErrorPolicy::Fail).await;
    let id = h.emulator.fleet().pools(REGIONS[0])[0].pool_id.clone();
    // A named pool: no listing, every call is CloudWatch's.
    let sql = format!(
        "SELECT count(*) FROM workspaces_pool_metrics WHERE pool_id = '{id}' AND region = '{}'",
        REGIONS[0]
    );
    let cases = [
        (
            Faults {
                throttle_rate: 1.0,
                ..Faults::default()
            },
            "Throttling",
            ATTEMPTS as usize..=ATTEMPTS as usize,
        ),
        (
            Faults {
                server_error_rate: 1.0,
                ..Faults::default()
            },
            "",
            ATTEMPTS as usize..=ATTEMPTS as usize,
        ),
        (
            Faults {
                malformed_json_rate: 1.0,
                ..Faults::default()
            },
            "unreadable response",
            1..=ATTEMPTS as usize,
        ),
    ];
    for (faults, expected, attempts) in cases {
        h.emulator.set_faults(faults.clone());
        h.clear();
        let error = h.error(&sql).await;
        assert!(
            error.starts_with(&format!(
                "{GET_METRIC_DATA} in {} failed: {expected}",
                REGIONS[0]
            )),
            "{faults:?}: {error}"
        );
        assert!(!error.contains('\n') && error.len() < 300, "{error}");
        let calls = h.calls(GET_METRIC_DATA).len();
        assert!(attempts.contains(&calls), "{faults:?}: {calls} calls");
        assert_eq!(h.all_calls(), calls, "only CloudWatch was called");
    }
    h.emulator.set_faults(Faults::default());
    assert!(h.number(&sql).await > 0, "answers once the faults are gone");
}
