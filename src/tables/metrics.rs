//! The one CloudWatch mechanism under every metrics table (`workspaces_pool_metrics`,
//! `workspaces_metrics`, and any later one): a table states its [`MetricFamily`] (namespace,
//! dimension, id column, the metrics AWS documents with their units) and its parents, and this
//! module turns the scan's restrictions into `GetMetricData` calls and their answers into rows.
//!
//! # The relation
//!
//! A metrics table holds, logically, every datapoint CloudWatch keeps for the resources its
//! parent table lists, at every period of [`PERIODS`]: one row per (account, region, resource,
//! metric, period, `timestamp`), where `timestamp` is the start of the period, a multiple of the
//! period since the epoch (so a day is a UTC day), and the statistics aggregate the metric's
//! samples from that instant for one period. CloudWatch keeps one-minute data for 15 days,
//! five-minute data for 63 days and one-hour data for 455 days, so a period's rows reach back as
//! far as the resolution it is a multiple of is kept (60 s: 15 days; 300 s: 63 days; 3,600 s
//! and 86,400 s: 455 days). A period that has not ended yet aggregates the samples so far.
//!
//! What a query does not restrict gets a default, stated by `\d` and EXPLAIN:
//!
//! - **No `timestamp` range**: the 24 hours before the start of the current hour (whole hours,
//!   so that two statements a few minutes apart read the same rows).
//! - **No `period_seconds =`**: the smallest period of [`PERIODS`] whose resolution is kept as
//!   far back as the window starts and whose datapoints per query fit a full call
//!   (100,800 datapoints / 500 queries = 201): 3,600 s for a day or a week, 86,400 s for two
//!   weeks or a month, 60 s for an hour.
//!
//! The no-pushdown reference (`with_pushdown(false)`) cannot know what a query restricts, so it
//! reads everything: every period, as far back as each is kept. Pushdown is exact on what it
//! restricts, so a query restricting `timestamp` and `period_seconds` answers as the reference.
//!
//! # Requests
//!
//! - **Ids** (`pool_id = / IN / a join's dynamic filter`) become the `Dimensions` of the
//!   queries; without them, the parent table lists the target's resources first (its own
//!   operation, 25 a page), gathered 500 at a time across pages so that calls are full
//!   ([`crate::scan::Parent::in_batches_of`]). ListMetrics would list the ids too, in fewer
//!   calls for the pools (500 metrics a page, 7 per pool), but it only lists metrics with data
//!   in the last two weeks: a window reaching further back would lose the resources that were
//!   quiet since, so the tables list the resources themselves (the measurements are in the
//!   report of the change that added these tables).
//! - **Metrics** (`metric_name = / IN`) choose the queries; a name the table does not know
//!   answers no rows without a call. **Statistics** come from the columns the query reads
//!   (`average`, `minimum`, `maximum`, `sum`, `sample_count`, one query each); a query reading
//!   none asks for `SampleCount`, which exists exactly where a datapoint does.
//! - **Time**: `timestamp` comparisons (`>`, `>=`, `<`, `<=`, `=`, `BETWEEN`, with
//!   `now() - interval ...`, which DataFusion folds to this statement's start before the scan
//!   sees it) become `StartTime` (rounded up to the period) and `EndTime` (the end of the last
//!   period that starts in the range); each period is clipped to what CloudWatch keeps of it,
//!   since a `StartTime` older than the period's resolution answers nothing at all.
//!   `period_seconds = / IN` (of [`PERIODS`]) become the `Period` of separate calls.
//! - **Batching**: the (resource, metric) groups, with all their statistics together, fill calls
//!   of at most 500 `MetricDataQueries` and at most 100,800 datapoints (fewer queries when each
//!   holds more datapoints), so 1,000 pools × 7 metrics × 1 statistic over a day is 14 calls.
//!   `NextToken` pages are followed; all pages of one call are buffered and merged (the
//!   statistics of one datapoint may arrive on different pages), never more than one call's
//!   answer at a time. A satisfied `LIMIT` makes no further call.
//! - **Re-check**: every row is checked against the asked range, and rows of a query id the
//!   request did not send are dropped, so rows outside the range or of other metrics never
//!   appear, whatever CloudWatch returns. `unit` is the metric's, from the table's catalogue
//!   (`GetMetricData` does not return it).
//!
//! A result whose `StatusCode` is `Forbidden` or `InternalError` fails the target (an
//! `AccessDenied` or a server error, as the warn and fail policies treat any failed call), and
//! so does `PartialData` on the last page: an answer CloudWatch itself says is incomplete is
//! never passed off as complete.
//!
//! Sources: the CloudWatch model (`cloudwatch-2010-08-01.json`: `GetMetricData`'s limits,
//! rounding and retention rules, the `Datapoint` shape whose members the statistics columns
//! are), and AWS's pages on the metrics, as the emulator's `cloudwatch/mod.rs` cites them
//! (namespace `AWS/WorkSpaces` for both kinds, pools by the dimension `WorkSpaces pool ID`,
//! personal WorkSpaces by `WorkspaceId`; the evidence for the namespace and dimension is there):
//!
//! - *WorkSpaces Pools metrics and dimensions*,
//!   <https://docs.aws.amazon.com/workspaces/latest/adminguide/monitoring-with-cloudwatch.html>
//! - *Monitor your WorkSpaces using CloudWatch metrics*,
//!   <https://docs.aws.amazon.com/workspaces/latest/adminguide/cloudwatch-metrics.html>
//! - *Auto scaling for WorkSpaces Pools*,
//!   <https://docs.aws.amazon.com/workspaces/latest/adminguide/autoscaling.html>

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::marker::PhantomData;

