//! `workspaces_account` and `workspaces_account_modifications`: one call (a row) per target, and
//! the whole history paged through, both as the emulator derives them for the fleet.

use wsql_emulator::Byol;

use crate::estate_account::{ACCOUNT, MODIFICATIONS};
use crate::support::{Harness, harness_in};

const REGIONS: &[&str] = &["us-east-1", "eu-west-1"];

/// The emulator's BYOL set-up of the harness's account in `region`.
fn byol(h: &Harness, region: &str) -> Byol {
    let organization = h.emulator.organization();
    Byol::in_organization(organization, organization.management().id(), region)
        .expect("the management account")
}

/// `NULL` for an absent value, as the rows show it.
fn or_null(value: Option<&str>) -> String {
    value.unwrap_or("NULL").to_string()
}

#[tokio::test]
async fn each_target_answers_its_byol_configuration_in_one_call() {
    let h = harness_in(REGIONS, 10).await;
    h.clear();
    let rows = h
        .rows(
            "SELECT region, dedicated_tenancy_support, dedicated_tenancy_management_cidr_range, \
             dedicated_tenancy_account_type, message FROM workspaces_account",
        )
        .await;
    assert_eq!(h.calls(ACCOUNT).len(), REGIONS.len());
    let mut expected: Vec<String> = REGIONS
        .iter()
        .map(|region| {
            let settings = byol(&h, region).settings;
            format!(
                "{region}|{}|{}|{}|{}",
                settings.dedicated_tenancy_support,
                or_null(settings.dedicated_tenancy_management_cidr_range.as_deref()),
                or_null(settings.dedicated_tenancy_account_type),
                or_null(settings.message.as_deref())
            )
        })
        .collect();
    expected.sort();
    assert_eq!(rows, expected);
    assert!(rows.iter().all(|r| r.contains("|ENABLED|")), "{rows:?}");

    let (rows, calls) = h
        .equivalent("workspaces_account", ACCOUNT, "region = 'eu-west-1'")
        .await;
    assert_eq!((rows.len(), calls.len()), (1, 1));
    assert_eq!(calls[0].region, "eu-west-1");
    let (rows, calls) = h
        .equivalent("workspaces_account", ACCOUNT, "account_id = '000000000000'")
        .await;
    assert!(
        rows.is_empty() && calls.is_empty(),
        "another account: no call"
    );
}

#[tokio::test]
async fn modifications_are_paged_through_newest_first() {
    let h = harness_in(REGIONS, 10).await;
    h.clear();
    let rows = h
        .rows(
            "SELECT region, modification_state, dedicated_tenancy_management_cidr_range, \
             error_code FROM workspaces_account_modifications",
        )
        .await;
    let mut expected = Vec::new();
    let mut pages = 0;
    for region in REGIONS {
        let modifications = byol(&h, region).modifications;
        assert!(
            modifications.len() > 5,
            "a source account's history spans pages"
        );
        pages += modifications.len().div_ceil(5);
        expected.extend(modifications.iter().map(|m| {
            format!(
                "{region}|{}|{}|{}",
                m.modification_state,
                or_null(m.dedicated_tenancy_management_cidr_range.as_deref()),
                or_null(m.error_code)
            )
        }));
    }
    expected.sort();
    assert_eq!(rows, expected);
    assert_eq!(h.calls(MODIFICATIONS).len(), pages, "five a page");

    let newest = h
        .strings(
            "SELECT dedicated_tenancy_management_cidr_range FROM workspaces_account_modifications \
             WHERE region = 'us-east-1' AND modification_state = 'COMPLETED' \
             ORDER BY start_time DESC LIMIT 1",
        )
        .await;
    let current = h
        .strings(
            "SELECT dedicated_tenancy_management_cidr_range FROM workspaces_account \
             WHERE region = 'us-east-1'",
        )
        .await;
    assert_eq!(
        newest, current,
        "the newest completed change is the current range"
    );
}

#[tokio::test]
async fn a_limit_stops_paging() {
    let h = harness_in(&REGIONS[..1], 10).await;
    h.clear();
    let rows = h
        .rows("SELECT * FROM workspaces_account_modifications LIMIT 3")
        .await;
    assert_eq!(rows.len(), 3);
    assert_eq!(h.calls(MODIFICATIONS).len(), 1, "the first page holds them");
    assert!(h.calls(MODIFICATIONS)[0].body.get("MaxResults").is_none());
}
