//! `DescribeWorkspaceBundles`: bundles by id, Amazon's, or the account's own, 25 a page.
//!
//! As with the service: with neither `BundleIds` nor `Owner` the account's own bundles are
//! returned; `Owner: "AMAZON"` returns Amazon's; the two members cannot be combined. An `Owner`
//! that is the account's id is treated like no `Owner`; any other owner has no bundles here.

use serde::Serialize;

use super::api_error::ApiError;
use super::operations::{Call, Structure};
use super::request::Members;
use super::shapes::Bundle;

/// The service's page size; the operation has no `Limit`.
const PAGE_SIZE: usize = 25;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    bundles: Vec<&'a Bundle>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let ids = request.strings("BundleIds")?;
    let owner = request.string("Owner")?;
    let next_token = request.string("NextToken")?;
    if ids.is_some() && owner.is_some() {
        return Err(ApiError::invalid_parameter(
            "BundleIds and Owner cannot be combined; specify one of them.",
        ));
    }

    let pager = call.pager(next_token)?;
    let wanted_owner = owner.unwrap_or(call.fleet.account_id());
    let (bundles, next_token) = pager.page(&call.records().bundles, PAGE_SIZE, |b| match &ids {
        Some(ids) => ids.contains(&b.bundle_id.as_str()),
        None => b.owner.as_deref() == Some(wanted_owner),
    });
    Ok(Structure::new(Output {
        bundles,
        next_token,
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::Fleet;
    use crate::operations::answer;

    fn call(fleet: &Fleet, body: Value) -> Result<Value, ApiError> {
        let call = Call::new("us-east-1", "DescribeWorkspaceBundles", &body, fleet);
        answer(&call)
    }

    fn owners(page: &Value) -> Vec<String> {
        page["Bundles"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|b| b["Owner"].as_str().map(str::to_string))
            .collect()
    }

    #[test]
    fn owner_selects_amazon_or_own_bundles() {
        let fleet = Fleet::seeded(2, &["us-east-1"], 3000);
        let account = fleet.account_id().to_string();
        let own = call(&fleet, json!({})).expect("own");
        assert_eq!(
            owners(&own).len(),
            PAGE_SIZE,
            "more than a page of own bundles"
        );
        assert!(owners(&own).iter().all(|o| *o == account));
        assert!(own["NextToken"].is_string());
        let amazon = call(&fleet, json!({"Owner": "AMAZON"})).expect("amazon");
        assert_eq!(owners(&amazon), vec!["AMAZON"; 6]);
        assert!(amazon.get("NextToken").is_none());
        let other = call(&fleet, json!({"Owner": "999999999999"})).expect("other");
        assert!(owners(&other).is_empty());
    }

    #[test]
    fn bundle_ids_select_any_owner_and_exclude_owner() {
        let fleet = Fleet::seeded(2, &["us-east-1"], 30);
        let bundles = fleet.bundles("us-east-1");
        let amazon = bundles
            .iter()
            .find(|b| b.owner.as_deref() == Some("AMAZON"))
            .expect("amazon");
        let page = call(
            &fleet,
            json!({"BundleIds": [amazon.bundle_id, bundles[0].bundle_id]}),
        )
        .expect("ids");
        assert_eq!(page["Bundles"].as_array().map(Vec::len), Some(2));
        let err = call(
            &fleet,
            json!({"BundleIds": [amazon.bundle_id], "Owner": "AMAZON"}),
        )
        .expect_err("both");
        assert_eq!(err.code, "InvalidParameterValuesException");
        for body in [
            json!({"BundleIds": []}),
            json!({"BundleIds": ["wsb-1"]}),
            json!({"BundleIds": vec!["wsb-12345678"; 26]}),
        ] {
            assert_eq!(
                call(&fleet, body.clone())
                    .expect_err(&body.to_string())
                    .code,
                "ValidationException"
            );
        }
    }
}
