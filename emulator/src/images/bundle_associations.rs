//! `DescribeBundleAssociations`: the applications associated with one bundle of the region (the
//! account's or Amazon's; Amazon's have none), of the `AssociatedResourceTypes` asked for (both
//! members required). No paging. A bundle the region does not have is
//! `ResourceNotFoundException`.

use serde::Serialize;

use super::{BundleAssociation, ImageCatalog};
use crate::api_error::ApiError;
use crate::operations::{Call, Structure};
use crate::request::Members;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    associations: Vec<&'a BundleAssociation>,
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let bundle_id = request.string("BundleId")?.unwrap_or_default();
    let types = request
        .strings("AssociatedResourceTypes")?
        .unwrap_or_default();
    let exists = call
        .records()
        .bundles
        .iter()
        .any(|b| b.bundle_id == bundle_id);
    if !exists {
        return Err(ApiError::not_found("bundle", bundle_id));
    }
    let owned = ImageCatalog::of_call(call).owned(call.fleet.account_id(), call.region);
    let associations = owned
        .bundle_associations
        .iter()
        .filter(|a| a.bundle_id == bundle_id)
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
    fn answers_a_bundles_applications_and_none_for_amazons() {
        let organization = organization();
        let account = &organization.accounts()[1];
        let owned = ImageCatalog::of_organization(&organization).owned(account.id(), REGION);
        let associated = &owned.bundle_associations[0].bundle_id;
        let expected = owned
            .bundle_associations
            .iter()
            .filter(|a| &a.bundle_id == associated)
            .count();
        let answer = organization_call(
            &organization,
            1,
            "DescribeBundleAssociations",
            &json!({"BundleId": associated, "AssociatedResourceTypes": ["APPLICATION"]}),
        )
        .expect("associations");
        assert_eq!(
            answer["Associations"].as_array().map(Vec::len),
            Some(expected)
        );
        assert!(expected > 0);
        let amazon = account
            .fleet
            .bundles(REGION)
            .iter()
            .find(|b| b.owner.as_deref() == Some("AMAZON"))
            .expect("an Amazon bundle");
        let answer = organization_call(
            &organization,
            1,
            "DescribeBundleAssociations",
            &json!({"BundleId": amazon.bundle_id, "AssociatedResourceTypes": ["APPLICATION"]}),
        )
        .expect("none");
        assert_eq!(answer["Associations"], json!([]));
        let error = organization_call(
            &organization,
            1,
            "DescribeBundleAssociations",
            &json!({"BundleId": "wsb-00000000", "AssociatedResourceTypes": ["APPLICATION"]}),
        )
        .expect_err("unknown bundle");
        assert_eq!(error.code, "ResourceNotFoundException");
    }
}
