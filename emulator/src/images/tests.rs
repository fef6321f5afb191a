//! The image data hangs together with the fleet and satisfies the model; and what the five
//! operations' unit tests share: an organization and a call from one of its accounts.

use std::collections::{BTreeSet, HashSet};

use serde_json::{Value, json};

use super::*;
use crate::api_error::ApiError;
use crate::operations::answer;
use crate::{Fleet, validate};

pub(crate) const REGION: &str = "us-east-1";

/// Three accounts with 40 pools each in [`REGION`] and `eu-west-1`.
pub(crate) fn organization() -> Organization {
    Organization::seeded(5, 3, &[REGION, "eu-west-1"], 40)
}

/// `operation` with `body`, called by account number `index` of `organization` in [`REGION`],
/// through the router (validation first), as the server calls it.
pub(crate) fn organization_call(
    organization: &Organization,
    index: usize,
    operation: &str,
    body: &Value,
) -> Result<Value, ApiError> {
    let fleet = &organization.accounts()[index].fleet;
    let call = Call {
        organization: Some(organization),
        ..Call::new(REGION, operation, body, fleet)
    };
    answer(&call)
}

fn satisfies(shape: &str, value: &Value) {
    if let Err(error) = validate::shape(model::workspaces(), shape, value) {
        panic!("{shape} {value}: {}", error.message);
    }
}

#[test]
fn every_own_bundle_runs_on_an_image_of_the_account() {
    let organization = organization();
    let catalog = ImageCatalog::of_organization(&organization);
    for account in organization.accounts() {
        let owned = catalog.owned(account.id(), REGION);
        let images: HashSet<&str> = owned.images.iter().map(|i| i.image_id.as_str()).collect();
        let mut bundles_per_image = std::collections::BTreeMap::<&str, usize>::new();
        for bundle in account.fleet.bundles(REGION) {
            let image = bundle
                .image_id
                .as_deref()
                .expect("seeded bundles have images");
            if bundle.owner.as_deref() == Some(account.id()) {
                assert!(
                    images.contains(image),
                    "{} runs on {image}",
                    bundle.bundle_id
                );
                *bundles_per_image.entry(image).or_default() += 1;
            } else {
                assert!(
                    !images.contains(image),
                    "Amazon's images are not the account's"
                );
            }
        }
        assert!(
            bundles_per_image.values().any(|n| *n > 1),
            "some images carry several bundles"
        );
        assert_eq!(
            owned.images.len(),
            bundles_per_image.len() + 3,
            "and three images no bundle uses"
        );
        assert!(
            owned
                .images
                .iter()
                .all(|i| i.owner_account_id == account.id())
        );
        let created: Vec<f64> = owned.images.iter().map(|i| i.created).collect();
        assert!(created.is_sorted(), "oldest first");
        for bundle in account.fleet.bundles(REGION) {
            let image = owned
                .images
                .iter()
                .find(|i| Some(&i.image_id) == bundle.image_id.as_ref());
            if let (Some(image), Some(bundle_created)) = (image, bundle.creation_time) {
                assert!(
                    image.created < bundle_created,
                    "an image precedes its bundles"
                );
            }
        }
    }
}

#[test]
fn every_record_satisfies_the_model() {
    let organization = organization();
    let catalog = ImageCatalog::of_organization(&organization);
    for account in organization.accounts() {
        for region in [REGION, "eu-west-1"] {
            let owned = catalog.owned(account.id(), region);
            satisfies(
                "DescribeWorkspaceImagesResult",
                &json!({"Images": catalog.visible(account.id(), region)}),
            );
            for import in &owned.imports {
                satisfies(
                    "DescribeCustomWorkspaceImageImportResult",
                    &serde_json::to_value(import).expect("serializes"),
                );
            }
            satisfies(
                "ImageResourceAssociationList",
                &serde_json::to_value(&owned.image_associations).expect("serializes"),
            );
            satisfies(
                "BundleResourceAssociationList",
                &serde_json::to_value(&owned.bundle_associations).expect("serializes"),
            );
            for accounts in owned.permissions.values() {
                for shared in accounts {
                    satisfies("ImagePermission", &json!({"SharedAccountId": shared}));
                }
            }
        }
    }
}

