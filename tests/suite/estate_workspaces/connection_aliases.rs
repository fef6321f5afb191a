//! `workspaces_connection_aliases` and `workspaces_connection_alias_permissions`, read from the
//! management account of an organization whose accounts share aliases: one selector a request,
//! the owner's directory as `resource_id`, the permissions of named aliases without a listing,
//! joins that narrow the calls, and the aliases and sharing the fleet holds.

use wsql_emulator::connection_aliases::{ConnectionAlias, connection_aliases_of};

use super::{
    ALIAS_PERMISSIONS, ALIASES, REGIONS, join_calls, management, organization, peers, sent,
};
use crate::support::{Harness, body_strings, quoted};

const ALIASES_TABLE: &str = "workspaces_connection_aliases";
const PERMISSIONS_TABLE: &str = "workspaces_connection_alias_permissions";

/// The management account's aliases in every region, as the emulator holds them.
fn aliases(h: &Harness) -> Vec<(&'static str, ConnectionAlias)> {
    let fleet = h.emulator.fleet();
    let peers = peers(h, fleet);
    REGIONS
        .iter()
        .flat_map(|region| {
            connection_aliases_of(fleet, region, &peers)
                .into_iter()
                .map(move |alias| (*region, alias))
        })
        .collect()
}

/// The directory the owner associated `alias` with.
fn owners_directory(alias: &ConnectionAlias) -> Option<&str> {
    alias
        .associations
        .iter()
        .flatten()
        .find(|a| a.associated_account_id == alias.owner_account_id)
        .map(|a| a.resource_id.as_str())
}

#[tokio::test]
async fn every_alias_the_account_owns_with_its_associations() {
    let h = management(organization(31, 3, 300)).await;
    let mut expected: Vec<String> = aliases(&h)
        .iter()
        .map(|(region, a)| {
            format!(
                "{region}|{}|{}|{}|{}|{}|{}",
                a.alias_id,
                a.connection_string,
                a.state,
                a.owner_account_id,
                owners_directory(a).unwrap_or("NULL"),
                a.associations.as_ref().map_or(0, Vec::len)
            )
        })
        .collect();
    expected.sort();
    assert!(expected.len() >= 2, "{expected:?}");
    let rows = h
        .rows(&format!(
            "SELECT region, alias_id, connection_string, state, owner_account_id, resource_id, \
             coalesce(cardinality(associations), 0) FROM {ALIASES_TABLE}"
        ))
        .await;
    assert_eq!(rows, expected);
    let shared = h
        .number(&format!(
            "SELECT count(*) FROM (SELECT unnest(associations) AS a FROM {ALIASES_TABLE}) \
             WHERE a['association_status'] = 'ASSOCIATED_WITH_SHARED_ACCOUNT'"
        ))
        .await;
    assert!(shared >= 1, "another account associated an alias");
}

#[tokio::test]
async fn ids_win_and_directories_are_asked_one_chain_each() {
    let h = management(organization(31, 3, 300)).await;
    let all = aliases(&h);
    let in_us: Vec<&ConnectionAlias> = all
        .iter()
        .filter(|(region, _)| *region == "us-east-1")
        .map(|(_, a)| a)
        .collect();
    let ids: Vec<String> = in_us.iter().map(|a| a.alias_id.clone()).collect();
    let (rows, calls) = h
        .equivalent(
            ALIASES_TABLE,
            ALIASES,
            &format!("region = 'us-east-1' AND alias_id IN ({})", quoted(&ids)),
        )
        .await;
    assert_eq!(rows.len(), ids.len());
    assert_eq!(calls.len(), 1);
    let directories: Vec<String> = in_us
        .iter()
        .filter_map(|a| owners_directory(a).map(String::from))
        .collect();
    assert!(!directories.is_empty());
    let (rows, calls) = h
        .equivalent(
            ALIASES_TABLE,
            ALIASES,
            &format!(
                "region = 'us-east-1' AND resource_id IN ({})",
                quoted(&directories)
            ),
        )
        .await;
    assert_eq!(rows.len(), directories.len());
    assert_eq!(calls.len(), directories.len(), "one chain per directory");
    assert!(calls.iter().all(|c| body_strings(c, "AliasIds").is_empty()));
    let (_, calls) = h
        .equivalent(
            ALIASES_TABLE,
            ALIASES,
            &format!(
                "alias_id = '{}' AND resource_id = '{}'",
                ids[0], directories[0]
            ),
        )
        .await;
    assert!(
        calls
            .iter()
            .all(|c| body_strings(c, "ResourceId").is_empty()
                && !body_strings(c, "AliasIds").is_empty()),
        "ids alone are sent"
    );
}

