//! GetMetricData over the fleet's WorkSpaces metrics.
//!
//! What the model's documentation of `GetMetricData` states, and how it is followed here:
//!
//! - **StartTime rounding.** Inclusive; rounded down to the minute when less than 15 days ago,
//!   to 5 minutes when 15 to 63 days ago, to the hour when older; to the period when the period
//!   is 5, 10, 20 or 30 seconds (or 1). EndTime is exclusive and not rounded.
//! - **Periods.** 1, 5, 10, 20, 30 or a multiple of 60 (anything else is refused). When
//!   StartTime is more than 3 hours ago the period must be a multiple of 60 (up to 15 days
//!   ago), 300 (up to 63 days) or 3600 (older), "or no data points in that time range is
//!   returned": such a query answers no datapoints.
//! - **Retention.** One-minute data for 15 days, 5-minute for 63, 1-hour for 455. The minutes
//!   are generated, so older resolutions are the aggregates of the minutes they cover; with the
//!   rounding and period rules above every period is a union of stored aggregates, and nothing
//!   older than 455 days (whole hours) is answered. A minute's sample exists once the minute
//!   is over.
//! - **Results.** One per query with `ReturnData` not false, in request order, with `Id`,
//!   `Label` (the metric name unless given), `Timestamps` (each period's start) and `Values`
//!   of the periods that have samples, ordered by `ScanBy` (default `TimestampDescending`). A
//!   `Unit` other than the metric's answers nothing, as does any metric, namespace or
//!   dimension set that does not exist: dimensions must match exactly.
//! - **Limits.** At most 500 queries, unique `Id`s (a lowercase letter, then letters, digits
//!   and underscores), StartTime before EndTime.
//! - **Paging.** At most `MaxDatapoints` (default and ceiling 100,800) datapoints a call. A page
//!   lists every query; a query cut short or not reached yet is `PartialData`, one finished is
//!   `Complete`; the `NextToken` continues at the next datapoint, so the pages together are the
//!   one big answer. The token is bound to the request (`paging.rs`'s `Binding`).
//! - **Statistics.** `SampleCount`, `Sum`, `Average`, `Minimum`, `Maximum`: every one the
//!   WorkSpaces pages list ("Data Samples" is `SampleCount`). Extended statistics (`p90`,
//!   `tm99`, `IQM`, ...) are well-formed but none of these metrics documents them, so they
//!   answer no datapoints; a malformed `Stat` is refused in CloudWatch's words.
//! - **Expressions** (metric math, Metrics Insights) are not evaluated: they are refused with a
//!   `ValidationError` naming the query, rather than answered wrongly.
//! - **LabelOptions.** The time zone only changes time-based dynamic labels, which are not
//!   expanded here; its format (`+HHMM`, `-HHMM`) is checked.

use std::collections::{HashMap, HashSet};

use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::fleet::{Fleet, RegionFleet};

use super::catalog::{
    DIRECTORY_DIMENSION, Family, MetricSpec, NAMESPACE, POOL_DIMENSION, WORKSPACE_DIMENSION, metric,
};
use super::errors;
use super::series::Series;
use super::stats::{Statistic, Stats};
use crate::api_error::ApiError;
use crate::paging::Binding;

