//! The WorkSpaces images of the estate and what hangs off them: the images behind the fleet's
//! bundles, who they are shared with, their Bring Your Own License imports, and the
//! applications associated with images and bundles; with the five read operations over them
//! (`DescribeWorkspaceImages`, `DescribeWorkspaceImagePermissions`,
//! `DescribeCustomWorkspaceImageImport`, `DescribeImageAssociations`,
//! `DescribeBundleAssociations`), one file each.
//!
//! Nothing here is stored: an account's images in a region are derived from its fleet (the
//! account id and the region's bundles) and from the ids of the organization's accounts, by pure
//! functions of those ids. So a fleet read from a fixture has the same images as the seeded fleet
//! it was dumped from, other helpers' changes to the fleet's records need no change here, and the
//! same image is the same in every operation. What an account holds in a region:
//!
//! | what | derived from |
//! |---|---|
//! | one image per distinct `ImageId` of the account's own bundles, created days before its first bundle; `AVAILABLE`, Windows mostly, a quarter of them Bring Your Own License (`DEDICATED`, with a `COMPLETED` import) | the bundles |
//! | three images no bundle uses (where the account has bundles): a BYOL import in progress (`PENDING`), a failed one (`ERROR`, with `ErrorDetails`), and an old image every bundle has left | the account and the region |
//! | permissions: the first bundle image, and a third of the other bundle images, shared with up to two other accounts of the organization; the first also with a partner account outside it | the image ids and the organization's account ids |
//! | associations: applications of the catalogue ([`application_id`]) on available Windows images and on some of the account's own bundles, most `COMPLETED`, a few installing or failed | the image and bundle ids |
//!
//! Amazon's bundles run on Amazon's images, which are not the account's: `DescribeWorkspaceImages`
//! lists the account's own images (`OWNED`) and the images other accounts of its organization
//! shared with it (`SHARED`), as the service does. The four per-image operations answer only for
//! the caller's own images (`ResourceNotFoundException` otherwise: an image that is not imported
//! has no import to describe), and `DescribeBundleAssociations` for any bundle of the region.

mod bundle_associations;
mod describe_images;
mod image_associations;
mod imports;
mod permissions;
mod records;

use std::collections::BTreeMap;

pub use records::{
    BundleAssociation, ErrorDetails, Image, ImageAssociation, ImageImport, ImageSource,
    OperatingSystem, StateReason, UpdateResult,
};

pub(crate) use bundle_associations::describe as describe_bundle_associations;
pub(crate) use describe_images::describe as describe_images;
pub(crate) use image_associations::describe as describe_image_associations;
pub(crate) use imports::describe as describe_import;
pub(crate) use permissions::describe as describe_permissions;

use super::fleet::Fleet;
use super::model;
use super::operations::Call;
use super::organization::Organization;
use super::seed::{NOW, SplitMix, fnv1a, id9, mix64};
use super::shapes::Bundle;

/// The seed of the application ids images and bundles are associated with
/// ([`application_id`]). `DescribeApplications` serves the catalogue these ids name.
pub const APPLICATION_ID_SEED: u64 = 0x0A99_11CA;
/// How many applications the catalogue holds.
pub const APPLICATION_COUNT: u64 = 8;

/// `wsa-` and nine characters: the id of the catalogue's application number `index`
/// (`0..APPLICATION_COUNT`), the same in every account and region, as AWS's own applications
/// are.
pub fn application_id(index: u64) -> String {
    format!("wsa-{}", id9(APPLICATION_ID_SEED, index))
}

const DAY: f64 = 86_400.0;
const HOUR: f64 = 3_600.0;
const SALT_EXTRA_IMAGE: u64 = 0x1A6F;
const SALT_PARTNER: u64 = 0x9A27;
const SALT_ASSOCIATION: u64 = 0xA550;
const OWNED: &str = "OWNED";
const SHARED: &str = "SHARED";
const LOWER_HEX: &[u8] = b"0123456789abcdef";
const ALPHANUMERIC: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";

