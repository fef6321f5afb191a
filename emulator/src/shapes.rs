//! The WorkSpaces API's data shapes as the emulator stores and serves them.
//!
//! Each record serializes to exactly the awsJson1_1 wire form of its model shape: members in
//! PascalCase (except where the model says otherwise, e.g. `ipGroupIds`), absent optional members
//! omitted, timestamps as epoch seconds. That is the one form operations answer in; RPCv2 CBOR
//! answers are encoded from it along the model's output shape (`cbor.rs`). Fixtures use the same
//! form, so a record read from a fixture is served with the members and values written. Unknown
//! members in a fixture are rejected so that a typo in a member name is an error rather than a
//! silently absent field.
//!
//! Enumerations that the emulator filters or reasons on are Rust enums; the long, purely
//! descriptive ones (compute types, operating systems, error codes) are strings.

use serde::{Deserialize, Serialize};

/// A WorkSpaces pool (`WorkspacesPool`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Pool {
    /// `wspool-` and nine characters of `[0-9a-z]`.
    pub pool_id: String,
    /// `arn:aws:workspaces:REGION:ACCOUNT:workspacespool/POOL_ID`.
    pub pool_arn: String,
    /// Session capacity.
    pub capacity_status: CapacityStatus,
    /// 1 to 64 characters of `[A-Za-z0-9_.-]`, starting alphanumeric.
    pub pool_name: String,
    /// Free-text description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Lifecycle state.
    pub state: PoolState,
    /// Creation time, epoch seconds.
    #[serde(deserialize_with = "timestamp::required")]
    pub created_at: f64,
    /// The bundle the pool's instances are built from.
    pub bundle_id: String,
    /// The directory the pool's users come from.
    pub directory_id: String,
    /// Problems the pool has. Absent and empty are both possible and differ on the wire.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub errors: Option<Vec<PoolError>>,
    /// Persistent application settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_settings: Option<ApplicationSettings>,
    /// Session time-outs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_settings: Option<TimeoutSettings>,
    /// Whether instances stop when unused.
    pub running_mode: PoolRunningMode,
}

/// `CapacityStatus` of a pool: every member is required.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CapacityStatus {
    /// Sessions that can be started right now (`actual - active`).
    pub available_user_sessions: i32,
    /// Sessions the pool is asked to provide.
    pub desired_user_sessions: i32,
    /// Sessions the pool can currently provide.
    pub actual_user_sessions: i32,
    /// Sessions in use.
    pub active_user_sessions: i32,
}

/// `WorkspacesPoolState`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PoolState {
    /// Being created.
    Creating,
    /// Being deleted.
    Deleting,
    /// Serving sessions.
    Running,
    /// Starting up.
    Starting,
    /// Stopped; no capacity.
    Stopped,
    /// Stopping.
    Stopping,
    /// Being updated.
    Updating,
    /// A value newer than the model (fixtures only), served as written: how a client meets a
    /// state its SDK does not know.
    #[serde(untagged)]
    Other(String),
}

impl PoolState {
    /// Every state, in the model's order.
    pub const ALL: [PoolState; 7] = [
        PoolState::Creating,
        PoolState::Deleting,
        PoolState::Running,
        PoolState::Starting,
        PoolState::Stopped,
        PoolState::Stopping,
        PoolState::Updating,
    ];
}

/// `PoolsRunningMode`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PoolRunningMode {
    /// Instances stop when no session uses them.
    AutoStop,
    /// Instances keep running.
    AlwaysOn,
    /// A value newer than the model (fixtures only), served as written.
    #[serde(untagged)]
    Other(String),
}

/// `WorkspacesPoolError`: both members optional in the model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PoolError {
    /// One of the model's `WorkspacesPoolErrorCode` values, e.g. `BUNDLE_NOT_FOUND`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// Human-readable explanation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

/// `ApplicationSettingsResponse`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ApplicationSettings {
    /// `ENABLED` or `DISABLED` (required).
    pub status: String,
    /// Settings group, `^[A-Za-z0-9_./()!*'-]+$`, at most 100 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings_group: Option<String>,
    /// Bucket holding the settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_name: Option<String>,
}

/// `TimeoutSettings`: every member optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct TimeoutSettings {
    /// 60 to 36000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disconnect_timeout_in_seconds: Option<i32>,
    /// 0 to 36000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_disconnect_timeout_in_seconds: Option<i32>,
    /// 600 to 432000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_user_duration_in_seconds: Option<i32>,
}

