//! `workspaces_application_associations` (parent: applications) and
//! `workspaces_workspace_associations` (parent: WorkSpaces): without a parent named, the
//! parents are listed first and each is called; named parents are called without a listing (a
//! gone one answers nothing); a join's keys narrow the parents called; resource types are sent;
//! both tables show each WorkSpace association alike.

use std::collections::BTreeMap;

use serde_json::json;
use wsql_emulator::{ApplicationAssociation, ResourceType, associations_of};

use crate::estate_account::{APPLICATION_ASSOCIATIONS, APPLICATIONS, WORKSPACE_ASSOCIATIONS};
use crate::support::{Harness, REGION, WORKSPACES, body_strings, harness, quoted};

const BY_APPLICATION: &str = "workspaces_application_associations";
const BY_WORKSPACE: &str = "workspaces_workspace_associations";

/// A fleet with WorkSpaces, bundles and images enough for every kind of association.
async fn fleet() -> Harness {
    harness(600).await
}

/// The emulator's associations of the harness's fleet.
fn associations(h: &Harness) -> Vec<ApplicationAssociation> {
    let fleet = h.emulator.fleet();
    associations_of(
        fleet.region(REGION).expect("the region"),
        fleet.account_id(),
        REGION,
    )
}

/// Associations per application, the applications without any included.
fn per_application(h: &Harness) -> BTreeMap<String, usize> {
    let mut counts: BTreeMap<String, usize> = wsql_emulator::application_catalogue(REGION)
        .into_iter()
        .map(|a| (a.application_id, 0))
        .collect();
    for association in associations(h) {
        *counts.entry(association.application_id).or_default() += 1;
    }
    counts
}

#[tokio::test]
async fn without_an_application_every_application_is_listed_then_called() {
    let h = fleet().await;
    let expected = per_application(&h);
    h.clear();
    let rows = h.rows(&format!("SELECT * FROM {BY_APPLICATION}")).await;
    assert_eq!(h.calls(APPLICATIONS).len(), 1, "one page of applications");
    let calls = h.calls(APPLICATION_ASSOCIATIONS);
    let pages: usize = expected.values().map(|n| n.max(&1).div_ceil(25)).sum();
    assert_eq!(calls.len(), pages);
    assert!(calls.iter().all(|c| {
        body_strings(c, "AssociatedResourceTypes") == ["BUNDLE", "IMAGE", "WORKSPACE"]
    }));
    assert_eq!(rows.len(), associations(&h).len());
    let reference = h
        .rows(&format!("SELECT * FROM {BY_APPLICATION}_reference"))
        .await;
    assert_eq!(rows, reference);
    let kinds = h
        .strings(&format!(
            "SELECT DISTINCT associated_resource_type FROM {BY_APPLICATION} ORDER BY 1"
        ))
        .await;
    assert_eq!(kinds, ["BUNDLE", "IMAGE", "WORKSPACE"]);
}

#[tokio::test]
async fn named_applications_and_types_are_sent_without_a_listing() {
    let h = fleet().await;
    let busiest: Vec<String> = {
        let mut counts: Vec<(String, usize)> = per_application(&h).into_iter().collect();
        counts.sort_by_key(|(id, n)| (std::cmp::Reverse(*n), id.clone()));
        counts.into_iter().take(2).map(|(id, _)| id).collect()
    };
    let condition = format!(
        "application_id IN ({}) AND associated_resource_type IN ('WORKSPACE', 'IMAGE')",
        quoted(&busiest)
    );
    let (rows, calls) = h
        .equivalent(BY_APPLICATION, APPLICATION_ASSOCIATIONS, &condition)
        .await;
    let expected = associations(&h)
        .iter()
        .filter(|a| busiest.contains(&a.application_id))
        .filter(|a| a.resource_type != ResourceType::Bundle)
        .count();
    assert_eq!(rows.len(), expected);
    let mut called: Vec<String> = calls
        .iter()
        .flat_map(|c| body_strings(c, "ApplicationId"))
        .collect();
    called.sort();
    called.dedup();
    let mut wanted = busiest.clone();
    wanted.sort();
    assert_eq!(called, wanted);
    assert!(
        calls
            .iter()
            .all(|c| body_strings(c, "AssociatedResourceTypes") == ["IMAGE", "WORKSPACE"])
    );
    h.clear();
    h.rows(&format!("SELECT * FROM {BY_APPLICATION} WHERE {condition}"))
        .await;
    assert!(
        h.calls(APPLICATIONS).is_empty(),
        "no listing for named applications"
    );

    // An application of the right form that does not exist: one call, no row.
    let (rows, calls) = h
        .equivalent(
            BY_APPLICATION,
            APPLICATION_ASSOCIATIONS,
            "application_id = 'wsa-000000000'",
        )
        .await;
    assert!(rows.is_empty());
    assert_eq!(calls.len(), 1);
    assert_eq!(
        calls[0].status, 400,
        "ResourceNotFoundException, read as no row"
    );
}