/// A number drawn from `id` and `salt`: every derived value is one, so it is the same whenever
/// it is derived.
fn dice(id: &str, salt: u64) -> u64 {
    mix64(fnv1a(id.as_bytes()) ^ salt)
}

/// Whole seconds, as the service's timestamps are in this data.
fn seconds(t: f64) -> f64 {
    t.floor()
}

/// The accounts whose images can be shared with each other: an organization's, or one fleet's
/// account alone.
#[derive(Debug, Clone)]
pub struct ImageCatalog<'a> {
    fleets: Vec<&'a Fleet>,
}

impl<'a> ImageCatalog<'a> {
    /// The images of every account of `organization`.
    pub fn of_organization(organization: &'a Organization) -> Self {
        Self {
            fleets: organization.accounts().iter().map(|a| &a.fleet).collect(),
        }
    }

    /// The images of `fleet`'s account, with no other account to share with.
    pub fn of_fleet(fleet: &'a Fleet) -> Self {
        Self {
            fleets: vec![fleet],
        }
    }

    /// The images a call's account sees: its organization's, else its own alone.
    pub(crate) fn of_call(call: &Call<'a>) -> Self {
        match call.organization {
            Some(organization) => Self::of_organization(organization),
            None => Self::of_fleet(call.fleet),
        }
    }

    fn account_ids(&self) -> Vec<&'a str> {
        self.fleets.iter().map(|f| f.account_id()).collect()
    }

    /// What `account_id` owns in `region` (nothing for an account not in the catalogue).
    pub fn owned(&self, account_id: &str, region: &str) -> RegionImages {
        let accounts = self.account_ids();
        self.fleets
            .iter()
            .find(|f| f.account_id() == account_id)
            .map(|fleet| RegionImages::derive(fleet, region, &accounts))
            .unwrap_or_default()
    }

    /// The images of the other accounts in `region` shared with `account_id`.
    pub fn shared_with(&self, account_id: &str, region: &str) -> Vec<Image> {
        let accounts = self.account_ids();
        self.fleets
            .iter()
            .filter(|f| f.account_id() != account_id)
            .flat_map(|fleet| {
                let owned = RegionImages::derive(fleet, region, &accounts);
                let shared: Vec<Image> = owned
                    .images
                    .iter()
                    .filter(|i| owned.shared_accounts(&i.image_id).contains(&account_id))
                    .cloned()
                    .collect();
                shared
            })
            .collect()
    }

    /// What `DescribeWorkspaceImages` lists for `account_id` in `region`: its own images, then
    /// the ones shared with it.
    pub fn visible(&self, account_id: &str, region: &str) -> Vec<Image> {
        let mut images = self.owned(account_id, region).images;
        images.extend(self.shared_with(account_id, region));
        images
    }
}

/// `OWNED` when `account_id` owns `image`, else `SHARED` (its `ImageType` for that account).
pub fn image_type(image: &Image, account_id: &str) -> &'static str {
    match image.owner_account_id == account_id {
        true => OWNED,
        false => SHARED,
    }
}

/// One account's images in one region, and what hangs off them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RegionImages {
    /// The images, oldest first (the order `DescribeWorkspaceImages` serves them).
    pub images: Vec<Image>,
    /// The BYOL imports, by image.
    pub imports: Vec<ImageImport>,
    /// The accounts each shared image is shared with, by image id.
    pub permissions: BTreeMap<String, Vec<String>>,
    /// Applications associated with the images.
    pub image_associations: Vec<ImageAssociation>,
    /// Applications associated with the account's own bundles.
    pub bundle_associations: Vec<BundleAssociation>,
}

/// How an image came to be, which decides its import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Origin {
    /// Made from a WorkSpace in the console: no import.
    Captured,
    /// Imported under Bring Your Own License, done.
    Imported,
    /// Being imported: one of the workflow's running states.
    Importing,
    /// An import that failed.
    ImportFailed,
}