#[test]
fn images_are_shared_within_the_organization_and_with_a_partner() {
    let organization = organization();
    let catalog = ImageCatalog::of_organization(&organization);
    let ids: Vec<&str> = organization.accounts().iter().map(|a| a.id()).collect();
    for (index, account) in ids.iter().enumerate() {
        let owned = catalog.owned(account, REGION);
        assert!(!owned.permissions.is_empty(), "{account} shares images");
        let outside: BTreeSet<&str> = owned
            .permissions
            .values()
            .flatten()
            .map(String::as_str)
            .filter(|a| !ids.contains(a))
            .collect();
        assert_eq!(outside.len(), 1, "one partner account outside");
        for (image, accounts) in &owned.permissions {
            assert!(!accounts.iter().any(|a| a == account), "not with itself");
            let image = owned.image(image).expect("its own image");
            assert_eq!(image.state, "AVAILABLE");
        }
        // What it shares is what the others see as shared, and nothing else.
        for (other_index, other) in ids.iter().enumerate() {
            if other_index == index {
                continue;
            }
            let seen: BTreeSet<String> = catalog
                .shared_with(other, REGION)
                .into_iter()
                .filter(|i| i.owner_account_id == *account)
                .map(|i| i.image_id)
                .collect();
            let granted: BTreeSet<String> = owned
                .permissions
                .iter()
                .filter(|(_, accounts)| accounts.iter().any(|a| a == other))
                .map(|(image, _)| image.clone())
                .collect();
            assert_eq!(seen, granted, "{account} to {other}");
        }
    }
}

#[test]
fn associations_name_catalogue_applications_on_the_accounts_resources() {
    let organization = organization();
    let catalog = ImageCatalog::of_organization(&organization);
    let applications: HashSet<String> = (0..APPLICATION_COUNT).map(application_id).collect();
    assert_eq!(applications.len(), APPLICATION_COUNT as usize);
    let account = &organization.accounts()[0];
    let owned = catalog.owned(account.id(), REGION);
    assert!(!owned.image_associations.is_empty());
    assert!(!owned.bundle_associations.is_empty());
    for association in &owned.image_associations {
        assert!(applications.contains(&association.associated_resource_id));
        let image = owned
            .image(&association.image_id)
            .expect("the account's image");
        assert_eq!(image.operating_system.kind, "WINDOWS");
        assert!(association.created > image.created);
        assert!(association.last_updated_time > association.created);
        assert!(association.last_updated_time < NOW);
        assert_eq!(
            association.state == "ERROR",
            association.state_reason.is_some()
        );
    }
    let own_bundles: HashSet<&str> = account
        .fleet
        .bundles(REGION)
        .iter()
        .filter(|b| b.owner.as_deref() == Some(account.id()))
        .map(|b| b.bundle_id.as_str())
        .collect();
    for association in &owned.bundle_associations {
        assert!(applications.contains(&association.associated_resource_id));
        assert!(own_bundles.contains(association.bundle_id.as_str()));
    }
    let per_image: BTreeSet<(&str, &str)> = owned
        .image_associations
        .iter()
        .map(|a| (a.image_id.as_str(), a.associated_resource_id.as_str()))
        .collect();
    assert_eq!(
        per_image.len(),
        owned.image_associations.len(),
        "no repeats"
    );
}

#[test]
fn a_fixture_of_the_fleet_has_the_same_images_and_an_empty_region_none() {
    let fleet = Fleet::seeded(9, &[REGION], 30);
    let loaded = Fleet::from_json(&fleet.to_json()).expect("loads");
    let seeded = ImageCatalog::of_fleet(&fleet).owned(fleet.account_id(), REGION);
    assert!(!seeded.images.is_empty());
    assert_eq!(
        ImageCatalog::of_fleet(&loaded).owned(loaded.account_id(), REGION),
        seeded
    );
    assert_eq!(
        ImageCatalog::of_fleet(&fleet).owned(fleet.account_id(), REGION),
        seeded,
        "deterministic"
    );
    let empty = Fleet::empty(&[REGION]);
    assert_eq!(
        ImageCatalog::of_fleet(&empty).owned(empty.account_id(), REGION),
        RegionImages::default()
    );
    // Alone, an account still shares its first image with its partner.
    assert_eq!(seeded.permissions.len(), 1);
}