/// A session of a pool (`WorkspacesPoolSession`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct PoolSession {
    /// Lower-case UUID.
    pub session_id: String,
    /// The pool the session runs in.
    pub pool_id: String,
    /// The user, 2 to 128 characters.
    pub user_id: String,
    /// `SAML`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authentication_type: Option<String>,
    /// Whether the user is connected right now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection_state: Option<ConnectionState>,
    /// `i-` and 8 or 17 hex digits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    /// When the session ends at the latest, epoch seconds.
    #[serde(
        default,
        deserialize_with = "timestamp::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub expiration_time: Option<f64>,
    /// The session's network interface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_access_configuration: Option<NetworkAccessConfiguration>,
    /// When the session started, epoch seconds.
    #[serde(
        default,
        deserialize_with = "timestamp::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub start_time: Option<f64>,
}

/// `SessionConnectionState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConnectionState {
    /// A client is connected.
    Connected,
    /// The session lives on without a client.
    NotConnected,
}

/// `NetworkAccessConfiguration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct NetworkAccessConfiguration {
    /// `eni-...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eni_id: Option<String>,
    /// Private IPv4 address of the interface.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eni_private_ip_address: Option<String>,
}

/// A directory registered with WorkSpaces (`WorkspaceDirectory`). Only `DirectoryId` is required
/// by the emulator; the model makes every member optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Directory {
    /// `d-` and hex digits, or `wsd-` and `[0-9a-z]`.
    pub directory_id: String,
    /// Directory alias.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    /// Fully qualified name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_name: Option<String>,
    /// Registration code users enter in the client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_code: Option<String>,
    /// At most two subnets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_ids: Option<Vec<String>>,
    /// DNS servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_ip_addresses: Option<Vec<String>>,
    /// IPv6 DNS servers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns_ipv6_addresses: Option<Vec<String>>,
    /// Service account user name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_user_name: Option<String>,
    /// IAM role ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam_role_id: Option<String>,
    /// `SIMPLE_AD`, `AD_CONNECTOR`, `CUSTOMER_MANAGED` or `AWS_IAM_IDENTITY_CENTER`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_type: Option<String>,
    /// Security group of the WorkSpaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_security_group_id: Option<String>,
    /// Registration state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<DirectoryState>,
    /// Defaults of new WorkSpaces.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_creation_properties: Option<WorkspaceCreationProperties>,
    /// IP access control groups. The model spells this member in camelCase.
    #[serde(
        rename = "ipGroupIds",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub ip_group_ids: Option<Vec<String>>,
    /// Which client devices may connect.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_access_properties: Option<WorkspaceAccessProperties>,
    /// `DEDICATED` or `SHARED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenancy: Option<String>,
    /// What users may do themselves.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selfservice_permissions: Option<SelfservicePermissions>,
    /// SAML 2.0 settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saml_properties: Option<SamlProperties>,
    /// Certificate-based authentication.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_based_auth_properties: Option<CertificateBasedAuthProperties>,
    /// `STANDARD_TLS` or `FIPS_VALIDATED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_encryption_mode: Option<String>,
    /// Microsoft Entra settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub microsoft_entra_config: Option<MicrosoftEntraConfig>,
    /// Name shown for pools directories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_directory_name: Option<String>,
    /// Description of pools directories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_directory_description: Option<String>,
    /// Where users come from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_identity_type: Option<UserIdentityType>,
    /// Whether the directory serves personal WorkSpaces or pools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_type: Option<WorkspaceType>,
    /// IAM Identity Center settings. The model spells this member `IDCConfig`.
    #[serde(rename = "IDCConfig", default, skip_serializing_if = "Option::is_none")]
    pub idc_config: Option<IdcConfig>,
    /// Active Directory settings of pools directories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_directory_config: Option<ActiveDirectoryConfig>,
    /// Streaming settings of pools directories.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streaming_properties: Option<StreamingProperties>,
    /// Why the directory is in `ERROR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// `LOCAL_USER`, `DOMAIN_JOIN`, `ENTRA_JOIN` or `SELF_MANAGED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_os_user_mode: Option<String>,
}

