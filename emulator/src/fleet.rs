//! The emulator's data: pools, directories, bundles, WorkSpaces, sessions and tags per region.
//!
//! A fleet is either generated ([`Fleet::seeded`], deterministic for a seed) or read from a JSON
//! fixture ([`Fleet::from_json`], [`Fleet::from_json_file`]) whose records are in the API's wire
//! form:
//!
//! ```json
//! {"account_id": "123456789012",
//!  "regions": {"us-east-1": {"pools": [], "directories": [], "bundles": [], "workspaces": [],
//!                            "sessions": [], "tags": {"wspool-abcdefghi": [{"Key": "env", "Value": "prod"}]}}}}
//! ```
//!
//! Every member is optional. [`Fleet::to_json`] writes the same form, so a seeded fleet can be
//! dumped, edited and loaded back.
//!
//! Sessions and pool tags of a seeded fleet are derived from the pool on demand rather than
//! stored: 100,000 pools with their hundreds of thousands of sessions would otherwise take far
//! longer to build than the pools themselves. They are deterministic, and [`Fleet::to_json`]
//! writes them out like stored ones.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::model;
use super::seed;
use super::shapes::{Bundle, Directory, Pool, PoolSession, Tag, Workspace};

/// A fleet fixture that could not be read or does not satisfy the service model: says which
/// file, where in it (line and column, or the record's path) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("fleet fixture {0}")]
pub struct FixtureError(String);

/// The account of fleets that do not name one.
pub const DEFAULT_ACCOUNT_ID: &str = "123456789012";

/// Everything the emulator serves, by region.
#[derive(Debug, Clone)]
pub struct Fleet {
    account_id: String,
    regions: BTreeMap<String, RegionFleet>,
}

impl Default for Fleet {
    /// No regions, the default account.
    fn default() -> Fleet {
        Fleet::empty(&[])
    }
}

/// One region's resources.
#[derive(Debug, Clone, Default)]
pub struct RegionFleet {
    /// Pools, in the order `DescribeWorkspacesPools` serves them (creation order).
    pub pools: Vec<Pool>,
    /// Directories, in serving order.
    pub directories: Vec<Directory>,
    /// Bundles, the account's and `AMAZON`'s, in serving order.
    pub bundles: Vec<Bundle>,
    /// Personal WorkSpaces, in serving order.
    pub workspaces: Vec<Workspace>,
    /// Sessions by pool id, stored explicitly. A seeded fleet derives the sessions of pools missing
    /// here (see [`RegionFleet::sessions_of`]).
    pub sessions: BTreeMap<String, Vec<PoolSession>>,
    /// Tags by resource id, stored explicitly. A seeded fleet derives the tags of pools missing
    /// here (see [`RegionFleet::tags_of`]).
    pub tags: BTreeMap<String, Vec<Tag>>,
    /// Seed from which sessions and pool tags not stored above are derived; `None` for fixtures.
    derived_seed: Option<u64>,
}

/// What an unknown region holds: nothing.
static EMPTY_REGION: RegionFleet = RegionFleet {
    pools: Vec::new(),
    directories: Vec::new(),
    bundles: Vec::new(),
    workspaces: Vec::new(),
    sessions: BTreeMap::new(),
    tags: BTreeMap::new(),
    derived_seed: None,
};

