//! Which applications of the catalogue are associated with which WorkSpaces, bundles and
//! images, and the two operations that read it: `DescribeApplicationAssociations` (one
//! application's associations with resources of the types asked for, `MaxResults` a page) and
//! `DescribeWorkspaceAssociations` (one WorkSpace's, unpaged). Both read [`associations_of`],
//! so each association is the same seen from either side.
//!
//! Associations are derived from the fleet's records and the WorkSpaces' behaviour profiles
//! (`usage.rs`), never stored:
//!
//! - A Windows WorkSpace has up to three of the applications its OS can run (a 2019 edition
//!   only on the systems it supports, Office 2024 only where it is available). Most are
//!   `COMPLETED`; one whose user never connected waits for a deployment
//!   (`PENDING_INSTALL_DEPLOYMENT`); a WorkSpace that was never built cannot be reached
//!   (`ERROR`, `DeploymentError.WorkspaceUnreachable`); the applications are mostly ones its
//!   compute type supports, and the few others fail validation
//!   (`ValidationError.InsufficientMemory`); a few are still installing, out of disk space, or
//!   removed. A 2019 edition is on its way out: installed, or being or already uninstalled.
//! - One Linux WorkSpace in ten had Office pushed at it in error
//!   (`ValidationError.UnsupportedOperatingSystem`).
//! - Half the account's own bundles carry one application their compute type supports, and so
//!   does the image behind each (its `ImageId`); an image sometimes failed the install because
//!   an older version was in it (`ValidationError.ApplicationOldVersionExists`).
//!
//! An application or WorkSpace that does not exist in the region is a
//! `ResourceNotFoundException`, as the service answers.

use serde::Serialize;

use super::api_error::ApiError;
use super::applications::{Application, application_catalogue};
use super::fleet::RegionFleet;
use super::operations::{Call, Structure};
use super::request::Members;
use super::shapes::{Bundle, Workspace};
use super::usage::{Dice, WorkspaceProfile, WorkspaceUsage};

const DEFAULT_LIMIT: i64 = 25;
/// 2025-01-01T00:00:00Z: associations of resources without a creation time start here.
const ASSOCIATED_FROM: f64 = 1_735_689_600.0;
/// 2026-06-25T00:00:00Z: the latest association, days before the fleet's "now".
const ASSOCIATED_TO: f64 = 1_782_345_600.0;
/// Most applications one WorkSpace has.
const MAX_PER_WORKSPACE: usize = 3;

const SALT_WORKSPACE_APPLICATION: u64 = 0xA550_0001;
const SALT_BUNDLE_APPLICATION: u64 = 0xA550_0002;
const SALT_LINUX: u64 = 0xA550_0003;

/// The resource an application is associated with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ResourceType {
    /// A personal WorkSpace.
    Workspace,
    /// A bundle of the account's.
    Bundle,
    /// The image behind such a bundle.
    Image,
}

impl ResourceType {
    /// The wire form: `WORKSPACE`, `BUNDLE`, `IMAGE`.
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceType::Workspace => "WORKSPACE",
            ResourceType::Bundle => "BUNDLE",
            ResourceType::Image => "IMAGE",
        }
    }
}

/// One association of an application with a resource.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplicationAssociation {
    /// The application's id.
    pub application_id: String,
    /// The WorkSpace's, bundle's or image's id.
    pub resource_id: String,
    /// What the resource is.
    pub resource_type: ResourceType,
    /// When it was made, epoch seconds.
    pub created: f64,
    /// When its state last changed, epoch seconds.
    pub last_updated_time: f64,
    /// `AssociationState`.
    pub state: &'static str,
    /// Why the deployment failed: `AssociationErrorCode` and a message.
    pub state_reason: Option<(&'static str, String)>,
}

/// `AssociationStateReason`, in its wire form.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct StateReason<'a> {
    error_code: &'static str,
    error_message: &'a str,
}