/// `WorkspaceDirectoryState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DirectoryState {
    /// Being registered.
    Registering,
    /// Registered and usable.
    Registered,
    /// Being deregistered.
    Deregistering,
    /// Deregistered.
    Deregistered,
    /// Failed.
    Error,
}

/// `UserIdentityType`, a `DescribeWorkspaceDirectories` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum UserIdentityType {
    /// Users from a customer-managed directory.
    CustomerManaged,
    /// Users from AWS Directory Service.
    AwsDirectoryService,
    /// Users from IAM Identity Center.
    AwsIamIdentityCenter,
}

impl UserIdentityType {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            UserIdentityType::CustomerManaged => "CUSTOMER_MANAGED",
            UserIdentityType::AwsDirectoryService => "AWS_DIRECTORY_SERVICE",
            UserIdentityType::AwsIamIdentityCenter => "AWS_IAM_IDENTITY_CENTER",
        }
    }
}

/// `WorkspaceType`, a `DescribeWorkspaceDirectories` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum WorkspaceType {
    /// Personal WorkSpaces.
    Personal,
    /// WorkSpaces Pools.
    Pools,
}

impl WorkspaceType {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            WorkspaceType::Personal => "PERSONAL",
            WorkspaceType::Pools => "POOLS",
        }
    }
}

/// `DefaultWorkspaceCreationProperties`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct WorkspaceCreationProperties {
    /// Whether WorkSpaces get internet access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_internet_access: Option<bool>,
    /// Default organizational unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_ou: Option<String>,
    /// Extra security group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_security_group_id: Option<String>,
    /// Whether users are local administrators.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_enabled_as_local_administrator: Option<bool>,
    /// Whether maintenance mode is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_maintenance_mode: Option<bool>,
    /// Instance profile ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_iam_role_arn: Option<String>,
}

/// `WorkspaceAccessProperties`: each device type `ALLOW` or `DENY`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct WorkspaceAccessProperties {
    /// Windows clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type_windows: Option<String>,
    /// macOS clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type_osx: Option<String>,
    /// Web access.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type_web: Option<String>,
    /// iOS clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type_ios: Option<String>,
    /// Android clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type_android: Option<String>,
    /// ChromeOS clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type_chrome_os: Option<String>,
    /// Zero clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type_zero_client: Option<String>,
    /// Linux clients.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type_linux: Option<String>,
    /// WorkSpaces Thin Client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_type_work_spaces_thin_client: Option<String>,
    /// Access endpoints.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_endpoint_config: Option<AccessEndpointConfig>,
}

/// `AccessEndpointConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AccessEndpointConfig {
    /// Required.
    pub access_endpoints: Vec<AccessEndpoint>,
    /// `PCOIP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub internet_fallback_protocols: Option<Vec<String>>,
}

/// `AccessEndpoint`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct AccessEndpoint {
    /// `STREAMING_WSP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_endpoint_type: Option<String>,
    /// VPC endpoint id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_endpoint_id: Option<String>,
}

/// `SelfservicePermissions`: each `ENABLED` or `DISABLED`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SelfservicePermissions {
    /// Restart.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restart_workspace: Option<String>,
    /// Larger volumes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub increase_volume_size: Option<String>,
    /// Other compute type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_compute_type: Option<String>,
    /// Other running mode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub switch_running_mode: Option<String>,
    /// Rebuild.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rebuild_workspace: Option<String>,
    /// End-user advisor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_end_user_advisor: Option<String>,
    /// Nested virtualization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nested_virtualization: Option<String>,
}

/// `SamlProperties`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct SamlProperties {
    /// `DISABLED`, `ENABLED` or `ENABLED_WITH_DIRECTORY_LOGIN_FALLBACK`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Identity provider URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_access_url: Option<String>,
    /// Relay state parameter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relay_state_parameter_name: Option<String>,
}

/// `CertificateBasedAuthProperties`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct CertificateBasedAuthProperties {
    /// `DISABLED` or `ENABLED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Private CA ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_authority_arn: Option<String>,
}

/// `MicrosoftEntraConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct MicrosoftEntraConfig {
    /// Tenant id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// Secrets Manager ARN of the application config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_config_secret_arn: Option<String>,
}

/// `IDCConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct IdcConfig {
    /// Identity Center instance ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_arn: Option<String>,
    /// Identity Center application ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub application_arn: Option<String>,
}

