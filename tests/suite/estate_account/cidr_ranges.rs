//! `workspaces_management_cidr_ranges` and its required column: a query without a constraint
//! fails at planning naming the column, with no call; each constraint is a chain (the reference
//! sends it too), paged five at a time; an account without BYOL answers no rows instead of
//! failing; `\d` and EXPLAIN say what is sent.

use serde_json::json;
use wsql::{Accounts, Table};
use wsql_emulator::Byol;

use crate::accounts::org::{organization, rows, session, settings, start, workspaces_calls};
use crate::estate_account::{ACCOUNT, RANGES};
use crate::support::{REGION, body_strings, harness, sorted_rows};

const TABLE: &str = "workspaces_management_cidr_ranges";
const COLUMN: &str = "management_cidr_range_constraint";

#[tokio::test]
async fn a_query_without_the_constraint_fails_at_planning_naming_it() {
    let h = harness(5).await;
    h.clear();
    for sql in [
        format!("SELECT * FROM {TABLE}"),
        format!("SELECT count(*) FROM {TABLE} WHERE region = '{REGION}'"),
        format!("SELECT * FROM {TABLE} WHERE {COLUMN} LIKE '10.%'"),
        format!("SELECT * FROM {TABLE} WHERE {COLUMN} = '10.0.0.0/8' OR region = 'x'"),
        format!("SELECT * FROM {TABLE}_reference"),
    ] {
        let error = h.error(&sql).await;
        assert!(
            error.ends_with(&format!(
                "{TABLE} needs a value for {COLUMN}: {RANGES} cannot be called without one; \
                 add it to WHERE with = or IN (...), e.g. WHERE {COLUMN} = '10.0.0.0/8'"
            )),
            "{sql}: {error}"
        );
        assert!(!error.contains('\n'), "{error}");
    }
    assert_eq!(h.all_calls(), 0, "planning failed before any call");
}

#[tokio::test]
async fn each_constraint_is_a_chain_and_each_row_carries_its_constraint() {
    let h = harness(5).await;
    let (rows, calls) = h
        .equivalent(
            TABLE,
            RANGES,
            &format!("{COLUMN} IN ('172.16.0.0/12', '192.168.0.0/16')"),
        )
        .await;
    let account = h.emulator.organization().management().id().to_string();
    let mut expected: Vec<String> = (16..=31)
        .map(|b| format!("{REGION}|{account}|172.16.0.0/12|172.{b}.0.0/16"))
        .chain([format!("{REGION}|{account}|192.168.0.0/16|192.168.0.0/16")])
        .collect();
    expected.sort();
    assert_eq!(rows, expected);
    // Sixteen ranges at five a page, and one.
    assert_eq!(calls.len(), 4 + 1);
    let mut constraints: Vec<String> = calls
        .iter()
        .flat_map(|c| body_strings(c, "ManagementCidrRangeConstraint"))
        .collect();
    constraints.sort();
    constraints.dedup();
    assert_eq!(constraints, ["172.16.0.0/12", "192.168.0.0/16"]);
    assert!(calls.iter().all(|c| c.body["MaxResults"] == json!(5)));
}

#[tokio::test]
async fn ranges_in_use_are_never_offered() {
    let h = harness(5).await;
    let organization = h.emulator.organization();
    let byol = Byol::in_organization(organization, organization.management().id(), REGION)
        .expect("the account");
    let current = byol
        .settings
        .dedicated_tenancy_management_cidr_range
        .expect("BYOL is enabled");
    let offered = h
        .strings(&format!(
            "SELECT management_cidr_range FROM {TABLE} WHERE {COLUMN} = '10.0.0.0/8'"
        ))
        .await;
    assert_eq!(offered.len(), 256 - byol.ranges_in_use.len());
    assert!(!offered.contains(&current), "the account's own range");
    assert!(
        !offered.contains(&"10.0.0.0/16".to_string()),
        "the fleet's network"
    );
}

