//! Deterministic generation of a realistic fleet from a seed.
//!
//! Every pool is generated from its own random stream (seed, region, index), so its id, name,
//! state and capacity do not change when the fleet grows (its bundle and directory may: there are
//! more of them to pick from). Ids come from a bijective mix of the index, so they are unique
//! within a region without a lookup table. Sessions and pool tags are derived from the pool id on
//! demand (see `fleet.rs` for why).

use std::collections::BTreeMap;

use super::shapes::{
    AccessEndpoint, AccessEndpointConfig, ActiveDirectoryConfig, ApplicationSettings, Bundle,
    CapacityStatus, CertificateBasedAuthProperties, ComputeType, ConnectionState, Directory,
    DirectoryState, GlobalAccelerator, IdcConfig, ModificationState, NetworkAccessConfiguration,
    Pool, PoolError, PoolRunningMode, PoolSession, PoolState, SamlProperties,
    SelfservicePermissions, Storage, StorageConnector, StreamingProperties, Tag, TimeoutSettings,
    UserIdentityType, UserSetting, Workspace, WorkspaceAccessProperties,
    WorkspaceCreationProperties, WorkspaceProperties, WorkspaceType,
};

/// splitmix64: tiny, fast, good enough for test data and fault dice.
#[derive(Debug, Clone)]
pub(crate) struct SplitMix(u64);

impl SplitMix {
    pub(crate) fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix64(self.0)
    }

    /// Uniform in `0..n` (`n > 0`; the modulo bias is irrelevant here).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// Uniform in `[0, 1)`.
    pub(crate) fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(crate) fn chance(&mut self, probability: f64) -> bool {
        self.unit() < probability
    }

    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// `count` characters drawn from `alphabet` (ASCII).
    pub(crate) fn chars(&mut self, count: usize, alphabet: &[u8]) -> String {
        (0..count)
            .map(|_| char::from(*self.pick(alphabet)))
            .collect()
    }

    fn hex(&mut self, digits: usize) -> String {
        (0..digits)
            .map(|_| char::from_digit(self.below(16) as u32, 16).unwrap_or('0'))
            .collect()
    }
}

/// The splitmix64 finalizer.
pub(crate) fn mix64(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a, for turning names into seeds and request bodies into token bindings.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xCBF2_9CE4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01B3)
    })
}

/// A bijection on `bits`-bit integers, so distinct indexes give distinct ids.
fn scramble(index: u64, key: u64, bits: u32) -> u64 {
    let mask = (1u64 << bits) - 1;
    let mut x = (index ^ key) & mask;
    x = x.wrapping_mul(0x9E37_79B9_7F4A_7C15) & mask;
    x ^= x >> (bits / 2);
    x = x.wrapping_mul(0xD6E8_FEB8_6659_FD93) & mask;
    x ^ (x >> (bits / 2 + 1))
}

fn base36(mut value: u64, len: usize) -> String {
    let mut digits = vec!['0'; len];
    for slot in digits.iter_mut().rev() {
        *slot = char::from_digit((value % 36) as u32, 36).unwrap_or('0');
        value /= 36;
    }
    digits.into_iter().collect()
}

/// Nine base-36 characters unique per (key, index): 36^9 > 2^46.
pub(crate) fn id9(key: u64, index: u64) -> String {
    base36(scramble(index, key, 46), 9)
}

const SALT_POOL: u64 = 0x5001;
const SALT_BUNDLE: u64 = 0xB0D1;
const SALT_AMAZON_BUNDLE: u64 = 0xA3A2;
const SALT_POOLS_DIRECTORY: u64 = 0xD1E0;
const SALT_PERSONAL_DIRECTORY: u64 = 0xD1E1;
const SALT_WORKSPACE: u64 = 0x3050;
const SALT_IMAGE: u64 = 0x1A6E;
const SALT_DANGLING: u64 = 0xDA46;
const SALT_SESSIONS: u64 = 0x5E55;
const SALT_TAGS: u64 = 0x7A65;

/// 2024-01-01T00:00:00Z.
const CREATED_FROM: f64 = 1_704_067_200.0;
/// 2026-07-01T00:00:00Z.
const CREATED_TO: f64 = 1_782_864_000.0;
/// The fleet's "now": sessions started in the hours before it.
pub(crate) const NOW: f64 = 1_782_907_200.0;

const DEPARTMENTS: &[&str] = &[
    "finance",
    "eng",
    "sales",
    "support",
    "hr",
    "legal",
    "marketing",
    "ops",
    "research",
    "design",
    "data",
    "qa",
    "it",
    "training",
    "callcenter",
    "analytics",
];
const ROLES: &[&str] = &[
    "analysts",
    "build_farm",
    "contractors",
    "interns",
    "devs",
    "agents",
    "labs",
    "kiosk",
    "students",
    "traders",
    "reviewers",
    "designers",
];
const ENVIRONMENTS: &[&str] = &["prod", "staging", "dev", "test", "uat"];
const FIRST_NAMES: &[&str] = &[
    "ana", "ben", "chen", "dara", "eli", "fatima", "gus", "hana", "ivan", "jade", "kofi", "lena",
    "mateo", "nina", "omar", "priya", "quinn", "rosa", "sam", "tariq", "uma", "vik", "wen", "xavi",
    "yara", "zane", "amir", "bea", "carl", "dina", "emre", "flo",
];
const LAST_NAMES: &[&str] = &[
    "ng", "smith", "garcia", "kumar", "okafor", "muller", "rossi", "tanaka", "silva", "kim",
    "novak", "haddad", "larsen", "moreau", "walsh", "ito",
];
const COMPUTE_TYPES: &[&str] = &[
    "VALUE",
    "STANDARD",
    "PERFORMANCE",
    "POWER",
    "POWERPRO",
    "GRAPHICS_G4DN",
    "GENERALPURPOSE_4XLARGE",
];
const OPERATING_SYSTEMS: &[&str] = &[
    "WINDOWS_11",
    "WINDOWS_10",
    "WINDOWS_SERVER_2022",
    "AMAZON_LINUX_2",
    "UBUNTU_22_04",
    "RHEL_8",
];
/// The model's `WorkspacesPoolErrorCode` values the generator uses besides the dangling-reference
/// ones, with a message each.
const POOL_ERRORS: &[(&str, &str)] = &[
    (
        "IAM_SERVICE_ROLE_IS_MISSING",
        "The workspaces_DefaultRole IAM role is missing.",
    ),
    (
        "NETWORK_INTERFACE_LIMIT_EXCEEDED",
        "The network interface limit for the account has been exceeded.",
    ),
    (
        "SUBNET_HAS_INSUFFICIENT_IP_ADDRESSES",
        "The subnet does not have enough free IP addresses.",
    ),
    (
        "INTERNAL_SERVICE_ERROR",
        "An internal service error occurred.",
    ),
    (
        "WORKSPACES_POOL_INSTANCE_PROVISIONING_FAILURE",
        "Some instances could not be provisioned.",
    ),
    (
        "DOMAIN_JOIN_ERROR_ACCESS_DENIED",
        "The service account could not join instances to the domain: access denied.",
    ),
    (
        "IGW_NOT_ATTACHED",
        "No internet gateway is attached to the VPC.",
    ),
    (
        "DEFAULT_OU_IS_MISSING",
        "The default organizational unit is missing.",
    ),
];