/// `ApplicationResourceAssociation`, in its wire form.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct ApplicationResourceAssociation<'a> {
    application_id: &'a str,
    associated_resource_id: &'a str,
    associated_resource_type: &'static str,
    created: f64,
    last_updated_time: f64,
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    state_reason: Option<StateReason<'a>>,
}

/// `WorkspaceResourceAssociation`, in its wire form.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct WorkspaceResourceAssociation<'a> {
    associated_resource_id: &'a str,
    associated_resource_type: &'static str,
    created: f64,
    last_updated_time: f64,
    state: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    state_reason: Option<StateReason<'a>>,
    workspace_id: &'a str,
}

impl ApplicationAssociation {
    fn state_reason(&self) -> Option<StateReason<'_>> {
        self.state_reason
            .as_ref()
            .map(|(code, message)| StateReason {
                error_code: code,
                error_message: message,
            })
    }
}

/// Every association of the applications of `region` with the resources of `records` (owned
/// by `account`), WorkSpaces first, then bundles, then images, each in the records' order.
pub fn associations_of(
    records: &RegionFleet,
    account: &str,
    region: &str,
) -> Vec<ApplicationAssociation> {
    let catalogue = application_catalogue(region);
    let mut associations: Vec<ApplicationAssociation> = records
        .workspaces
        .iter()
        .flat_map(|w| workspace_associations(w, region, &catalogue))
        .collect();
    let own_bundles = records
        .bundles
        .iter()
        .filter(|b| b.owner.as_deref() == Some(account));
    let mut images = Vec::new();
    for bundle in own_bundles {
        if let Some((bundle_association, image_association)) =
            bundle_associations(bundle, &catalogue)
        {
            associations.push(bundle_association);
            images.extend(image_association);
        }
    }
    associations.extend(images);
    associations
}

/// A position in the window `[from, ASSOCIATED_TO)`, and a later update within 30 days.
fn times(dice: Dice, from: f64) -> (f64, f64) {
    let from = from.clamp(ASSOCIATED_FROM, ASSOCIATED_TO - 86_400.0);
    let created = dice.between(from, ASSOCIATED_TO).floor();
    let updated = (created + dice.at(7).between(0.0, 30.0 * 86_400.0)).min(ASSOCIATED_TO);
    (created, updated.floor())
}