impl RegionFleet {
    /// The sessions of `pool`: stored ones, or for a seeded fleet, ones derived from the pool (as
    /// many as its `ActiveUserSessions`).
    pub fn sessions_of(&self, pool: &Pool) -> Cow<'_, [PoolSession]> {
        if let Some(stored) = self.sessions.get(&pool.pool_id) {
            return Cow::Borrowed(stored);
        }
        match self.derived_seed {
            Some(seed) => Cow::Owned(seed::pool_sessions(seed, pool)),
            None => Cow::Borrowed(&[]),
        }
    }

    /// The tags of a resource of this region, or `None` when no such resource exists. Resources
    /// without tags have an empty list.
    pub fn tags_of(&self, resource_id: &str) -> Option<Cow<'_, [Tag]>> {
        if let Some(stored) = self.tags.get(resource_id) {
            return Some(Cow::Borrowed(stored));
        }
        if let Some(pool) = self.pool(resource_id) {
            return Some(match self.derived_seed {
                Some(seed) => Cow::Owned(seed::pool_tags(seed, pool)),
                None => Cow::Borrowed(&[]),
            });
        }
        self.resource_exists(resource_id)
            .then_some(Cow::Borrowed(&[][..]))
    }

    /// The pool with this id.
    pub fn pool(&self, pool_id: &str) -> Option<&Pool> {
        self.pools.iter().find(|p| p.pool_id == pool_id)
    }

    fn resource_exists(&self, id: &str) -> bool {
        self.directories.iter().any(|d| d.directory_id == id)
            || self.workspaces.iter().any(|w| w.workspace_id == id)
            || self.bundles.iter().any(|b| b.bundle_id == id)
    }

    /// Stored and derived sessions and tags, all stored.
    fn materialized(&self) -> RegionFleet {
        let mut region = self.clone();
        if self.derived_seed.is_some() {
            for pool in &self.pools {
                let sessions = self.sessions_of(pool).into_owned();
                if !sessions.is_empty() {
                    region.sessions.insert(pool.pool_id.clone(), sessions);
                }
                if let Some(tags) = self.tags_of(&pool.pool_id)
                    && !tags.is_empty()
                {
                    region.tags.insert(pool.pool_id.clone(), tags.into_owned());
                }
            }
        }
        region.derived_seed = None;
        region
    }
}

impl Fleet {
    /// A deterministic fleet: `pools_per_region` pools in each region, with their directories,
    /// bundles, sessions, WorkSpaces and tags.
    pub fn seeded(seed: u64, regions: &[&str], pools_per_region: usize) -> Fleet {
        Self::seeded_for_account(&seed::account_id(seed), seed, regions, pools_per_region)
    }

    /// A deterministic fleet like [`Fleet::seeded`], owned by `account_id`: its ARNs, bundle
    /// owners and role ARNs name that account. Fleets of one organization are seeded this way,
    /// each with its own seed.
    pub fn seeded_for_account(
        account_id: &str,
        seed: u64,
        regions: &[&str],
        pools_per_region: usize,
    ) -> Fleet {
        Self::seeded_with_pools(account_id, seed, regions, |_| pools_per_region)
    }

    /// A deterministic fleet like [`Fleet::seeded_for_account`] with `pools(region)` pools in
    /// each region, so that an organization's accounts and regions can differ in size.
    pub fn seeded_with_pools(
        account_id: &str,
        seed: u64,
        regions: &[&str],
        pools: impl Fn(&str) -> usize,
    ) -> Fleet {
        let account_id = account_id.to_string();
        let regions = regions
            .iter()
            .map(|&region| {
                let generated = seed::region(seed, &account_id, region, pools(region));
                let fleet = RegionFleet {
                    pools: generated.pools,
                    directories: generated.directories,
                    bundles: generated.bundles,
                    workspaces: generated.workspaces,
                    sessions: BTreeMap::new(),
                    tags: generated.tags,
                    derived_seed: Some(generated.derived_seed),
                };
                (region.to_string(), fleet)
            })
            .collect();
        Fleet {
            account_id,
            regions,
        }
    }

    /// A fleet whose regions exist but hold nothing.
    pub fn empty(regions: &[&str]) -> Fleet {
        Fleet {
            account_id: DEFAULT_ACCOUNT_ID.to_string(),
            regions: regions
                .iter()
                .map(|r| (r.to_string(), RegionFleet::default()))
                .collect(),
        }
    }

    /// A one-region fleet whose pools have exactly these names (and otherwise seeded contents), for
    /// tests of name filters.
    pub fn with_pool_names(seed: u64, region: &str, names: &[&str]) -> Fleet {
        let mut fleet = Fleet::seeded(seed, &[region], names.len());
        if let Some(region) = fleet.regions.get_mut(region) {
            for (pool, name) in region.pools.iter_mut().zip(names) {
                pool.pool_name = name.to_string();
            }
        }
        fleet
    }

