//! `DescribeAccount` and `DescribeAccountModifications`: the calling account's BYOL
//! configuration in the region, and its history, [`PAGE_SIZE`] modifications a page (the
//! operation takes no page size). Both read [`Byol::of_call`].

use serde::Serialize;

use super::api_error::ApiError;
use super::byol::{AccountModification, Byol};
use super::operations::{Call, Structure};
use super::request::Members;

/// The service's page of modifications; the request has no `MaxResults`.
pub(crate) const PAGE_SIZE: usize = 5;

/// `DescribeAccount`: the BYOL settings.
pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    Members::of_body(call.body)?;
    Ok(Structure::new(Byol::of_call(call).settings))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ModificationsOutput<'a> {
    account_modifications: Vec<&'a AccountModification>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// `DescribeAccountModifications`: the BYOL changes, newest first.
pub(crate) fn modifications<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let next_token = request.string("NextToken")?;
    let pager = call.pager(next_token)?;
    let byol = Byol::of_call(call);
    let (account_modifications, next_token) = pager.page(&byol.modifications, PAGE_SIZE, |_| true);
    Structure::computed(&ModificationsOutput {
        account_modifications,
        next_token,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::operations::answer;
    use crate::{Fleet, Organization};

    const REGION: &str = "us-east-1";

    #[test]
    fn each_account_describes_its_own_configuration() {
        let org = Organization::seeded(4, 3, &[REGION], 5);
        let body = json!({});
        let answers: Vec<Value> = org
            .accounts()
            .iter()
            .map(|account| {
                let call = Call {
                    organization: Some(&org),
                    ..Call::new(REGION, "DescribeAccount", &body, &account.fleet)
                };
                answer(&call).expect("answers")
            })
            .collect();
        assert_eq!(answers[0]["DedicatedTenancySupport"], "ENABLED");
        assert_eq!(answers[0]["DedicatedTenancyAccountType"], "SOURCE_ACCOUNT");
        assert_eq!(answers[1]["DedicatedTenancyAccountType"], "TARGET_ACCOUNT");
        assert_eq!(answers[2]["DedicatedTenancySupport"], "DISABLED");
        assert!(
            answers[2]
                .get("DedicatedTenancyManagementCidrRange")
                .is_none()
        );
        assert_ne!(
            answers[0]["DedicatedTenancyManagementCidrRange"],
            answers[1]["DedicatedTenancyManagementCidrRange"]
        );
    }

    #[test]
    fn modifications_page_by_five_and_tokens_are_bound() {
        let fleet = Fleet::seeded(6, &[REGION], 5);
        let expected = Byol::of(
            &[fleet.account_id()],
            fleet.account_id(),
            REGION,
            fleet.region(REGION),
        )
        .modifications
        .len();
        assert!(
            expected > PAGE_SIZE,
            "a source account's history spans pages"
        );
        let mut seen = 0;
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let body = match &token {
                Some(t) => json!({ "NextToken": t }),
                None => json!({}),
            };
            let call = Call::new(REGION, "DescribeAccountModifications", &body, &fleet);
            let output = answer(&call).expect("answers");
            let page = output["AccountModifications"]
                .as_array()
                .map_or(0, Vec::len);
            assert!(page <= PAGE_SIZE);
            seen += page;
            pages += 1;
            match output["NextToken"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        assert_eq!(seen, expected);
        assert_eq!(pages, expected.div_ceil(PAGE_SIZE));
        let body = json!({"NextToken": "not-ours"});
        let call = Call::new(REGION, "DescribeAccountModifications", &body, &fleet);
        let error = answer(&call).expect_err("a foreign token");
        assert_eq!(error.code, "InvalidParameterValuesException");
    }
}
