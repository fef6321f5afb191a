//! The image operations' records in their awsJson1_1 wire form (as `shapes.rs` holds the fleet's):
//! members in PascalCase, absent optional members omitted, timestamps as epoch seconds. They are
//! derived from the fleet rather than stored or read from fixtures, so they only serialize.

use serde::Serialize;

/// `WorkspaceImage`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Image {
    /// `wsi-` and 9 to 63 characters of `[0-9a-z]`.
    pub image_id: String,
    /// `^[a-zA-Z0-9_./()\\-]+$`, at most 64 characters.
    pub name: String,
    /// `^[a-zA-Z0-9_./() -]+$`, at most 256 characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `{"Type": "WINDOWS" | "LINUX"}`.
    pub operating_system: OperatingSystem,
    /// `AVAILABLE`, `PENDING` or `ERROR`.
    pub state: String,
    /// `DEFAULT`, or `DEDICATED` for Bring Your Own License images.
    pub required_tenancy: String,
    /// Why the image is in `ERROR`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// The text of that error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// Epoch seconds.
    pub created: f64,
    /// The twelve-digit account that owns the image.
    pub owner_account_id: String,
    /// Whether WorkSpaces updates are available (Windows images only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updates: Option<UpdateResult>,
    /// The causes of an `ERROR`, each a `WorkspaceImageErrorDetailCode`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_details: Option<Vec<ErrorDetails>>,
}

/// `OperatingSystem`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct OperatingSystem {
    /// `WINDOWS` or `LINUX`.
    #[serde(rename = "Type")]
    pub kind: String,
}

/// `UpdateResult`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateResult {
    /// Whether updated drivers or components are available.
    pub update_available: bool,
    /// `^[a-zA-Z0-9_./() -]+$`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// `ErrorDetails` of an image, and `CustomWorkspaceImageImportErrorDetails` of an import (the
/// same two members).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ErrorDetails {
    /// The code.
    pub error_code: String,
    /// What it means and what to do.
    pub error_message: String,
}

/// `DescribeCustomWorkspaceImageImportResult`: one image's Bring Your Own License import.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageImport {
    /// The image being imported.
    pub image_id: String,
    /// `arn:aws:imagebuilder:REGION:ACCOUNT:infrastructure-configuration/NAME`.
    pub infrastructure_configuration_arn: String,
    /// `CustomWorkspaceImageImportState`.
    pub state: String,
    /// What the workflow is doing, or why it failed.
    pub state_message: String,
    /// 0 to 100.
    pub progress_percentage: i32,
    /// Epoch seconds.
    pub created: f64,
    /// Epoch seconds.
    pub last_updated_time: f64,
    /// Where the image came from (a union: exactly one member).
    pub image_source: ImageSource,
    /// The EC2 Image Builder instance, once one runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_builder_instance_id: Option<String>,
    /// Why the import failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_details: Option<Vec<ErrorDetails>>,
}

/// `ImageSourceIdentifier`, a union.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ImageSource {
    /// `import-ami-` and 8 or 17 alphanumerics.
    Ec2ImportTaskId(String),
    /// An EC2 Image Builder image version ARN.
    ImageBuildVersionArn(String),
    /// `ami-` and 8 or 17 hex digits.
    Ec2ImageId(String),
}

/// `AssociationStateReason`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct StateReason {
    /// `AssociationErrorCode`.
    pub error_code: String,
    /// What went wrong.
    pub error_message: String,
}

/// `ImageResourceAssociation`: an application associated with an image.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageAssociation {
    /// The application (`wsa-...`).
    pub associated_resource_id: String,
    /// `APPLICATION`.
    pub associated_resource_type: String,
    /// Epoch seconds.
    pub created: f64,
    /// Epoch seconds.
    pub last_updated_time: f64,
    /// The image.
    pub image_id: String,
    /// `AssociationState`.
    pub state: String,
    /// Why a deployment failed (state `ERROR`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_reason: Option<StateReason>,
}

/// `BundleResourceAssociation`: an application associated with a bundle.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct BundleAssociation {
    /// The application (`wsa-...`).
    pub associated_resource_id: String,
    /// `APPLICATION`.
    pub associated_resource_type: String,
    /// The bundle.
    pub bundle_id: String,
    /// Epoch seconds.
    pub created: f64,
    /// Epoch seconds.
    pub last_updated_time: f64,
    /// `AssociationState`.
    pub state: String,
    /// Why a deployment failed (state `ERROR`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_reason: Option<StateReason>,
}