/// `ActiveDirectoryConfig`: both members required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ActiveDirectoryConfig {
    /// Domain name.
    pub domain_name: String,
    /// Secrets Manager ARN of the service account.
    pub service_account_secret_arn: String,
}

/// `StreamingProperties`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct StreamingProperties {
    /// `TCP` or `UDP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streaming_experience_preferred_protocol: Option<String>,
    /// Clipboard, printing and smart card settings (at least one when present).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_settings: Option<Vec<UserSetting>>,
    /// Home folders (at least one when present).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_connectors: Option<Vec<StorageConnector>>,
    /// Global Accelerator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_accelerator: Option<GlobalAccelerator>,
}

/// `UserSetting`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct UserSetting {
    /// E.g. `CLIPBOARD_COPY_FROM_LOCAL_DEVICE`.
    pub action: String,
    /// `ENABLED` or `DISABLED`.
    pub permission: String,
    /// Clipboard size limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum_length: Option<i32>,
}

/// `StorageConnector`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct StorageConnector {
    /// `HOME_FOLDER`.
    pub connector_type: String,
    /// `ENABLED` or `DISABLED`.
    pub status: String,
}

/// `GlobalAcceleratorForDirectory` / `GlobalAcceleratorForWorkSpace`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct GlobalAccelerator {
    /// E.g. `ENABLED_AUTO` (required).
    pub mode: String,
    /// E.g. `TCP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preferred_protocol: Option<String>,
}

/// A bundle (`WorkspaceBundle`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Bundle {
    /// `wsb-` and 8 to 63 characters of `[0-9a-z]`.
    pub bundle_id: String,
    /// Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `AMAZON` or the owning account id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// `wsi-...`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    /// Root volume size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_storage: Option<Storage>,
    /// User volume size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_storage: Option<Storage>,
    /// Compute type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute_type: Option<ComputeType>,
    /// Last update, epoch seconds.
    #[serde(
        default,
        deserialize_with = "timestamp::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_updated_time: Option<f64>,
    /// Creation, epoch seconds.
    #[serde(
        default,
        deserialize_with = "timestamp::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub creation_time: Option<f64>,
    /// `AVAILABLE`, `PENDING` or `ERROR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `REGULAR` or `STANDBY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle_type: Option<String>,
}

/// `RootStorage` / `UserStorage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Storage {
    /// Size in GiB, as a string (required).
    pub capacity: String,
}

/// `ComputeType`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ComputeType {
    /// E.g. `STANDARD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A personal WorkSpace (`Workspace`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Workspace {
    /// `ws-` and 8 to 63 characters of `[0-9a-z]`.
    pub workspace_id: String,
    /// Directory of the user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory_id: Option<String>,
    /// The user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// Private IPv4 address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<String>,
    /// Private IPv6 address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_address: Option<String>,
    /// One of the model's `WorkspaceState` values, e.g. `AVAILABLE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Bundle it was built from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bundle_id: Option<String>,
    /// Subnet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    /// Error text when in `ERROR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// Error code when in `ERROR`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
    /// NetBIOS name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub computer_name: Option<String>,
    /// KMS key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_encryption_key: Option<String>,
    /// User volume encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_volume_encryption_enabled: Option<bool>,
    /// Root volume encrypted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_volume_encryption_enabled: Option<bool>,
    /// Name of a user-decoupled WorkSpace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_name: Option<String>,
    /// Compute, volumes, running mode, protocols.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_properties: Option<WorkspaceProperties>,
    /// Modifications in progress.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modification_states: Option<Vec<ModificationState>>,
    /// Standby and primary relatives.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub related_workspaces: Option<Vec<RelatedWorkspace>>,
    /// Replication settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_replication_settings: Option<DataReplicationSettings>,
    /// Standby properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standby_workspaces_properties: Option<Vec<StandbyWorkspaceProperties>>,
}

/// `WorkspaceProperties`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct WorkspaceProperties {
    /// `AUTO_STOP`, `ALWAYS_ON` or `MANUAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running_mode: Option<String>,
    /// Auto-stop time-out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub running_mode_auto_stop_timeout_in_minutes: Option<i32>,
    /// Root volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root_volume_size_gib: Option<i32>,
    /// User volume.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_volume_size_gib: Option<i32>,
    /// E.g. `STANDARD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compute_type_name: Option<String>,
    /// `PCOIP`, `WSP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocols: Option<Vec<String>>,
    /// E.g. `WINDOWS_11`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub operating_system_name: Option<String>,
    /// Global Accelerator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_accelerator: Option<GlobalAccelerator>,
    /// Nested virtualization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nested_virtualization_enabled: Option<bool>,
}

