//! `workspaces_pool_metrics`: the WorkSpaces Pools' CloudWatch metrics as a table, one row per
//! pool, metric and period, from `GetMetricData` (namespace `AWS/WorkSpaces`, dimension
//! `WorkSpaces pool ID`). The mechanism, the defaults and the sources are [`super::metrics`]'s.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `pool_id =`, `IN (...)`, OR-chains | the queries' `WorkSpaces pool ID` dimension (500 queries a call); without it, every parent is listed first | exact |
//! | `metric_name =`, `IN (...)`, OR-chains | only those metrics' queries; a name not listed below: no call | exact |
//! | `timestamp >`, `>=`, `<`, `<=`, `=`, `BETWEEN` a timestamp (`now() - interval ...` too) | `StartTime` / `EndTime`, whole periods; each period clipped to what CloudWatch keeps of it | exact |
//! | `period_seconds =`, `IN (...)` of 60, 300, 3600, 86400 | `Period`, one call set each; another value: no call, no rows | exact |
//! | no `timestamp` range | the 24 hours before the current hour |  |
//! | no `period_seconds` | the smallest period kept that far back with at most 201 datapoints a query (3600 for a day) |  |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `pool_id` (this table on the probe side) | the build side's values, as for `pool_id IN (...)` | exact |
//! | no predicate or join on `pool_id` | `DescribeWorkspacesPools` lists the parents first, then the requests of every 500 parents listed |  |
//! | `LIMIT n` (when every filter is exact) | paging stops at n rows |  |
//!
//! The metrics, units and statistics, from *WorkSpaces Pools metrics and dimensions*
//! (<https://docs.aws.amazon.com/workspaces/latest/adminguide/monitoring-with-cloudwatch.html>);
//! published every minute while a pool is in service (`RUNNING`, `UPDATING`, `STOPPING`,
//! `DELETING`). The page documents Average, Minimum and Maximum (and Sum for
//! `InsufficientCapacityError`); CloudWatch computes every statistic for every metric, so every
//! column is filled.
//!
//! | metric | unit | what it counts |
//! |---|---|---|
//! | `ActiveUserSessionCapacity` | Count | sessions in use |
//! | `ActualUserSessionCapacity` | Count | sessions provisioned and available or in use |
//! | `AvailableUserSessionCapacity` | Count | sessions idle and ready |
//! | `PendingUserSessionCapacity` | Count | sessions being provisioned |
//! | `UserSessionsCapacityUtilization` | Percent | active sessions as a share of actual capacity |
//! | `DesiredUserSessionCapacity` | Count | sessions the pool asks for |
//! | `InsufficientCapacityError` | Count | session requests rejected for lack of capacity (Sum: how many) |

use std::sync::LazyLock;

use crate::scan::{Columns, Parent, Pushable};
use crate::tables::metrics::{self, Datapoint, MetricDef, MetricFamily, MetricsOf, NAMESPACE};
use crate::tables::patterns::is_pool_id;
use crate::tables::pools::Pools;

/// The pool metrics, in the page's order.
const METRICS: &[MetricDef] = &[
    MetricDef {
        name: "ActiveUserSessionCapacity",
        unit: "Count",
    },
    MetricDef {
        name: "ActualUserSessionCapacity",
        unit: "Count",
    },
    MetricDef {
        name: "AvailableUserSessionCapacity",
        unit: "Count",
    },
    MetricDef {
        name: "PendingUserSessionCapacity",
        unit: "Count",
    },
    MetricDef {
        name: "UserSessionsCapacityUtilization",
        unit: "Percent",
    },
    MetricDef {
        name: "DesiredUserSessionCapacity",
        unit: "Count",
    },
    MetricDef {
        name: "InsufficientCapacityError",
        unit: "Count",
    },
];

/// The pools' metrics, by `WorkSpaces pool ID`.
const FAMILY: MetricFamily = MetricFamily {
    namespace: NAMESPACE,
    dimension: "WorkSpaces pool ID",
    id_column: "pool_id",
    metrics: METRICS,
};

const POOL_ID: Pushable = Pushable::new(
    "pool_id",
    is_pool_id,
    "the queries' `WorkSpaces pool ID` dimension (500 queries a call)",
    "wspool-abc123xyz",
);
const METRIC_NAME: Pushable = Pushable::new(
    metrics::METRIC_NAME,
    |name| FAMILY.metric(name).is_some(),
    "only those metrics' queries; a name not listed below: no call",
    "InsufficientCapacityError",
);

/// The pools' CloudWatch metrics, a table through [`metrics::MetricsTable`].
#[derive(Debug)]
pub(crate) struct PoolMetrics;

static COLUMNS: LazyLock<Columns<Datapoint>> = LazyLock::new(|| {
    metrics::columns(
        &FAMILY,
        "The pool (the metric's `WorkSpaces pool ID` dimension).",
    )
});

impl MetricsOf for PoolMetrics {
    const NAME: &'static str = "workspaces_pool_metrics";
    const ROW: &'static str =
        "one row per pool, metric and period (`timestamp` is the period's start)";
    const FAMILY: &'static MetricFamily = &FAMILY;
    const PUSHABLE: &'static [Pushable] = &[POOL_ID, METRIC_NAME];
    const JOIN_KEYS: &'static [&'static str] = &["pool_id"];

    fn columns() -> &'static Columns<Datapoint> {
        &COLUMNS
    }

    fn parent() -> Parent {
        Parent::rows_of::<Pools>("pool_id", "pool_id")
    }
}