/// The twelve-digit account of a seeded fleet.
pub(crate) fn account_id(seed: u64) -> String {
    format!(
        "{:012}",
        mix64(seed ^ 0xACC0) % 900_000_000_000 + 100_000_000_000
    )
}

/// One region's generated resources.
pub(crate) struct GeneratedRegion {
    pub(crate) pools: Vec<Pool>,
    pub(crate) directories: Vec<Directory>,
    pub(crate) bundles: Vec<Bundle>,
    pub(crate) workspaces: Vec<Workspace>,
    pub(crate) tags: BTreeMap<String, Vec<Tag>>,
    pub(crate) derived_seed: u64,
}

/// Everything of one region, `pool_count` pools included.
pub(crate) fn region(seed: u64, account: &str, region: &str, pool_count: usize) -> GeneratedRegion {
    let key = mix64(seed ^ fnv1a(region.as_bytes()));
    let ctx = Context {
        key,
        account,
        region,
    };
    let mut rng = SplitMix::new(key);
    let pools_directory_count = (2 + pool_count / 150).min(12);
    let personal_directory_count = (2 + pool_count / 300).min(8);
    let custom_bundle_count = (3 + pool_count / 100).min(40);

    let mut directories = Vec::new();
    for i in 0..pools_directory_count.max(personal_directory_count) {
        if i < pools_directory_count {
            directories.push(pools_directory(&ctx, &mut rng, i));
        }
        if i < personal_directory_count {
            directories.push(personal_directory(&ctx, &mut rng, i));
        }
    }
    let mut bundles: Vec<Bundle> = (0..custom_bundle_count)
        .map(|i| custom_bundle(&ctx, &mut rng, i))
        .collect();
    bundles.extend((0..6).map(|i| amazon_bundle(&ctx, i)));

    let pools_directory_ids: Vec<&str> = directories
        .iter()
        .filter(|d| d.workspace_type == Some(WorkspaceType::Pools))
        .map(|d| d.directory_id.as_str())
        .collect();
    let pool_bundle_ids: Vec<&str> = bundles.iter().map(|b| b.bundle_id.as_str()).collect();
    let refs = References {
        directories: &pools_directory_ids,
        bundles: &pool_bundle_ids,
    };
    let state_offset = (mix64(key ^ 0x57A7E) % 7) as usize;
    let mut pools: Vec<Pool> = Vec::with_capacity(pool_count);
    for i in 0..pool_count {
        let previous_name = pools.last().map(|p| p.pool_name.as_str());
        let pool = pool(&ctx, &refs, i, pool_count, state_offset, previous_name);
        pools.push(pool);
    }

    let mut workspaces = Vec::new();
    for directory in directories
        .iter()
        .filter(|d| d.workspace_type == Some(WorkspaceType::Personal))
    {
        let count = 2 + rng.below(5) as usize;
        for _ in 0..count {
            let index = workspaces.len();
            workspaces.push(workspace(&ctx, &mut rng, directory, &bundles, index));
        }
    }

    let mut tags = BTreeMap::new();
    for directory in &directories {
        if rng.chance(0.6) {
            tags.insert(
                directory.directory_id.clone(),
                vec![
                    Tag::new("env", *rng.pick(ENVIRONMENTS)),
                    Tag::new("owner", user_id(&mut rng)),
                ],
            );
        }
    }
    for workspace in &workspaces {
        if rng.chance(0.5) {
            tags.insert(
                workspace.workspace_id.clone(),
                vec![Tag::new(
                    "cost-center",
                    format!("CC-{}", 1000 + rng.below(9000)),
                )],
            );
        }
    }

    GeneratedRegion {
        pools,
        directories,
        bundles,
        workspaces,
        tags,
        derived_seed: key,
    }
}

struct Context<'a> {
    key: u64,
    account: &'a str,
    region: &'a str,
}

struct References<'a> {
    directories: &'a [&'a str],
    bundles: &'a [&'a str],
}