/// `ModificationState`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct ModificationState {
    /// E.g. `ROOT_VOLUME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// E.g. `UPDATE_IN_PROGRESS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// `RelatedWorkspaceProperties`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct RelatedWorkspace {
    /// The relative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace_id: Option<String>,
    /// Its region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Its state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `PRIMARY` or `STANDBY`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub r#type: Option<String>,
}

/// `DataReplicationSettings`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct DataReplicationSettings {
    /// `NO_REPLICATION` or `PRIMARY_AS_SOURCE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_replication: Option<String>,
    /// Epoch seconds.
    #[serde(
        default,
        deserialize_with = "timestamp::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub recovery_snapshot_time: Option<f64>,
}

/// `StandbyWorkspacesProperties`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct StandbyWorkspaceProperties {
    /// The standby.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub standby_workspace_id: Option<String>,
    /// `NO_REPLICATION` or `PRIMARY_AS_SOURCE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_replication: Option<String>,
    /// Epoch seconds.
    #[serde(
        default,
        deserialize_with = "timestamp::optional",
        skip_serializing_if = "Option::is_none"
    )]
    pub recovery_snapshot_time: Option<f64>,
}

/// A tag (`Tag`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", deny_unknown_fields)]
pub struct Tag {
    /// 1 to 127 characters.
    pub key: String,
    /// At most 255 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

impl Tag {
    /// A tag with a value.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Tag {
        Tag {
            key: key.into(),
            value: Some(value.into()),
        }
    }
}