    /// A fleet read from a JSON fixture file.
    pub fn from_json_file(path: &Path) -> Result<Fleet, FixtureError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| FixtureError(format!("cannot read {}: {e}", path.display())))?;
        parse_fixture(&text).map_err(|e| FixtureError(format!("{}: {e}", path.display())))
    }

    /// A fleet read from fixture JSON. Errors say where (line and column) and what is wrong.
    pub fn from_json(json: &str) -> Result<Fleet, FixtureError> {
        parse_fixture(json).map_err(FixtureError)
    }

    /// The fleet as fixture JSON (pretty-printed), derived sessions and tags included.
    pub fn to_json(&self) -> String {
        let regions = self
            .regions
            .iter()
            .map(|(name, region)| {
                let region = region.materialized();
                let fixture = RegionFixture {
                    pools: region.pools,
                    directories: region.directories,
                    bundles: region.bundles,
                    workspaces: region.workspaces,
                    sessions: region.sessions.into_values().flatten().collect(),
                    tags: region.tags,
                };
                (name.clone(), fixture)
            })
            .collect();
        let file = FixtureFile {
            account_id: Some(self.account_id.clone()),
            regions,
        };
        // Serializing plain structs of strings and numbers into a String cannot fail.
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }

    /// The twelve-digit account that owns the fleet.
    pub fn account_id(&self) -> &str {
        &self.account_id
    }

    /// The regions, sorted.
    pub fn regions(&self) -> Vec<&str> {
        self.regions.keys().map(String::as_str).collect()
    }

    /// One region's resources.
    pub fn region(&self, region: &str) -> Option<&RegionFleet> {
        self.regions.get(region)
    }

    /// One region's resources; an unknown region is an empty one, as a region where nothing was
    /// ever created answers.
    pub fn region_or_empty(&self, region: &str) -> &RegionFleet {
        self.regions.get(region).unwrap_or(&EMPTY_REGION)
    }

    /// One region's resources, for editing; the region is created when missing.
    pub fn region_mut(&mut self, region: &str) -> &mut RegionFleet {
        self.regions.entry(region.to_string()).or_default()
    }

    /// The pools of a region (empty for an unknown region).
    pub fn pools(&self, region: &str) -> &[Pool] {
        self.regions.get(region).map_or(&[], |r| &r.pools)
    }

    /// The directories of a region.
    pub fn directories(&self, region: &str) -> &[Directory] {
        self.regions.get(region).map_or(&[], |r| &r.directories)
    }

    /// The bundles of a region, the account's and `AMAZON`'s.
    pub fn bundles(&self, region: &str) -> &[Bundle] {
        self.regions.get(region).map_or(&[], |r| &r.bundles)
    }

    /// The personal WorkSpaces of a region.
    pub fn workspaces(&self, region: &str) -> &[Workspace] {
        self.regions.get(region).map_or(&[], |r| &r.workspaces)
    }

    /// The sessions of a pool (empty for an unknown pool).
    pub fn sessions(&self, region: &str, pool_id: &str) -> Vec<PoolSession> {
        let Some(region) = self.regions.get(region) else {
            return Vec::new();
        };
        region
            .pool(pool_id)
            .map(|pool| region.sessions_of(pool).into_owned())
            .unwrap_or_default()
    }

    /// The tags of a resource, or `None` when the region has no such resource.
    pub fn tags(&self, region: &str, resource_id: &str) -> Option<Vec<Tag>> {
        self.regions
            .get(region)?
            .tags_of(resource_id)
            .map(Cow::into_owned)
    }
}

/// Reads fixture JSON; the error says where and what, without naming the source.
fn parse_fixture(json: &str) -> std::result::Result<Fleet, String> {
    let file: FixtureFile = serde_json::from_str(json).map_err(|e| e.to_string())?;
    if let Some(account_id) = &file.account_id
        && !model::workspaces().string("AwsAccount").matches(account_id)
    {
        return Err(format!(
            "account_id: `{account_id}` is not a twelve-digit account id"
        ));
    }
    let mut regions = BTreeMap::new();
    for (name, fixture) in file.regions {
        let mut sessions: BTreeMap<String, Vec<PoolSession>> = BTreeMap::new();
        for session in fixture.sessions {
            sessions
                .entry(session.pool_id.clone())
                .or_default()
                .push(session);
        }
        let region = RegionFleet {
            pools: fixture.pools,
            directories: fixture.directories,
            bundles: fixture.bundles,
            workspaces: fixture.workspaces,
            sessions,
            tags: fixture.tags,
            derived_seed: None,
        };
        check_region(&name, &region)?;
        regions.insert(name, region);
    }
    Ok(Fleet {
        account_id: file
            .account_id
            .unwrap_or_else(|| DEFAULT_ACCOUNT_ID.to_string()),
        regions,
    })
}