fn failure(code: &'static str, message: String) -> (&'static str, Option<(&'static str, String)>) {
    ("ERROR", Some((code, message)))
}

/// The associations of one WorkSpace.
fn workspace_associations(
    workspace: &Workspace,
    region: &str,
    catalogue: &[Application],
) -> Vec<ApplicationAssociation> {
    let id = workspace.workspace_id.as_str();
    let properties = workspace.workspace_properties.as_ref();
    let system = properties
        .and_then(|p| p.operating_system_name.as_deref())
        .unwrap_or("UNKNOWN");
    let compute = properties
        .and_then(|p| p.compute_type_name.as_deref())
        .unwrap_or("UNKNOWN");
    let usage = WorkspaceUsage::of(workspace, region);
    let built_at = usage.created().map(|minute| minute as f64 * 60.0);
    let from = built_at.unwrap_or(ASSOCIATED_FROM);
    let association = |application: &Application, dice: Dice, state, state_reason| {
        let (created, last_updated_time) = times(dice, from);
        ApplicationAssociation {
            application_id: application.application_id.clone(),
            resource_id: id.to_string(),
            resource_type: ResourceType::Workspace,
            created,
            last_updated_time,
            state,
            state_reason,
        }
    };
    if !system.starts_with("WINDOWS") {
        let dice = Dice::of(id, SALT_LINUX);
        let Some(office) = catalogue.first().filter(|_| dice.below(100) < 10) else {
            return Vec::new();
        };
        let (state, reason) = failure(
            "ValidationError.UnsupportedOperatingSystem",
            format!("{} cannot be installed on {system}.", office.name),
        );
        return vec![association(office, dice, state, reason)];
    }
    catalogue
        .iter()
        .filter(|a| a.state != "PENDING")
        .filter_map(|application| {
            let dice = Dice::of(
                &format!("{id}/{}", application.application_id),
                SALT_WORKSPACE_APPLICATION,
            );
            // Administrators mostly pick applications the WorkSpace can run; one in ten of
            // the others is tried anyway, and fails validation.
            let fits = application.supported_compute_type_names.contains(&compute)
                || dice.at(5).below(10) == 0;
            let chosen = dice.below(100) < 30
                && fits
                && application
                    .supported_operating_system_names
                    .contains(&system);
            chosen.then(|| {
                let (state, reason) = workspace_state(application, compute, built_at, usage, dice);
                association(application, dice, state, reason)
            })
        })
        .take(MAX_PER_WORKSPACE)
        .collect()
}

/// The state of `application` on a WorkSpace of `compute` built at `built_at` (`None`: never
/// built) and used as `usage` says.
fn workspace_state(
    application: &Application,
    compute: &str,
    built_at: Option<f64>,
    usage: WorkspaceUsage,
    dice: Dice,
) -> (&'static str, Option<(&'static str, String)>) {
    if built_at.is_none() {
        return failure(
            "DeploymentError.WorkspaceUnreachable",
            "The WorkSpace could not be reached to deploy the application.".to_string(),
        );
    }
    if !application.supported_compute_type_names.contains(&compute) {
        return failure(
            "ValidationError.InsufficientMemory",
            format!(
                "{} needs more memory than a {compute} WorkSpace has.",
                application.name
            ),
        );
    }
    if usage.profile() == WorkspaceProfile::NeverConnected {
        return ("PENDING_INSTALL_DEPLOYMENT", None);
    }
    let roll = dice.at(3).below(100);
    if application.state == "UNINSTALL_ONLY" {
        return match roll {
            0..60 => ("COMPLETED", None),
            60..80 => ("PENDING_UNINSTALL", None),
            _ => ("REMOVED", None),
        };
    }
    match roll {
        0..80 => ("COMPLETED", None),
        80..88 => ("INSTALLING", None),
        88..94 => failure(
            "ValidationError.InsufficientDiskSpace",
            "The WorkSpace's root volume has too little free space.".to_string(),
        ),
        _ => ("REMOVED", None),
    }
}

