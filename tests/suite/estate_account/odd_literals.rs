//! Predicates with odd literals (empty strings, wildcards, unicode, quotes, long IN lists,
//! NULLs, casts) on every pushable column of the account and application tables answer
//! exactly as without pushdown; the management ranges' queries carry their required
//! constraint beside them.

use crate::estate_account::{
    APPLICATION_ASSOCIATIONS, APPLICATIONS, GET_LINK, RANGES, WORKSPACE_ASSOCIATIONS,
};
use crate::reliability::odd_literals::odd_conditions;
use crate::support::harness_in;

/// (table, operation, columns whose predicates push down, a condition every query needs).
const PUSHABLE: &[(&str, &str, &[&str], &str)] = &[
    (
        "workspaces_account_links",
        GET_LINK,
        &["account_link_id", "account_link_status"],
        "true",
    ),
    (
        "workspaces_management_cidr_ranges",
        RANGES,
        &["management_cidr_range_constraint", "region"],
        "management_cidr_range_constraint IN ('192.168.0.0/16', '172.30.0.0/15')",
    ),
    (
        "workspaces_applications",
        APPLICATIONS,
        &["application_id", "license_type", "owner"],
        "true",
    ),
    (
        "workspaces_application_associations",
        APPLICATION_ASSOCIATIONS,
        &["application_id", "associated_resource_type"],
        "true",
    ),
    (
        "workspaces_workspace_associations",
        WORKSPACE_ASSOCIATIONS,
        &["workspace_id", "associated_resource_type"],
        "true",
    ),
];

#[tokio::test]
async fn odd_literals_answer_as_without_pushdown() {
    let regions = &["us-east-1", "eu-west-1"];
    let h = harness_in(regions, 8).await;
    let mut checked = 0;
    for (table, operation, columns, needed) in PUSHABLE {
        for column in *columns {
            let real = h
                .strings(&format!(
                    "SELECT {column} FROM {table}_reference WHERE {needed} AND {column} IS NOT NULL \
                     ORDER BY {column} LIMIT 1"
                ))
                .await;
            let real = real.first().cloned().expect("the table has rows");
            for condition in odd_conditions(column, &real) {
                h.equivalent(table, operation, &format!("{needed} AND ({condition})"))
                    .await;
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 11 * 32);
}