/// Fixture records must be ones the service could answer: ids, names and other members with a
/// model pattern are checked, so that tests built on a fixture test something real.
fn check_region(name: &str, region: &RegionFleet) -> std::result::Result<(), String> {
    let fail = |what: String| Err(format!("regions.{name}.{what}"));
    // `shape` names a string shape of the WorkSpaces model.
    let check = |path: String, shape: &str, value: &str| {
        if model::workspaces().string(shape).matches(value) {
            Ok(())
        } else {
            fail(format!(
                "{path}: `{value}` does not satisfy the model's constraints"
            ))
        }
    };
    for (i, pool) in region.pools.iter().enumerate() {
        let at = |member: &str| format!("pools[{i}].{member}");
        check(at("PoolId"), "WorkspacesPoolId", &pool.pool_id)?;
        check(at("PoolName"), "WorkspacesPoolName", &pool.pool_name)?;
        check(at("BundleId"), "BundleId", &pool.bundle_id)?;
        check(at("DirectoryId"), "DirectoryId", &pool.directory_id)?;
        if let Some(description) = &pool.description {
            check(at("Description"), "UpdateDescription", description)?;
        }
        if let Some(settings) = &pool.application_settings {
            if let Some(bucket) = &settings.s3_bucket_name {
                check(
                    at("ApplicationSettings.S3BucketName"),
                    "S3BucketName",
                    bucket,
                )?;
            }
            if let Some(group) = &settings.settings_group {
                check(
                    at("ApplicationSettings.SettingsGroup"),
                    "SettingsGroup",
                    group,
                )?;
            }
        }
        let c = pool.capacity_status;
        let counts = [
            c.active_user_sessions,
            c.actual_user_sessions,
            c.available_user_sessions,
            c.desired_user_sessions,
        ];
        if counts.iter().any(|&n| n < 0) {
            return fail(at("CapacityStatus: session counts must not be negative"));
        }
    }
    for (i, session) in region.sessions.values().flatten().enumerate() {
        let at = |member: &str| format!("sessions[{i}].{member}");
        check(at("SessionId"), "AmazonUuid", &session.session_id)?;
        check(at("PoolId"), "WorkspacesPoolId", &session.pool_id)?;
        check(at("UserId"), "WorkspacesPoolUserId", &session.user_id)?;
        if let Some(instance) = &session.instance_id {
            check(at("InstanceId"), "SessionInstanceId", instance)?;
        }
    }
    for (i, directory) in region.directories.iter().enumerate() {
        check(
            format!("directories[{i}].DirectoryId"),
            "DirectoryId",
            &directory.directory_id,
        )?;
    }
    for (i, bundle) in region.bundles.iter().enumerate() {
        check(
            format!("bundles[{i}].BundleId"),
            "BundleId",
            &bundle.bundle_id,
        )?;
    }
    for (i, workspace) in region.workspaces.iter().enumerate() {
        check(
            format!("workspaces[{i}].WorkspaceId"),
            "WorkspaceId",
            &workspace.workspace_id,
        )?;
    }
    Ok(())
}

