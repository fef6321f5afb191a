//! `DescribeWorkspaceImages`: the account's own images and those shared with it, by id and by
//! type (`OWNED`, `SHARED`), `MaxResults` a page.
//!
//! `ImageIds` that name no image the account sees are left out (the operation has no
//! `ResourceNotFoundException`); `ImageIds` and `ImageType` filter together.

use serde::Serialize;

use super::{Image, ImageCatalog, image_type};
use crate::api_error::ApiError;
use crate::operations::{Call, Structure};
use crate::request::Members;

/// The page size without `MaxResults`: the model's maximum.
const DEFAULT_MAX_RESULTS: i64 = 25;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    images: Vec<&'a Image>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let ids = request.strings("ImageIds")?;
    let wanted_type = request.string("ImageType")?;
    let limit = request
        .integer("MaxResults")?
        .unwrap_or(DEFAULT_MAX_RESULTS);
    let next_token = request.string("NextToken")?;

    let pager = call.pager(next_token)?;
    let account = call.fleet.account_id();
    let images = ImageCatalog::of_call(call).visible(account, call.region);
    let (images, next_token) = pager.page(&images, limit as usize, |image| {
        wanted_type.is_none_or(|t| t == image_type(image, account))
            && ids
                .as_ref()
                .is_none_or(|ids| ids.contains(&image.image_id.as_str()))
    });
    Structure::computed(&Output { images, next_token })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use crate::images::tests::{REGION, organization, organization_call};
    use crate::images::{ImageCatalog, image_type};

    fn ids(page: &Value) -> Vec<String> {
        page["Images"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| i["ImageId"].as_str().map(String::from))
            .collect()
    }

    /// Every page of `body` for the account at `index`.
    fn all_pages(index: usize, body: Value) -> (Vec<String>, usize) {
        let organization = organization();
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut body = body.clone();
            if let Some(t) = &token {
                body["NextToken"] = json!(t);
            }
            let page = organization_call(&organization, index, "DescribeWorkspaceImages", &body)
                .expect("a page");
            pages += 1;
            seen.extend(ids(&page));
            match page["NextToken"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => return (seen, pages),
            }
        }
    }

    #[test]
    fn lists_owned_then_shared_images_in_pages() {
        let organization = organization();
        let account = organization.accounts()[1].id();
        let catalog = ImageCatalog::of_organization(&organization);
        let visible = catalog.visible(account, REGION);
        let owned = visible
            .iter()
            .filter(|i| image_type(i, account) == "OWNED")
            .count();
        assert!(
            owned > 3 && owned < visible.len(),
            "owned and shared images"
        );
        let expected: Vec<String> = visible.iter().map(|i| i.image_id.clone()).collect();
        let (seen, pages) = all_pages(1, json!({"MaxResults": 2}));
        assert_eq!(seen, expected);
        assert_eq!(pages, expected.len().div_ceil(2));

        let (owned_ids, _) = all_pages(1, json!({"ImageType": "OWNED"}));
        assert_eq!(owned_ids, expected[..owned]);
        let (shared_ids, _) = all_pages(1, json!({"ImageType": "SHARED"}));
        assert_eq!(shared_ids, expected[owned..]);
    }

    #[test]
    fn ids_select_any_visible_image_and_filter_with_the_type() {
        let organization = organization();
        let account = organization.accounts()[1].id();
        let visible = ImageCatalog::of_organization(&organization).visible(account, REGION);
        let owned = &visible[0].image_id;
        let shared = &visible[visible.len() - 1].image_id;
        let body = json!({"ImageIds": [shared, owned, "wsi-000000000"]});
        let page =
            organization_call(&organization, 1, "DescribeWorkspaceImages", &body).expect("ids");
        assert_eq!(ids(&page), vec![owned.clone(), shared.clone()]);
        let body = json!({"ImageIds": [shared, owned], "ImageType": "SHARED"});
        let page = organization_call(&organization, 1, "DescribeWorkspaceImages", &body)
            .expect("ids of a type");
        assert_eq!(ids(&page), vec![shared.clone()]);
    }

    #[test]
    fn the_model_bounds_the_request() {
        let organization = organization();
        for body in [
            json!({"ImageIds": []}),
            json!({"ImageIds": ["wsi-12"]}),
            json!({"ImageIds": vec!["wsi-123456789"; 26]}),
            json!({"ImageType": "owned"}),
            json!({"MaxResults": 26}),
            json!({"MaxResults": 0}),
        ] {
            let error = organization_call(&organization, 0, "DescribeWorkspaceImages", &body)
                .expect_err(&body.to_string());
            assert_eq!(error.code, "ValidationException", "{body}");
        }
    }
}
