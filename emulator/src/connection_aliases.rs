//! Connection aliases (cross-Region redirection) of a region, with whom each is shared, and
//! `DescribeConnectionAliases`: by id, by associated directory, or all, paged by `Limit` (1 to
//! 25, default 25). `DescribeConnectionAliasPermissions` (`connection_alias_permissions.rs`)
//! reads the sharing.
//!
//! Cross-Region redirection is a WorkSpaces Personal feature, so aliases hang off the region's
//! `PERSONAL` directories: the first one always has an alias, and about half of the others. An
//! alias is `CREATED` (a few `CREATING` or `DELETING`), named after its directory
//! (`<directory alias>.desktops.example.com`), and usually associated with that directory
//! (`ASSOCIATED_WITH_OWNER_ACCOUNT`). It is shared with other accounts of the organization
//! (about one in two; the first alias always with the first of them), some of which are allowed
//! to associate it and did so with a `PERSONAL` directory of theirs in the same region
//! (`ASSOCIATED_WITH_SHARED_ACCOUNT`); the first alias, and about one other in four, is shared
//! with an account outside the organization (a partner's), which an audit should notice. An
//! alias being created has no permission and no association.
//!
//! An account lists only the aliases it owns. `ResourceId` selects the aliases with an
//! association to that directory, whichever account made it; ids that name no alias are left
//! out.

use serde::Serialize;

use super::api_error::ApiError;
use super::fleet::Fleet;
use super::operations::{Call, Structure};
use super::request::Members;
use super::seed::{SplitMix, fnv1a, mix64};
use super::shapes::{Directory, WorkspaceType};
use super::usage::Dice;

const DEFAULT_LIMIT: i64 = 25;
const LOWER_ALPHANUMERIC: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const SALT_ALIAS: u64 = 0xA11A_5001;
const SALT_HAS_ALIAS: u64 = 0xA11A_5002;
const SALT_SHARED: u64 = 0xA11A_5003;
const SALT_ALLOWED: u64 = 0xA11A_5004;
const SALT_PARTNER: u64 = 0xA11A_5005;

/// A `ConnectionAliasAssociation`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectionAliasAssociation {
    /// `ASSOCIATED_WITH_OWNER_ACCOUNT`, `ASSOCIATED_WITH_SHARED_ACCOUNT`, `PENDING_ASSOCIATION`.
    pub association_status: String,
    /// The account that associated the alias.
    pub associated_account_id: String,
    /// The directory it is associated with, in that account.
    pub resource_id: String,
    /// What the DNS TXT record names.
    pub connection_identifier: String,
}

/// A `ConnectionAliasPermission`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectionAliasPermission {
    /// The account the alias is shared with.
    pub shared_account_id: String,
    /// Whether that account may associate the alias with a directory of its own.
    pub allow_association: bool,
}

/// A `ConnectionAlias`, with the permissions `DescribeConnectionAliasPermissions` answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectionAlias {
    /// The FQDN users register with.
    pub connection_string: String,
    /// `wsca-` and 9 characters of `[0-9a-z]`.
    pub alias_id: String,
    /// `CREATING`, `CREATED` or `DELETING`.
    pub state: String,
    /// The account that owns it.
    pub owner_account_id: String,
    /// Its associations; absent when it has none (the model's list has at least one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub associations: Option<Vec<ConnectionAliasAssociation>>,
    /// With whom it is shared (not a member of `ConnectionAlias`).
    #[serde(skip)]
    pub permissions: Vec<ConnectionAliasPermission>,
}

/// The account outside the organization that some of `owner`'s aliases are shared with: a
/// partner's, never one of `accounts` (the organization's).
pub fn partner_account(owner: &str, accounts: &[&str]) -> String {
    let mut key = fnv1a(owner.as_bytes()) ^ SALT_PARTNER;
    loop {
        let id = format!("{:012}", mix64(key) % 900_000_000_000 + 100_000_000_000);
        if id != owner && !accounts.contains(&id.as_str()) {
            return id;
        }
        key = mix64(key);
    }
}

/// The `PERSONAL` directories of `fleet` in `region`, in serving order.
fn personal_directories<'a>(fleet: &'a Fleet, region: &str) -> Vec<&'a Directory> {
    fleet
        .directories(region)
        .iter()
        .filter(|d| d.workspace_type == Some(WorkspaceType::Personal))
        .collect()
}

/// The connection aliases `fleet`'s account owns in `region`, given the other accounts of its
/// organization (`peers`, whose directories in the region may carry the shared aliases).
pub fn connection_aliases_of(
    fleet: &Fleet,
    region: &str,
    peers: &[&Fleet],
) -> Vec<ConnectionAlias> {
    let owner = fleet.account_id();
    let peer_ids: Vec<&str> = peers.iter().map(|p| p.account_id()).collect();
    let partner = partner_account(owner, &peer_ids);
    personal_directories(fleet, region)
        .into_iter()
        .enumerate()
        .filter_map(|(position, directory)| {
            let key = format!("{owner}/{region}/{}", directory.directory_id);
            let first = position == 0;
            let has_alias = first || Dice::of(&key, SALT_HAS_ALIAS).unit() < 0.5;
            has_alias.then(|| alias(&key, first, directory, owner, peers, &partner, region))
        })
        .collect()
}