/// The fixture file's form.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct FixtureFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    account_id: Option<String>,
    #[serde(default)]
    regions: BTreeMap<String, RegionFixture>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RegionFixture {
    #[serde(default)]
    pools: Vec<Pool>,
    #[serde(default)]
    directories: Vec<Directory>,
    #[serde(default)]
    bundles: Vec<Bundle>,
    #[serde(default)]
    workspaces: Vec<Workspace>,
    #[serde(default)]
    sessions: Vec<PoolSession>,
    #[serde(default)]
    tags: BTreeMap<String, Vec<Tag>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixtures_round_trip_through_to_json() {
        let fleet = Fleet::seeded(3, &["us-east-1", "eu-west-1"], 40);
        let json = fleet.to_json();
        let loaded = Fleet::from_json(&json).expect("dumped fleet loads");
        assert_eq!(loaded.account_id(), fleet.account_id());
        assert_eq!(loaded.regions(), vec!["eu-west-1", "us-east-1"]);
        for region in fleet.regions() {
            assert_eq!(loaded.pools(region), fleet.pools(region));
            assert_eq!(loaded.directories(region), fleet.directories(region));
            assert_eq!(loaded.bundles(region), fleet.bundles(region));
            assert_eq!(loaded.workspaces(region), fleet.workspaces(region));
            for pool in fleet.pools(region) {
                assert_eq!(
                    loaded.sessions(region, &pool.pool_id),
                    fleet.sessions(region, &pool.pool_id)
                );
                assert_eq!(
                    loaded.tags(region, &pool.pool_id),
                    fleet.tags(region, &pool.pool_id)
                );
            }
        }
        assert_eq!(loaded.to_json(), json);
    }

    #[test]
    fn every_fixture_collection_is_optional() {
        let fleet = Fleet::from_json(r#"{"regions": {"us-east-1": {}}}"#).expect("loads");
        assert_eq!(fleet.regions(), vec!["us-east-1"]);
        assert!(fleet.pools("us-east-1").is_empty());
        assert_eq!(fleet.account_id(), DEFAULT_ACCOUNT_ID);
        assert_eq!(Fleet::default().account_id(), DEFAULT_ACCOUNT_ID);
        assert!(Fleet::default().regions().is_empty());
    }

    #[test]
    fn fixture_errors_say_where() {
        let json = "{\"regions\": {\"us-east-1\": {\n \"pools\": [{\"PoolId\": 7}]}}}";
        let err = Fleet::from_json(json).expect_err("bad pool id type");
        let message = err.to_string();
        assert!(message.contains("line 2"), "{message}");

        let err = Fleet::from_json(r#"{"regions": {"us-east-1": {"pool": []}}}"#)
            .expect_err("unknown collection");
        assert!(err.to_string().contains("pool"), "{err}");
    }

    #[test]
    fn fixture_records_must_satisfy_the_model() {
        let fleet = Fleet::seeded(3, &["us-east-1"], 3);
        let good = fleet.to_json();
        let pool_id = fleet.pools("us-east-1")[1].pool_id.clone();
        let bad = good.replacen(
            &format!("\"PoolId\": \"{pool_id}\""),
            "\"PoolId\": \"pool-1\"",
            1,
        );
        assert_ne!(bad, good);
        let err = Fleet::from_json(&bad).expect_err("bad pool id");
        let message = err.to_string();
        assert!(
            message.contains("regions.us-east-1.pools[1].PoolId"),
            "{message}"
        );
        assert!(message.contains("pool-1"), "{message}");
    }

    #[test]
    fn fixture_accounts_are_twelve_digits() {
        let err = Fleet::from_json(r#"{"account_id": "12345"}"#).expect_err("short");
        assert!(err.to_string().contains("account_id"), "{err}");
        let fleet = Fleet::from_json(r#"{"account_id": "000000000042"}"#).expect("valid");
        assert_eq!(fleet.account_id(), "000000000042");
    }

    #[test]
    fn fixture_file_errors_name_the_file() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("fleet.json");
        std::fs::write(&path, "{\"regions\": 3}").expect("write");
        let err = Fleet::from_json_file(&path).expect_err("regions must be an object");
        assert!(err.to_string().contains("fleet.json"), "{err}");
        let missing =
            Fleet::from_json_file(&dir.path().join("absent.json")).expect_err("missing file");
        assert!(missing.to_string().contains("absent.json"), "{missing}");
    }

    #[test]
    fn tags_distinguish_untagged_from_unknown() {
        let fleet = Fleet::seeded(5, &["us-east-1"], 30);
        let directory = &fleet.directories("us-east-1")[0];
        assert!(fleet.tags("us-east-1", &directory.directory_id).is_some());
        assert_eq!(fleet.tags("us-east-1", "wspool-000000000"), None);
        assert_eq!(fleet.tags("eu-west-1", &directory.directory_id), None);
    }

    #[test]
    fn pool_names_can_be_chosen() {
        let fleet = Fleet::with_pool_names(1, "us-east-1", &["alpha", "Alpha", "beta"]);
        let names: Vec<_> = fleet
            .pools("us-east-1")
            .iter()
            .map(|p| p.pool_name.as_str())
            .collect();
        assert_eq!(names, vec!["alpha", "Alpha", "beta"]);
    }
}
