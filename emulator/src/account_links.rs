//! `ListAccountLinks` and `GetAccountLink`: the account links the calling account is the source
//! or the target of ([`Byol::of_call`]).
//!
//! `ListAccountLinks` keeps the links whose status is one of `LinkStatusFilter` (any status
//! when absent), `MaxResults` a page (25 by default). `GetAccountLink` finds one link by
//! `LinkId`, by `LinkedAccountId` (the other account of the link), or by both, which must then
//! name the same link; with neither it is a `ValidationException`, and a link the caller is not
//! part of is a `ResourceNotFoundException`, as the service answers.

use serde::Serialize;

use super::api_error::ApiError;
use super::byol::{AccountLink, Byol};
use super::operations::{Call, Structure};
use super::request::Members;

const DEFAULT_LIMIT: i64 = 25;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ListOutput<'a> {
    account_links: Vec<&'a AccountLink>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// `ListAccountLinks`.
pub(crate) fn list<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let statuses = request.strings("LinkStatusFilter")?;
    let limit = request.integer("MaxResults")?.unwrap_or(DEFAULT_LIMIT);
    let next_token = request.string("NextToken")?;
    let pager = call.pager(next_token)?;
    let byol = Byol::of_call(call);
    let (account_links, next_token) = pager.page(&byol.links, limit as usize, |link| {
        statuses
            .as_ref()
            .is_none_or(|s| s.contains(&link.account_link_status))
    });
    Structure::computed(&ListOutput {
        account_links,
        next_token,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct GetOutput<'a> {
    account_link: &'a AccountLink,
}

/// `GetAccountLink`.
pub(crate) fn get<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let link_id = request.string("LinkId")?;
    let linked_account = request.string("LinkedAccountId")?;
    if link_id.is_none() && linked_account.is_none() {
        return Err(ApiError::validation(
            "Either LinkId or LinkedAccountId must be specified.",
        ));
    }
    let caller = call.fleet.account_id();
    let byol = Byol::of_call(call);
    let found = byol.links.iter().find(|link| {
        let other = match link.source_account_id == caller {
            true => &link.target_account_id,
            false => &link.source_account_id,
        };
        link_id.is_none_or(|id| id == link.account_link_id)
            && linked_account.is_none_or(|account| account == other)
    });
    match found {
        Some(account_link) => Structure::computed(&GetOutput { account_link }),
        None => Err(ApiError::not_found(
            "account link",
            link_id.or(linked_account).unwrap_or_default(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::operations::answer;
    use crate::{Fleet, Organization};

    const REGION: &str = "us-east-1";

    fn call<'a>(
        org: &'a Organization,
        account: usize,
        operation: &'a str,
        body: &'a Value,
    ) -> Call<'a> {
        Call {
            organization: Some(org),
            ..Call::new(REGION, operation, body, &org.accounts()[account].fleet)
        }
    }

    fn link_ids(output: &Value) -> Vec<String> {
        output["AccountLinks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| l["AccountLinkId"].as_str().map(String::from))
            .collect()
    }

    #[test]
    fn statuses_filter_and_pages_follow_max_results() {
        let org = Organization::seeded(9, 7, &[REGION], 2);
        let all = json!({});
        let every = answer(&call(&org, 0, "ListAccountLinks", &all)).expect("answers");
        assert_eq!(link_ids(&every).len(), 6);
        let pending =
            json!({"LinkStatusFilter": ["PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT", "REJECTED"]});
        let output = answer(&call(&org, 0, "ListAccountLinks", &pending)).expect("answers");
        let statuses: Vec<&str> = output["AccountLinks"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| l["AccountLinkStatus"].as_str())
            .collect();
        assert_eq!(
            statuses,
            ["PENDING_ACCEPTANCE_BY_TARGET_ACCOUNT", "REJECTED"]
        );

        let first = json!({"MaxResults": 4});
        let output = answer(&call(&org, 0, "ListAccountLinks", &first)).expect("answers");
        let mut ids = link_ids(&output);
        assert_eq!(ids.len(), 4);
        let token = output["NextToken"]
            .as_str()
            .expect("a second page")
            .to_string();
        let second = json!({"MaxResults": 4, "NextToken": token});
        let output = answer(&call(&org, 0, "ListAccountLinks", &second)).expect("answers");
        ids.extend(link_ids(&output));
        assert!(output.get("NextToken").is_none());
        assert_eq!(ids, link_ids(&every));

        let member = answer(&call(&org, 3, "ListAccountLinks", &all)).expect("answers");
        assert_eq!(link_ids(&member), vec![link_ids(&every)[2].clone()]);
        let bad = json!({"LinkStatusFilter": ["ACCEPTED"]});
        let error = answer(&call(&org, 0, "ListAccountLinks", &bad)).expect_err("not a status");
        assert_eq!(error.code, "ValidationException");
    }

    #[test]
    fn get_finds_a_link_by_id_or_by_the_other_account() {
        let org = Organization::seeded(9, 3, &[REGION], 2);
        let source = org.accounts()[0].id().to_string();
        let member = org.accounts()[2].id().to_string();
        let all = json!({});
        let every = answer(&call(&org, 0, "ListAccountLinks", &all)).expect("answers");
        let id = link_ids(&every)[1].clone();
        for (account, body) in [
            (0, json!({"LinkId": id})),
            (0, json!({"LinkedAccountId": member})),
            (2, json!({"LinkedAccountId": source})),
            (2, json!({"LinkId": id, "LinkedAccountId": source})),
        ] {
            let output = answer(&call(&org, account, "GetAccountLink", &body)).expect("found");
            assert_eq!(
                output["AccountLink"]["AccountLinkId"],
                id.as_str(),
                "{body}"
            );
        }
        for (account, body) in [
            (1, json!({"LinkId": id})),
            (0, json!({"LinkId": "link-0000000000"})),
            (0, json!({"LinkId": id, "LinkedAccountId": source})),
        ] {
            let error = answer(&call(&org, account, "GetAccountLink", &body)).expect_err("none");
            assert_eq!(error.code, "ResourceNotFoundException", "{body}");
        }
        let error = answer(&call(&org, 0, "GetAccountLink", &all)).expect_err("neither");
        assert_eq!(error.code, "ValidationException");
        let fleet = Fleet::seeded(2, &[REGION], 2);
        let body = json!({"LinkId": "bad"});
        let error =
            answer(&Call::new(REGION, "GetAccountLink", &body, &fleet)).expect_err("pattern");
        assert_eq!(error.code, "ValidationException");
    }
}
