//! The image tables (`workspaces_images`, `workspaces_image_permissions`,
//! `workspaces_image_imports`, `workspaces_image_associations`,
//! `workspaces_bundle_associations`) through the real SDK against the emulator: every pushdown
//! form answers as the no-pushdown reference, with the calls the emulator's log shows; the
//! children of images list only the account's own images, are called for the images a
//! predicate names, or for those a join's build side holds; an organization's accounts see the
//! images shared with them; the demo answers each; the `image_inventory` report matches the
//! fleet. The emulator's own derivation of the data (`wsql_emulator::images`) is the oracle of
//! what the fleet holds.

mod associations;
mod demo;
mod images;
mod imports;
mod organization;
mod permissions;
mod report;

use wsql::{Accounts, AwsSettings};
use wsql_emulator::images::{ImageCatalog, RegionImages};
use wsql_emulator::{Emulator, Fleet};

use crate::accounts::org;
use crate::support::{Harness, REGION, harness_over, harness_with};

pub const IMAGES: &str = "DescribeWorkspaceImages";
pub const PERMISSIONS: &str = "DescribeWorkspaceImagePermissions";
pub const IMPORTS: &str = "DescribeCustomWorkspaceImageImport";
pub const IMAGE_ASSOCIATIONS: &str = "DescribeImageAssociations";
pub const BUNDLE_ASSOCIATIONS: &str = "DescribeBundleAssociations";

/// One account in [`REGION`] with 40 pools: five images (two behind its three bundles), the
/// first shared with its partner account.
pub async fn one_account() -> Harness {
    harness_with(Fleet::seeded(41, &[REGION], 40), &[REGION], None).await
}

/// An organization of three accounts in [`org::REGIONS`], read through the role in each, whose
/// accounts share images with each other.
pub async fn organization() -> Harness {
    let emulator = org::start(org::organization(43, 3, 40)).await;
    let settings = org::settings(&emulator, Accounts::Organization);
    harness_over(emulator, org::REGIONS, None, |_: AwsSettings| settings)
}

/// What the account `account` owns in `region`, as the emulator derives it.
pub fn owned(emulator: &Emulator, account: &str, region: &str) -> RegionImages {
    ImageCatalog::of_organization(emulator.organization()).owned(account, region)
}

/// What the only (or management) account owns in [`REGION`].
pub fn own_images(h: &Harness) -> RegionImages {
    owned(&h.emulator, h.emulator.fleet().account_id(), REGION)
}