#[tokio::test]
async fn a_join_on_the_application_calls_only_its_associations() {
    let h = fleet().await;
    let (id, _) = per_application(&h)
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .expect("an application");
    let name = wsql_emulator::application_catalogue(REGION)
        .into_iter()
        .find(|a| a.application_id == id)
        .map(|a| a.name)
        .expect("in the catalogue");
    let sql = |suffix: &str| {
        format!(
            "SELECT a.name, s.associated_resource_id, s.state FROM workspaces_applications{suffix} a \
             JOIN {BY_APPLICATION}{suffix} s USING (application_id) WHERE a.name = '{name}'"
        )
    };
    let reference = h.rows(&sql("_reference")).await;
    assert!(!reference.is_empty());
    for on in [true, false] {
        h.set_join_pushdown(on).await;
        h.clear();
        assert_eq!(h.rows(&sql("")).await, reference, "join pushdown {on}");
        let called: Vec<String> = h
            .calls(APPLICATION_ASSOCIATIONS)
            .iter()
            .flat_map(|c| body_strings(c, "ApplicationId"))
            .collect();
        match on {
            true => {
                assert!(called.iter().all(|c| *c == id), "{called:?}");
                assert_eq!(h.calls(APPLICATIONS).len(), 1, "the build side only");
            }
            false => {
                assert!(called.len() >= per_application(&h).len(), "{called:?}");
                assert_eq!(h.calls(APPLICATIONS).len(), 2, "the probe side lists too");
            }
        }
    }
    h.set_join_pushdown(true).await;
}

#[tokio::test]
async fn without_a_workspace_every_workspace_is_listed_then_called() {
    let h = fleet().await;
    let workspaces = h.emulator.fleet().workspaces(REGION).len();
    assert!(workspaces > 0);
    h.clear();
    let rows = h.rows(&format!("SELECT * FROM {BY_WORKSPACE}")).await;
    assert_eq!(h.calls(WORKSPACES).len(), workspaces.div_ceil(25));
    let calls = h.calls(WORKSPACE_ASSOCIATIONS);
    assert_eq!(calls.len(), workspaces, "one call per WorkSpace");
    assert!(
        calls
            .iter()
            .all(|c| body_strings(c, "AssociatedResourceTypes") == ["APPLICATION"])
    );
    let expected = associations(&h)
        .iter()
        .filter(|a| a.resource_type == ResourceType::Workspace)
        .count();
    assert_eq!(rows.len(), expected);
    assert!(expected > 0);
    assert_eq!(
        rows,
        h.rows(&format!("SELECT * FROM {BY_WORKSPACE}_reference"))
            .await
    );
}

