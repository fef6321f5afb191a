//! `DescribeImageAssociations`: the applications associated with one of the caller's images, of
//! the `AssociatedResourceTypes` asked for (both members required). No paging. An image the
//! caller does not own is `ResourceNotFoundException`.

use serde::Serialize;

use super::{ImageAssociation, ImageCatalog};
use crate::api_error::ApiError;
use crate::operations::{Call, Structure};
use crate::request::Members;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    associations: Vec<&'a ImageAssociation>,
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let image_id = request.string("ImageId")?.unwrap_or_default();
    let types = request
        .strings("AssociatedResourceTypes")?
        .unwrap_or_default();
    let owned = ImageCatalog::of_call(call).owned(call.fleet.account_id(), call.region);
    if owned.image(image_id).is_none() {
        return Err(ApiError::not_found("image", image_id));
    }
    let associations = owned
        .image_associations
        .iter()
        .filter(|a| a.image_id == image_id)
        .filter(|a| types.contains(&a.associated_resource_type.as_str()))
        .collect();
    Structure::computed(&Output { associations })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::images::ImageCatalog;
    use crate::images::tests::{REGION, organization, organization_call};

    #[test]
    fn answers_an_images_applications_of_the_types_asked() {
        let organization = organization();
        let account = organization.accounts()[0].id();
        let owned = ImageCatalog::of_organization(&organization).owned(account, REGION);
        let image = &owned.image_associations[0].image_id;
        let expected: Vec<&str> = owned
            .image_associations
            .iter()
            .filter(|a| &a.image_id == image)
            .map(|a| a.associated_resource_id.as_str())
            .collect();
        let body = json!({"ImageId": image, "AssociatedResourceTypes": ["APPLICATION"]});
        let answer = organization_call(&organization, 0, "DescribeImageAssociations", &body)
            .expect("associations");
        let got: Vec<&str> = answer["Associations"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["AssociatedResourceId"].as_str())
            .collect();
        assert_eq!(got, expected);
        assert!(!got.is_empty());
        let error = organization_call(
            &organization,
            0,
            "DescribeImageAssociations",
            &json!({"ImageId": image, "AssociatedResourceTypes": ["BUNDLE"]}),
        )
        .expect_err("not an image association type");
        assert_eq!(error.code, "ValidationException");
        let error = organization_call(
            &organization,
            0,
            "DescribeImageAssociations",
            &json!({"ImageId": image}),
        )
        .expect_err("types are required");
        assert_eq!(error.code, "ValidationException");
        let error = organization_call(
            &organization,
            0,
            "DescribeImageAssociations",
            &json!({"ImageId": "wsi-000000000", "AssociatedResourceTypes": ["APPLICATION"]}),
        )
        .expect_err("unknown image");
        assert_eq!(error.code, "ResourceNotFoundException");
    }
}
