//! A rate limit per (account, region) on the WorkSpaces operations, as AWS throttles: an
//! organization read at once answers exactly what it answers without the limit, every throttled
//! answer is counted once in the statement's report, under standard and adaptive retries; the
//! adaptive client-side rate keeps throttled answers few. One target's throttling never slows
//! another's: each (account, region) has its own retry partition, so its own adaptive rate.

use wsql::{Accounts, RetryMode};
use wsql_emulator::{Faults, RateLimit};

use crate::accounts::org::{organization, rows, session, settings, start, workspaces_calls};

/// Sessions of every pool: one request chain per pool, several at once in each target, so that
/// a tight bucket throttles.
const SQL: &str = "SELECT account_id, region, pool_id, session_id FROM workspaces_pool_sessions";

#[tokio::test]
async fn an_organization_under_rate_limits_answers_completely_with_its_throttling_counted() {
    let emulator = start(organization(31, 3, 30)).await;
    let open = session(settings(&emulator, Accounts::Organization));
    let (expected, _) = rows(&open, SQL).await;
    assert!(!expected.is_empty(), "the fleet has sessions");

    for mode in [RetryMode::Standard, RetryMode::Adaptive] {
        emulator.set_faults(Faults {
            rate_limit: Some(RateLimit {
                per_second: 20.0,
                burst: 4,
            }),
            ..Faults::default()
        });
        emulator.clear_request_log();
        let limited = session(wsql::AwsSettings {
            retry_mode: mode,
            max_attempts: Some(10),
            ..settings(&emulator, Accounts::Organization)
        });
        let (answer, report) = rows(&limited, SQL).await;
        assert_eq!(
            answer, expected,
            "{mode:?}: the answer under the rate limit"
        );

        let log = emulator.request_log();
        let calls = workspaces_calls(&log);
        let throttled = calls
            .iter()
            .filter(|c| c.error_code == Some("ThrottlingException"))
            .count();
        assert!(throttled > 0, "{mode:?}: the limit throttled some calls");
        let counted: u64 = report.scans.iter().map(|s| s.throttled).sum();
        assert_eq!(
            counted, throttled as u64,
            "{mode:?}: each throttled answer counted once"
        );
        // Measured: 91 of 283 calls throttled under standard retries, 9 of 201 under adaptive.
        if mode == RetryMode::Adaptive {
            assert!(
                throttled * 4 < calls.len(),
                "adaptive: {throttled} throttled answers of {} calls",
                calls.len()
            );
        }
    }
}