fn pool(
    ctx: &Context<'_>,
    refs: &References<'_>,
    index: usize,
    count: usize,
    state_offset: usize,
    previous_name: Option<&str>,
) -> Pool {
    let mut rng = SplitMix::new(mix64(ctx.key ^ SALT_POOL) ^ mix64(index as u64));
    let pool_id = format!("wspool-{}", id9(ctx.key ^ SALT_POOL, index as u64));
    let pool_name = pool_name(&mut rng, ctx.region, index, previous_name);
    // Every state shows up in even the smallest fleet.
    let state = if index < PoolState::ALL.len() {
        PoolState::ALL[(index + state_offset) % PoolState::ALL.len()].clone()
    } else {
        weighted_state(&mut rng)
    };
    let running_mode = if index < 2 {
        [PoolRunningMode::AutoStop, PoolRunningMode::AlwaysOn][index].clone()
    } else if rng.chance(0.6) {
        PoolRunningMode::AutoStop
    } else {
        PoolRunningMode::AlwaysOn
    };
    let capacity_status = capacity(&mut rng, &state);
    let slot = (CREATED_TO - CREATED_FROM) / count.max(1) as f64;
    let created_at = millis(CREATED_FROM + slot * (index as f64 + rng.unit()));

    let mut bundle_id = refs.bundles[rng.below(refs.bundles.len() as u64) as usize].to_string();
    let mut directory_id =
        refs.directories[rng.below(refs.directories.len() as u64) as usize].to_string();
    let mut errors = if rng.chance(0.1) {
        let count = 1 + rng.below(2) as usize;
        Some(
            (0..count)
                .map(|_| {
                    let (code, message) = *rng.pick(POOL_ERRORS);
                    pool_error(code, message.to_string())
                })
                .collect(),
        )
    } else if rng.chance(0.15) {
        Some(Vec::new())
    } else {
        None
    };
    if index % 53 == 20 {
        bundle_id = format!("wsb-{}", dangling_id(ctx, index));
        let message = format!("The bundle {bundle_id} could not be found.");
        errors = Some(vec![pool_error("BUNDLE_NOT_FOUND", message)]);
    } else if index % 59 == 33 {
        directory_id = format!("wsd-{}", dangling_id(ctx, index));
        let message = format!("The directory {directory_id} could not be found.");
        errors = Some(vec![pool_error("DIRECTORY_NOT_FOUND", message)]);
    }

    let description = rng.chance(0.7).then(|| {
        format!(
            "{} pool for {} ({})",
            *rng.pick(ENVIRONMENTS),
            pool_name.to_lowercase(),
            ctx.region
        )
    });
    let application_settings = rng
        .chance(0.45)
        .then(|| application_settings(&mut rng, ctx, &pool_name));
    let timeout_settings = rng.chance(0.65).then(|| timeout_settings(&mut rng));

    Pool {
        pool_arn: format!(
            "arn:aws:workspaces:{}:{}:workspacespool/{pool_id}",
            ctx.region, ctx.account
        ),
        pool_id,
        capacity_status,
        pool_name,
        description,
        state,
        created_at,
        bundle_id,
        directory_id,
        errors,
        application_settings,
        timeout_settings,
        running_mode,
    }
}

/// Ten characters, where real ids of this generator have nine: never collides with one.
fn dangling_id(ctx: &Context<'_>, index: usize) -> String {
    base36(scramble(index as u64, ctx.key ^ SALT_DANGLING, 46), 10)
}

fn pool_error(code: &str, message: String) -> PoolError {
    PoolError {
        error_code: Some(code.to_string()),
        error_message: Some(message),
    }
}

fn millis(seconds: f64) -> f64 {
    (seconds * 1000.0).round() / 1000.0
}

fn weighted_state(rng: &mut SplitMix) -> PoolState {
    match rng.below(100) {
        0..55 => PoolState::Running,
        55..70 => PoolState::Stopped,
        70..76 => PoolState::Starting,
        76..82 => PoolState::Stopping,
        82..89 => PoolState::Updating,
        89..95 => PoolState::Creating,
        _ => PoolState::Deleting,
    }
}

/// Capacity that obeys the API's invariants: `active <= actual`, `available = actual - active`.
fn capacity(rng: &mut SplitMix, state: &PoolState) -> CapacityStatus {
    let desired = if rng.chance(0.08) {
        0
    } else {
        1 + rng.below(40) as i32
    };
    let actual = match state {
        PoolState::Running | PoolState::Updating => {
            (desired - rng.below(3) as i32 + i32::from(rng.chance(0.1))).max(0)
        }
        PoolState::Starting | PoolState::Stopping | PoolState::Deleting => {
            rng.below(desired as u64 + 1) as i32
        }
        PoolState::Stopped | PoolState::Creating | PoolState::Other(_) => 0,
    };
    let active = rng.below(actual as u64 + 1) as i32;
    CapacityStatus {
        available_user_sessions: actual - active,
        desired_user_sessions: desired,
        actual_user_sessions: actual,
        active_user_sessions: active,
    }
}

/// Names of all lengths and styles, some sharing substrings and some differing only in case, all
/// matching `^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`. Each embeds its index (except a few fixed short
/// ones), which keeps them unique.
fn pool_name(rng: &mut SplitMix, region: &str, index: usize, previous: Option<&str>) -> String {
    match index {
        4 => return "q".to_string(),
        18 => return "Z9".to_string(),
        31 => return "a.b".to_string(),
        _ => {}
    }
    if index % 13 == 6
        && let Some(previous) = previous
    {
        return case_twin(previous);
    }
    let n = index + 1;
    let department = *rng.pick(DEPARTMENTS);
    let role = *rng.pick(ROLES);
    match rng.below(10) {
        0..=3 => format!("{department}-{role}-{n:02}"),
        4 => format!("{department}.{role}-{n}"),
        5 => format!("{}-{}-{n:02}", title(department), title(role)),
        6 => format!("{}_{}_{n}", department.to_uppercase(), role.to_uppercase()),
        7 => format!("{department}{n}"),
        8 => {
            let long = format!(
                "{n:06}-{department}-{role}-{}-{}-{}-autoscaled-pool-with-a-long-name",
                *rng.pick(ENVIRONMENTS),
                region,
                *rng.pick(DEPARTMENTS)
            );
            long.chars().take(64).collect()
        }
        _ => format!("{role}-{department}-{n:03}"),
    }
}

/// The same name in another case: lower-cased when it has capitals, else title-cased.
fn case_twin(name: &str) -> String {
    if name.chars().any(|c| c.is_ascii_uppercase()) {
        name.to_lowercase()
    } else {
        name.split_inclusive(['-', '_', '.']).map(title).collect()
    }
}

