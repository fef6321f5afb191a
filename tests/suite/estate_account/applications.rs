//! `workspaces_applications`: the catalogue as the emulator has it; ids, license types and
//! owners sent exactly; membership in the list columns sent inexact (DataFusion checks again),
//! never a form whose rows the service could leave out; impossible values without a call.

use serde_json::json;
use wsql_emulator::application_catalogue;

use crate::estate_account::APPLICATIONS;
use crate::support::{REGION, body_strings, harness, quoted, sorted_rows};

const TABLE: &str = "workspaces_applications";

#[tokio::test]
async fn the_table_is_the_regions_catalogue() {
    let h = harness(5).await;
    h.clear();
    let names = h
        .strings(&format!("SELECT name FROM {TABLE} ORDER BY name"))
        .await;
    let mut expected: Vec<String> = application_catalogue(REGION)
        .iter()
        .map(|a| a.name.to_string())
        .collect();
    expected.sort();
    assert_eq!(names, expected);
    let calls = h.calls(APPLICATIONS);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body, json!({"MaxResults": 25}));
}

#[tokio::test]
async fn ids_license_types_and_owners_are_sent_exactly() {
    let h = harness(5).await;
    let ids = h
        .strings(&format!(
            "SELECT application_id FROM {TABLE}_reference ORDER BY 1 LIMIT 3"
        ))
        .await;
    let (rows, calls) = h
        .equivalent(
            TABLE,
            APPLICATIONS,
            &format!("application_id IN ({})", quoted(&ids)),
        )
        .await;
    assert_eq!(rows.len(), 3);
    assert_eq!(calls.len(), 1);
    assert_eq!(body_strings(&calls[0], "ApplicationIds"), ids);

    let (rows, calls) = h
        .equivalent(TABLE, APPLICATIONS, "license_type = 'UNLICENSED'")
        .await;
    assert_eq!(rows.len(), 1, "Microsoft 365 Apps: {rows:?}");
    assert_eq!(calls[0].body["LicenseType"], json!("UNLICENSED"));

    let (rows, calls) = h
        .equivalent(
            TABLE,
            APPLICATIONS,
            "license_type IN ('LICENSED', 'UNLICENSED') AND owner = 'AMAZON'",
        )
        .await;
    assert_eq!(rows.len(), application_catalogue(REGION).len());
    assert_eq!(calls.len(), 2, "one chain per license type");
    assert!(calls.iter().all(|c| c.body["Owner"] == json!("AMAZON")));

    let (rows, calls) = h
        .equivalent(TABLE, APPLICATIONS, "owner = '123456789012'")
        .await;
    assert!(rows.is_empty());
    assert_eq!(calls.len(), 1, "an account's own applications: none here");
}

#[tokio::test]
async fn list_membership_is_sent_inexact_and_checked_again() {
    let h = harness(5).await;
    for (condition, member, values, expected_rows) in [
        (
            "array_has(supported_compute_type_names, 'VALUE')",
            "ComputeTypeNames",
            vec!["VALUE"],
            1,
        ),
        (
            "'WINDOWS_SERVER_2016' = ANY(supported_operating_system_names)",
            "OperatingSystemNames",
            vec!["WINDOWS_SERVER_2016"],
            3,
        ),
        (
            "array_has(supported_compute_type_names, 'VALUE') \
             AND array_has(supported_compute_type_names, 'POWER')",
            "ComputeTypeNames",
            vec!["POWER", "VALUE"],
            1,
        ),
    ] {
        let (rows, calls) = h.equivalent(TABLE, APPLICATIONS, condition).await;
        assert_eq!(rows.len(), expected_rows, "{condition}: {rows:?}");
        assert_eq!(calls.len(), 1, "{condition}");
        assert_eq!(body_strings(&calls[0], member), values, "{condition}");
        let plan = sorted_rows(
            &h.batches(&format!("EXPLAIN SELECT * FROM {TABLE} WHERE {condition}"))
                .await,
        )
        .join("\n");
        assert!(
            plan.contains("FilterExec"),
            "inexact: DataFusion checks again\n{plan}"
        );
    }
}

#[tokio::test]
async fn list_forms_the_service_could_answer_short_are_not_sent() {
    let h = harness(5).await;
    for condition in [
        "array_has_any(supported_compute_type_names, make_array('VALUE', 'POWER'))",
        "supported_compute_type_names = make_array('VALUE')",
        "array_has(supported_compute_type_names, 'VALUE') OR license_type = 'LICENSED'",
    ] {
        // Equal to the reference, whatever the service makes of several values.
        let (_, calls) = h.equivalent(TABLE, APPLICATIONS, condition).await;
        assert_eq!(calls.len(), 1, "{condition}");
        assert!(
            calls[0].body.get("ComputeTypeNames").is_none(),
            "{condition}"
        );
    }
}

#[tokio::test]
async fn impossible_values_make_no_call_and_limit_sets_max_results() {
    let h = harness(5).await;
    for condition in [
        "application_id = 'wsa-1'",
        "license_type = 'licensed'",
        "owner = 'somebody'",
        "array_has(supported_compute_type_names, 'HUGE')",
        "'windows_11' = ANY(supported_operating_system_names)",
    ] {
        let (rows, calls) = h.equivalent(TABLE, APPLICATIONS, condition).await;
        assert!(rows.is_empty() && calls.is_empty(), "{condition}");
        h.clear();
        h.rows(&format!("SELECT * FROM {TABLE} WHERE {condition}"))
            .await;
        assert_eq!(h.all_calls(), 0, "{condition}");
    }
    h.clear();
    assert_eq!(
        h.rows(&format!("SELECT * FROM {TABLE} LIMIT 4"))
            .await
            .len(),
        4
    );
    let calls = h.calls(APPLICATIONS);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["MaxResults"], json!(4));
}