#[tokio::test]
async fn a_limit_sets_max_results_and_impossible_constraints_make_no_call() {
    let h = harness(5).await;
    h.clear();
    let rows = h
        .rows(&format!(
            "SELECT * FROM {TABLE} WHERE {COLUMN} = '10.0.0.0/8' LIMIT 3"
        ))
        .await;
    assert_eq!(rows.len(), 3);
    let calls = h.calls(RANGES);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["MaxResults"], json!(3));
    for condition in [
        format!("{COLUMN} = '10.0.0.0'"),
        format!("{COLUMN} = '10.0.0.0/33'"),
        format!("{COLUMN} IN ('010.0.0.0/8', '')"),
    ] {
        let (rows, calls) = h.equivalent(TABLE, RANGES, &condition).await;
        assert!(rows.is_empty() && calls.is_empty(), "{condition}");
        assert_eq!(h.all_calls(), 0, "{condition}");
    }
}

#[tokio::test]
async fn explain_and_the_table_rules_say_what_is_sent_and_required() {
    let h = harness(5).await;
    let plan = sorted_rows(
        &h.batches(&format!(
            "EXPLAIN SELECT * FROM {TABLE} WHERE {COLUMN} = '10.0.0.0/8'"
        ))
        .await,
    )
    .join("\n");
    assert!(
        plan.contains(
            "requests per region=[{ManagementCidrRangeConstraint: 10.0.0.0/8, MaxResults: 5}]"
        ),
        "{plan}"
    );
    let table = Table::named(TABLE).expect("a table");
    assert_eq!(
        table.required_condition().as_deref(),
        Some("management_cidr_range_constraint = '10.0.0.0/8'")
    );
    let rule = &table.pushdown()[0];
    assert_eq!(
        rule.predicate,
        format!("`{COLUMN} =`, `IN (...)`, OR-chains")
    );
    assert!(
        rule.request.ends_with("required: a query without it fails"),
        "{rule:?}"
    );
    assert!(
        Table::all()
            .filter(|t| t.required_condition().is_some())
            .count()
            >= 1
    );
}

#[tokio::test]
async fn accounts_without_byol_have_no_ranges_instead_of_failing() {
    let emulator = start(organization(31, 3, 2)).await;
    let ids: Vec<String> = emulator
        .organization()
        .accounts()
        .iter()
        .map(|a| a.id().to_string())
        .collect();
    let enabled: Vec<bool> = ids
        .iter()
        .map(|id| {
            Byol::in_organization(emulator.organization(), id, REGION)
                .expect("an account")
                .enabled()
        })
        .collect();
    assert_eq!(enabled, [true, true, false], "source, linked, pending");
    let ctx = session(settings(&emulator, Accounts::Organization));
    emulator.clear_request_log();
    let (counts, _) = rows(
        &ctx,
        &format!(
            "SELECT account_id, region, count(*) FROM {TABLE} \
             WHERE {COLUMN} = '192.168.0.0/16' GROUP BY 1, 2"
        ),
    )
    .await;
    let regions = crate::accounts::org::REGIONS;
    let mut expected: Vec<String> = ids[..2]
        .iter()
        .flat_map(|id| regions.iter().map(move |r| format!("{id}|{r}|1")))
        .collect();
    expected.sort();
    assert_eq!(counts, expected);
    let log = emulator.request_log();
    let calls = workspaces_calls(&log);
    let denied: Vec<_> = calls
        .iter()
        .filter(|c| c.operation == RANGES && c.status != 200)
        .collect();
    assert_eq!(
        denied.len(),
        regions.len(),
        "the account without BYOL, once a region"
    );
    assert!(denied.iter().all(|c| c.account == ids[2]));
    let asked: Vec<_> = calls.iter().filter(|c| c.operation == ACCOUNT).collect();
    assert_eq!(
        asked.len(),
        regions.len(),
        "DescribeAccount only after a denial"
    );
    assert!(asked.iter().all(|c| c.account == ids[2] && c.status == 200));
}

#[tokio::test]
async fn a_denial_in_an_account_with_byol_stands() {
    let h = harness(5).await;
    h.emulator.set_faults(wsql_emulator::Faults {
        access_denied_regions: vec![REGION.to_string()],
        ..wsql_emulator::Faults::default()
    });
    let error = h
        .error(&format!(
            "SELECT * FROM {TABLE} WHERE {COLUMN} = '10.0.0.0/8'"
        ))
        .await;
    assert!(
        error.starts_with(&format!(
            "{RANGES} in {REGION} failed: AccessDeniedException"
        )),
        "{error}"
    );
}
