//! `DescribeCustomWorkspaceImageImport`: the Bring Your Own License import of one of the
//! caller's images, one object (no list, no paging). An image that was not imported, or is not
//! the caller's, has no import to describe: `ResourceNotFoundException`.

use super::ImageCatalog;
use crate::api_error::ApiError;
use crate::operations::{Call, Structure};
use crate::request::Members;

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let image_id = request.string("ImageId")?.unwrap_or_default();
    let owned = ImageCatalog::of_call(call).owned(call.fleet.account_id(), call.region);
    match owned.import_of(image_id) {
        Some(import) => Structure::computed(&import),
        None => Err(ApiError::not_found("imported image", image_id)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::images::ImageCatalog;
    use crate::images::tests::{REGION, organization, organization_call};

    #[test]
    fn imports_in_every_state_and_none_for_other_images() {
        let organization = organization();
        let account = organization.accounts()[2].id();
        let owned = ImageCatalog::of_organization(&organization).owned(account, REGION);
        let mut states = Vec::new();
        for image in &owned.images {
            let answer = organization_call(
                &organization,
                2,
                "DescribeCustomWorkspaceImageImport",
                &json!({"ImageId": image.image_id}),
            );
            match owned.import_of(&image.image_id) {
                Some(import) => {
                    let answer = answer.expect("an import");
                    assert_eq!(answer["ImageId"], json!(image.image_id));
                    assert_eq!(answer["State"], json!(import.state));
                    assert_eq!(answer["ImageSource"].as_object().map(|o| o.len()), Some(1));
                    states.push(import.state.clone());
                }
                None => {
                    let error = answer.expect_err("no import");
                    assert_eq!(error.code, "ResourceNotFoundException");
                }
            }
        }
        assert!(states.contains(&"ERROR".to_string()), "{states:?}");
        assert!(
            states.iter().any(|s| s != "ERROR" && s != "COMPLETED"),
            "{states:?}"
        );
        let failed = owned
            .imports
            .iter()
            .find(|i| i.state == "ERROR")
            .expect("a failed import");
        assert!(failed.error_details.as_ref().is_some_and(|d| !d.is_empty()));
        let error = organization_call(
            &organization,
            2,
            "DescribeCustomWorkspaceImageImport",
            &json!({"ImageId": "image-1"}),
        )
        .expect_err("the model's pattern");
        assert_eq!(error.code, "ValidationException");
    }
}