use aws_sdk_cloudwatch::types::{
    Dimension, Metric, MetricDataQuery, MetricDataResult, MetricStat, StatusCode,
};
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use futures::stream::BoxStream;
use futures::{StreamExt, TryFutureExt};

use crate::error::{CallSite, Cause, Error, Result};
use crate::paging::Page;
use crate::scan::{
    ColumnDef, Columns, DefaultRule, DescribeTable, Parent, Pushable, Restrictions, TargetApi,
    TimeRange, TranslatedRule, Translation, integer_values, micros, time_range,
};

/// What a metrics table states of itself (its name, rows, family, pushable columns, columns and
/// parents); [`MetricsTable`] makes it a table on this module's mechanism.
pub(crate) trait MetricsOf: Send + Sync + 'static {
    /// The table's SQL name.
    const NAME: &'static str;
    /// What one row is, as `\d` says it.
    const ROW: &'static str;
    /// The namespace, dimension, id column and metrics.
    const FAMILY: &'static MetricFamily;
    /// The id column's pushdown (the dimension), then `metric_name`'s.
    const PUSHABLE: &'static [Pushable];
    /// The id column, the join key.
    const JOIN_KEYS: &'static [&'static str];
    /// The columns, made once by [`columns`].
    fn columns() -> &'static Columns<Datapoint>;
    /// The table whose rows are the resources (listed `MAX_QUERIES` at a time).
    fn parent() -> Parent;
}

/// The metrics table of `M`.
pub(crate) struct MetricsTable<M>(PhantomData<M>);

impl<M: MetricsOf> DescribeTable for MetricsTable<M> {
    type Item = Datapoint;
    type Request = MetricsRequest;
    const NAME: &'static str = M::NAME;
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "Datapoint";
    const ROW: &'static str = M::ROW;
    const PUSHABLE: &'static [Pushable] = M::PUSHABLE;
    const TRANSLATED: &'static [TranslatedRule] = TIME_AND_PERIOD;
    const DEFAULTS: &'static [DefaultRule] = DEFAULTS;
    const JOIN_KEYS: &'static [&'static str] = M::JOIN_KEYS;

    fn columns() -> &'static Columns<Datapoint> {
        M::columns()
    }

    fn translate(predicate: &Expr) -> Option<Translation> {
        translate(predicate)
    }

    fn requests(restrictions: &Restrictions) -> Vec<MetricsRequest> {
        requests(M::FAMILY, restrictions)
    }

    fn pages(
        api: &TargetApi,
        request: MetricsRequest,
    ) -> BoxStream<'static, Result<Vec<Datapoint>>> {
        pages(api, request)
    }

    fn parent() -> Option<Parent> {
        Some(M::parent().in_batches_of(MAX_QUERIES))
    }
}

/// The operation every metrics table reads.
pub(crate) const OPERATION: &str = "GetMetricData";
/// The namespace of the WorkSpaces metrics, pools' and personal alike.
pub(crate) const NAMESPACE: &str = "AWS/WorkSpaces";
/// Most `MetricDataQueries` one call may carry (the model's list bound).
pub(crate) const MAX_QUERIES: usize = 500;
/// Most datapoints one call answers (`MaxDatapoints`' ceiling).
pub(crate) const MAX_DATAPOINTS: i64 = 100_800;
/// The periods a metrics table holds, in seconds: the three resolutions CloudWatch keeps, and a
/// day.
pub(crate) const PERIODS: [i32; 4] = [60, 300, 3_600, 86_400];
/// The default window's length, in seconds.
const DEFAULT_WINDOW: i64 = 24 * HOUR;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
const MICROS: i64 = 1_000_000;

/// The columns the translated predicates read.
const TIMESTAMP: &str = "timestamp";
const PERIOD: &str = "period_seconds";
/// The column of the metric's name.
pub(crate) const METRIC_NAME: &str = "metric_name";

/// The time and period predicates every metrics table sends.
pub(crate) const TIME_AND_PERIOD: &[TranslatedRule] = &[
    TranslatedRule {
        predicate: "`timestamp >`, `>=`, `<`, `<=`, `=`, `BETWEEN` a timestamp (`now() - interval ...` too)",
        sent_as: "`StartTime` / `EndTime`, whole periods; each period clipped to what CloudWatch keeps of it",
        exact: true,
        example: "timestamp >= now() - interval '7 days'",
        shows: "Period: 3600 (default)",
    },
    TranslatedRule {
        predicate: "`period_seconds =`, `IN (...)` of 60, 300, 3600, 86400",
        sent_as: "`Period`, one call set each; another value: no call, no rows",
        exact: true,
        example: "period_seconds = 300",
        shows: "Period: 300,",
    },
];

/// What a query that restricts neither time nor period gets.
pub(crate) const DEFAULTS: &[DefaultRule] = &[
    DefaultRule {
        absent: "no `timestamp` range",
        sent_as: "the 24 hours before the current hour",
        shows: "(the default window)",
    },
    DefaultRule {
        absent: "no `period_seconds`",
        sent_as: "the smallest period kept that far back with at most 201 datapoints a query (3600 for a day)",
        shows: "(default)",
    },
];

/// One metric a table knows: its name and the unit CloudWatch publishes it with.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct MetricDef {
    /// `MetricName`.
    pub name: &'static str,
    /// Its unit (a `StandardUnit` of the model).
    pub unit: &'static str,
}