/// The alias of `directory` (`key` names it), the region's first when `first`.
fn alias(
    key: &str,
    first: bool,
    directory: &Directory,
    owner: &str,
    peers: &[&Fleet],
    partner: &str,
    region: &str,
) -> ConnectionAlias {
    let mut rng = SplitMix::new(fnv1a(key.as_bytes()) ^ SALT_ALIAS);
    let alias_id = format!("wsca-{}", rng.chars(9, LOWER_ALPHANUMERIC));
    let label = directory
        .alias
        .clone()
        .unwrap_or_else(|| format!("desktops-{}", rng.chars(6, LOWER_ALPHANUMERIC)));
    let state = match (first, rng.below(20)) {
        (false, 0 | 1) => "CREATING",
        (false, 2) => "DELETING",
        _ => "CREATED",
    };
    let mut alias = ConnectionAlias {
        connection_string: format!("{label}.desktops.example.com"),
        alias_id,
        state: state.to_string(),
        owner_account_id: owner.to_string(),
        associations: None,
        permissions: Vec::new(),
    };
    if state == "CREATING" {
        return alias;
    }
    let mut associations = Vec::new();
    if state == "CREATED" && (first || rng.chance(0.8)) {
        associations.push(ConnectionAliasAssociation {
            association_status: "ASSOCIATED_WITH_OWNER_ACCOUNT".to_string(),
            associated_account_id: owner.to_string(),
            resource_id: directory.directory_id.clone(),
            connection_identifier: rng.chars(16, ALPHANUMERIC),
        });
    }
    for (position, peer) in peers.iter().enumerate() {
        let peer_key = format!("{}/{}", alias.alias_id, peer.account_id());
        let shared = (first && position == 0) || Dice::of(&peer_key, SALT_SHARED).unit() < 0.5;
        if !shared {
            continue;
        }
        let allowed = (first && position == 0) || Dice::of(&peer_key, SALT_ALLOWED).unit() < 0.7;
        alias.permissions.push(ConnectionAliasPermission {
            shared_account_id: peer.account_id().to_string(),
            allow_association: allowed,
        });
        let theirs = personal_directories(peer, region).into_iter().next();
        if let (true, "CREATED", Some(theirs)) = (allowed, state, theirs) {
            let status = match rng.below(10) {
                0 => "PENDING_ASSOCIATION",
                _ => "ASSOCIATED_WITH_SHARED_ACCOUNT",
            };
            associations.push(ConnectionAliasAssociation {
                association_status: status.to_string(),
                associated_account_id: peer.account_id().to_string(),
                resource_id: theirs.directory_id.clone(),
                connection_identifier: rng.chars(16, ALPHANUMERIC),
            });
        }
    }
    let partner_key = format!("{}/{partner}", alias.alias_id);
    if first || Dice::of(&partner_key, SALT_SHARED).unit() < 0.25 {
        alias.permissions.push(ConnectionAliasPermission {
            shared_account_id: partner.to_string(),
            allow_association: Dice::of(&partner_key, SALT_ALLOWED).unit() < 0.5,
        });
    }
    alias.associations = (!associations.is_empty()).then_some(associations);
    alias
}

/// The fleets of the other accounts of the caller's organization.
pub(crate) fn peers<'a>(call: &Call<'a>) -> Vec<&'a Fleet> {
    let owner = call.fleet.account_id();
    call.organization
        .map(|o| o.accounts())
        .unwrap_or_default()
        .iter()
        .filter(|a| a.id() != owner)
        .map(|a| &a.fleet)
        .collect()
}

