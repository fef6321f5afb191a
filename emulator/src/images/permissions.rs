//! `DescribeWorkspaceImagePermissions`: the accounts one of the caller's images is shared with,
//! `MaxResults` a page. An image the caller does not own is `ResourceNotFoundException`.

use serde::Serialize;

use super::ImageCatalog;
use crate::api_error::ApiError;
use crate::operations::{Call, Structure};
use crate::request::Members;

/// The page size without `MaxResults`: the model's maximum.
const DEFAULT_MAX_RESULTS: i64 = 25;

/// `ImagePermission`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ImagePermission<'a> {
    shared_account_id: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    image_id: &'a str,
    image_permissions: Vec<&'a ImagePermission<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let image_id = request.string("ImageId")?.unwrap_or_default();
    let limit = request
        .integer("MaxResults")?
        .unwrap_or(DEFAULT_MAX_RESULTS);
    let next_token = request.string("NextToken")?;

    let pager = call.pager(next_token)?;
    let owned = ImageCatalog::of_call(call).owned(call.fleet.account_id(), call.region);
    if owned.image(image_id).is_none() {
        return Err(ApiError::not_found("image", image_id));
    }
    let permissions: Vec<ImagePermission> = owned
        .shared_accounts(image_id)
        .into_iter()
        .map(|shared_account_id| ImagePermission { shared_account_id })
        .collect();
    let (image_permissions, next_token) = pager.page(&permissions, limit as usize, |_| true);
    Structure::computed(&Output {
        image_id,
        image_permissions,
        next_token,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::images::ImageCatalog;
    use crate::images::tests::{REGION, organization, organization_call};

    fn accounts(page: &Value) -> Vec<String> {
        page["ImagePermissions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["SharedAccountId"].as_str().map(String::from))
            .collect()
    }

    #[test]
    fn pages_through_the_accounts_an_image_is_shared_with() {
        let organization = organization();
        let account = organization.accounts()[0].id();
        let owned = ImageCatalog::of_organization(&organization).owned(account, REGION);
        let (image, expected) = owned
            .permissions
            .iter()
            .max_by_key(|(_, accounts)| accounts.len())
            .expect("a shared image");
        assert_eq!(
            expected.len(),
            3,
            "two accounts of the organization and a partner"
        );
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({"ImageId": image, "MaxResults": 2});
            if let Some(t) = &token {
                body["NextToken"] = json!(t);
            }
            let page =
                organization_call(&organization, 0, "DescribeWorkspaceImagePermissions", &body)
                    .expect("a page");
            assert_eq!(page["ImageId"], json!(image));
            seen.extend(accounts(&page));
            match page["NextToken"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        assert_eq!(&seen, expected);
    }

    #[test]
    fn an_unshared_image_has_no_permissions_and_others_are_not_found() {
        let organization = organization();
        let account = organization.accounts()[0].id();
        let catalog = ImageCatalog::of_organization(&organization);
        let owned = catalog.owned(account, REGION);
        let unshared = owned
            .images
            .iter()
            .find(|i| owned.shared_accounts(&i.image_id).is_empty())
            .expect("an image shared with nobody");
        let page = organization_call(
            &organization,
            0,
            "DescribeWorkspaceImagePermissions",
            &json!({"ImageId": unshared.image_id}),
        )
        .expect("answered");
        assert_eq!(page["ImagePermissions"], json!([]));
        let shared_with_it = &catalog.shared_with(account, REGION)[0];
        for image in [shared_with_it.image_id.as_str(), "wsi-000000000"] {
            let error = organization_call(
                &organization,
                0,
                "DescribeWorkspaceImagePermissions",
                &json!({"ImageId": image}),
            )
            .expect_err("not the caller's");
            assert_eq!(error.code, "ResourceNotFoundException");
            assert_eq!(error.resource_id.as_deref(), Some(image));
        }
    }
}