/// What a metrics table reads: the metrics of one kind of resource, by one dimension.
#[derive(Debug)]
pub(crate) struct MetricFamily {
    /// The namespace.
    pub namespace: &'static str,
    /// The dimension naming one resource (`WorkSpaces pool ID`).
    pub dimension: &'static str,
    /// The table's column holding the dimension's value (`pool_id`).
    pub id_column: &'static str,
    /// Every metric AWS documents for the resource, in the page's order.
    pub metrics: &'static [MetricDef],
}

impl MetricFamily {
    /// The metric called `name`, if the table knows it.
    pub fn metric(&self, name: &str) -> Option<&'static MetricDef> {
        self.metrics.iter().find(|m| m.name == name)
    }
}

/// CloudWatch's statistics, one column each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Statistic {
    Average,
    Minimum,
    Maximum,
    Sum,
    SampleCount,
}

impl Statistic {
    /// Every statistic, in column order.
    const ALL: [Statistic; 5] = [
        Statistic::Average,
        Statistic::Minimum,
        Statistic::Maximum,
        Statistic::Sum,
        Statistic::SampleCount,
    ];

    /// The `Stat` sent.
    fn name(self) -> &'static str {
        match self {
            Statistic::Average => "Average",
            Statistic::Minimum => "Minimum",
            Statistic::Maximum => "Maximum",
            Statistic::Sum => "Sum",
            Statistic::SampleCount => "SampleCount",
        }
    }

    /// The column holding it.
    fn column(self) -> &'static str {
        match self {
            Statistic::Average => "average",
            Statistic::Minimum => "minimum",
            Statistic::Maximum => "maximum",
            Statistic::Sum => "sum",
            Statistic::SampleCount => "sample_count",
        }
    }

    /// Its place among a datapoint's values.
    fn index(self) -> usize {
        self as usize
    }
}

/// One row: a metric of a resource over one period.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Datapoint {
    /// The dimension's value: the resource.
    pub resource_id: String,
    /// The metric.
    pub metric: &'static MetricDef,
    /// The start of the period.
    pub timestamp: DateTime,
    /// The period, in seconds.
    pub period: i32,
    /// The statistics asked for, by [`Statistic`]; `None` when not asked.
    pub values: [Option<f64>; 5],
}

/// The columns of a metrics table whose id column is `family.id_column`, described by `about`.
pub(crate) fn columns(family: &'static MetricFamily, about: &'static str) -> Columns<Datapoint> {
    type D = Datapoint;
    Columns::new(
        OPERATION,
        |d: &D| Some(d.resource_id.as_str()),
        vec![
            ColumnDef::text(family.id_column, |d: &D| Some(d.resource_id.as_str()))
                .not_null()
                .about(about),
            ColumnDef::text(METRIC_NAME, |d: &D| Some(d.metric.name))
                .not_null()
                .about("The metric's name (`MetricName` in the `AWS/WorkSpaces` namespace)."),
            ColumnDef::time(TIMESTAMP, |d: &D| Some(&d.timestamp)).not_null(),
            ColumnDef::int(PERIOD, |d: &D| Some(d.period))
                .not_null()
                .about("The length of the period the statistics aggregate, in seconds (`Period`): 60, 300, 3600 or 86400."),
            ColumnDef::text("unit", |d: &D| Some(d.metric.unit)).not_null(),
            ColumnDef::float("average", |d: &D| d.values[0]),
            ColumnDef::float("minimum", |d: &D| d.values[1]),
            ColumnDef::float("maximum", |d: &D| d.values[2]),
            ColumnDef::float("sum", |d: &D| d.values[3]),
            ColumnDef::float("sample_count", |d: &D| d.values[4]),
        ],
    )
}

/// How far a `timestamp` or `period_seconds` predicate pushes down.
pub(crate) fn translate(predicate: &Expr) -> Option<Translation> {
    if let Some(range) = time_range(predicate, TIMESTAMP) {
        return Some(Translation {
            support: TableProviderFilterPushDown::Exact,
            matches_nothing: range.is_empty(),
        });
    }
    let periods = integer_values(predicate, PERIOD)?;
    Some(Translation {
        support: TableProviderFilterPushDown::Exact,
        matches_nothing: !periods.iter().any(|p| is_period(*p)),
    })
}

fn is_period(seconds: i64) -> bool {
    PERIODS.iter().any(|p| i64::from(*p) == seconds)
}

/// How long CloudWatch keeps the data of `period` (seconds): as long as the resolution it is a
/// multiple of.
fn retention(period: i32) -> i64 {
    match period {
        p if p % 3_600 == 0 => 455 * DAY,
        p if p % 300 == 0 => 63 * DAY,
        _ => 15 * DAY,
    }
}

/// The least multiple of `step` at or after `t`.
fn align_up(t: i64, step: i64) -> i64 {
    t.div_euclid(step) * step + if t.rem_euclid(step) == 0 { 0 } else { step }
}

/// The calls of one period: `[start, end)` in seconds, both multiples of the period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    /// `StartTime`: the first period's start.
    pub start: i64,
    /// `EndTime`: the end of the last period.
    pub end: i64,
    /// `Period`, in seconds.
    pub period: i32,
    /// The instants a row's `timestamp` must be in (microseconds): the asked range.
    pub range: TimeRange,
    /// The range is the default window.
    pub default_window: bool,
    /// The period is the default one.
    pub default_period: bool,
}

impl Window {
    /// Datapoints one query of this window may answer.
    fn datapoints(&self) -> i64 {
        (self.end - self.start) / i64::from(self.period)
    }
}