/// The association of one of the account's bundles, if it has one, and that of its image.
fn bundle_associations(
    bundle: &Bundle,
    catalogue: &[Application],
) -> Option<(ApplicationAssociation, Option<ApplicationAssociation>)> {
    let dice = Dice::of(&bundle.bundle_id, SALT_BUNDLE_APPLICATION);
    if dice.below(2) == 0 {
        return None;
    }
    let compute = bundle
        .compute_type
        .as_ref()
        .and_then(|c| c.name.as_deref())?;
    let candidates: Vec<&Application> = catalogue
        .iter()
        .filter(|a| a.state == "AVAILABLE" && a.supported_compute_type_names.contains(&compute))
        .collect();
    let application = candidates.get(dice.at(1).below(candidates.len().max(1) as u64) as usize)?;
    let (created, last_updated_time) =
        times(dice.at(2), bundle.creation_time.unwrap_or(ASSOCIATED_FROM));
    let bundle_association = ApplicationAssociation {
        application_id: application.application_id.clone(),
        resource_id: bundle.bundle_id.clone(),
        resource_type: ResourceType::Bundle,
        created,
        last_updated_time,
        state: "COMPLETED",
        state_reason: None,
    };
    let image_association = bundle.image_id.as_ref().map(|image_id| {
        let (state, state_reason) = match dice.at(4).below(100) < 15 {
            true => failure(
                "ValidationError.ApplicationOldVersionExists",
                format!(
                    "An older version of {} is installed in the image.",
                    application.name
                ),
            ),
            false => ("COMPLETED", None),
        };
        ApplicationAssociation {
            resource_id: image_id.clone(),
            resource_type: ResourceType::Image,
            created: created - 86_400.0,
            last_updated_time: last_updated_time - 86_400.0,
            state,
            state_reason,
            ..bundle_association.clone()
        }
    });
    Some((bundle_association, image_association))
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ApplicationOutput<'a> {
    associations: Vec<ApplicationResourceAssociation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

/// `DescribeApplicationAssociations`.
pub(crate) fn describe_application<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let application_id = request.string("ApplicationId")?.unwrap_or_default();
    let types = request
        .strings("AssociatedResourceTypes")?
        .unwrap_or_default();
    let limit = request.integer("MaxResults")?.unwrap_or(DEFAULT_LIMIT);
    let next_token = request.string("NextToken")?;
    let catalogue = application_catalogue(call.region);
    if !catalogue.iter().any(|a| a.application_id == application_id) {
        return Err(ApiError::not_found("application", application_id));
    }
    let pager = call.pager(next_token)?;
    let associations = associations_of(call.records(), call.fleet.account_id(), call.region);
    let (page, next_token) = pager.page(&associations, limit as usize, |a| {
        a.application_id == application_id && types.contains(&a.resource_type.as_str())
    });
    Structure::computed(&ApplicationOutput {
        associations: page
            .into_iter()
            .map(|a| ApplicationResourceAssociation {
                application_id: &a.application_id,
                associated_resource_id: &a.resource_id,
                associated_resource_type: a.resource_type.as_str(),
                created: a.created,
                last_updated_time: a.last_updated_time,
                state: a.state,
                state_reason: a.state_reason(),
            })
            .collect(),
        next_token,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct WorkspaceOutput<'a> {
    associations: Vec<WorkspaceResourceAssociation<'a>>,
}

/// `DescribeWorkspaceAssociations`.
pub(crate) fn describe_workspace<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let workspace_id = request.string("WorkspaceId")?.unwrap_or_default();
    let types = request
        .strings("AssociatedResourceTypes")?
        .unwrap_or_default();
    let records = call.records();
    let Some(workspace) = records
        .workspaces
        .iter()
        .find(|w| w.workspace_id == workspace_id)
    else {
        return Err(ApiError::not_found("WorkSpace", workspace_id));
    };
    let catalogue = application_catalogue(call.region);
    let associations = match types.contains(&"APPLICATION") {
        true => workspace_associations(workspace, call.region, &catalogue),
        false => Vec::new(),
    };
    Structure::computed(&WorkspaceOutput {
        associations: associations
            .iter()
            .map(|a| WorkspaceResourceAssociation {
                associated_resource_id: &a.application_id,
                associated_resource_type: "APPLICATION",
                created: a.created,
                last_updated_time: a.last_updated_time,
                state: a.state,
                state_reason: a.state_reason(),
                workspace_id: &a.resource_id,
            })
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::json;

    use super::*;
    use crate::Fleet;
    use crate::applications::application_id;
    use crate::operations::answer;

    const REGION: &str = "us-east-1";

    fn fleet() -> Fleet {
        Fleet::seeded(8, &[REGION], 900)
    }

    #[test]
    fn the_fleet_shows_every_kind_of_association() {
        let fleet = fleet();
        let records = fleet.region(REGION).expect("region");
        let associations = associations_of(records, fleet.account_id(), REGION);
        let types: BTreeSet<ResourceType> = associations.iter().map(|a| a.resource_type).collect();
        assert_eq!(types.len(), 3, "WorkSpaces, bundles and images");
        let states: BTreeSet<&str> = associations.iter().map(|a| a.state).collect();
        for state in ["COMPLETED", "ERROR"] {
            assert!(states.contains(state), "{state} in {states:?}");
        }
        for a in &associations {
            assert!(a.created <= a.last_updated_time, "{a:?}");
            assert_eq!(a.state == "ERROR", a.state_reason.is_some(), "{a:?}");
        }
        let images: BTreeSet<&str> = records
            .bundles
            .iter()
            .filter_map(|b| b.image_id.as_deref())
            .collect();
        assert!(
            associations
                .iter()
                .filter(|a| a.resource_type == ResourceType::Image)
                .all(|a| images.contains(a.resource_id.as_str())),
            "images are those behind the bundles"
        );
    }

    #[test]
    fn both_operations_see_the_same_associations() {
        let fleet = fleet();
        let records = fleet.region(REGION).expect("region");
        let all = associations_of(records, fleet.account_id(), REGION);
        let workspace = all
            .iter()
            .find(|a| a.resource_type == ResourceType::Workspace)
            .expect("a WorkSpace with applications");
        let body = json!({"WorkspaceId": workspace.resource_id, "AssociatedResourceTypes": ["APPLICATION"]});
        let output = answer(&Call::new(
            REGION,
            "DescribeWorkspaceAssociations",
            &body,
            &fleet,
        ))
        .expect("answers");
        let from_workspace: Vec<&str> = output["Associations"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["AssociatedResourceId"].as_str())
            .collect();
        let expected: Vec<&str> = all
            .iter()
            .filter(|a| a.resource_id == workspace.resource_id)
            .map(|a| a.application_id.as_str())
            .collect();
        assert_eq!(from_workspace, expected);

        let application = all
            .iter()
            .max_by_key(|a| {
                all.iter()
                    .filter(|b| b.application_id == a.application_id)
                    .count()
            })
            .map(|a| a.application_id.clone())
            .expect("an application with associations");
        let mut listed = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({
                "ApplicationId": application,
                "AssociatedResourceTypes": ["WORKSPACE", "BUNDLE", "IMAGE"],
                "MaxResults": 2
            });
            if let Some(t) = &token {
                body["NextToken"] = json!(t);
            }
            let output = answer(&Call::new(
                REGION,
                "DescribeApplicationAssociations",
                &body,
                &fleet,
            ))
            .expect("answers");
            listed.extend(
                output["Associations"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| {
                        Some((
                            a["AssociatedResourceType"].as_str()?.to_string(),
                            a["AssociatedResourceId"].as_str()?.to_string(),
                        ))
                    }),
            );
            match output["NextToken"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        let expected: Vec<(String, String)> = all
            .iter()
            .filter(|a| a.application_id == application)
            .map(|a| (a.resource_type.as_str().to_string(), a.resource_id.clone()))
            .collect();
        assert!(expected.len() > 2, "several pages");
        assert_eq!(listed, expected);
    }

    #[test]
    fn unknown_resources_are_not_found_and_types_filter() {
        let fleet = fleet();
        let unknown_application =
            json!({"ApplicationId": "wsa-000000000", "AssociatedResourceTypes": ["WORKSPACE"]});
        let error = answer(&Call::new(
            REGION,
            "DescribeApplicationAssociations",
            &unknown_application,
            &fleet,
        ))
        .expect_err("unknown");
        assert_eq!(error.code, "ResourceNotFoundException");
        let unknown_workspace =
            json!({"WorkspaceId": "ws-000000000", "AssociatedResourceTypes": ["APPLICATION"]});
        let error = answer(&Call::new(
            REGION,
            "DescribeWorkspaceAssociations",
            &unknown_workspace,
            &fleet,
        ))
        .expect_err("unknown");
        assert_eq!(error.code, "ResourceNotFoundException");
        let missing = json!({"ApplicationId": application_id(REGION, 0)});
        let error = answer(&Call::new(
            REGION,
            "DescribeApplicationAssociations",
            &missing,
            &fleet,
        ))
        .expect_err("types are required");
        assert_eq!(error.code, "ValidationException");
        let images_only = json!({"ApplicationId": application_id(REGION, 0), "AssociatedResourceTypes": ["IMAGE"]});
        let output = answer(&Call::new(
            REGION,
            "DescribeApplicationAssociations",
            &images_only,
            &fleet,
        ))
        .expect("answers");
        assert!(
            output["Associations"]
                .as_array()
                .into_iter()
                .flatten()
                .all(|a| a["AssociatedResourceType"] == "IMAGE")
        );
    }
}