/// The import workflow's states before `COMPLETED`, in order.
const RUNNING_IMPORT_STATES: &[&str] = &[
    "PENDING",
    "IN_PROGRESS",
    "PROCESSING_SOURCE_IMAGE",
    "IMAGE_TESTING_START",
    "UPDATING_OPERATING_SYSTEM",
    "IMAGE_COMPATIBILITY_CHECKING",
    "IMAGE_TESTING_GENERALIZATION",
    "CREATING_TEST_INSTANCE",
    "INSTALLING_COMPONENTS",
    "GENERALIZING",
    "VALIDATING",
    "PUBLISHING",
];

/// Why a failed import failed: `WorkspaceImageErrorDetailCode` values with their remedy.
const IMPORT_FAILURES: &[(&str, &str)] = &[
    (
        "OfficeInstalled",
        "Microsoft Office is installed on the image. Uninstall it and import the image again.",
    ),
    (
        "AutoLogonEnabled",
        "Automatic logon is enabled on the image. Disable it and import the image again.",
    ),
];

/// `AssociationErrorCode` values with what they mean.
const ASSOCIATION_FAILURES: &[(&str, &str)] = &[
    (
        "ValidationError.InsufficientDiskSpace",
        "The image does not have enough free disk space to install the application.",
    ),
    (
        "ValidationError.UnsupportedOperatingSystem",
        "The application does not support the operating system of the resource.",
    ),
    (
        "DeploymentError.InternalServerError",
        "The application could not be deployed because of an internal error. Try again.",
    ),
];

impl RegionImages {
    /// The image `image_id`, if the account owns it.
    pub fn image(&self, image_id: &str) -> Option<&Image> {
        self.images.iter().find(|i| i.image_id == image_id)
    }

    /// The import of `image_id`, if it was imported.
    pub fn import_of(&self, image_id: &str) -> Option<&ImageImport> {
        self.imports.iter().find(|i| i.image_id == image_id)
    }