/// Most queries in one call.
pub(crate) const MAX_QUERIES: usize = 500;
/// Most datapoints in one call, and the default page size.
pub(crate) const MAX_DATAPOINTS: u64 = 100_800;

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;
/// Data with a period under a minute is kept this long (high-resolution custom metrics).
const SUB_MINUTE_RETENTION: i64 = 3 * HOUR;
/// One-minute data is kept this long.
const MINUTE_RETENTION: i64 = 15 * DAY;
/// Five-minute data is kept this long.
const FIVE_MINUTE_RETENTION: i64 = 63 * DAY;
/// One-hour data is kept this long.
const HOUR_RETENTION: i64 = 455 * DAY;
/// 9999-12-31T23:59:59Z: timestamps are clamped to years 1970 to 9999.
const LATEST_TIME: i64 = 253_402_300_799;
/// A token's position holds the query in the bits above these, the bucket below.
const ORDINAL_BITS: u32 = 48;

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Request {
    metric_data_queries: Option<Vec<Query>>,
    start_time: Option<f64>,
    end_time: Option<f64>,
    next_token: Option<String>,
    scan_by: Option<String>,
    max_datapoints: Option<i64>,
    label_options: Option<LabelOptions>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Query {
    id: String,
    metric_stat: Option<MetricStat>,
    expression: Option<String>,
    label: Option<String>,
    return_data: Option<bool>,
    account_id: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MetricStat {
    metric: Option<MetricRef>,
    period: Option<i64>,
    stat: Option<String>,
    unit: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct MetricRef {
    namespace: Option<String>,
    metric_name: Option<String>,
    #[serde(default)]
    dimensions: Vec<Dimension>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Dimension {
    name: String,
    value: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct LabelOptions {
    timezone: Option<String>,
}

/// What one query asks for, checked.
#[derive(Debug)]
struct PlannedQuery {
    id: String,
    label: String,
    /// The samples to answer from, or `None` when the query can have no datapoints.
    source: Option<Source>,
    period: i64,
    /// The first period's start, rounded.
    start: i64,
    /// Exclusive end, seconds.
    end: i64,
}

/// Where a query's datapoints come from.
#[derive(Debug)]
struct Source {
    target: Target,
    metric: &'static MetricSpec,
    statistic: Statistic,
}

/// The resource(s) a query's dimensions name.
#[derive(Debug)]
enum Target {
    /// A pool, by its index in the region.
    Pool(usize),
    /// A personal WorkSpace, by its index in the region.
    Workspace(usize),
    /// The personal WorkSpaces of a directory, by their indexes in the region.
    Directory(Vec<usize>),
}

impl PlannedQuery {
    /// Number of periods from `start` to `end`.
    fn bucket_count(&self) -> u64 {
        ((self.end - self.start + self.period - 1) / self.period) as u64
    }
}

/// Answers `GetMetricData` for `region` of `fleet` at `now_epoch_seconds`. The request is in the
/// awsJson form (timestamps as epoch seconds) and already checked against the model's types
/// and bounds.
pub(crate) fn get_metric_data(
    fleet: &Fleet,
    region: &str,
    request: &Value,
    now_epoch_seconds: i64,
) -> Result<Value, ApiError> {
    let parsed: Request = serde_json::from_value(request.clone())
        .map_err(|e| errors::validation(format!("The request is not valid: {e}")))?;
    let queries = parsed
        .metric_data_queries
        .as_ref()
        .ok_or_else(|| errors::missing_parameter("MetricDataQueries"))?;
    let start_time = parsed
        .start_time
        .ok_or_else(|| errors::missing_parameter("StartTime"))?;
    let end_time = parsed
        .end_time
        .ok_or_else(|| errors::missing_parameter("EndTime"))?;
    check_request(&parsed, queries, start_time, end_time)?;
    let region_fleet = fleet.region_or_empty(region);
    let plans = plan_queries(
        region_fleet,
        fleet.account_id(),
        queries,
        start_time,
        end_time,
        now_epoch_seconds,
    );
    let binding = Binding::of("GetMetricData", fleet.account_id(), region, request);
    let (cursor, page_number) = match &parsed.next_token {
        None => (Cursor::default(), 0),
        Some(token) => binding
            .read(token)
            .map(|(position, page)| (Cursor::from_position(position), page))
            .filter(|(c, _)| c.query < plans.len().max(1))
            .ok_or_else(errors::invalid_next_token)?,
    };
    let ascending = parsed.scan_by.as_deref() == Some("TimestampAscending");
    let page_size = parsed
        .max_datapoints
        .map_or(MAX_DATAPOINTS, |m| (m as u64).min(MAX_DATAPOINTS));
    let page = Page {
        region: region_fleet,
        region_name: region,
        now: now_epoch_seconds,
        ascending,
    };
    let (results, next) = page.answer(&plans, cursor, page_size);
    let mut answer = Map::new();
    answer.insert("MetricDataResults".into(), Value::Array(results));
    answer.insert("Messages".into(), json!([]));
    if let Some(next) = next {
        let token = binding.token(next.position(), page_number.wrapping_add(1));
        answer.insert("NextToken".into(), token.into());
    }
    Ok(Value::Object(answer))
}

/// The rules of the request as a whole that the model's types cannot express.
fn check_request(
    request: &Request,
    queries: &[Query],
    start_time: f64,
    end_time: f64,
) -> Result<(), ApiError> {
    if queries.is_empty() {
        return Err(errors::invalid_parameter_value(
            "The collection MetricDataQueries must not be empty.",
        ));
    }
    if queries.len() > MAX_QUERIES {
        return Err(errors::invalid_parameter_value(format!(
            "The collection MetricDataQueries must not have a size greater than {MAX_QUERIES}."
        )));
    }
    if start_time == end_time {
        return Err(errors::validation(
            "The parameter StartTime must not equal parameter EndTime.",
        ));
    }
    if start_time > end_time {
        return Err(errors::validation(
            "The parameter EndTime must be greater than StartTime.",
        ));
    }
    if let Some(max) = request.max_datapoints
        && max < 1
    {
        return Err(errors::invalid_parameter_value(format!(
            "The value {max} for parameter MaxDatapoints is not valid: it must be at least 1."
        )));
    }
    if let Some(zone) = request
        .label_options
        .as_ref()
        .and_then(|o| o.timezone.as_deref())
    {
        let bytes = zone.as_bytes();
        let well_formed = bytes.len() == 5
            && matches!(bytes[0], b'+' | b'-')
            && bytes[1..].iter().all(u8::is_ascii_digit)
            && zone[1..3] <= *"23"
            && zone[3..5] <= *"59";
        if !well_formed {
            return Err(errors::validation(format!(
                "The value {zone} for parameter LabelOptions.Timezone is not valid: it must be + or - and four digits, e.g. +0130."
            )));
        }
    }
    let mut ids = HashSet::new();
    if !queries.iter().all(|q| ids.insert(q.id.as_str())) {
        return Err(errors::validation(
            "The values for parameter id in MetricDataQueries are not unique.",
        ));
    }
    let mut invalid = Vec::new();
    for (i, query) in queries.iter().enumerate() {
        let member = format!("MetricDataQueries.member.{}", i + 1);
        if !valid_id(&query.id) {
            invalid.push(format!(
                "The value {} for parameter {member}.Id is not valid: it must start with a lowercase letter and hold only letters, numbers and underscores.",
                query.id
            ));
        }
        match (&query.metric_stat, &query.expression) {
            (Some(_), Some(_)) => {
                return Err(errors::invalid_parameter_combination(format!(
                    "The parameters {member}.MetricStat and {member}.Expression are mutually exclusive."
                )));
            }
            (None, None) => {
                return Err(errors::missing_parameter(&format!(
                    "{member}.MetricStat or {member}.Expression"
                )));
            }
            (None, Some(_)) => invalid.push(format!(
                "Error in expression {}: this emulator does not evaluate metric math or Metrics Insights expressions; ask for each metric with MetricStat.",
                query.id
            )),
            (Some(stat), None) => invalid.extend(check_metric_stat(stat, &member)?),
        }
    }
    if invalid.is_empty() {
        Ok(())
    } else {
        Err(errors::validation(invalid.join("\n")))
    }
}

/// A query's MetricStat: missing members are errors, malformed values messages.
fn check_metric_stat(stat: &MetricStat, member: &str) -> Result<Vec<String>, ApiError> {
    let metric = stat
        .metric
        .as_ref()
        .ok_or_else(|| errors::missing_parameter(&format!("{member}.MetricStat.Metric")))?;
    if metric.namespace.is_none() {
        return Err(errors::missing_parameter(&format!(
            "{member}.MetricStat.Metric.Namespace"
        )));
    }
    if metric.metric_name.is_none() {
        return Err(errors::missing_parameter(&format!(
            "{member}.MetricStat.Metric.MetricName"
        )));
    }
    let period = stat
        .period
        .ok_or_else(|| errors::missing_parameter(&format!("{member}.MetricStat.Period")))?;
    let name = stat
        .stat
        .as_deref()
        .ok_or_else(|| errors::missing_parameter(&format!("{member}.MetricStat.Stat")))?;
    let mut invalid = Vec::new();
    if !valid_period(period) {
        invalid.push(format!(
            "The value {period} for parameter {member}.MetricStat.Period is not valid: it must be 1, 5, 10, 20, 30 or a multiple of 60."
        ));
    }
    if Statistic::named(name).is_none() && !is_extended_statistic(name) {
        invalid.push(format!(
            "The value {name} for parameter {member}.MetricStat.Stat is not a valid statistic."
        ));
    }
    Ok(invalid)
}

fn valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn valid_period(period: i64) -> bool {
    period > 0 && (matches!(period, 1 | 5 | 10 | 20 | 30) || period % 60 == 0)
}

/// CloudWatch's extended statistics: percentiles (`p99`, `p99.9`), trimmed and winsorized means
/// and counts and sums (`tm90`, `TM(10%:90%)`, ...), `IQM`, and percentile ranks (`PR(:300)`).
fn is_extended_statistic(name: &str) -> bool {
    let percent = |s: &str| {
        let s = s.strip_suffix('%').unwrap_or(s);
        !s.is_empty() && s.parse::<f64>().is_ok_and(|v| (0.0..=100.0).contains(&v))
    };
    let bound = |s: &str| s.is_empty() || percent(s) || s.parse::<f64>().is_ok();
    if name == "IQM" {
        return true;
    }
    for prefix in ["p", "tm", "wm", "tc", "ts"] {
        if let Some(rest) = name.strip_prefix(prefix)
            && !rest.contains('%')
            && percent(rest)
        {
            return true;
        }
    }
    for prefix in ["TM(", "WM(", "TC(", "TS(", "PR("] {
        if let Some(range) = name.strip_prefix(prefix).and_then(|r| r.strip_suffix(')'))
            && let Some((low, high)) = range.split_once(':')
            && bound(low)
            && bound(high)
            && !(low.is_empty() && high.is_empty())
        {
            return true;
        }
    }
    false
}

/// Each query's periods and source.
fn plan_queries(
    region: &RegionFleet,
    account_id: &str,
    queries: &[Query],
    start_time: f64,
    end_time: f64,
    now: i64,
) -> Vec<PlannedQuery> {
    let start = (start_time.floor() as i64).clamp(0, LATEST_TIME);
    let end = (end_time.ceil() as i64).clamp(0, LATEST_TIME);
    let age = now - start;
    let mut pools: Option<HashMap<&str, usize>> = None;
    let mut plans = Vec::new();
    for query in queries {
        if query.return_data == Some(false) {
            continue;
        }
        let Some(stat) = &query.metric_stat else {
            continue;
        };
        let Some(metric_ref) = &stat.metric else {
            continue;
        };
        let period = stat.period.unwrap_or(60);
        let granularity = if period < 60 {
            period
        } else if age < MINUTE_RETENTION {
            60
        } else if age < FIVE_MINUTE_RETENTION {
            300
        } else {
            3600
        };
        let required_multiple = if age <= SUB_MINUTE_RETENTION {
            1
        } else if age < MINUTE_RETENTION {
            60
        } else if age < FIVE_MINUTE_RETENTION {
            300
        } else {
            3600
        };
        let own_account = query.account_id.as_deref().is_none_or(|a| a == account_id);
        let source = (own_account && period % required_multiple == 0)
            .then(|| resolve(region, &mut pools, metric_ref, stat))
            .flatten();
        let metric_name = metric_ref.metric_name.clone().unwrap_or_default();
        plans.push(PlannedQuery {
            id: query.id.clone(),
            label: query.label.clone().unwrap_or(metric_name),
            source,
            period,
            start: start.div_euclid(granularity) * granularity,
            end,
        });
    }
    plans
}

/// The samples a MetricStat names, or `None` when nothing is published under its namespace,
/// name, exact dimensions and unit, or when it asks for an extended statistic.
fn resolve<'r>(
    region: &'r RegionFleet,
    pools: &mut Option<HashMap<&'r str, usize>>,
    metric_ref: &MetricRef,
    stat: &MetricStat,
) -> Option<Source> {
    if metric_ref.namespace.as_deref() != Some(NAMESPACE) {
        return None;
    }
    let statistic = Statistic::named(stat.stat.as_deref()?)?;
    let [dimension] = metric_ref.dimensions.as_slice() else {
        return None;
    };
    let name = metric_ref.metric_name.as_deref()?;
    let (target, metric) = match dimension.name.as_str() {
        POOL_DIMENSION => {
            let index = pools.get_or_insert_with(|| {
                region
                    .pools
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (p.pool_id.as_str(), i))
                    .collect()
            });
            let &i = index.get(dimension.value.as_str())?;
            (Target::Pool(i), metric(Family::Pool, name)?)
        }
        WORKSPACE_DIMENSION => {
            let i = region
                .workspaces
                .iter()
                .position(|w| w.workspace_id == dimension.value)?;
            (Target::Workspace(i), metric(Family::Workspace, name)?)
        }
        DIRECTORY_DIMENSION => {
            let members: Vec<usize> = region
                .workspaces
                .iter()
                .enumerate()
                .filter(|(_, w)| w.directory_id.as_deref() == Some(dimension.value.as_str()))
                .map(|(i, _)| i)
                .collect();
            if members.is_empty() {
                return None;
            }
            (Target::Directory(members), metric(Family::Workspace, name)?)
        }
        _ => return None,
    };
    if stat.unit.as_deref().is_some_and(|unit| unit != metric.unit) {
        return None;
    }
    Some(Source {
        target,
        metric,
        statistic,
    })
}

/// Where a page starts: a query (among those returning data) and a period, counted in scan
/// order.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Cursor {
    query: usize,
    ordinal: u64,
}

impl Cursor {
    fn position(self) -> u64 {
        ((self.query as u64) << ORDINAL_BITS) | self.ordinal
    }

    fn from_position(position: u64) -> Cursor {
        Cursor {
            query: (position >> ORDINAL_BITS) as usize,
            ordinal: position & ((1 << ORDINAL_BITS) - 1),
        }
    }
}

/// What one page is computed against.
struct Page<'a> {
    region: &'a RegionFleet,
    region_name: &'a str,
    now: i64,
    ascending: bool,
}

impl Page<'_> {
    /// The results of every query from `cursor` on, at most `page_size` datapoints, and the
    /// cursor of the next page when datapoints remain.
    fn answer(
        &self,
        plans: &[PlannedQuery],
        cursor: Cursor,
        page_size: u64,
    ) -> (Vec<Value>, Option<Cursor>) {
        let mut remaining = page_size;
        let mut next: Option<Cursor> = None;
        let mut results = Vec::with_capacity(plans.len());
        for (index, plan) in plans.iter().enumerate() {
            let mut timestamps = Vec::new();
            let mut values = Vec::new();
            let finished_before = index < cursor.query;
            let mut complete = next.is_none();
            if !finished_before
                && next.is_none()
                && let Some(source) = &plan.source
            {
                let from = if index == cursor.query {
                    cursor.ordinal
                } else {
                    0
                };
                let mut series = self.series(&source.target);
                for (ordinal, bucket_start, stats) in self.scan(plan, source, &mut series, from) {
                    let Some(value) = stats.statistic(source.statistic) else {
                        continue;
                    };
                    if remaining == 0 {
                        next = Some(Cursor {
                            query: index,
                            ordinal,
                        });
                        complete = false;
                        break;
                    }
                    timestamps.push(Value::from(bucket_start));
                    values.push(Value::from(value));
                    remaining -= 1;
                }
            }
            results.push(json!({
                "Id": plan.id,
                "Label": plan.label,
                "Timestamps": timestamps,
                "Values": values,
                "StatusCode": if complete { "Complete" } else { "PartialData" },
            }));
        }
        (results, next)
    }

    fn series(&self, target: &Target) -> Series {
        let region = self.region;
        match target {
            Target::Pool(i) => Series::pool(&region.pools[*i], self.region_name),
            Target::Workspace(i) => Series::workspaces([&region.workspaces[*i]], self.region_name),
            Target::Directory(members) => Series::workspaces(
                members.iter().map(|&i| &region.workspaces[i]),
                self.region_name,
            ),
        }
    }

    /// The periods of a query from scan position `from` on, in scan order, with their start
    /// and samples; periods that cannot hold samples (before the data, after now) are skipped
    /// without being looked at.
    fn scan<'s>(
        &'s self,
        plan: &'s PlannedQuery,
        source: &'s Source,
        series: &'s mut Series,
        from: u64,
    ) -> impl Iterator<Item = (u64, i64, Stats)> + 's {
        let count = plan.bucket_count();
        let retention_start = (self.now - HOUR_RETENTION).div_euclid(HOUR) * HOUR + HOUR;
        let data_from = series
            .first_minute()
            .map_or(i64::MAX / 2, |m| (m * 60).max(retention_start));
        let data_to = self.now.div_euclid(60) * 60;
        // Periods k with start + k * period < data_to and start + (k + 1) * period > data_from.
        let period = plan.period;
        let k_low = ((data_from - plan.start).div_euclid(period)).clamp(0, count as i64) as u64;
        let k_high =
            ((data_to - plan.start + period - 1).div_euclid(period)).clamp(0, count as i64) as u64;
        let k_high = k_high.max(k_low);
        let ascending = self.ascending;
        // Scan position o is period k = o ascending, k = count - 1 - o descending.
        let ordinals = if ascending {
            from.max(k_low)..k_high
        } else {
            from.max(count - k_high)..count - k_low
        };
        ordinals.map(move |ordinal| {
            let k = if ascending {
                ordinal
            } else {
                count - 1 - ordinal
            } as i64;
            let bucket_start = plan.start + k * period;
            let bucket_end = (bucket_start + period).min(plan.end);
            let lo = bucket_start.max(data_from);
            let hi = bucket_end.min(data_to);
            let minutes = (ceil_minute(lo), ceil_minute(hi));
            let stats = series.stats(source.metric, minutes.0, minutes.1);
            (ordinal, bucket_start, stats)
        })
    }
}

/// The first whole minute at or after `seconds`.
fn ceil_minute(seconds: i64) -> i64 {
    (seconds + 59).div_euclid(60)
}