/// The aliases the caller owns in the call's region.
pub(crate) fn of_call(call: &Call<'_>) -> Vec<ConnectionAlias> {
    connection_aliases_of(call.fleet, call.region, &peers(call))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    connection_aliases: Vec<&'a ConnectionAlias>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let ids = request.strings("AliasIds")?;
    let resource_id = request.string("ResourceId")?;
    let limit = request.integer("Limit")?.unwrap_or(DEFAULT_LIMIT);
    let next_token = request.string("NextToken")?;
    let pager = call.pager(next_token)?;
    let aliases = of_call(call);
    let (connection_aliases, next_token) = pager.page(&aliases, limit as usize, |a| {
        ids.as_ref()
            .is_none_or(|ids| ids.contains(&a.alias_id.as_str()))
            && resource_id.is_none_or(|resource| {
                a.associations
                    .iter()
                    .flatten()
                    .any(|association| association.resource_id == resource)
            })
    });
    Structure::computed(&Output {
        connection_aliases,
        next_token,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::model;
    use crate::organization::Organization;

    fn organization() -> Organization {
        Organization::seeded(8, 3, &["us-east-1", "eu-west-1"], 900)
    }

    fn call(organization: &Organization, account: usize, body: Value) -> Result<Value, ApiError> {
        let call = Call {
            organization: Some(organization),
            ..Call::new(
                "us-east-1",
                "DescribeConnectionAliases",
                &body,
                &organization.accounts()[account].fleet,
            )
        };
        crate::operations::answer(&call)
    }

    fn ids(answer: &Value) -> Vec<String> {
        answer["ConnectionAliases"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["AliasId"].as_str().map(str::to_string))
            .collect()
    }

    #[test]
    fn aliases_hang_off_personal_directories_and_are_shared_in_and_out_of_the_organization() {
        let organization = organization();
        let fleets: Vec<&Fleet> = organization.accounts().iter().map(|a| &a.fleet).collect();
        let accounts: Vec<&str> = fleets.iter().map(|f| f.account_id()).collect();
        let (mut inside, mut outside, mut by_peers) = (0, 0, 0);
        for (i, fleet) in fleets.iter().enumerate() {
            let peers: Vec<&Fleet> = fleets
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, f)| *f)
                .collect();
            for region in fleet.regions() {
                let aliases = connection_aliases_of(fleet, region, &peers);
                assert!(!aliases.is_empty());
                let personal = personal_directories(fleet, region);
                let first = &aliases[0];
                assert_eq!(first.state, "CREATED");
                let owned = first.associations.as_ref().expect("associated");
                assert_eq!(owned[0].resource_id, personal[0].directory_id);
                assert_eq!(owned[0].associated_account_id, fleet.account_id());
                for alias in &aliases {
                    let shapes = model::workspaces();
                    assert!(shapes.string("ConnectionAliasId").matches(&alias.alias_id));
                    assert!(
                        shapes
                            .string("ConnectionString")
                            .matches(&alias.connection_string)
                    );
                    for association in alias.associations.iter().flatten() {
                        assert!(
                            shapes
                                .string("ConnectionIdentifier")
                                .matches(&association.connection_identifier)
                        );
                        if association.associated_account_id != fleet.account_id() {
                            by_peers += 1;
                            let permission = alias
                                .permissions
                                .iter()
                                .find(|p| p.shared_account_id == association.associated_account_id)
                                .expect("associated by an account it is shared with");
                            assert!(permission.allow_association);
                        }
                    }
                    for permission in &alias.permissions {
                        assert_ne!(permission.shared_account_id, fleet.account_id());
                        match accounts.contains(&permission.shared_account_id.as_str()) {
                            true => inside += 1,
                            false => outside += 1,
                        }
                    }
                }
            }
        }
        assert!(
            inside > 0 && outside > 0 && by_peers > 0,
            "{inside} {outside} {by_peers}"
        );
    }

    #[test]
    fn selects_by_id_and_directory_and_pages() {
        let organization = organization();
        let fleet = &organization.accounts()[0].fleet;
        let peers: Vec<&Fleet> = organization.accounts()[1..]
            .iter()
            .map(|a| &a.fleet)
            .collect();
        let aliases = connection_aliases_of(fleet, "us-east-1", &peers);
        assert!(aliases.len() >= 2, "{aliases:?}");
        let all: Vec<String> = aliases.iter().map(|a| a.alias_id.clone()).collect();
        let answer = call(&organization, 0, json!({})).expect("all");
        assert_eq!(ids(&answer), all);
        assert!(answer["ConnectionAliases"][0].get("Permissions").is_none());
        let answer = call(&organization, 0, json!({"Limit": 1})).expect("a page");
        assert_eq!(ids(&answer), all[..1]);
        let token = answer["NextToken"].as_str().expect("more").to_string();
        let answer =
            call(&organization, 0, json!({"Limit": 25, "NextToken": token})).expect("rest");
        assert_eq!(ids(&answer), all[1..]);
        let answer = call(
            &organization,
            0,
            json!({"AliasIds": [all[1], "wsca-zzzzzzzzz"]}),
        )
        .expect("by id");
        assert_eq!(ids(&answer), all[1..2]);
        let directory = aliases[0]
            .associations
            .as_ref()
            .map(|a| a[0].resource_id.clone())
            .expect("associated");
        let answer = call(&organization, 0, json!({"ResourceId": directory})).expect("by dir");
        assert_eq!(ids(&answer), all[..1]);
        let answer = call(&organization, 0, json!({"ResourceId": "d-0000000000"})).expect("none");
        assert!(ids(&answer).is_empty());
        for body in [
            json!({"Limit": 0}),
            json!({"AliasIds": []}),
            json!({"ResourceId": ""}),
        ] {
            let err = call(&organization, 0, body.clone()).expect_err(&body.to_string());
            assert_eq!(err.code, "ValidationException", "{body}");
        }
    }

    #[test]
    fn an_account_on_its_own_shares_only_with_its_partner() {
        let fleet = Fleet::seeded(8, &["us-east-1"], 300);
        let aliases = connection_aliases_of(&fleet, "us-east-1", &[]);
        let partner = partner_account(fleet.account_id(), &[]);
        assert_eq!(aliases[0].permissions.len(), 1);
        assert!(
            aliases
                .iter()
                .flat_map(|a| &a.permissions)
                .all(|p| p.shared_account_id == partner)
        );
        assert_ne!(partner, fleet.account_id());
    }
}
