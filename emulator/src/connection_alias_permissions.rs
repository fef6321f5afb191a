//! `DescribeConnectionAliasPermissions`: with whom one connection alias of the caller's is
//! shared (`connection_aliases.rs` says who), paged by `MaxResults` (1 to 25, default 25). An
//! alias the caller does not own is a `ResourceNotFoundException`.

use serde::Serialize;

use super::api_error::ApiError;
use super::connection_aliases::{ConnectionAliasPermission, of_call};
use super::operations::{Call, Structure};
use super::request::Members;

const DEFAULT_MAX_RESULTS: i64 = 25;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    alias_id: &'a str,
    /// Absent when the alias is shared with nobody (the model's list has at least one).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    connection_alias_permissions: Vec<&'a ConnectionAliasPermission>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let alias_id = request.string("AliasId")?.unwrap_or_default();
    let max_results = request
        .integer("MaxResults")?
        .unwrap_or(DEFAULT_MAX_RESULTS);
    let next_token = request.string("NextToken")?;
    let pager = call.pager(next_token)?;
    let aliases = of_call(call);
    let alias = aliases
        .iter()
        .find(|a| a.alias_id == alias_id)
        .ok_or_else(|| ApiError::not_found("connection alias", alias_id))?;
    let (permissions, next_token) = pager.page(&alias.permissions, max_results as usize, |_| true);
    Structure::computed(&Output {
        alias_id,
        connection_alias_permissions: permissions,
        next_token,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::connection_aliases::connection_aliases_of;
    use crate::fleet::Fleet;
    use crate::organization::Organization;

    fn call(organization: &Organization, body: Value) -> Result<Value, ApiError> {
        let call = Call {
            organization: Some(organization),
            ..Call::new(
                "eu-west-1",
                "DescribeConnectionAliasPermissions",
                &body,
                &organization.accounts()[0].fleet,
            )
        };
        crate::operations::answer(&call)
    }

    #[test]
    fn pages_through_the_permissions_of_one_alias() {
        let organization = Organization::seeded(9, 4, &["eu-west-1"], 300);
        let peers: Vec<&Fleet> = organization.accounts()[1..]
            .iter()
            .map(|a| &a.fleet)
            .collect();
        let aliases = connection_aliases_of(&organization.accounts()[0].fleet, "eu-west-1", &peers);
        let alias = aliases
            .iter()
            .max_by_key(|a| a.permissions.len())
            .expect("aliases");
        assert!(alias.permissions.len() >= 2, "{alias:?}");
        let expected: Vec<Value> = alias
            .permissions
            .iter()
            .map(|p| json!({"SharedAccountId": p.shared_account_id, "AllowAssociation": p.allow_association}))
            .collect();
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({"AliasId": alias.alias_id, "MaxResults": 1});
            if let Some(t) = &token {
                body["NextToken"] = json!(t);
            }
            let page = call(&organization, body).expect("a page");
            assert_eq!(page["AliasId"], json!(alias.alias_id));
            seen.extend(
                page["ConnectionAliasPermissions"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
            );
            match page["NextToken"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        assert_eq!(seen, expected);
    }

    #[test]
    fn unknown_aliases_and_validation() {
        let organization = Organization::seeded(9, 2, &["eu-west-1"], 30);
        let err = call(&organization, json!({"AliasId": "wsca-zzzzzzzzz"})).expect_err("unknown");
        assert_eq!(err.code, "ResourceNotFoundException");
        for body in [
            json!({}),
            json!({"AliasId": "wsca-1"}),
            json!({"AliasId": "wsca-zzzzzzzzz", "MaxResults": 26}),
        ] {
            let err = call(&organization, body.clone()).expect_err(&body.to_string());
            assert_eq!(err.code, "ValidationException", "{body}");
        }
    }
}
