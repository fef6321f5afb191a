//! `workspaces_metrics`: the personal WorkSpaces' CloudWatch metrics as a table, one row per
//! WorkSpace, metric and period, from `GetMetricData` (namespace `AWS/WorkSpaces`, dimension
//! `WorkspaceId`). The mechanism, the defaults and the sources are [`super::metrics`]'s.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `workspace_id =`, `IN (...)`, OR-chains | the queries' `WorkspaceId` dimension (500 queries a call); without it, every parent is listed first | exact |
//! | `metric_name =`, `IN (...)`, OR-chains | only those metrics' queries; a name not listed below: no call | exact |
//! | `timestamp >`, `>=`, `<`, `<=`, `=`, `BETWEEN` a timestamp (`now() - interval ...` too) | `StartTime` / `EndTime`, whole periods; each period clipped to what CloudWatch keeps of it | exact |
//! | `period_seconds =`, `IN (...)` of 60, 300, 3600, 86400 | `Period`, one call set each; another value: no call, no rows | exact |
//! | no `timestamp` range | the 24 hours before the current hour |  |
//! | no `period_seconds` | the smallest period kept that far back with at most 201 datapoints a query (3600 for a day) |  |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `workspace_id` (this table on the probe side) | the build side's values, as for `workspace_id IN (...)` | exact |
//! | no predicate or join on `workspace_id` | `DescribeWorkspaces` lists the parents first, then the requests of every 500 parents listed |  |
//! | `LIMIT n` (when every filter is exact) | paging stops at n rows |  |
//!
//! The metrics and units, from *Monitor your WorkSpaces using CloudWatch metrics*
//! (<https://docs.aws.amazon.com/workspaces/latest/adminguide/cloudwatch-metrics.html>), where
//! "Percentage" is the model's `Percent`. The health metrics (`Available`, `Unhealthy`,
//! `Stopped`, `Maintenance`) are published every minute, one of them 1; the connection events
//! in the minute they happen; `UserConnected` every minute the instance runs (0 or 1, so its
//! Sum over a period is the minutes a user was connected); the resource metrics while the
//! instance runs; the in-session metrics while a user is connected; the ones the page marks
//! "DCV only" for WorkSpaces streaming with WSP. The page's other dimensions (`DirectoryId`,
//! `BundleId`, ...) and the trusted-device metrics are not read: one row is one WorkSpace's.
//!
//! | metric | unit | metric | unit |
//! |---|---|---|---|
//! | `Available` | Count | `RootVolumeDiskIOQueueLength` | Count |
//! | `Unhealthy` | Count | `UserVolumeDiskIOQueueLength` | Count |
//! | `Stopped` | Count | `MemoryPageHardFaults` | Count/Second |
//! | `Maintenance` | Count | `PagingFileUsage` | Percent |
//! | `ConnectionAttempt` | Count | `UpTime` | Seconds |
//! | `ConnectionSuccess` | Count | `InSessionLatency` | Milliseconds |
//! | `ConnectionFailure` | Count | `UDPPacketLossRate` | Percent |
//! | `SessionLaunchTime` | Seconds | `TCPRetransmissionRate` | Percent |
//! | `SessionDisconnect` | Count | `Bandwidth` | Kilobits/Second |
//! | `UserConnected` | Count | `BandwidthInbound` | Kilobits/Second |
//! | `CPUUsage` | Percent | `CongestionWindow` | Bytes |
//! | `MemoryUsage` | Percent | `ConnectionDuration` | Seconds |
//! | `RootVolumeDiskUsage` | Percent | `FramesPerSecond` | Count/Second |
//! | `UserVolumeDiskUsage` | Percent | `GPUUsage` | Percent |
//! | `CPUQueueLength` | Count | | |

use std::sync::LazyLock;

use crate::scan::{Columns, Parent, Pushable};
use crate::tables::metrics::{self, Datapoint, MetricDef, MetricFamily, MetricsOf, NAMESPACE};
use crate::tables::patterns::is_workspace_id;
use crate::tables::workspaces::Workspaces;

/// `MetricDef { name, unit }`, shorter.
const fn metric(name: &'static str, unit: &'static str) -> MetricDef {
    MetricDef { name, unit }
}

/// The personal WorkSpace metrics, in the page's order.
const METRICS: &[MetricDef] = &[
    metric("Available", "Count"),
    metric("Unhealthy", "Count"),
    metric("Stopped", "Count"),
    metric("Maintenance", "Count"),
    metric("ConnectionAttempt", "Count"),
    metric("ConnectionSuccess", "Count"),
    metric("ConnectionFailure", "Count"),
    metric("SessionLaunchTime", "Seconds"),
    metric("SessionDisconnect", "Count"),
    metric("UserConnected", "Count"),
    metric("CPUUsage", "Percent"),
    metric("MemoryUsage", "Percent"),
    metric("RootVolumeDiskUsage", "Percent"),
    metric("UserVolumeDiskUsage", "Percent"),
    metric("GPUUsage", "Percent"),
    metric("CPUQueueLength", "Count"),
    metric("RootVolumeDiskIOQueueLength", "Count"),
    metric("UserVolumeDiskIOQueueLength", "Count"),
    metric("MemoryPageHardFaults", "Count/Second"),
    metric("PagingFileUsage", "Percent"),
    metric("UpTime", "Seconds"),
    metric("InSessionLatency", "Milliseconds"),
    metric("UDPPacketLossRate", "Percent"),
    metric("TCPRetransmissionRate", "Percent"),
    metric("Bandwidth", "Kilobits/Second"),
    metric("BandwidthInbound", "Kilobits/Second"),
    metric("CongestionWindow", "Bytes"),
    metric("ConnectionDuration", "Seconds"),
    metric("FramesPerSecond", "Count/Second"),
];

/// The personal WorkSpaces' metrics, by `WorkspaceId`.
const FAMILY: MetricFamily = MetricFamily {
    namespace: NAMESPACE,
    dimension: "WorkspaceId",
    id_column: "workspace_id",
    metrics: METRICS,
};

const WORKSPACE_ID: Pushable = Pushable::new(
    "workspace_id",
    is_workspace_id,
    "the queries' `WorkspaceId` dimension (500 queries a call)",
    "ws-abcdefgh1",
);
const METRIC_NAME: Pushable = Pushable::new(
    metrics::METRIC_NAME,
    |name| FAMILY.metric(name).is_some(),
    "only those metrics' queries; a name not listed below: no call",
    "UserConnected",
);

/// The personal WorkSpaces' CloudWatch metrics, a table through [`metrics::MetricsTable`].
#[derive(Debug)]
pub(crate) struct WorkspaceMetrics;

static COLUMNS: LazyLock<Columns<Datapoint>> = LazyLock::new(|| {
    metrics::columns(
        &FAMILY,
        "The personal WorkSpace (the metric's `WorkspaceId` dimension).",
    )
});

impl MetricsOf for WorkspaceMetrics {
    const NAME: &'static str = "workspaces_metrics";
    const ROW: &'static str =
        "one row per personal WorkSpace, metric and period (`timestamp` is the period's start)";
    const FAMILY: &'static MetricFamily = &FAMILY;
    const PUSHABLE: &'static [Pushable] = &[WORKSPACE_ID, METRIC_NAME];
    const JOIN_KEYS: &'static [&'static str] = &["workspace_id"];

    fn columns() -> &'static Columns<Datapoint> {
        &COLUMNS
    }

    fn parent() -> Parent {
        Parent::rows_of::<Workspaces>("workspace_id", "workspace_id")
    }
}