fn title(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

fn application_settings(rng: &mut SplitMix, ctx: &Context<'_>, name: &str) -> ApplicationSettings {
    if rng.chance(0.3) {
        return ApplicationSettings {
            status: "DISABLED".to_string(),
            settings_group: None,
            s3_bucket_name: None,
        };
    }
    ApplicationSettings {
        status: "ENABLED".to_string(),
        settings_group: Some(format!("{name}/settings")),
        s3_bucket_name: Some(format!(
            "wspool-app-settings-{}-{}",
            ctx.region, ctx.account
        )),
    }
}

fn timeout_settings(rng: &mut SplitMix) -> TimeoutSettings {
    TimeoutSettings {
        disconnect_timeout_in_seconds: rng
            .chance(0.85)
            .then(|| *rng.pick(&[60, 300, 900, 3600, 36000])),
        idle_disconnect_timeout_in_seconds: rng
            .chance(0.85)
            .then(|| *rng.pick(&[0, 600, 900, 1800, 36000])),
        max_user_duration_in_seconds: rng
            .chance(0.85)
            .then(|| *rng.pick(&[600, 3600, 28800, 43200, 432000])),
    }
}

fn subnet(rng: &mut SplitMix) -> String {
    format!("subnet-{}", rng.hex(17))
}

fn pools_directory(ctx: &Context<'_>, rng: &mut SplitMix, index: usize) -> Directory {
    let department = *rng.pick(DEPARTMENTS);
    let identity_center = index % 3 == 2;
    let user_identity_type = if identity_center {
        UserIdentityType::AwsIamIdentityCenter
    } else {
        UserIdentityType::CustomerManaged
    };
    let state = if index == 3 {
        DirectoryState::Registering
    } else {
        DirectoryState::Registered
    };
    Directory {
        directory_id: format!("wsd-{}", id9(ctx.key ^ SALT_POOLS_DIRECTORY, index as u64)),
        alias: None,
        directory_name: None,
        registration_code: Some(registration_code(rng)),
        subnet_ids: Some(vec![subnet(rng), subnet(rng)]),
        dns_ip_addresses: None,
        dns_ipv6_addresses: None,
        customer_user_name: None,
        iam_role_id: Some(format!(
            "arn:aws:iam::{}:role/workspaces_DefaultRole",
            ctx.account
        )),
        directory_type: Some(
            if identity_center {
                "AWS_IAM_IDENTITY_CENTER"
            } else {
                "CUSTOMER_MANAGED"
            }
            .to_string(),
        ),
        workspace_security_group_id: Some(format!("sg-{}", rng.hex(17))),
        state: Some(state),
        workspace_creation_properties: None,
        ip_group_ids: rng
            .chance(0.5)
            .then(|| vec![format!("wsipg-{}", rng.hex(9))]),
        workspace_access_properties: Some(access_properties(rng, true)),
        tenancy: Some("SHARED".to_string()),
        selfservice_permissions: None,
        saml_properties: (!identity_center).then(|| SamlProperties {
            status: Some("ENABLED".to_string()),
            user_access_url: Some(format!("https://idp.example.com/sso/{department}")),
            relay_state_parameter_name: Some("RelayState".to_string()),
        }),
        certificate_based_auth_properties: None,
        endpoint_encryption_mode: Some("STANDARD_TLS".to_string()),
        microsoft_entra_config: None,
        workspace_directory_name: Some(format!(
            "{} pools directory {}",
            title(department),
            index + 1
        )),
        workspace_directory_description: Some(format!("Pools directory for {department} users")),
        user_identity_type: Some(user_identity_type),
        workspace_type: Some(WorkspaceType::Pools),
        idc_config: identity_center.then(|| IdcConfig {
            instance_arn: Some(format!("arn:aws:sso:::instance/ssoins-{}", rng.hex(16))),
            application_arn: Some(format!(
                "arn:aws:sso::{}:application/ssoins-{}/apl-{}",
                ctx.account,
                rng.hex(16),
                rng.hex(16)
            )),
        }),
        active_directory_config: (index % 2 == 1).then(|| ActiveDirectoryConfig {
            domain_name: format!("{department}.corp.example.com"),
            service_account_secret_arn: format!(
                "arn:aws:secretsmanager:{}:{}:secret:workspaces-join-{}",
                ctx.region,
                ctx.account,
                rng.hex(6)
            ),
        }),
        streaming_properties: Some(StreamingProperties {
            streaming_experience_preferred_protocol: Some((*rng.pick(&["TCP", "UDP"])).to_string()),
            user_settings: Some(vec![
                UserSetting {
                    action: "CLIPBOARD_COPY_FROM_LOCAL_DEVICE".to_string(),
                    permission: "ENABLED".to_string(),
                    maximum_length: Some(20_971_520),
                },
                UserSetting {
                    action: "PRINTING_TO_LOCAL_DEVICE".to_string(),
                    permission: "DISABLED".to_string(),
                    maximum_length: None,
                },
            ]),
            storage_connectors: Some(vec![StorageConnector {
                connector_type: "HOME_FOLDER".to_string(),
                status: "ENABLED".to_string(),
            }]),
            global_accelerator: Some(GlobalAccelerator {
                mode: "ENABLED_AUTO".to_string(),
                preferred_protocol: Some("TCP".to_string()),
            }),
        }),
        error_message: None,
        workspace_os_user_mode: None,
    }
}

fn personal_directory(ctx: &Context<'_>, rng: &mut SplitMix, index: usize) -> Directory {
    let department = *rng.pick(DEPARTMENTS);
    let domain = format!("{department}{}.corp.example.com", index + 1);
    let id = format!(
        "d-{:010x}",
        scramble(index as u64, ctx.key ^ SALT_PERSONAL_DIRECTORY, 40)
    );
    // One bare directory, to exercise absent optional members.
    let bare = index == 1;
    Directory {
        alias: Some(format!("{department}-{}", rng.hex(6))),
        directory_name: Some(domain),
        registration_code: Some(registration_code(rng)),
        subnet_ids: Some(vec![subnet(rng), subnet(rng)]),
        dns_ip_addresses: (!bare).then(|| {
            vec![
                format!("10.0.{}.10", rng.below(250)),
                format!("10.0.{}.11", rng.below(250)),
            ]
        }),
        dns_ipv6_addresses: None,
        customer_user_name: (!bare).then(|| "Administrator".to_string()),
        iam_role_id: Some(format!(
            "arn:aws:iam::{}:role/workspaces_DefaultRole",
            ctx.account
        )),
        directory_type: Some((*rng.pick(&["AD_CONNECTOR", "SIMPLE_AD"])).to_string()),
        workspace_security_group_id: Some(format!("sg-{}", rng.hex(17))),
        state: Some(if index == 2 {
            DirectoryState::Error
        } else {
            DirectoryState::Registered
        }),
        workspace_creation_properties: (!bare).then(|| WorkspaceCreationProperties {
            enable_internet_access: Some(rng.chance(0.5)),
            default_ou: Some(format!("OU=WorkSpaces,DC={department},DC=corp")),
            custom_security_group_id: rng.chance(0.5).then(|| format!("sg-{}", rng.hex(8))),
            user_enabled_as_local_administrator: Some(rng.chance(0.3)),
            enable_maintenance_mode: Some(true),
            instance_iam_role_arn: None,
        }),
        ip_group_ids: (!bare).then(|| {
            (0..rng.below(3))
                .map(|_| format!("wsipg-{}", rng.hex(9)))
                .collect()
        }),
        workspace_access_properties: (!bare).then(|| access_properties(rng, false)),
        tenancy: Some("SHARED".to_string()),
        selfservice_permissions: (!bare).then(|| SelfservicePermissions {
            restart_workspace: Some("ENABLED".to_string()),
            increase_volume_size: Some("DISABLED".to_string()),
            change_compute_type: Some("DISABLED".to_string()),
            switch_running_mode: Some("DISABLED".to_string()),
            rebuild_workspace: Some("ENABLED".to_string()),
            enable_end_user_advisor: None,
            nested_virtualization: None,
        }),
        saml_properties: Some(SamlProperties {
            status: Some("DISABLED".to_string()),
            user_access_url: None,
            relay_state_parameter_name: None,
        }),
        certificate_based_auth_properties: Some(CertificateBasedAuthProperties {
            status: Some("DISABLED".to_string()),
            certificate_authority_arn: None,
        }),
        endpoint_encryption_mode: None,
        microsoft_entra_config: None,
        workspace_directory_name: None,
        workspace_directory_description: None,
        user_identity_type: Some(UserIdentityType::AwsDirectoryService),
        workspace_type: Some(WorkspaceType::Personal),
        idc_config: None,
        active_directory_config: None,
        streaming_properties: None,
        error_message: (index == 2)
            .then(|| "The directory could not be reached from the WorkSpaces subnets.".to_string()),
        workspace_os_user_mode: None,
        directory_id: id,
    }
}

fn access_properties(rng: &mut SplitMix, pools: bool) -> WorkspaceAccessProperties {
    let allow = |yes: bool| Some(if yes { "ALLOW" } else { "DENY" }.to_string());
    WorkspaceAccessProperties {
        device_type_windows: allow(true),
        device_type_osx: allow(true),
        device_type_web: allow(pools || rng.chance(0.5)),
        device_type_ios: allow(rng.chance(0.7)),
        device_type_android: allow(rng.chance(0.7)),
        device_type_chrome_os: allow(rng.chance(0.5)),
        device_type_zero_client: allow(!pools && rng.chance(0.3)),
        device_type_linux: allow(rng.chance(0.6)),
        device_type_work_spaces_thin_client: allow(rng.chance(0.4)),
        access_endpoint_config: (pools && rng.chance(0.3)).then(|| AccessEndpointConfig {
            access_endpoints: vec![AccessEndpoint {
                access_endpoint_type: Some("STREAMING_WSP".to_string()),
                vpc_endpoint_id: Some(format!("vpce-{}", rng.hex(17))),
            }],
            internet_fallback_protocols: Some(vec!["PCOIP".to_string()]),
        }),
    }
}

fn registration_code(rng: &mut SplitMix) -> String {
    let code: String = (0..6)
        .map(|_| char::from_digit(rng.below(36) as u32, 36).unwrap_or('0'))
        .collect();
    format!("SLiad+{}", code.to_uppercase())
}

fn custom_bundle(ctx: &Context<'_>, rng: &mut SplitMix, index: usize) -> Bundle {
    let department = *rng.pick(DEPARTMENTS);
    let compute = *rng.pick(COMPUTE_TYPES);
    let created = millis(CREATED_FROM - 86_400.0 * 90.0 + rng.unit() * 86_400.0 * 600.0);
    Bundle {
        bundle_id: format!("wsb-{}", id9(ctx.key ^ SALT_BUNDLE, index as u64)),
        name: Some(format!(
            "{department}-{}-{}",
            compute.to_lowercase(),
            index + 1
        )),
        owner: Some(ctx.account.to_string()),
        description: rng
            .chance(0.7)
            .then(|| format!("Custom {department} image on {compute} compute")),
        // Every third bundle is another compute type on the image of the bundle before it.
        image_id: Some(format!(
            "wsi-{}",
            id9(
                ctx.key ^ SALT_IMAGE,
                (index - usize::from(index % 3 == 2)) as u64
            )
        )),
        root_storage: Some(Storage {
            capacity: (*rng.pick(&["80", "175"])).to_string(),
        }),
        user_storage: Some(Storage {
            capacity: (*rng.pick(&["10", "50", "100"])).to_string(),
        }),
        compute_type: Some(ComputeType {
            name: Some(compute.to_string()),
        }),
        last_updated_time: Some(millis(created + rng.unit() * 86_400.0 * 60.0)),
        creation_time: Some(created),
        state: Some(
            match index {
                2 => "PENDING",
                5 => "ERROR",
                _ => "AVAILABLE",
            }
            .to_string(),
        ),
        bundle_type: (index % 4 != 3).then(|| "REGULAR".to_string()),
    }
}

fn amazon_bundle(ctx: &Context<'_>, index: usize) -> Bundle {
    const AMAZON: &[(&str, &str, &str, &str)] = &[
        (
            "Standard with Windows 10 (Server 2022 based)",
            "STANDARD",
            "80",
            "50",
        ),
        ("Performance with Windows 11", "PERFORMANCE", "80", "100"),
        ("Power with Amazon Linux 2", "POWER", "80", "100"),
        ("Value with Ubuntu 22.04", "VALUE", "80", "10"),
        ("PowerPro with Windows 11", "POWERPRO", "175", "100"),
        (
            "Graphics.g4dn with Windows Server 2022",
            "GRAPHICS_G4DN",
            "100",
            "100",
        ),
    ];
    let (name, compute, root, user) = AMAZON[index % AMAZON.len()];
    Bundle {
        bundle_id: format!("wsb-{}", id9(ctx.key ^ SALT_AMAZON_BUNDLE, index as u64)),
        name: Some(name.to_string()),
        owner: Some("AMAZON".to_string()),
        description: Some(format!("{name}, provided by AWS")),
        image_id: Some(format!(
            "wsi-{}",
            id9(ctx.key ^ SALT_IMAGE, 1_000_000 + index as u64)
        )),
        root_storage: Some(Storage {
            capacity: root.to_string(),
        }),
        user_storage: Some(Storage {
            capacity: user.to_string(),
        }),
        compute_type: Some(ComputeType {
            name: Some(compute.to_string()),
        }),
        last_updated_time: Some(1_727_740_800.0 + index as f64 * 86_400.0),
        creation_time: Some(1_640_995_200.0 + index as f64 * 86_400.0),
        state: Some("AVAILABLE".to_string()),
        bundle_type: Some("REGULAR".to_string()),
    }
}

fn workspace(
    ctx: &Context<'_>,
    rng: &mut SplitMix,
    directory: &Directory,
    bundles: &[Bundle],
    index: usize,
) -> Workspace {
    let bundle = rng.pick(bundles);
    let state = match rng.below(20) {
        0 => "ERROR",
        1 => "STOPPED",
        2 => "PENDING",
        3 => "IMPAIRED",
        4 => "REBOOTING",
        _ => "AVAILABLE",
    };
    let user = user_name(rng);
    let errored = state == "ERROR";
    Workspace {
        workspace_id: format!("ws-{}", id9(ctx.key ^ SALT_WORKSPACE, index as u64)),
        directory_id: Some(directory.directory_id.clone()),
        user_name: Some(user.clone()),
        ip_address: (state != "PENDING")
            .then(|| format!("10.0.{}.{}", rng.below(250), 4 + rng.below(250))),
        ipv6_address: None,
        state: Some(state.to_string()),
        bundle_id: Some(bundle.bundle_id.clone()),
        subnet_id: directory
            .subnet_ids
            .as_ref()
            .and_then(|s| s.first().cloned()),
        error_message: errored.then(|| "The WorkSpace failed to launch.".to_string()),
        error_code: errored.then(|| "ResourceLimitExceeded.Ec2InstanceLimit".to_string()),
        computer_name: (state != "PENDING")
            .then(|| format!("EC2AMAZ-{}", rng.hex(7).to_uppercase())),
        volume_encryption_key: None,
        user_volume_encryption_enabled: Some(rng.chance(0.3)),
        root_volume_encryption_enabled: Some(rng.chance(0.3)),
        workspace_name: (index % 7 == 3).then(|| format!("{user}_desktop")),
        workspace_properties: Some(WorkspaceProperties {
            running_mode: Some((*rng.pick(&["AUTO_STOP", "ALWAYS_ON"])).to_string()),
            running_mode_auto_stop_timeout_in_minutes: Some(60),
            root_volume_size_gib: bundle
                .root_storage
                .as_ref()
                .and_then(|s| s.capacity.parse().ok()),
            user_volume_size_gib: bundle
                .user_storage
                .as_ref()
                .and_then(|s| s.capacity.parse().ok()),
            compute_type_name: bundle.compute_type.as_ref().and_then(|c| c.name.clone()),
            protocols: Some(vec![(*rng.pick(&["WSP", "PCOIP"])).to_string()]),
            operating_system_name: Some((*rng.pick(OPERATING_SYSTEMS)).to_string()),
            global_accelerator: None,
            nested_virtualization_enabled: None,
        }),
        modification_states: (index % 5 == 2).then(|| {
            vec![ModificationState {
                resource: Some("COMPUTE_TYPE".to_string()),
                state: Some("UPDATE_IN_PROGRESS".to_string()),
            }]
        }),
        related_workspaces: None,
        data_replication_settings: None,
        standby_workspaces_properties: None,
    }
}

fn user_name(rng: &mut SplitMix) -> String {
    format!("{}.{}", rng.pick(FIRST_NAMES), rng.pick(LAST_NAMES))
}

fn user_id(rng: &mut SplitMix) -> String {
    format!("{}@example.com", user_name(rng))
}

/// The pool's sessions: one per active user session, users distinct within the pool.
pub(crate) fn pool_sessions(seed: u64, pool: &Pool) -> Vec<PoolSession> {
    let mut rng = SplitMix::new(seed ^ SALT_SESSIONS ^ fnv1a(pool.pool_id.as_bytes()));
    let count = pool.capacity_status.active_user_sessions.max(0) as usize;
    let user_count = (FIRST_NAMES.len() * LAST_NAMES.len()) as u64;
    let start = rng.below(user_count);
    // Odd steps are coprime with the (even) number of users: no user repeats within a pool.
    let step = rng.below(user_count / 2) * 2 + 1;
    let max_duration = pool
        .timeout_settings
        .and_then(|t| t.max_user_duration_in_seconds)
        .unwrap_or(57_600);
    (0..count as u64)
        .map(|k| {
            let user = (start + k * step) % user_count;
            let first = FIRST_NAMES[(user % FIRST_NAMES.len() as u64) as usize];
            let last = LAST_NAMES[(user / FIRST_NAMES.len() as u64) as usize];
            let connected = rng.chance(0.88);
            let start_time = millis(NOW - rng.unit() * f64::from(max_duration.min(36_000)));
            let instance_digits = if rng.chance(0.8) { 17 } else { 8 };
            PoolSession {
                session_id: uuid(&mut rng),
                pool_id: pool.pool_id.clone(),
                user_id: format!("{first}.{last}@example.com"),
                authentication_type: Some("SAML".to_string()),
                connection_state: Some(if connected {
                    ConnectionState::Connected
                } else {
                    ConnectionState::NotConnected
                }),
                instance_id: Some(format!("i-{}", rng.hex(instance_digits))),
                expiration_time: Some(start_time + f64::from(max_duration)),
                network_access_configuration: connected.then(|| NetworkAccessConfiguration {
                    eni_id: Some(format!("eni-{}", rng.hex(17))),
                    eni_private_ip_address: Some(format!(
                        "10.{}.{}.{}",
                        rng.below(256),
                        rng.below(256),
                        1 + rng.below(254)
                    )),
                }),
                start_time: Some(start_time),
            }
        })
        .collect()
}

fn uuid(rng: &mut SplitMix) -> String {
    let hex = rng.hex(32);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The pool's tags: most pools have `owner`, `cost-center` and `env`, some a `team`, some none.
pub(crate) fn pool_tags(seed: u64, pool: &Pool) -> Vec<Tag> {
    let mut rng = SplitMix::new(seed ^ SALT_TAGS ^ fnv1a(pool.pool_id.as_bytes()));
    if rng.chance(0.2) {
        return Vec::new();
    }
    let mut tags = vec![
        Tag::new("owner", user_id(&mut rng)),
        Tag::new("cost-center", format!("CC-{}", 1000 + rng.below(9000))),
        Tag::new("env", *rng.pick(ENVIRONMENTS)),
    ];
    if rng.chance(0.4) {
        tags.push(Tag::new("team", *rng.pick(DEPARTMENTS)));
    }
    tags
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::time::Instant;

    use super::*;
    use crate::Fleet;
    use crate::model::{StringShape, workspaces};

    /// The WorkSpaces model's string shape `name`, which seeded records must satisfy.
    fn shape(name: &str) -> &'static StringShape {
        workspaces().string(name)
    }

    #[test]
    fn seeded_fleets_are_deterministic() {
        let a = Fleet::seeded(7, &["us-east-1", "eu-west-1"], 200);
        let b = Fleet::seeded(7, &["us-east-1", "eu-west-1"], 200);
        let c = Fleet::seeded(8, &["us-east-1", "eu-west-1"], 200);
        assert_eq!(a.to_json(), b.to_json());
        assert_ne!(a.pools("us-east-1"), c.pools("us-east-1"));
        assert_ne!(a.pools("us-east-1"), a.pools("eu-west-1"));
    }

    #[test]
    fn a_pool_does_not_change_when_the_fleet_grows() {
        let small = Fleet::seeded(7, &["us-east-1"], 50);
        let large = Fleet::seeded(7, &["us-east-1"], 500);
        for (a, b) in small
            .pools("us-east-1")
            .iter()
            .zip(large.pools("us-east-1"))
        {
            assert_eq!(a.pool_id, b.pool_id);
            assert_eq!(a.pool_name, b.pool_name);
            assert_eq!(a.state, b.state);
        }
    }

    #[test]
    fn pools_satisfy_the_model() {
        let fleet = Fleet::seeded(11, &["us-east-1"], 3000);
        let region = "us-east-1";
        let account = fleet.account_id();
        assert_eq!(account.len(), 12);
        assert!(account.chars().all(|c| c.is_ascii_digit()));
        let directories: HashSet<&str> = fleet
            .directories(region)
            .iter()
            .map(|d| d.directory_id.as_str())
            .collect();
        let bundles: HashSet<&str> = fleet
            .bundles(region)
            .iter()
            .map(|b| b.bundle_id.as_str())
            .collect();
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        let mut dangling = 0;
        let mut previous_created = 0.0;
        for pool in fleet.pools(region) {
            assert!(
                shape("WorkspacesPoolId").matches(&pool.pool_id),
                "{}",
                pool.pool_id
            );
            assert!(
                shape("WorkspacesPoolName").matches(&pool.pool_name),
                "{}",
                pool.pool_name
            );
            assert!(pool.pool_name.len() <= 64);
            assert!(ids.insert(pool.pool_id.clone()), "duplicate id");
            assert!(
                names.insert(pool.pool_name.clone()),
                "duplicate name {}",
                pool.pool_name
            );
            assert_eq!(
                pool.pool_arn,
                format!(
                    "arn:aws:workspaces:{region}:{account}:workspacespool/{}",
                    pool.pool_id
                )
            );
            let c = pool.capacity_status;
            assert!(c.active_user_sessions <= c.actual_user_sessions);
            assert_eq!(
                c.available_user_sessions,
                c.actual_user_sessions - c.active_user_sessions
            );
            assert!(c.desired_user_sessions >= 0 && c.active_user_sessions >= 0);
            if pool.state == PoolState::Stopped {
                assert_eq!(c.actual_user_sessions, 0);
            }
            assert!((CREATED_FROM..CREATED_TO).contains(&pool.created_at));
            assert!(pool.created_at >= previous_created, "creation order");
            previous_created = pool.created_at;
            assert!(shape("BundleId").matches(&pool.bundle_id));
            assert!(shape("DirectoryId").matches(&pool.directory_id));
            let codes: Vec<&str> = pool
                .errors
                .iter()
                .flatten()
                .filter_map(|e| e.error_code.as_deref())
                .collect();
            if !bundles.contains(pool.bundle_id.as_str()) {
                dangling += 1;
                assert_eq!(codes, vec!["BUNDLE_NOT_FOUND"]);
            }
            if !directories.contains(pool.directory_id.as_str()) {
                dangling += 1;
                assert_eq!(codes, vec!["DIRECTORY_NOT_FOUND"]);
            }
            if let Some(description) = &pool.description {
                assert!(
                    shape("UpdateDescription").matches(description),
                    "{description}"
                );
            }
            if let Some(settings) = &pool.application_settings {
                if let Some(bucket) = &settings.s3_bucket_name {
                    assert!(shape("S3BucketName").matches(bucket), "{bucket}");
                }
                if let Some(group) = &settings.settings_group {
                    assert!(shape("SettingsGroup").matches(group), "{group}");
                }
            }
            if let Some(t) = pool.timeout_settings {
                assert!(
                    t.disconnect_timeout_in_seconds
                        .is_none_or(|v| (60..=36000).contains(&v))
                );
                assert!(
                    t.idle_disconnect_timeout_in_seconds
                        .is_none_or(|v| (0..=36000).contains(&v))
                );
                assert!(
                    t.max_user_duration_in_seconds
                        .is_none_or(|v| (600..=432000).contains(&v))
                );
            }
        }
        assert!(dangling > 10, "some references dangle: {dangling}");
        let states: HashSet<PoolState> = fleet
            .pools(region)
            .iter()
            .map(|p| p.state.clone())
            .collect();
        assert_eq!(states.len(), 7);
        let lengths: HashSet<usize> = names.iter().map(String::len).collect();
        assert!(lengths.contains(&1) && lengths.contains(&64), "{lengths:?}");
        let lower: HashSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
        assert!(lower.len() < names.len(), "some names differ only in case");
        let errors = |f: fn(&Pool) -> bool| fleet.pools(region).iter().filter(|p| f(p)).count();
        assert!(errors(|p| p.errors.is_none()) > 0);
        assert!(errors(|p| p.errors.as_ref().is_some_and(Vec::is_empty)) > 0);
        assert!(errors(|p| p.errors.as_ref().is_some_and(|e| !e.is_empty())) > 0);
        assert!(errors(|p| p.description.is_none()) > 0);
        assert!(errors(|p| p.application_settings.is_none()) > 0);
        assert!(errors(|p| p.timeout_settings.is_none()) > 0);
        assert!(errors(|p| p.running_mode == PoolRunningMode::AlwaysOn) > 0);
        assert!(errors(|p| p.running_mode == PoolRunningMode::AutoStop) > 0);
    }

    #[test]
    fn tiny_fleets_still_show_every_state() {
        let fleet = Fleet::seeded(1, &["us-east-1"], 7);
        let states: HashSet<PoolState> = fleet
            .pools("us-east-1")
            .iter()
            .map(|p| p.state.clone())
            .collect();
        assert_eq!(states.len(), 7);
    }

    #[test]
    fn sessions_match_capacity_and_the_model() {
        let fleet = Fleet::seeded(2, &["us-east-1"], 200);
        let mut total = 0;
        for pool in fleet.pools("us-east-1") {
            let sessions = fleet.sessions("us-east-1", &pool.pool_id);
            assert_eq!(
                sessions.len() as i32,
                pool.capacity_status.active_user_sessions
            );
            let users: HashSet<&str> = sessions.iter().map(|s| s.user_id.as_str()).collect();
            assert_eq!(users.len(), sessions.len(), "users distinct within a pool");
            for session in &sessions {
                total += 1;
                assert!(
                    shape("AmazonUuid").matches(&session.session_id),
                    "{}",
                    session.session_id
                );
                assert_eq!(session.pool_id, pool.pool_id);
                let instance = session.instance_id.as_deref().unwrap_or_default();
                assert!(shape("SessionInstanceId").matches(instance), "{instance}");
                assert!((2..=128).contains(&session.user_id.len()));
                let (start, end) = (
                    session.start_time.unwrap_or(0.0),
                    session.expiration_time.unwrap_or(0.0),
                );
                assert!(start < end && start <= NOW);
            }
        }
        assert!(total > 200, "pools have many sessions: {total}");
    }

    #[test]
    fn directories_bundles_and_workspaces_are_consistent() {
        let fleet = Fleet::seeded(4, &["us-east-1"], 100);
        let region = "us-east-1";
        let directories = fleet.directories(region);
        assert!(
            directories
                .iter()
                .any(|d| d.workspace_type == Some(WorkspaceType::Pools))
        );
        assert!(
            directories
                .iter()
                .any(|d| d.workspace_type == Some(WorkspaceType::Personal))
        );
        for d in directories {
            assert!(
                shape("DirectoryId").matches(&d.directory_id),
                "{}",
                d.directory_id
            );
        }
        let amazon = fleet
            .bundles(region)
            .iter()
            .filter(|b| b.owner.as_deref() == Some("AMAZON"))
            .count();
        let own = fleet
            .bundles(region)
            .iter()
            .filter(|b| b.owner.as_deref() == Some(fleet.account_id()))
            .count();
        assert_eq!(amazon, 6);
        assert!(own >= 3);
        for b in fleet.bundles(region) {
            assert!(shape("BundleId").matches(&b.bundle_id), "{}", b.bundle_id);
        }
        let workspaces = fleet.workspaces(region);
        assert!(!workspaces.is_empty());
        for w in workspaces {
            assert!(
                shape("WorkspaceId").matches(&w.workspace_id),
                "{}",
                w.workspace_id
            );
            let directory = w.directory_id.as_deref().unwrap_or_default();
            let personal = directories
                .iter()
                .find(|d| d.directory_id == directory)
                .and_then(|d| d.workspace_type);
            assert_eq!(personal, Some(WorkspaceType::Personal));
        }
    }

    #[test]
    fn some_pools_are_untagged() {
        let fleet = Fleet::seeded(9, &["us-east-1"], 100);
        let tagged: Vec<usize> = fleet
            .pools("us-east-1")
            .iter()
            .map(|p| fleet.tags("us-east-1", &p.pool_id).map_or(0, |t| t.len()))
            .collect();
        assert!(tagged.contains(&0));
        assert!(tagged.iter().any(|&n| n >= 3));
    }

    #[test]
    fn generation_is_fast() {
        let started = Instant::now();
        let fleet = Fleet::seeded(1, &["us-east-1"], 1000);
        let thousand = started.elapsed();
        assert_eq!(fleet.pools("us-east-1").len(), 1000);
        let started = Instant::now();
        let fleet = Fleet::seeded(1, &["us-east-1"], 100_000);
        let hundred_thousand = started.elapsed();
        println!("seeded 1,000 pools in {thousand:?}, 100,000 in {hundred_thousand:?}");
        assert_eq!(fleet.pools("us-east-1").len(), 100_000);
        // Generous bounds: unoptimized test builds on a busy 2-core machine.
        assert!(thousand.as_millis() < 100, "{thousand:?}");
        assert!(hundred_thousand.as_secs_f64() < 3.0, "{hundred_thousand:?}");
    }
}
