//! `workspaces_account_links`: the listing as the emulator derives it, statuses sent as
//! `LinkStatusFilter`, named links read with `GetAccountLink` one call each (a join's keys too),
//! impossible values without a call.

use serde_json::json;
use wsql_emulator::Byol;

use crate::estate_account::{GET_LINK, LIST_LINKS};
use crate::support::{REGION, body_strings, harness, quoted};

const TABLE: &str = "workspaces_account_links";

#[tokio::test]
async fn the_listing_is_every_link_of_the_account() {
    let h = harness(5).await;
    let organization = h.emulator.organization();
    let account = organization.management().id();
    let byol = Byol::in_organization(organization, account, REGION).expect("the account");
    let mut expected: Vec<String> = byol
        .links
        .iter()
        .map(|l| {
            format!(
                "{REGION}|{account}|{}|{}|{}|{}",
                l.account_link_id, l.account_link_status, l.source_account_id, l.target_account_id
            )
        })
        .collect();
    expected.sort();
    h.clear();
    assert_eq!(h.rows(&format!("SELECT * FROM {TABLE}")).await, expected);
    let calls = h.calls(LIST_LINKS);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body, json!({"MaxResults": 25}));
    assert!(h.calls(GET_LINK).is_empty());
    let statuses: std::collections::BTreeSet<&str> =
        byol.links.iter().map(|l| l.account_link_status).collect();
    assert!(
        statuses.len() >= 3,
        "linked, pending and rejected: {statuses:?}"
    );
}

#[tokio::test]
async fn statuses_are_sent_as_the_filter() {
    let h = harness(5).await;
    let (rows, calls) = h
        .equivalent(
            TABLE,
            LIST_LINKS,
            "account_link_status IN ('REJECTED', 'PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT')",
        )
        .await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(calls.len(), 1);
    assert_eq!(
        body_strings(&calls[0], "LinkStatusFilter"),
        ["PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT", "REJECTED"]
    );
}

#[tokio::test]
async fn named_links_are_read_one_call_each_and_unknown_ones_answer_nothing() {
    let h = harness(5).await;
    let ids = h
        .strings(&format!(
            "SELECT account_link_id FROM {TABLE}_reference ORDER BY 1 LIMIT 2"
        ))
        .await;
    assert_eq!(ids.len(), 2);
    let (rows, calls) = h
        .equivalent(
            TABLE,
            GET_LINK,
            &format!("account_link_id IN ({})", quoted(&ids)),
        )
        .await;
    assert_eq!(rows.len(), 2);
    let mut called: Vec<String> = calls
        .iter()
        .flat_map(|c| body_strings(c, "LinkId"))
        .collect();
    called.sort();
    assert_eq!(called, ids);
    h.clear();
    h.rows(&format!(
        "SELECT * FROM {TABLE} WHERE account_link_id IN ({})",
        quoted(&ids)
    ))
    .await;
    assert!(h.calls(LIST_LINKS).is_empty(), "no listing for named links");

    // A link of the right form that the account has no part in: one call, no row.
    let (rows, calls) = h
        .equivalent(
            TABLE,
            GET_LINK,
            "account_link_id = 'link-zzzzzzzzzzzz' AND account_link_status = 'LINKED'",
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
async fn a_join_reads_only_the_links_of_its_keys() {
    let h = harness(5).await;
    let id = h
        .strings(&format!(
            "SELECT account_link_id FROM {TABLE}_reference WHERE account_link_status = 'LINKED' \
             ORDER BY 1 LIMIT 1"
        ))
        .await
        .remove(0);
    let sql = |table: &str| {
        format!(
            "SELECT l.target_account_id FROM (VALUES ('{id}')) AS v(k) \
             JOIN {table} l ON l.account_link_id = v.k"
        )
    };
    let reference = h.rows(&sql(&format!("{TABLE}_reference"))).await;
    assert_eq!(reference.len(), 1);
    h.clear();
    assert_eq!(h.rows(&sql(TABLE)).await, reference);
    assert_eq!(body_strings(&h.calls(GET_LINK)[0], "LinkId"), [id]);
    assert_eq!(h.calls(GET_LINK).len(), 1);
    assert!(h.calls(LIST_LINKS).is_empty());
}

#[tokio::test]
async fn impossible_values_make_no_call_and_limit_sets_max_results() {
    let h = harness(5).await;
    for condition in [
        "account_link_id = 'link-1'",
        "account_link_id = 'lnk-abcdefghij'",
        "account_link_status = 'ACCEPTED'",
        "account_link_status = 'linked'",
    ] {
        let (rows, _) = h.equivalent(TABLE, LIST_LINKS, condition).await;
        assert!(rows.is_empty(), "{condition}");
        h.clear();
        h.rows(&format!("SELECT * FROM {TABLE} WHERE {condition}"))
            .await;
        assert_eq!(h.all_calls(), 0, "{condition} made calls");
    }
    h.clear();
    assert_eq!(
        h.rows(&format!("SELECT * FROM {TABLE} LIMIT 2"))
            .await
            .len(),
        2
    );
    let calls = h.calls(LIST_LINKS);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["MaxResults"], json!(2));
}