/// The window of `period` for the instants of `range`, at `now` (seconds): whole periods
/// starting in the range, no older than CloudWatch keeps the period's resolution; `None` when
/// no period is left.
fn window_of(range: TimeRange, period: i32, now: i64) -> Option<(i64, i64)> {
    let step = i64::from(period);
    // A StartTime older than the resolution is kept answers nothing at all: one second inside.
    let kept_from = align_up(now - retention(period) + 1, step);
    let from = range.from.map_or(kept_from, |f| {
        f.div_euclid(MICROS) + i64::from(f.rem_euclid(MICROS) != 0)
    });
    let start = align_up(from.max(kept_from), step);
    let to = range.to.map_or(now + 1, |t| {
        t.div_euclid(MICROS) + i64::from(t.rem_euclid(MICROS) != 0)
    });
    let end = align_up(to, step);
    // A period starting after now has no samples yet: no call for it.
    let end = end.min(align_up(now + 1, step));
    (start < end).then_some((start, end))
}

/// The period for `range` when the query names none: the smallest of [`PERIODS`] kept as far
/// back as the range starts whose queries hold at most `MAX_DATAPOINTS / MAX_QUERIES`
/// datapoints, else the largest kept that far back (the longest kept when none is).
fn default_period(range: TimeRange, now: i64) -> i32 {
    let most = MAX_DATAPOINTS / MAX_QUERIES as i64;
    let earliest = range.from.map(|f| f.div_euclid(MICROS));
    let kept = |p: &&i32| earliest.is_some_and(|e| e > now - retention(**p));
    let candidates: Vec<i32> = PERIODS.iter().filter(kept).copied().collect();
    let fits = candidates.iter().copied().find(|&p| {
        window_of(range, p, now).is_some_and(|(start, end)| (end - start) / i64::from(p) <= most)
    });
    fits.or(candidates.last().copied())
        .unwrap_or(PERIODS[PERIODS.len() - 1])
}

/// The windows the scan reads under `restrictions`, one per period.
pub(crate) fn windows(restrictions: &Restrictions) -> Vec<Window> {
    let now = restrictions.statement_start.div_euclid(MICROS);
    let mut range = TimeRange::default();
    let mut periods: Option<BTreeSet<i64>> = None;
    for predicate in restrictions.translated() {
        if let Some(r) = time_range(predicate, TIMESTAMP) {
            range = range.intersect(r);
        } else if let Some(values) = integer_values(predicate, PERIOD) {
            let values: BTreeSet<i64> = values.into_iter().filter(|v| is_period(*v)).collect();
            periods = Some(match periods {
                Some(previous) => previous.intersection(&values).copied().collect(),
                None => values,
            });
        }
    }
    if range.is_empty() {
        return Vec::new();
    }
    let default_window = restrictions.pushed && range == TimeRange::default();
    if default_window {
        let end = now.div_euclid(HOUR) * HOUR;
        range = TimeRange {
            from: Some((end - DEFAULT_WINDOW) * MICROS),
            to: Some(end * MICROS),
        };
    }
    let (periods, default_period): (Vec<i32>, bool) = match periods {
        Some(asked) => (
            PERIODS
                .iter()
                .copied()
                .filter(|p| asked.contains(&i64::from(*p)))
                .collect(),
            false,
        ),
        None if !restrictions.pushed => (PERIODS.to_vec(), false),
        None => (vec![default_period(range, now)], true),
    };
    periods
        .into_iter()
        .filter_map(|period| {
            let (start, end) = window_of(range, period, now)?;
            Some(Window {
                start,
                end,
                period,
                range,
                default_window,
                default_period,
            })
        })
        .collect()
}