#[tokio::test]
async fn another_accounts_directory_finds_the_alias_but_resource_id_is_the_owners() {
    let h = management(organization(31, 3, 300)).await;
    let (alias, theirs) = aliases(&h)
        .into_iter()
        .find_map(|(_, a)| {
            let theirs = a
                .associations
                .iter()
                .flatten()
                .find(|x| x.associated_account_id != a.owner_account_id)
                .map(|x| x.resource_id.clone())?;
            Some((a, theirs))
        })
        .expect("an alias associated by another account");
    let (rows, calls) = h
        .equivalent(ALIASES_TABLE, ALIASES, &format!("resource_id = '{theirs}'"))
        .await;
    assert!(
        rows.is_empty(),
        "resource_id is the owner's directory: {rows:?}"
    );
    assert_eq!(calls.len(), REGIONS.len(), "sent to every region");
    let found = h
        .strings(&format!(
            "SELECT alias_id FROM (SELECT alias_id, unnest(associations) AS a FROM {ALIASES_TABLE}) \
             WHERE a['resource_id'] = '{theirs}'"
        ))
        .await;
    assert_eq!(found, vec![alias.alias_id]);
}

#[tokio::test]
async fn a_join_on_the_directory_asks_for_its_aliases_only() {
    let h = management(organization(31, 3, 300)).await;
    let directory = aliases(&h)
        .iter()
        .find_map(|(_, a)| owners_directory(a).map(String::from))
        .expect("an associated alias");
    // The registration code names the directory without naming the join key, whose predicate
    // would reach the aliases as one of their own.
    let code = REGIONS
        .iter()
        .flat_map(|r| h.emulator.fleet().directories(r))
        .find(|d| d.directory_id == directory)
        .and_then(|d| d.registration_code.clone())
        .expect("a registration code");
    let join = |suffix: &str| {
        format!(
            "SELECT d.directory_id, a.alias_id, a.connection_string \
             FROM workspaces_directories{suffix} d JOIN {ALIASES_TABLE}{suffix} a \
             ON a.resource_id = d.directory_id WHERE d.registration_code = '{code}'"
        )
    };
    join_calls(&h, &join(""), &join("_reference"), ALIASES).await;
    h.clear();
    h.rows(&join("")).await;
    assert_eq!(sent(&h, ALIASES, "ResourceId"), vec![directory.clone()]);
    h.set_join_pushdown(false).await;
    h.clear();
    h.rows(&join("")).await;
    assert!(sent(&h, ALIASES, "ResourceId").is_empty());
}

#[tokio::test]
async fn limit_and_impossible_values() {
    let h = management(organization(31, 2, 300)).await;
    h.clear();
    let rows = h
        .rows(&format!(
            "SELECT * FROM {ALIASES_TABLE} WHERE region = 'eu-west-1' LIMIT 1"
        ))
        .await;
    assert_eq!(rows.len(), 1);
    let calls = h.calls(ALIASES);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["Limit"], serde_json::json!(1));
    for condition in [
        "alias_id = 'wsca-1'",
        "alias_id = 'WSCA-ABCDEFGH'",
        "alias_id = ''",
        "resource_id = ''",
    ] {
        let (rows, calls) = h.equivalent(ALIASES_TABLE, ALIASES, condition).await;
        assert!(rows.is_empty() && calls.is_empty(), "{condition}");
        if condition.starts_with("alias_id") {
            h.clear();
            let rows = h
                .rows(&format!(
                    "SELECT * FROM {PERMISSIONS_TABLE} WHERE {condition}"
                ))
                .await;
            assert!(rows.is_empty());
            assert_eq!(h.all_calls(), 0, "not even the aliases listed: {condition}");
        }
    }
}

