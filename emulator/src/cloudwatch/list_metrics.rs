//! ListMetrics over the fleet's WorkSpaces metrics.
//!
//! Lists every (namespace, metric, dimensions) of the region that has a sample in the last two
//! weeks ("ListMetrics doesn't return information about metrics if those metrics haven't
//! reported data in the past two weeks"), or in the last three hours with
//! `RecentlyActive=PT3H`: each pool's metrics by `WorkSpaces pool ID`, then each personal
//! WorkSpace's by `WorkspaceId`, then each directory's by `DirectoryId`. Filters: `Namespace`
//! and `MetricName` exactly; each `Dimensions` filter names a dimension the metric has, with
//! its value when given. Pages of 500 with a `NextToken` bound to the request; positions count
//! over every candidate, not the matches, so a filtered listing costs one pass over the fleet
//! across all its pages.
//!
//! Whether a metric has recent samples is decided from the resources' plans (in service since,
//! sessions, running intervals) rather than by adding up its samples, so that a fleet of 100,000
//! pools lists in one pass; the tests hold the two against each other.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::api_error::ApiError;
use crate::fleet::{Fleet, RegionFleet};
use crate::paging::Binding;

use super::catalog::{
    DIRECTORY_DIMENSION, MetricSpec, NAMESPACE, POOL_DIMENSION, POOL_METRICS, WORKSPACE_DIMENSION,
    WORKSPACE_METRICS,
};
use super::errors;
use super::series::Series;

/// Metrics in one page.
pub(crate) const PAGE_SIZE: usize = 500;
/// ListMetrics lists metrics with samples in this many seconds before now.
const LISTED_WINDOW: i64 = 14 * 86_400;
/// `RecentlyActive=PT3H`: samples in this many seconds before now.
const RECENTLY_ACTIVE_WINDOW: i64 = 3 * 3600;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Request {
    namespace: Option<String>,
    metric_name: Option<String>,
    #[serde(default)]
    dimensions: Vec<DimensionFilter>,
    next_token: Option<String>,
    recently_active: Option<String>,
    include_linked_accounts: Option<bool>,
    owning_account: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DimensionFilter {
    name: String,
    value: Option<String>,
}

/// The three kinds of listed resources, in listing order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Pools,
    Workspaces,
    Directories,
}

/// Answers `ListMetrics` for `region` of `fleet` at `now_epoch_seconds`. The request is in the
/// awsJson form and already checked against the model's types and bounds.
pub(crate) fn list_metrics(
    fleet: &Fleet,
    region: &str,
    request: &Value,
    now_epoch_seconds: i64,
) -> Result<Value, ApiError> {
    let parsed: Request = serde_json::from_value(request.clone())
        .map_err(|e| errors::validation(format!("The request is not valid: {e}")))?;
    let window = match parsed.recently_active.as_deref() {
        None => LISTED_WINDOW,
        Some("PT3H") => RECENTLY_ACTIVE_WINDOW,
        Some(other) => {
            return Err(errors::invalid_parameter_value(format!(
                "The value {other} for parameter RecentlyActive is not valid: the only valid value is PT3H."
            )));
        }
    };
    let binding = Binding::of("ListMetrics", fleet.account_id(), region, request);
    let (start, page_number) = match &parsed.next_token {
        None => (0, 0),
        Some(token) => binding.read(token).ok_or_else(|| {
            errors::invalid_parameter_value(
                "The value for parameter NextToken is not valid: it was not issued for this request.",
            )
        })?,
    };
    let foreign_owner = parsed
        .owning_account
        .as_deref()
        .is_some_and(|a| a != fleet.account_id());
    let listing = Listing::new(fleet.region_or_empty(region), region);
    let (metrics, next) = if foreign_owner || !namespace_matches(&parsed) {
        (Vec::new(), None)
    } else {
        let data_to = now_epoch_seconds.div_euclid(60);
        let data_from = (now_epoch_seconds - window + 59).div_euclid(60);
        listing.page(&parsed, start, data_from, data_to)
    };
    let mut answer = Map::new();
    if parsed.include_linked_accounts == Some(true) {
        answer.insert(
            "OwningAccounts".into(),
            Value::Array(vec![Value::from(fleet.account_id()); metrics.len()]),
        );
    }
    answer.insert("Metrics".into(), Value::Array(metrics));
    if let Some(next) = next {
        let token = binding.token(next, page_number.wrapping_add(1));
        answer.insert("NextToken".into(), token.into());
    }
    Ok(Value::Object(answer))
}