/// The parameters of one `GetMetricData` call chain (its pages differ only by NextToken): for
/// each (resource, metric) group, one query per statistic, `q0`, `q1`, ... group by group.
#[derive(Debug, Clone)]
pub(crate) struct MetricsRequest {
    family: &'static MetricFamily,
    window: Window,
    groups: Vec<(String, &'static MetricDef)>,
    statistics: Vec<Statistic>,
}

/// The statistics a scan asks for: those of the columns it reads, or `SampleCount` alone when
/// it reads none (a datapoint exists exactly where it has samples).
fn statistics(restrictions: &Restrictions) -> Vec<Statistic> {
    let read: Vec<Statistic> = Statistic::ALL
        .into_iter()
        .filter(|s| restrictions.reads(s.column()))
        .collect();
    match read.is_empty() {
        true => vec![Statistic::SampleCount],
        false => read,
    }
}

/// The calls one target is sent under `restrictions`, for the resources its id column is
/// restricted to (by a predicate, a join, or the parent listing).
pub(crate) fn requests(
    family: &'static MetricFamily,
    restrictions: &Restrictions,
) -> Vec<MetricsRequest> {
    let Some(ids) = restrictions.values(family.id_column) else {
        return Vec::new();
    };
    let metrics: Vec<&'static MetricDef> = match restrictions.values(METRIC_NAME) {
        Some(names) => family
            .metrics
            .iter()
            .filter(|m| names.contains(m.name))
            .collect(),
        None => family.metrics.iter().collect(),
    };
    let statistics = statistics(restrictions);
    let groups: Vec<(String, &'static MetricDef)> = ids
        .iter()
        .flat_map(|id| metrics.iter().map(move |m| (id.clone(), *m)))
        .collect();
    let mut requests = Vec::new();
    for window in windows(restrictions) {
        let queries_per_call =
            (MAX_DATAPOINTS / window.datapoints().max(1)).clamp(1, MAX_QUERIES as i64) as usize;
        let groups_per_call = (queries_per_call / statistics.len()).max(1);
        for chunk in groups.chunks(groups_per_call) {
            requests.push(MetricsRequest {
                family,
                window,
                groups: chunk.to_vec(),
                statistics: statistics.clone(),
            });
        }
    }
    requests
}

/// An instant as EXPLAIN shows it: `2026-12-01T10:00:00Z`.
fn instant(seconds: i64) -> String {
    DateTime::from_secs(seconds)
        .fmt(Format::DateTime)
        .unwrap_or_else(|_| seconds.to_string())
}

/// At most five items, then how many more.
fn some_of<T: fmt::Display>(items: &[T]) -> String {
    const SHOWN: usize = 5;
    let shown: Vec<String> = items.iter().take(SHOWN).map(|i| i.to_string()).collect();
    match items.len() > SHOWN {
        true => format!("{}, ... {} in all", shown.join(", "), items.len()),
        false => shown.join(", "),
    }
}

impl MetricsRequest {
    /// The queries of the call, in order: each group's statistics, group by group.
    fn queries(&self) -> impl Iterator<Item = (&str, &'static MetricDef, Statistic)> + '_ {
        self.groups.iter().flat_map(|(id, metric)| {
            self.statistics
                .iter()
                .map(move |s| (id.as_str(), *metric, *s))
        })
    }

    /// The group and statistic of query number `index`.
    fn query(&self, index: usize) -> Option<(usize, Statistic)> {
        let per_group = self.statistics.len().max(1);
        let group = index / per_group;
        (group < self.groups.len()).then(|| (group, self.statistics[index % per_group]))
    }

    /// Every parameter of the call, canonically, for the cache key.
    fn parameters(&self) -> String {
        let queries: Vec<String> = self
            .queries()
            .map(|(id, metric, s)| format!("{id}/{}/{}", metric.name, s.name()))
            .collect();
        format!(
            "Namespace={};Dimension={};Period={};StartTime={};EndTime={};Queries={}",
            self.family.namespace,
            self.family.dimension,
            self.window.period,
            self.window.start,
            self.window.end,
            queries.join(",")
        )
    }

    /// The queries as the SDK sends them.
    fn sdk_queries(&self) -> Vec<MetricDataQuery> {
        self.queries()
            .enumerate()
            .map(|(i, (id, metric, statistic))| {
                let dimension = Dimension::builder()
                    .name(self.family.dimension)
                    .value(id)
                    .build();
                let metric = Metric::builder()
                    .namespace(self.family.namespace)
                    .metric_name(metric.name)
                    .dimensions(dimension)
                    .build();
                let stat = MetricStat::builder()
                    .metric(metric)
                    .period(self.window.period)
                    .stat(statistic.name())
                    .build();
                MetricDataQuery::builder()
                    .id(format!("q{i}"))
                    .metric_stat(stat)
                    .return_data(true)
                    .build()
            })
            .collect()
    }
}

impl fmt::Display for MetricsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ids: BTreeSet<&str> = self.groups.iter().map(|(id, _)| id.as_str()).collect();
        let ids: Vec<&str> = ids.into_iter().collect();
        let metrics: Vec<&str> = self
            .family
            .metrics
            .iter()
            .filter(|m| self.groups.iter().any(|(_, g)| g == m))
            .map(|m| m.name)
            .collect();
        let stats: Vec<&str> = self.statistics.iter().map(|s| s.name()).collect();
        let queries = self.groups.len() * self.statistics.len();
        // The requests EXPLAIN shows for a parent not listed yet name it `<each>`.
        let queries = match ids.as_slice() {
            ["<each>"] => format!("{queries} per {}", self.family.id_column),
            _ => queries.to_string(),
        };
        let w = &self.window;
        write!(
            f,
            "{{Namespace: {}, {}: [{}], MetricNames: [{}], Stats: [{}], Period: {}{}, StartTime: {}, EndTime: {}{}, MetricDataQueries: {}}}",
            self.family.namespace,
            self.family.dimension,
            some_of(&ids),
            some_of(&metrics),
            stats.join(", "),
            w.period,
            if w.default_period { " (default)" } else { "" },
            instant(w.start),
            instant(w.end),
            if w.default_window {
                " (the default window)"
            } else {
                ""
            },
            queries,
        )
    }
}

/// The rows of one call chain: every page's results buffered and merged, then the rows of the
/// whole call with its last page (the pages before it yield no rows, one item each).
pub(crate) fn pages(
    api: &TargetApi,
    request: MetricsRequest,
) -> BoxStream<'static, Result<Vec<Datapoint>>> {
    let site = api.call_site(OPERATION);
    let queries = request.sdk_queries();
    let start = DateTime::from_secs(request.window.start);
    let end = DateTime::from_secs(request.window.end);
    let results = api.paginate_on(
        OPERATION,
        request.parameters(),
        move |client: &aws_sdk_cloudwatch::Client, token| {
            client
                .get_metric_data()
                .set_metric_data_queries(Some(queries.clone()))
                .start_time(start)
                .end_time(end)
                .set_next_token(token)
                .send()
                .map_ok(|output| Page::from_response(output.metric_data_results, output.next_token))
        },
    );
    let merge = Merge::new(request, site);
    // One item per page, so that the scan counts pages as they come: a page yields nothing
    // until the next one shows it was not the last; the last yields the call's rows.
    futures::stream::unfold(
        (results, Some(merge), false),
        |(mut results, merge, mut pending)| async move {
            let mut merge = merge?;
            loop {
                match results.next().await {
                    Some(Ok(page)) => {
                        if let Err(error) = merge.add(&page) {
                            return Some((Err(error), (results, None, false)));
                        }
                        if pending {
                            return Some((Ok(Vec::new()), (results, Some(merge), true)));
                        }
                        pending = true;
                    }
                    Some(Err(error)) => return Some((Err(error), (results, None, false))),
                    None => return Some((merge.finish(), (results, None, false))),
                }
            }
        },
    )
    .boxed()
}

