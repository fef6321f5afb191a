//! The tables of the WorkSpaces estate beyond pools and WorkSpaces (issue 16): connection status,
//! snapshots, IP access groups, connection aliases and their permissions, client properties,
//! branding and Connect add-ins, through the real SDK against the emulator. For each: every
//! pushdown form answers as the no-pushdown reference, with the calls the emulator logged; a
//! table whose operation needs a parent lists the parents only when nothing names them, and a
//! join's build side narrows it; the answer is what the emulator's fleet holds; many accounts
//! answer the union of each alone. The two reports built on them check their answers against
//! the fleet.
//!
//! | module | tables |
//! |---|---|
//! | `connection_status` | `workspaces_connection_status` |
//! | `snapshots` | `workspaces_snapshots` |
//! | `ip_groups` | `workspaces_ip_groups` |
//! | `connection_aliases` | `workspaces_connection_aliases`, `workspaces_connection_alias_permissions` |
//! | `client_settings` | `workspaces_client_properties`, `workspaces_client_branding`, `workspaces_connect_client_add_ins` |
//! | `accounts` | all eight over an organization, and on the demo |
//! | `reports` | `queries/stale_workspaces.sql`, `queries/ip_access_audit.sql` |

mod accounts;
mod client_settings;
mod connection_aliases;
mod connection_status;
mod ip_groups;
mod reports;
mod snapshots;

use wsql::{Accounts, AssumeRole, AwsSettings};
use wsql_emulator::{DEFAULT_ROLE_NAME, Fleet, Organization};

use crate::support::{Harness, harness_for_organization};

pub const CONNECTION_STATUS: &str = "DescribeWorkspacesConnectionStatus";
pub const SNAPSHOTS: &str = "DescribeWorkspaceSnapshots";
pub const IP_GROUPS: &str = "DescribeIpGroups";
pub const ALIASES: &str = "DescribeConnectionAliases";
pub const ALIAS_PERMISSIONS: &str = "DescribeConnectionAliasPermissions";
pub const CLIENT_PROPERTIES: &str = "DescribeClientProperties";
pub const CLIENT_BRANDING: &str = "DescribeClientBranding";
pub const ADD_INS: &str = "DescribeConnectClientAddIns";

/// Every table of this folder with its operation.
pub const TABLES: &[(&str, &str)] = &[
    ("workspaces_connection_status", CONNECTION_STATUS),
    ("workspaces_snapshots", SNAPSHOTS),
    ("workspaces_ip_groups", IP_GROUPS),
    ("workspaces_connection_aliases", ALIASES),
    ("workspaces_connection_alias_permissions", ALIAS_PERMISSIONS),
    ("workspaces_client_properties", CLIENT_PROPERTIES),
    ("workspaces_client_branding", CLIENT_BRANDING),
    ("workspaces_connect_client_add_ins", ADD_INS),
];

/// The regions of the organizations here.
pub const REGIONS: &[&str] = &["us-east-1", "eu-west-1"];

/// An organization of `accounts` accounts, each with `pools` pools in each of [`REGIONS`]: its
/// connection aliases are shared between its accounts.
pub fn organization(seed: u64, accounts: usize, pools: usize) -> Organization {
    Organization::seeded(seed, accounts, REGIONS, pools)
}

/// A session reading the management account of `organization` (its static credentials).
pub async fn management(organization: Organization) -> Harness {
    harness_for_organization(organization, REGIONS, |settings| settings).await
}

/// A session reading every account of `organization` through the organization's role.
pub async fn every_account(organization: Organization) -> Harness {
    harness_for_organization(organization, REGIONS, |settings| AwsSettings {
        assume_role: Some(AssumeRole {
            role_name: DEFAULT_ROLE_NAME.to_string(),
            accounts: Accounts::Organization,
            external_id: None,
        }),
        ..settings
    })
    .await
}

/// The other accounts' fleets of the organization `h` serves, beside `fleet`'s account.
pub fn peers<'a>(h: &'a Harness, fleet: &Fleet) -> Vec<&'a Fleet> {
    h.emulator
        .organization()
        .accounts()
        .iter()
        .filter(|a| a.id() != fleet.account_id())
        .map(|a| &a.fleet)
        .collect()
}

/// Runs `sql` with the join pushdown on and off, asserts both answers equal `reference_sql`'s
/// (which has rows), and returns the calls of `probe` with it on and off.
pub async fn join_calls(
    h: &Harness,
    sql: &str,
    reference_sql: &str,
    probe: &str,
) -> (usize, usize) {
    let reference = h.rows(reference_sql).await;
    assert!(!reference.is_empty(), "the join has rows: {reference_sql}");
    let mut calls = Vec::new();
    for on in [true, false] {
        h.set_join_pushdown(on).await;
        h.clear();
        assert_eq!(h.rows(sql).await, reference, "join pushdown {on}: {sql}");
        calls.push(h.calls(probe).len());
    }
    h.set_join_pushdown(true).await;
    (calls[0], calls[1])
}

/// Every value of `member` the calls of `operation` sent, sorted and without repeats.
pub fn sent(h: &Harness, operation: &str, member: &str) -> Vec<String> {
    let mut values: Vec<String> = h
        .calls(operation)
        .iter()
        .flat_map(|c| crate::support::body_strings(c, member))
        .collect();
    values.sort();
    values.dedup();
    values
}

/// An epoch-seconds timestamp as the rows of `CAST(to_unixtime(t) AS BIGINT)` show it.
pub fn seconds(timestamp: Option<i64>) -> String {
    timestamp.map_or_else(|| "NULL".to_string(), |t| t.to_string())
}