    /// The accounts `image_id` is shared with (none when it is not shared).
    pub fn shared_accounts(&self, image_id: &str) -> Vec<&str> {
        self.permissions
            .get(image_id)
            .map(|accounts| accounts.iter().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The account's images in `region` of `fleet`, shared among `organization`'s accounts.
    fn derive(fleet: &Fleet, region: &str, organization: &[&str]) -> RegionImages {
        let account = fleet.account_id();
        let own_bundles: Vec<&Bundle> = fleet
            .region_or_empty(region)
            .bundles
            .iter()
            .filter(|b| b.owner.as_deref() == Some(account))
            .collect();
        let mut made: Vec<(Image, Origin)> = bundle_images(&own_bundles, account);
        let permissions = permissions(made.iter().map(|(image, _)| image), account, organization);
        // An account without bundles in the region does not use WorkSpaces there.
        if !own_bundles.is_empty() {
            made.extend(unused_images(account, region));
        }
        made.sort_by(|(a, _), (b, _)| {
            a.created
                .total_cmp(&b.created)
                .then_with(|| a.image_id.cmp(&b.image_id))
        });
        let imports = made
            .iter()
            .filter_map(|(image, origin)| import(image, *origin, account, region))
            .collect();
        let images: Vec<Image> = made.into_iter().map(|(image, _)| image).collect();
        let image_associations = image_associations(&images);
        let bundle_associations = bundle_associations(&own_bundles);
        RegionImages {
            images,
            imports,
            permissions,
            image_associations,
            bundle_associations,
        }
    }
}

/// One image per distinct valid `ImageId` of the account's own bundles, in the bundles' order.
fn bundle_images(bundles: &[&Bundle], account: &str) -> Vec<(Image, Origin)> {
    let image_id_shape = model::workspaces().string("WorkspaceImageId");
    let mut by_image: Vec<(&str, Vec<&Bundle>)> = Vec::new();
    for bundle in bundles {
        let Some(id) = bundle.image_id.as_deref() else {
            continue;
        };
        if !image_id_shape.matches(id) {
            continue;
        }
        match by_image.iter_mut().find(|(image, _)| *image == id) {
            Some((_, users)) => users.push(bundle),
            None => by_image.push((id, vec![bundle])),
        }
    }
    by_image
        .into_iter()
        .enumerate()
        .map(|(position, (id, users))| bundle_image(id, &users, position, account))
        .collect()
}

/// The image `id` behind `bundles`, the `position`th of the account's bundle images.
fn bundle_image(id: &str, bundles: &[&Bundle], position: usize, account: &str) -> (Image, Origin) {
    let h = dice(id, 0);
    let first_bundle = bundles
        .iter()
        .filter_map(|b| b.creation_time)
        .fold(NOW - 365.0 * DAY, f64::min);
    let team = bundles
        .first()
        .and_then(|b| b.name.as_deref())
        .map(team_of)
        .unwrap_or_else(|| "custom".to_string());
    let byol = h % 4 == 1;
    let windows = byol || !h.is_multiple_of(6);
    let origin = match byol {
        true => Origin::Imported,
        false => Origin::Captured,
    };
    let image = Image {
        image_id: id.to_string(),
        name: format!("{team}-golden-{}", position + 1),
        description: Some(format!("Golden image of the {team} desktops")),
        operating_system: operating_system(windows),
        state: "AVAILABLE".to_string(),
        required_tenancy: tenancy(byol),
        error_code: None,
        error_message: None,
        created: seconds(first_bundle - (1 + h % 30) as f64 * DAY - (h >> 8) as f64 % DAY),
        owner_account_id: account.to_string(),
        updates: windows.then(|| updates(h)),
        error_details: None,
    };
    (image, origin)
}

/// The team a bundle serves, from its name (`finance-standard-1`): `finance`.
fn team_of(bundle_name: &str) -> String {
    let team: String = bundle_name
        .split('-')
        .next()
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    match team.is_empty() {
        true => "custom".to_string(),
        false => team,
    }
}

fn operating_system(windows: bool) -> OperatingSystem {
    OperatingSystem {
        kind: match windows {
            true => "WINDOWS",
            false => "LINUX",
        }
        .to_string(),
    }
}

fn tenancy(byol: bool) -> String {
    match byol {
        true => "DEDICATED",
        false => "DEFAULT",
    }
    .to_string()
}

/// Whether a Windows image has WorkSpaces updates waiting: a third do.
fn updates(h: u64) -> UpdateResult {
    let available = (h >> 16).is_multiple_of(3);
    UpdateResult {
        update_available: available,
        description: available.then(|| "Newer WorkSpaces drivers and agents are available".into()),
    }
}

/// The account's three images in `region` that no bundle uses: a BYOL import running, one
/// failed, and an old image every bundle has moved off.
fn unused_images(account: &str, region: &str) -> Vec<(Image, Origin)> {
    let key = mix64(fnv1a(account.as_bytes()) ^ fnv1a(region.as_bytes()) ^ SALT_EXTRA_IMAGE);
    let id = |index: u64| format!("wsi-{}", id9(key, index));
    let h = mix64(key);
    let image = |index: u64, name: &str, description: &str, created: f64| Image {
        image_id: id(index),
        name: name.to_string(),
        description: Some(description.to_string()),
        operating_system: operating_system(true),
        state: "AVAILABLE".to_string(),
        required_tenancy: tenancy(false),
        error_code: None,
        error_message: None,
        created: seconds(created),
        owner_account_id: account.to_string(),
        updates: None,
        error_details: None,
    };
    let importing = Image {
        state: "PENDING".to_string(),
        required_tenancy: tenancy(true),
        ..image(
            0,
            "byol-windows-11",
            "Bring Your Own License Windows 11 image",
            NOW - (2 + h % 18) as f64 * HOUR,
        )
    };
    let failed = Image {
        state: "ERROR".to_string(),
        required_tenancy: tenancy(true),
        error_code: Some("ImageImportFailed".to_string()),
        error_message: Some(
            "The image failed the Bring Your Own License compatibility checks.".to_string(),
        ),
        error_details: Some(
            IMPORT_FAILURES
                .iter()
                .map(|(code, message)| ErrorDetails {
                    error_code: code.to_string(),
                    error_message: message.to_string(),
                })
                .collect(),
        ),
        ..image(
            1,
            "byol-windows-10",
            "Bring Your Own License Windows 10 image",
            NOW - (3 + (h >> 8) % 10) as f64 * DAY - ((h >> 32) % 86_400) as f64,
        )
    };
    let retired = Image {
        updates: Some(updates(h)),
        ..image(
            2,
            "retired-desktop",
            "Desktop image no bundle uses any more",
            NOW - (700 + (h >> 16) % 200) as f64 * DAY - ((h >> 40) % 86_400) as f64,
        )
    };
    vec![
        (importing, Origin::Importing),
        (failed, Origin::ImportFailed),
        (retired, Origin::Captured),
    ]
}

/// The import of an image that has one.
fn import(image: &Image, origin: Origin, account: &str, region: &str) -> Option<ImageImport> {
    let h = dice(&image.image_id, SALT_EXTRA_IMAGE);
    let mut rng = SplitMix::new(h);
    let (state, message, progress, last_updated) = match origin {
        Origin::Captured => return None,
        Origin::Imported => (
            "COMPLETED".to_string(),
            "The image is imported and available.".to_string(),
            100,
            image.created + (2 + h % 5) as f64 * HOUR,
        ),
        Origin::Importing => {
            let step = (h % RUNNING_IMPORT_STATES.len() as u64) as usize;
            let state = RUNNING_IMPORT_STATES[step];
            (
                state.to_string(),
                format!("The import workflow is at {state}."),
                5 + 8 * step as i32,
                NOW - (5 + h % 50) as f64 * 60.0,
            )
        }
        Origin::ImportFailed => (
            "ERROR".to_string(),
            "The image failed the compatibility checks: see the error details.".to_string(),
            45,
            image.created + 100.0 * 60.0,
        ),
    };
    let image_source = match (h >> 20) % 3 {
        0 => ImageSource::Ec2ImageId(format!("ami-{}", rng.chars(17, LOWER_HEX))),
        1 => ImageSource::Ec2ImportTaskId(format!("import-ami-{}", rng.chars(17, ALPHANUMERIC))),
        _ => ImageSource::ImageBuildVersionArn(format!(
            "arn:aws:imagebuilder:{region}:{account}:image/{}/1.0.{}/1",
            image.name,
            h % 9
        )),
    };
    Some(ImageImport {
        image_id: image.image_id.clone(),
        infrastructure_configuration_arn: format!(
            "arn:aws:imagebuilder:{region}:{account}:infrastructure-configuration/workspaces-byol-import"
        ),
        state,
        state_message: message,
        progress_percentage: progress,
        created: image.created,
        last_updated_time: seconds(last_updated),
        image_source,
        image_builder_instance_id: Some(format!("i-{}", rng.chars(17, LOWER_HEX))),
        error_details: (origin == Origin::ImportFailed).then(|| {
            IMPORT_FAILURES
                .iter()
                .map(|(code, message)| ErrorDetails {
                    error_code: code.to_string(),
                    error_message: message.to_string(),
                })
                .collect()
        }),
    })
}

/// A twelve-digit account outside the organization that `account` shares its golden image with
/// (an image vendor's, say).
fn partner_account(account: &str) -> String {
    format!(
        "{:012}",
        dice(account, SALT_PARTNER) % 900_000_000_000 + 100_000_000_000
    )
}

/// Who each of the bundle images (all available) is shared with: the first with up to two other
/// accounts of the organization and the partner account; a third of the others with one or two
/// of the organization's.
fn permissions<'a>(
    bundle_images: impl Iterator<Item = &'a Image>,
    account: &str,
    organization: &[&str],
) -> BTreeMap<String, Vec<String>> {
    let owner = organization.iter().position(|a| *a == account).unwrap_or(0);
    // The other accounts, starting after the owner and wrapping around.
    let others: Vec<&str> = (1..organization.len())
        .map(|step| organization[(owner + step) % organization.len()])
        .filter(|a| *a != account)
        .collect();
    let partner = partner_account(account);
    let mut shared = BTreeMap::new();
    for (position, image) in bundle_images.enumerate() {
        let h = dice(&image.image_id, SALT_PARTNER);
        let first = position == 0;
        if !first && !h.is_multiple_of(3) {
            continue;
        }
        let count = if first { 2 } else { 1 + (h >> 8) % 2 } as usize;
        let mut accounts: Vec<String> = others.iter().take(count).map(|a| a.to_string()).collect();
        if first && !organization.contains(&partner.as_str()) {
            accounts.push(partner.clone());
        }
        if !accounts.is_empty() {
            shared.insert(image.image_id.clone(), accounts);
        }
    }
    shared
}

/// An association's state, from its own dice: most `COMPLETED`, some on their way, a few
/// failed with the reason.
fn association_state(h: u64) -> (String, Option<StateReason>) {
    let state = match h % 16 {
        0 => {
            let (code, message) = ASSOCIATION_FAILURES[((h >> 8) % 3) as usize];
            let reason = StateReason {
                error_code: code.to_string(),
                error_message: message.to_string(),
            };
            return ("ERROR".to_string(), Some(reason));
        }
        1 => "INSTALLING",
        2 => "PENDING_INSTALL",
        _ => "COMPLETED",
    };
    (state.to_string(), None)
}

/// When an association made after `since` was created and last updated, never after the
/// fleet's now.
fn association_times(since: f64, h: u64) -> (f64, f64) {
    let created = (since + (1 + (h >> 12) % 20) as f64 * DAY).min(NOW - 2.0 * HOUR);
    let updated = (created + (1 + (h >> 20) % 48) as f64 * HOUR).min(NOW - HOUR);
    (seconds(created), seconds(updated))
}

/// `count` distinct applications of the catalogue, from `h`.
fn applications(h: u64, count: u64) -> impl Iterator<Item = String> {
    // 3 is coprime with the catalogue's 8, so the steps never repeat an application.
    (0..count).map(move |k| application_id(((h >> 24) + 3 * k) % APPLICATION_COUNT))
}

/// Applications on the available Windows images: two on the first, up to two on the others.
fn image_associations(images: &[Image]) -> Vec<ImageAssociation> {
    let windows = images
        .iter()
        .filter(|i| i.state == "AVAILABLE" && i.operating_system.kind == "WINDOWS");
    let mut associations = Vec::new();
    for (position, image) in windows.enumerate() {
        let h = dice(&image.image_id, SALT_ASSOCIATION);
        let count = if position == 0 { 2 } else { (h >> 4) % 3 };
        for application in applications(h, count) {
            let h = dice(
                &format!("{}/{application}", image.image_id),
                SALT_ASSOCIATION,
            );
            let (state, state_reason) = association_state(h);
            let (created, last_updated_time) = association_times(image.created, h);
            associations.push(ImageAssociation {
                associated_resource_id: application,
                associated_resource_type: "APPLICATION".to_string(),
                created,
                last_updated_time,
                image_id: image.image_id.clone(),
                state,
                state_reason,
            });
        }
    }
    associations
}

/// Applications on the account's own bundles: one on the first, one or two on half the others.
fn bundle_associations(bundles: &[&Bundle]) -> Vec<BundleAssociation> {
    let mut associations = Vec::new();
    for (position, bundle) in bundles.iter().enumerate() {
        let h = dice(&bundle.bundle_id, SALT_ASSOCIATION);
        let count = match (position, h % 2) {
            (0, _) => 1,
            (_, 0) => 1 + (h >> 4) % 2,
            _ => 0,
        };
        let since = bundle.creation_time.unwrap_or(NOW - 365.0 * DAY);
        for application in applications(h, count) {
            let h = dice(
                &format!("{}/{application}", bundle.bundle_id),
                SALT_ASSOCIATION,
            );
            let (state, state_reason) = association_state(h);
            let (created, last_updated_time) = association_times(since, h);
            associations.push(BundleAssociation {
                associated_resource_id: application,
                associated_resource_type: "APPLICATION".to_string(),
                bundle_id: bundle.bundle_id.clone(),
                created,
                last_updated_time,
                state,
                state_reason,
            });
        }
    }
    associations
}

#[cfg(test)]
mod tests;