/// A datapoint's statistics so far, and its instant as the service wrote it.
type Partial = ([Option<f64>; 5], DateTime);

/// The answers of one call, merged into datapoints.
struct Merge {
    request: MetricsRequest,
    site: CallSite,
    /// (query group, instant in microseconds) → the statistics so far.
    points: BTreeMap<(usize, i64), Partial>,
    /// Whether the last page read left a query incomplete.
    partial: Option<String>,
}

impl Merge {
    fn new(request: MetricsRequest, site: CallSite) -> Self {
        Self {
            request,
            site,
            points: BTreeMap::new(),
            partial: None,
        }
    }

    fn unreadable(&self, cause: String) -> Error {
        Error::UnreadableResponse {
            call: self.site.clone(),
            cause: Cause::message(cause),
        }
    }

    /// One page's results added. A result of a query id not sent is left out.
    fn add(&mut self, results: &[MetricDataResult]) -> Result<()> {
        self.partial = None;
        for result in results {
            let Some((index, (group, statistic))) = result
                .id()
                .and_then(|id| id.strip_prefix('q'))
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|i| Some((i, self.request.query(i)?)))
            else {
                continue;
            };
            let detail = || {
                let messages: Vec<String> = result
                    .messages()
                    .iter()
                    .filter_map(|m| m.value().map(String::from))
                    .collect();
                messages.join("; ")
            };
            match result.status_code() {
                Some(StatusCode::Forbidden) => {
                    return Err(Error::AccessDenied {
                        call: self.site.clone(),
                        code: "Forbidden".to_string(),
                        message: detail(),
                    });
                }
                Some(StatusCode::InternalError) => {
                    return Err(Error::Service {
                        call: self.site.clone(),
                        code: "InternalError".to_string(),
                        message: detail(),
                        server_fault: true,
                    });
                }
                Some(StatusCode::PartialData) => {
                    self.partial = Some(format!("q{index}"));
                }
                _ => {}
            }
            let timestamps = result.timestamps();
            let values = result.values();
            if timestamps.len() != values.len() {
                return Err(self.unreadable(format!(
                    "q{index} has {} timestamps and {} values",
                    timestamps.len(),
                    values.len()
                )));
            }
            for (timestamp, value) in timestamps.iter().zip(values) {
                let entry = self
                    .points
                    .entry((group, micros(timestamp)))
                    .or_insert(([None; 5], *timestamp));
                entry.0[statistic.index()] = Some(*value);
            }
        }
        Ok(())
    }

    /// The call's rows, in the asked range, once its last page is read.
    fn finish(self) -> Result<Vec<Datapoint>> {
        if let Some(query) = &self.partial {
            return Err(self.unreadable(format!(
                "{query} is PartialData on the last page (no NextToken to continue)"
            )));
        }
        let window = self.request.window;
        let groups = &self.request.groups;
        Ok(self
            .points
            .into_iter()
            .filter(|((_, micros), _)| window.range.contains(*micros))
            .filter_map(|((group, _), (values, timestamp))| {
                let (resource_id, metric) = groups.get(group)?;
                Some(Datapoint {
                    resource_id: resource_id.clone(),
                    metric,
                    timestamp,
                    period: window.period,
                    values,
                })
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::{Pushable, PushdownRules};
    use crate::targets::Place;
    use aws_sdk_cloudwatch::types::MessageData;
    use datafusion::logical_expr::{col, lit};
    use datafusion::scalar::ScalarValue;

    const METRICS: &[MetricDef] = &[
        MetricDef {
            name: "M1",
            unit: "Count",
        },
        MetricDef {
            name: "M2",
            unit: "Count",
        },
        MetricDef {
            name: "M3",
            unit: "Count",
        },
        MetricDef {
            name: "M4",
            unit: "Count",
        },
        MetricDef {
            name: "M5",
            unit: "Count",
        },
        MetricDef {
            name: "M6",
            unit: "Count",
        },
        MetricDef {
            name: "M7",
            unit: "Percent",
        },
    ];
    const FAMILY: MetricFamily = MetricFamily {
        namespace: NAMESPACE,
        dimension: "Thing ID",
        id_column: "thing_id",
        metrics: METRICS,
    };
    const PUSHABLE: &[Pushable] = &[
        Pushable::new("thing_id", |s| s.starts_with("t-"), "`Thing ID`", "t-1"),
        Pushable::new(METRIC_NAME, |s| FAMILY.metric(s).is_some(), "names", "M1"),
    ];

    /// 2026-12-02T10:20:30Z.
    const NOW: i64 = 1_796_206_830;

    fn at(seconds: i64) -> Expr {
        lit(ScalarValue::TimestampMicrosecond(
            Some(seconds * MICROS),
            Some("UTC".into()),
        ))
    }

    fn restrictions(filters: &[Expr], reads: Option<&[&str]>) -> Restrictions {
        let rules = PushdownRules {
            pushable: PUSHABLE,
            translate,
            required: &[],
            only_required: false,
        };
        rules.fold(filters, None).for_scan(
            reads.map(|r| r.iter().map(|c| c.to_string()).collect()),
            NOW * MICROS,
        )
    }

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("t-{i:04}")).collect()
    }

    #[test]
    fn without_a_range_the_default_window_is_the_24_hours_before_the_hour() {
        let w = windows(&restrictions(&[], None));
        assert_eq!(w.len(), 1);
        let hour = NOW / HOUR * HOUR;
        assert_eq!(
            (w[0].start, w[0].end, w[0].period),
            (hour - DAY, hour, 3600)
        );
        assert!(w[0].default_window && w[0].default_period);
    }

    #[test]
    fn the_default_period_fits_a_full_call_and_the_retention() {
        let period = |from: i64, to: Option<i64>| {
            let mut filters = vec![col("timestamp").gt_eq(at(from))];
            filters.extend(to.map(|t| col("timestamp").lt(at(t))));
            let w = windows(&restrictions(&filters, None));
            assert_eq!(w.len(), 1);
            assert!(w[0].default_period && !w[0].default_window);
            w[0].period
        };
        assert_eq!(period(NOW - HOUR, None), 60);
        assert_eq!(period(NOW - 2 * HOUR, Some(NOW - HOUR)), 60);
        assert_eq!(period(NOW - DAY, None), 3600, "300 s would be 288 a query");
        assert_eq!(period(NOW - 7 * DAY, None), 3600);
        assert_eq!(period(NOW - 14 * DAY, None), 86_400);
        assert_eq!(period(NOW - 30 * DAY, None), 86_400);
        // Only an upper bound: from as far back as anything is kept, by the day.
        let w = windows(&restrictions(&[col("timestamp").lt(at(NOW - DAY))], None));
        assert_eq!(w[0].period, 86_400);
        assert_eq!(w[0].start, align_up(NOW - 455 * DAY + 1, DAY));
    }

    #[test]
    fn ranges_become_whole_periods_clipped_to_what_is_kept() {
        let filters = [
            col("timestamp").gt(at(NOW - 20 * DAY + 30)),
            col("timestamp").lt_eq(at(NOW - 10 * DAY)),
            col("period_seconds").in_list(vec![lit(60), lit(300), lit(120)], false),
        ];
        let w = windows(&restrictions(&filters, None));
        assert_eq!(w.iter().map(|w| w.period).collect::<Vec<_>>(), [60, 300]);
        // 60 s data is kept 15 days: the range's older part is not asked of it.
        assert_eq!(w[0].start, align_up(NOW - 15 * DAY + 1, 60));
        assert_eq!(w[0].end, align_up(NOW - 10 * DAY + 1, 60));
        assert_eq!(w[1].start, align_up(NOW - 20 * DAY + 31, 300));
        assert_eq!(w[1].end, align_up(NOW - 10 * DAY + 1, 300));
        assert!(w[1].range.contains((NOW - 10 * DAY) * MICROS));
        assert!(!w[1].range.contains((NOW - 20 * DAY + 30) * MICROS));
        let none = [
            col("timestamp").gt(at(NOW - DAY)),
            col("timestamp").lt(at(NOW - 2 * DAY)),
        ];
        assert!(
            windows(&restrictions(&none, None)).is_empty(),
            "an empty range calls nothing"
        );
        let future = [col("timestamp").gt(at(NOW + DAY))];
        assert!(
            windows(&restrictions(&future, None)).is_empty(),
            "nothing is published yet"
        );
    }

    #[test]
    fn the_reference_reads_every_period_as_far_back_as_it_is_kept() {
        let reference = Restrictions::default().for_scan(None, NOW * MICROS);
        let w = windows(&reference);
        assert_eq!(w.iter().map(|w| w.period).collect::<Vec<_>>(), PERIODS);
        let kept: Vec<i64> = w.iter().map(|w| (NOW - w.start) / DAY).collect();
        assert_eq!(kept, [14, 62, 454, 454]);
        assert!(
            w.iter()
                .all(|w| w.range == TimeRange::default() && !w.default_window)
        );
    }

    #[test]
    fn periods_not_held_and_unknown_metrics_match_nothing() {
        for filter in [
            col("period_seconds").eq(lit(120)),
            col("metric_name").eq(lit("CPUUtilization")),
            col("timestamp").gt(Expr::Literal(ScalarValue::Null, None)),
        ] {
            assert!(
                restrictions(std::slice::from_ref(&filter), None).matches_nothing,
                "{filter}"
            );
        }
        let some = restrictions(
            &[col("period_seconds").in_list(vec![lit(120), lit(60)], false)],
            None,
        );
        assert!(!some.matches_nothing);
    }

    #[test]
    fn calls_hold_500_queries_and_a_group_keeps_its_statistics_together() {
        let listed = |n: usize, reads: Option<&[&str]>| {
            restrictions(&[], reads).with_listed("thing_id", ids(n))
        };
        // 1,000 things × 7 metrics × 1 statistic over the default day: 14 full calls.
        let r = requests(&FAMILY, &listed(1000, Some(&["thing_id", "maximum"])));
        assert_eq!(r.len(), 14);
        assert!(
            r.iter()
                .all(|r| r.groups.len() == 500 && r.statistics == [Statistic::Maximum])
        );
        // Every statistic: 100 groups of 5 queries a call.
        let r = requests(&FAMILY, &listed(10, None));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].queries().count(), 350);
        assert_eq!(r[0].query(7), Some((1, Statistic::Maximum)));
        // Reading no statistic asks for the sample count, which exists where a datapoint does.
        let r = requests(&FAMILY, &listed(2, Some(&["thing_id", "timestamp"])));
        assert_eq!(r[0].statistics, [Statistic::SampleCount]);
        // A day at 60 s holds 1,440 datapoints a query: 70 queries a call.
        let day = restrictions(&[col("period_seconds").eq(lit(60))], Some(&["average"]))
            .with_listed("thing_id", ids(20));
        let r = requests(&FAMILY, &day);
        assert!(
            r.iter()
                .all(|r| r.queries().count() as i64 * r.window.datapoints() <= MAX_DATAPOINTS)
        );
        assert_eq!(r.len(), 2);
        assert_eq!(r[0].queries().count(), 70);
        // Metric names choose the queries.
        let two = restrictions(
            &[col("metric_name").in_list(vec![lit("M7"), lit("M2")], false)],
            Some(&["sum"]),
        )
        .with_listed("thing_id", ids(3));
        let r = requests(&FAMILY, &two);
        let names: BTreeSet<&str> = r[0].groups.iter().map(|(_, m)| m.name).collect();
        assert_eq!(names, BTreeSet::from(["M2", "M7"]));
    }

    #[test]
    fn explain_shows_the_call() {
        let r = restrictions(
            &[
                col("thing_id").eq(lit("t-1")),
                col("metric_name").eq(lit("M1")),
            ],
            Some(&["maximum"]),
        );
        let requests = requests(&FAMILY, &r);
        let hour = NOW / HOUR * HOUR;
        assert_eq!(
            requests[0].to_string(),
            format!(
                "{{Namespace: AWS/WorkSpaces, Thing ID: [t-1], MetricNames: [M1], Stats: [Maximum], Period: 3600 (default), StartTime: {}, EndTime: {} (the default window), MetricDataQueries: 1}}",
                instant(hour - DAY),
                instant(hour)
            )
        );
        assert_eq!(instant(0), "1970-01-01T00:00:00Z");
        assert_eq!(
            some_of(&[1, 2, 3, 4, 5, 6, 7]),
            "1, 2, 3, 4, 5, ... 7 in all"
        );
    }

    fn request(groups: usize, statistics: Vec<Statistic>, range: TimeRange) -> MetricsRequest {
        MetricsRequest {
            family: &FAMILY,
            window: Window {
                start: 0,
                end: 10 * 60,
                period: 60,
                range,
                default_window: false,
                default_period: false,
            },
            groups: ids(groups)
                .into_iter()
                .map(|id| (id, &METRICS[0]))
                .collect(),
            statistics,
        }
    }

    fn result(id: &str, points: &[(i64, f64)], status: StatusCode) -> MetricDataResult {
        MetricDataResult::builder()
            .id(id)
            .set_timestamps(Some(
                points
                    .iter()
                    .map(|(t, _)| DateTime::from_secs(*t))
                    .collect(),
            ))
            .set_values(Some(points.iter().map(|(_, v)| *v).collect()))
            .status_code(status)
            .build()
    }

    fn merge(request: MetricsRequest) -> Merge {
        Merge::new(request, Place::in_region("us-east-1").call_site(OPERATION))
    }

    #[test]
    fn statistics_arriving_on_different_pages_merge_into_one_row() {
        let stats = vec![Statistic::Average, Statistic::Maximum];
        let mut m = merge(request(
            2,
            stats,
            TimeRange {
                from: None,
                to: Some(180 * MICROS),
            },
        ));
        m.add(&[
            result("q0", &[(60, 1.5), (120, 2.0)], StatusCode::Complete),
            result("q1", &[(60, 3.0)], StatusCode::PartialData),
        ])
        .expect("adds");
        m.add(&[
            result("q1", &[(120, 4.0), (180, 9.0)], StatusCode::Complete),
            result("q3", &[(0, 7.0)], StatusCode::Complete),
            result("q9", &[(0, 8.0)], StatusCode::Complete),
            result("x", &[(0, 8.0)], StatusCode::Complete),
        ])
        .expect("adds");
        let rows = m.finish().expect("complete");
        let got: Vec<(String, i64, [Option<f64>; 5])> = rows
            .iter()
            .map(|d| (d.resource_id.clone(), d.timestamp.secs(), d.values))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "t-0000".to_string(),
                    60,
                    [Some(1.5), None, Some(3.0), None, None]
                ),
                (
                    "t-0000".to_string(),
                    120,
                    [Some(2.0), None, Some(4.0), None, None]
                ),
                ("t-0001".to_string(), 0, [None, None, Some(7.0), None, None]),
            ],
            "180 is outside the range; q9 and x were not sent"
        );
        assert!(rows.iter().all(|d| d.period == 60 && d.metric.name == "M1"));
    }

    #[test]
    fn incomplete_or_refused_answers_fail_the_call() {
        let all = TimeRange::default();
        let mut m = merge(request(1, vec![Statistic::Sum], all));
        m.add(&[result("q0", &[(0, 1.0)], StatusCode::PartialData)])
            .expect("adds");
        let error = m.finish().expect_err("partial without a token");
        assert!(
            error.to_string().contains("PartialData on the last page"),
            "{error}"
        );

        let mut m = merge(request(1, vec![Statistic::Sum], all));
        let forbidden = MetricDataResult::builder()
            .id("q0")
            .status_code(StatusCode::Forbidden)
            .messages(
                MessageData::builder()
                    .code("Forbidden")
                    .value("not yours")
                    .build(),
            )
            .build();
        let error = m.add(&[forbidden]).expect_err("forbidden");
        assert!(matches!(error, Error::AccessDenied { .. }), "{error:?}");
        assert!(error.to_string().contains("not yours"), "{error}");

        let mut m = merge(request(1, vec![Statistic::Sum], all));
        let uneven = MetricDataResult::builder()
            .id("q0")
            .timestamps(DateTime::from_secs(0))
            .status_code(StatusCode::Complete)
            .build();
        let error = m.add(&[uneven]).expect_err("uneven");
        assert!(
            error.to_string().contains("1 timestamps and 0 values"),
            "{error}"
        );
    }
}