#[tokio::test]
async fn named_workspaces_are_called_without_a_listing_and_gone_ones_answer_nothing() {
    let h = fleet().await;
    let with_applications: Vec<String> = {
        let mut ids: Vec<String> = associations(&h)
            .into_iter()
            .filter(|a| a.resource_type == ResourceType::Workspace)
            .map(|a| a.resource_id)
            .collect();
        ids.sort();
        ids.dedup();
        ids.into_iter().take(2).collect()
    };
    assert_eq!(with_applications.len(), 2);
    let mut named = with_applications.clone();
    named.push("ws-zzzzzzzzz".to_string());
    let condition = format!(
        "workspace_id IN ({}) AND associated_resource_type = 'APPLICATION'",
        quoted(&named)
    );
    let (rows, calls) = h
        .equivalent(BY_WORKSPACE, WORKSPACE_ASSOCIATIONS, &condition)
        .await;
    let expected = associations(&h)
        .iter()
        .filter(|a| with_applications.contains(&a.resource_id))
        .count();
    assert_eq!(rows.len(), expected);
    assert_eq!(calls.len(), 3);
    assert_eq!(
        calls.iter().filter(|c| c.status == 400).count(),
        1,
        "the gone one"
    );
    h.clear();
    h.rows(&format!("SELECT * FROM {BY_WORKSPACE} WHERE {condition}"))
        .await;
    assert!(
        h.calls(WORKSPACES).is_empty(),
        "no listing for named WorkSpaces"
    );
    for impossible in [
        "workspace_id = 'ws-1'",
        "associated_resource_type = 'WORKSPACE'",
    ] {
        h.clear();
        let rows = h
            .rows(&format!("SELECT * FROM {BY_WORKSPACE} WHERE {impossible}"))
            .await;
        assert!(rows.is_empty());
        assert_eq!(h.all_calls(), 0, "{impossible}");
    }
}

#[tokio::test]
async fn a_join_on_the_workspace_calls_only_its_associations() {
    let h = fleet().await;
    let workspace = associations(&h)
        .into_iter()
        .find(|a| a.resource_type == ResourceType::Workspace)
        .map(|a| a.resource_id)
        .expect("a WorkSpace with applications");
    let user = h
        .strings(&format!(
            "SELECT user_name FROM workspaces_reference WHERE workspace_id = '{workspace}'"
        ))
        .await
        .remove(0);
    let sql = |suffix: &str| {
        format!(
            "SELECT w.workspace_id, a.associated_resource_id, a.state FROM workspaces{suffix} w \
             JOIN {BY_WORKSPACE}{suffix} a USING (workspace_id) WHERE w.user_name = '{user}'"
        )
    };
    let reference = h.rows(&sql("_reference")).await;
    assert!(!reference.is_empty());
    h.clear();
    assert_eq!(h.rows(&sql("")).await, reference);
    let called: Vec<String> = h
        .calls(WORKSPACE_ASSOCIATIONS)
        .iter()
        .flat_map(|c| body_strings(c, "WorkspaceId"))
        .collect();
    let listings: Vec<String> = h
        .calls(WORKSPACES)
        .iter()
        .map(|c| c.body.to_string())
        .collect();
    assert_eq!(
        listings.len(),
        h.emulator.fleet().workspaces(REGION).len().div_ceil(25),
        "the build side's listing only: {listings:?}"
    );
    let users_workspaces = h
        .strings(&format!(
            "SELECT workspace_id FROM workspaces_reference WHERE user_name = '{user}' ORDER BY 1"
        ))
        .await;
    let mut called_sorted = called.clone();
    called_sorted.sort();
    assert_eq!(
        called_sorted, users_workspaces,
        "only the user's WorkSpaces"
    );
}

#[tokio::test]
async fn both_tables_show_each_workspace_association_alike() {
    let h = fleet().await;
    let by_application = h
        .rows(&format!(
            "SELECT associated_resource_id, application_id, state, state_reason_error_code, \
             created, last_updated_time FROM {BY_APPLICATION} \
             WHERE associated_resource_type = 'WORKSPACE'"
        ))
        .await;
    let by_workspace = h
        .rows(&format!(
            "SELECT workspace_id, associated_resource_id, state, state_reason_error_code, \
             created, last_updated_time FROM {BY_WORKSPACE}"
        ))
        .await;
    assert!(!by_workspace.is_empty());
    assert_eq!(by_application, by_workspace);
    let states = h
        .strings(&format!(
            "SELECT DISTINCT state FROM {BY_WORKSPACE} ORDER BY 1"
        ))
        .await;
    assert!(states.len() >= 3, "{states:?}");
    let body = json!(["APPLICATION"]);
    h.clear();
    h.rows(&format!(
        "SELECT * FROM {BY_WORKSPACE} WHERE workspace_id = 'ws-zzzzzzzzz'"
    ))
    .await;
    assert_eq!(
        h.calls(WORKSPACE_ASSOCIATIONS)[0].body["AssociatedResourceTypes"],
        body
    );
}