/// Timestamps in fixtures: epoch seconds as on the wire, or an RFC 3339 string as the AWS CLI
/// prints them, so that `aws workspaces describe-... --output json` output can be used as is.
pub(crate) mod timestamp {
    use serde::{Deserialize, Deserializer, de::Error};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Seconds(f64),
        Text(String),
    }

    pub(crate) fn required<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        match Raw::deserialize(d)? {
            Raw::Seconds(s) => Ok(s),
            Raw::Text(t) => parse_rfc3339(&t).ok_or_else(|| {
                D::Error::custom(format!(
                    "timestamp `{t}` is neither epoch seconds nor RFC 3339"
                ))
            }),
        }
    }

    pub(crate) fn optional<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        required(d).map(Some)
    }

    /// `2024-06-11T10:30:56.789+00:00`, `...Z`, with or without fraction.
    pub(crate) fn parse_rfc3339(text: &str) -> Option<f64> {
        let (date, rest) = text.split_once(['T', 't', ' '])?;
        let mut date_parts = date.splitn(3, '-');
        let year: i64 = date_parts.next()?.parse().ok()?;
        let month: u32 = date_parts.next()?.parse().ok()?;
        let day: u32 = date_parts.next()?.parse().ok()?;
        let (clock, offset_seconds) = split_offset(rest)?;
        let mut clock_parts = clock.splitn(3, ':');
        let hour: u32 = clock_parts.next()?.parse().ok()?;
        let minute: u32 = clock_parts.next()?.parse().ok()?;
        let second: f64 = clock_parts.next()?.parse().ok()?;
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
            return None;
        }
        if !(0.0..61.0).contains(&second) {
            return None;
        }
        let days = days_from_civil(year, month, day);
        let whole = days * 86_400 + i64::from(hour) * 3600 + i64::from(minute) * 60;
        Some(whole as f64 + second - offset_seconds as f64)
    }

    fn split_offset(rest: &str) -> Option<(&str, i64)> {
        if let Some(clock) = rest.strip_suffix(['Z', 'z']) {
            return Some((clock, 0));
        }
        let sign_at = rest.rfind(['+', '-'])?;
        let (clock, offset) = rest.split_at(sign_at);
        let sign = if offset.starts_with('-') { -1 } else { 1 };
        let (hours, minutes) = offset[1..].split_once(':')?;
        let hours: i64 = hours.parse().ok()?;
        let minutes: i64 = minutes.parse().ok()?;
        Some((clock, sign * (hours * 3600 + minutes * 60)))
    }

    /// `2024-06-11T10:30:56Z` for whole epoch seconds, as awsQuery answers write timestamps.
    pub(crate) fn format_rfc3339(epoch_seconds: i64) -> String {
        let days = epoch_seconds.div_euclid(86_400);
        let second_of_day = epoch_seconds.rem_euclid(86_400);
        let (year, month, day) = civil_from_days(days);
        format!(
            "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
            second_of_day / 3600,
            second_of_day / 60 % 60,
            second_of_day % 60
        )
    }

    /// The proleptic Gregorian date of a day since 1970-01-01 (Howard Hinnant's algorithm).
    fn civil_from_days(days: i64) -> (i64, u32, u32) {
        let days = days + 719_468;
        let era = days.div_euclid(146_097);
        let day_of_era = days - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let shifted_month = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * shifted_month + 2) / 5 + 1) as u32;
        let month = if shifted_month < 10 {
            shifted_month + 3
        } else {
            shifted_month - 9
        } as u32;
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        (year, month, day)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
        let year = if month <= 2 { year - 1 } else { year };
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month = i64::from(month);
        let shifted_month = if month > 2 { month - 3 } else { month + 9 };
        let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_timestamps_parse_to_epoch_seconds() {
        assert_eq!(timestamp::parse_rfc3339("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(
            timestamp::parse_rfc3339("2024-06-11T10:30:56.5+00:00"),
            Some(1_718_101_856.5)
        );
        assert_eq!(
            timestamp::parse_rfc3339("2024-06-11T12:30:56+02:00"),
            Some(1_718_101_856.0)
        );
        assert_eq!(timestamp::parse_rfc3339("2024-13-01T00:00:00Z"), None);
        for seconds in [0, 951_782_400, 1_718_101_856, 4_107_542_399, -86_401] {
            let text = timestamp::format_rfc3339(seconds);
            assert_eq!(
                timestamp::parse_rfc3339(&text),
                Some(seconds as f64),
                "{text}"
            );
        }
        assert_eq!(
            timestamp::format_rfc3339(1_718_101_856),
            "2024-06-11T10:30:56Z"
        );
        assert_eq!(
            timestamp::format_rfc3339(951_782_400),
            "2000-02-29T00:00:00Z"
        );
        assert_eq!(timestamp::parse_rfc3339("yesterday"), None);
    }

    #[test]
    fn directory_uses_the_model_member_spellings() {
        let directory = Directory {
            directory_id: "d-1234567890".into(),
            ip_group_ids: Some(vec!["wsipg-12345678".into()]),
            idc_config: Some(IdcConfig {
                instance_arn: None,
                application_arn: None,
            }),
            ..serde_json::from_str(r#"{"DirectoryId":"d-1234567890"}"#).expect("minimal directory")
        };
        let wire = serde_json::to_value(&directory).expect("serializes");
        assert!(wire.get("ipGroupIds").is_some(), "{wire}");
        assert!(wire.get("IDCConfig").is_some(), "{wire}");
        assert!(
            wire.get("Alias").is_none(),
            "absent optionals are omitted: {wire}"
        );
    }

    #[test]
    fn unknown_members_in_fixtures_are_rejected() {
        let err =
            serde_json::from_str::<Directory>(r#"{"DirectoryId":"d-1234567890","IpGroupIds":[]}"#)
                .expect_err("typo must be rejected");
        assert!(err.to_string().contains("IpGroupIds"), "{err}");
    }

    #[test]
    fn pool_timestamps_accept_numbers_and_text() {
        let json = r#"{"PoolId":"wspool-abcdefghi","PoolArn":"arn:aws:workspaces:us-east-1:123456789012:workspacespool/wspool-abcdefghi",
            "CapacityStatus":{"AvailableUserSessions":1,"DesiredUserSessions":2,"ActualUserSessions":2,"ActiveUserSessions":1},
            "PoolName":"a","State":"RUNNING","CreatedAt":"2024-06-11T10:30:56.5Z","BundleId":"wsb-12345678",
            "DirectoryId":"wsd-12345678","RunningMode":"AUTO_STOP"}"#;
        let pool: Pool = serde_json::from_str(json).expect("pool parses");
        assert_eq!(pool.created_at, 1_718_101_856.5);
        let wire = serde_json::to_value(&pool).expect("serializes");
        assert_eq!(wire["CreatedAt"], serde_json::json!(1_718_101_856.5));
        assert!(wire.get("Errors").is_none());
    }
}
