//! The bounds on calls in flight hold, overall and per account, as the emulator sees them; and
//! calls do run in parallel up to them.

use std::time::Duration;

use wsql::{Accounts, AwsSettings};
use wsql_emulator::Faults;

use crate::accounts::org::{organization, rows, session, settings, start};

#[tokio::test]
async fn calls_in_flight_stay_within_both_bounds() {
    let emulator = start(organization(51, 6, 60)).await;
    let bounded = AwsSettings {
        max_in_flight: 5,
        max_in_flight_per_account: 2,
        ..settings(&emulator, Accounts::Organization)
    };
    let ctx = session(bounded);
    // Resolve the organization and the roles first, then measure the scan alone.
    rows(&ctx, "SELECT count(*) FROM workspaces_pools").await;
    emulator.set_faults(Faults {
        latency: Duration::from_millis(20),
        ..Faults::default()
    });
    emulator.clear_request_log();
    let (count, _) = rows(&ctx, "SELECT count(*) FROM workspaces_bundles").await;
    assert_eq!(count.len(), 1);
    let overall = emulator.peak_in_flight();
    let by_account = emulator.peak_in_flight_by_account();
    assert!(overall <= 5, "{overall} calls at once");
    assert!(
        overall >= 4,
        "the bound is used, not just respected: {overall}"
    );
    assert_eq!(by_account.len(), 6, "{by_account:?}");
    for (account, peak) in &by_account {
        assert!(*peak <= 2, "account {account}: {peak} calls at once");
    }
}