#[tokio::test]
async fn every_permission_inside_and_outside_the_organization() {
    let h = management(organization(31, 3, 300)).await;
    let all = aliases(&h);
    let mut expected: Vec<String> = all
        .iter()
        .flat_map(|(region, a)| {
            a.permissions.iter().map(move |p| {
                format!(
                    "{region}|{}|{}|{}",
                    a.alias_id, p.shared_account_id, p.allow_association
                )
            })
        })
        .collect();
    expected.sort();
    h.clear();
    let rows = h
        .rows(&format!(
            "SELECT region, alias_id, shared_account_id, allow_association FROM {PERMISSIONS_TABLE}"
        ))
        .await;
    assert_eq!(rows, expected);
    assert_eq!(
        h.calls(ALIASES).len(),
        REGIONS.len(),
        "the aliases listed first"
    );
    assert_eq!(
        h.calls(ALIAS_PERMISSIONS).len(),
        all.len(),
        "then one chain each"
    );
    let accounts: Vec<String> = h
        .emulator
        .organization()
        .accounts()
        .iter()
        .map(|a| a.id().to_string())
        .collect();
    let outside = h
        .number(&format!(
            "SELECT count(*) FROM {PERMISSIONS_TABLE} WHERE shared_account_id NOT IN ({})",
            quoted(&accounts)
        ))
        .await;
    assert!(
        outside >= 1 && (outside as usize) < rows.len(),
        "{outside} of {}",
        rows.len()
    );
}

#[tokio::test]
async fn named_aliases_are_asked_without_a_listing_and_gone_ones_answer_nothing() {
    let h = management(organization(31, 3, 300)).await;
    let shared: Vec<String> = aliases(&h)
        .iter()
        .filter(|(region, a)| *region == "eu-west-1" && !a.permissions.is_empty())
        .map(|(_, a)| a.alias_id.clone())
        .collect();
    assert!(!shared.is_empty());
    let mut asked = shared.clone();
    asked.push("wsca-zzzzzzzzz".to_string());
    h.clear();
    let rows = h
        .rows(&format!(
            "SELECT * FROM {PERMISSIONS_TABLE} WHERE region = 'eu-west-1' AND alias_id IN ({})",
            quoted(&asked)
        ))
        .await;
    assert!(!rows.is_empty());
    assert!(h.calls(ALIASES).is_empty(), "no listing for named aliases");
    let calls = h.calls(ALIAS_PERMISSIONS);
    assert_eq!(calls.len(), asked.len());
    assert_eq!(
        calls.iter().filter(|c| c.status == 400).count(),
        1,
        "the gone one"
    );
    let (reference, _) = h
        .equivalent(
            PERMISSIONS_TABLE,
            ALIAS_PERMISSIONS,
            &format!("region = 'eu-west-1' AND alias_id IN ({})", quoted(&asked)),
        )
        .await;
    assert_eq!(reference.len(), rows.len());
}

#[tokio::test]
async fn a_join_from_the_aliases_asks_for_the_build_sides_permissions() {
    let h = management(organization(31, 3, 300)).await;
    let alias = aliases(&h)
        .into_iter()
        .map(|(_, a)| a)
        .find(|a| !a.permissions.is_empty())
        .expect("a shared alias");
    let join = |suffix: &str| {
        format!(
            "SELECT a.connection_string, p.shared_account_id, p.allow_association \
             FROM {ALIASES_TABLE}{suffix} a \
             JOIN {PERMISSIONS_TABLE}{suffix} p USING (account_id, region, alias_id) \
             WHERE a.connection_string = '{}'",
            alias.connection_string
        )
    };
    let (on, off) = join_calls(&h, &join(""), &join("_reference"), ALIAS_PERMISSIONS).await;
    assert_eq!(on, 1);
    assert_eq!(off, aliases(&h).len());
}