fn namespace_matches(request: &Request) -> bool {
    request.namespace.as_deref().is_none_or(|n| n == NAMESPACE)
}

/// The region's candidates, in listing order.
struct Listing<'a> {
    region: &'a RegionFleet,
    region_name: &'a str,
    /// Directories with personal WorkSpaces, in order of first appearance, with their members.
    directories: Vec<(&'a str, Vec<usize>)>,
}

impl<'a> Listing<'a> {
    fn new(region: &'a RegionFleet, region_name: &'a str) -> Listing<'a> {
        let mut directories: Vec<(&str, Vec<usize>)> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, workspace) in region.workspaces.iter().enumerate() {
            let Some(directory) = workspace.directory_id.as_deref() else {
                continue;
            };
            let slot = *index.entry(directory).or_insert_with(|| {
                directories.push((directory, Vec::new()));
                directories.len() - 1
            });
            directories[slot].1.push(i);
        }
        Listing {
            region,
            region_name,
            directories,
        }
    }

    fn sections(&self) -> [(Section, usize, &'static [MetricSpec]); 3] {
        [
            (Section::Pools, self.region.pools.len(), POOL_METRICS),
            (
                Section::Workspaces,
                self.region.workspaces.len(),
                WORKSPACE_METRICS,
            ),
            (
                Section::Directories,
                self.directories.len(),
                WORKSPACE_METRICS,
            ),
        ]
    }

    /// The dimension of a resource.
    fn dimension(&self, section: Section, resource: usize) -> (&'static str, &'a str) {
        match section {
            Section::Pools => (POOL_DIMENSION, &self.region.pools[resource].pool_id),
            Section::Workspaces => (
                WORKSPACE_DIMENSION,
                &self.region.workspaces[resource].workspace_id,
            ),
            Section::Directories => (DIRECTORY_DIMENSION, self.directories[resource].0),
        }
    }

    fn series(&self, section: Section, resource: usize) -> Series {
        match section {
            Section::Pools => Series::pool(&self.region.pools[resource], self.region_name),
            Section::Workspaces => {
                Series::workspaces([&self.region.workspaces[resource]], self.region_name)
            }
            Section::Directories => Series::workspaces(
                self.directories[resource]
                    .1
                    .iter()
                    .map(|&i| &self.region.workspaces[i]),
                self.region_name,
            ),
        }
    }

    /// Up to [`PAGE_SIZE`] matching metrics from candidate `start` on, with samples at minutes
    /// `data_from..data_to`, and the position of the next match when there is one.
    fn page(
        &self,
        request: &Request,
        start: u64,
        data_from: i64,
        data_to: i64,
    ) -> (Vec<Value>, Option<u64>) {
        let mut metrics = Vec::new();
        let mut offset = 0u64;
        for (section, count, specs) in self.sections() {
            let section_size = (count * specs.len()) as u64;
            if start >= offset + section_size {
                offset += section_size;
                continue;
            }
            let first = start.saturating_sub(offset);
            let first_resource = (first / specs.len() as u64) as usize;
            for resource in first_resource..count {
                let (name, value) = self.dimension(section, resource);
                if !dimension_matches(&request.dimensions, name, value) {
                    continue;
                }
                let mut series: Option<Series> = None;
                for (m, spec) in specs.iter().enumerate() {
                    let position = offset + (resource * specs.len() + m) as u64;
                    if position < start
                        || request
                            .metric_name
                            .as_deref()
                            .is_some_and(|n| n != spec.name)
                    {
                        continue;
                    }
                    let series = series.get_or_insert_with(|| self.series(section, resource));
                    if !series.has_samples(spec, data_from, data_to) {
                        continue;
                    }
                    if metrics.len() == PAGE_SIZE {
                        return (metrics, Some(position));
                    }
                    metrics.push(json!({
                        "Namespace": NAMESPACE,
                        "MetricName": spec.name,
                        "Dimensions": [{"Name": name, "Value": value}],
                    }));
                }
            }
            offset += section_size;
        }
        (metrics, None)
    }
}

/// Every filter names the metric's (only) dimension, and its value when given.
fn dimension_matches(filters: &[DimensionFilter], name: &str, value: &str) -> bool {
    filters
        .iter()
        .all(|f| f.name == name && f.value.as_deref().is_none_or(|v| v == value))
}
