//! The metrics the emulator publishes: name, unit, dimension, and when each has a sample.
//!
//! Names, units and the documented statistics are AWS's (see the module doc of
//! `cloudwatch/mod.rs` for the pages); where a page writes a unit that is not one of the model's
//! `StandardUnit` values ("Percentage"), the model's spelling is used ("Percent"), since that is
//! the only one a `Unit` filter can name.

/// The namespace both kinds of metrics are published under (see the module doc for why not
/// `AWS/Workspaces`).
pub(crate) const NAMESPACE: &str = "AWS/WorkSpaces";
/// The dimension of the pool metrics.
pub(crate) const POOL_DIMENSION: &str = "WorkSpaces pool ID";
/// The dimension of one personal WorkSpace's metrics.
pub(crate) const WORKSPACE_DIMENSION: &str = "WorkspaceId";
/// The dimension of a directory's personal WorkSpaces together.
pub(crate) const DIRECTORY_DIMENSION: &str = "DirectoryId";

/// Whose metric it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// A WorkSpaces Pool's, by [`POOL_DIMENSION`].
    Pool,
    /// A personal WorkSpace's, by [`WORKSPACE_DIMENSION`] or [`DIRECTORY_DIMENSION`].
    Workspace,
}

/// What must hold at a minute for a personal WorkSpace's metric to have a sample then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Requires {
    /// The WorkSpace exists (health: reported every minute, stopped or not).
    Exists,
    /// Its instance runs (resource metrics from its agent).
    Running,
    /// Its instance runs and its user has ever connected (`UserConnected`, 0 or 1).
    RunningAndUsed,
    /// A user is connected (in-session metrics).
    Connected,
    /// A user connects in this minute (connection events).
    SessionStart,
    /// A user disconnects in this minute.
    SessionEnd,
}

/// Which WorkSpaces publish a metric at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Publishers {
    /// Every one.
    All,
    /// Those with a graphics compute type (`GPUUsage`).
    Graphics,
    /// Those streaming with WSP (DCV): the page's footnote 4, "Available only on DCV".
    Wsp,
}

/// Every metric, to match on when computing samples: the variants are the metric names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum MetricId {
    ActiveUserSessionCapacity,
    ActualUserSessionCapacity,
    AvailableUserSessionCapacity,
    PendingUserSessionCapacity,
    UserSessionsCapacityUtilization,
    DesiredUserSessionCapacity,
    InsufficientCapacityError,
    Available,
    Unhealthy,
    Stopped,
    Maintenance,
    ConnectionAttempt,
    ConnectionSuccess,
    ConnectionFailure,
    SessionLaunchTime,
    SessionDisconnect,
    UserConnected,
    CpuUsage,
    MemoryUsage,
    RootVolumeDiskUsage,
    UserVolumeDiskUsage,
    GpuUsage,
    CpuQueueLength,
    RootVolumeDiskIoQueueLength,
    UserVolumeDiskIoQueueLength,
    MemoryPageHardFaults,
    PagingFileUsage,
    UpTime,
    InSessionLatency,
    UdpPacketLossRate,
    TcpRetransmissionRate,
    Bandwidth,
    BandwidthInbound,
    CongestionWindow,
    ConnectionDuration,
    FramesPerSecond,
}

/// One metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct MetricSpec {
    /// What it is.
    pub(crate) id: MetricId,
    /// `MetricName`.
    pub(crate) name: &'static str,
    /// The unit it is published with (a model `StandardUnit`).
    pub(crate) unit: &'static str,
    /// Whose it is.
    pub(crate) family: Family,
    /// When a WorkSpace metric has a sample (pool metrics: every minute the pool is in service).
    pub(crate) requires: Requires,
    /// Which WorkSpaces publish it.
    pub(crate) publishers: Publishers,
    /// The statistics AWS's page lists as valid or available for it.
    pub(crate) documented_statistics: &'static str,
}

const POOL_STATS: &str = "Average, Minimum, Maximum";
const ALL_STATS: &str = "Average, Sum, Maximum, Minimum, Data Samples";
const GAUGE_STATS: &str = "Average, Maximum, Minimum";
const GAUGE_SAMPLE_STATS: &str = "Average, Maximum, Minimum, Data Samples";

const fn pool(id: MetricId, name: &'static str, unit: &'static str) -> MetricSpec {
    MetricSpec {
        id,
        name,
        unit,
        family: Family::Pool,
        requires: Requires::Exists,
        publishers: Publishers::All,
        documented_statistics: POOL_STATS,
    }
}

const fn workspace(
    id: MetricId,
    name: &'static str,
    unit: &'static str,
    requires: Requires,
    publishers: Publishers,
    documented_statistics: &'static str,
) -> MetricSpec {
    MetricSpec {
        id,
        name,
        unit,
        family: Family::Workspace,
        requires,
        publishers,
        documented_statistics,
    }
}

/// The pool metrics, in the page's order.
pub(crate) const POOL_METRICS: &[MetricSpec] = &[
    pool(
        MetricId::ActiveUserSessionCapacity,
        "ActiveUserSessionCapacity",
        "Count",
    ),
    pool(
        MetricId::ActualUserSessionCapacity,
        "ActualUserSessionCapacity",
        "Count",
    ),
    pool(
        MetricId::AvailableUserSessionCapacity,
        "AvailableUserSessionCapacity",
        "Count",
    ),
    pool(
        MetricId::PendingUserSessionCapacity,
        "PendingUserSessionCapacity",
        "Count",
    ),
    pool(
        MetricId::UserSessionsCapacityUtilization,
        "UserSessionsCapacityUtilization",
        "Percent",
    ),
    pool(
        MetricId::DesiredUserSessionCapacity,
        "DesiredUserSessionCapacity",
        "Count",
    ),
    MetricSpec {
        documented_statistics: "Average, Minimum, Maximum, Sum",
        ..pool(
            MetricId::InsufficientCapacityError,
            "InsufficientCapacityError",
            "Count",
        )
    },
];

/// The personal WorkSpace metrics served, in the page's order (the trusted-device metrics,
/// published per directory or certificate only when that feature is on, are not).
pub(crate) const WORKSPACE_METRICS: &[MetricSpec] = {
    use MetricId as M;
    use Publishers::{All, Graphics, Wsp};
    use Requires::{Connected, Exists, Running, RunningAndUsed, SessionEnd, SessionStart};
    &[
        workspace(M::Available, "Available", "Count", Exists, All, ALL_STATS),
        workspace(M::Unhealthy, "Unhealthy", "Count", Exists, All, ALL_STATS),
        workspace(M::Stopped, "Stopped", "Count", Exists, All, ALL_STATS),
        workspace(
            M::Maintenance,
            "Maintenance",
            "Count",
            Exists,
            All,
            ALL_STATS,
        ),
        workspace(
            M::ConnectionAttempt,
            "ConnectionAttempt",
            "Count",
            SessionStart,
            All,
            ALL_STATS,
        ),
        workspace(
            M::ConnectionSuccess,
            "ConnectionSuccess",
            "Count",
            SessionStart,
            All,
            ALL_STATS,
        ),
        workspace(
            M::ConnectionFailure,
            "ConnectionFailure",
            "Count",
            SessionStart,
            All,
            ALL_STATS,
        ),
        workspace(
            M::SessionLaunchTime,
            "SessionLaunchTime",
            "Seconds",
            SessionStart,
            All,
            GAUGE_SAMPLE_STATS,
        ),
        workspace(
            M::SessionDisconnect,
            "SessionDisconnect",
            "Count",
            SessionEnd,
            All,
            ALL_STATS,
        ),
        workspace(
            M::UserConnected,
            "UserConnected",
            "Count",
            RunningAndUsed,
            All,
            ALL_STATS,
        ),
        workspace(
            M::CpuUsage,
            "CPUUsage",
            "Percent",
            Running,
            All,
            GAUGE_STATS,
        ),
        workspace(
            M::MemoryUsage,
            "MemoryUsage",
            "Percent",
            Running,
            All,
            GAUGE_STATS,
        ),
        workspace(
            M::RootVolumeDiskUsage,
            "RootVolumeDiskUsage",
            "Percent",
            Running,
            All,
            GAUGE_STATS,
        ),
        workspace(
            M::UserVolumeDiskUsage,
            "UserVolumeDiskUsage",
            "Percent",
            Running,
            All,
            GAUGE_STATS,
        ),
        workspace(
            M::GpuUsage,
            "GPUUsage",
            "Percent",
            Running,
            Graphics,
            GAUGE_STATS,
        ),
        workspace(
            M::CpuQueueLength,
            "CPUQueueLength",
            "Count",
            Running,
            All,
            GAUGE_STATS,
        ),
        workspace(
            M::RootVolumeDiskIoQueueLength,
            "RootVolumeDiskIOQueueLength",
            "Count",
            Running,
            All,
            GAUGE_STATS,
        ),
        workspace(
            M::UserVolumeDiskIoQueueLength,
            "UserVolumeDiskIOQueueLength",
            "Count",
            Running,
            All,
            GAUGE_STATS,
        ),
        workspace(
            M::MemoryPageHardFaults,
            "MemoryPageHardFaults",
            "Count/Second",
            Running,
            All,
            GAUGE_STATS,
        ),
        workspace(
            M::PagingFileUsage,
            "PagingFileUsage",
            "Percent",
            Running,
            All,
            GAUGE_STATS,
        ),
        workspace(
            M::UpTime,
            "UpTime",
            "Seconds",
            Running,
            All,
            GAUGE_SAMPLE_STATS,
        ),
        workspace(
            M::InSessionLatency,
            "InSessionLatency",
            "Milliseconds",
            Connected,
            All,
            GAUGE_SAMPLE_STATS,
        ),
        workspace(
            M::UdpPacketLossRate,
            "UDPPacketLossRate",
            "Percent",
            Connected,
            All,
            GAUGE_SAMPLE_STATS,
        ),
        workspace(
            M::TcpRetransmissionRate,
            "TCPRetransmissionRate",
            "Percent",
            Connected,
            Wsp,
            GAUGE_SAMPLE_STATS,
        ),
        workspace(
            M::Bandwidth,
            "Bandwidth",
            "Kilobits/Second",
            Connected,
            Wsp,
            GAUGE_SAMPLE_STATS,
        ),
        workspace(
            M::BandwidthInbound,
            "BandwidthInbound",
            "Kilobits/Second",
            Connected,
            Wsp,
            GAUGE_SAMPLE_STATS,
        ),
        workspace(
            M::CongestionWindow,
            "CongestionWindow",
            "Bytes",
            Connected,
            Wsp,
            GAUGE_SAMPLE_STATS,
        ),
        workspace(
            M::ConnectionDuration,
            "ConnectionDuration",
            "Seconds",
            Connected,
            Wsp,
            GAUGE_SAMPLE_STATS,
        ),
        workspace(
            M::FramesPerSecond,
            "FramesPerSecond",
            "Count/Second",
            Connected,
            Wsp,
            GAUGE_STATS,
        ),
    ]
};

/// The metric of a family with this name.
pub(crate) fn metric(family: Family, name: &str) -> Option<&'static MetricSpec> {
    let metrics = match family {
        Family::Pool => POOL_METRICS,
        Family::Workspace => WORKSPACE_METRICS,
    };
    metrics.iter().find(|m| m.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_units_are_model_units() {
        // The model's StandardUnit enum, as of botocore 1.44.8.
        const STANDARD_UNITS: &[&str] = &[
            "Seconds",
            "Microseconds",
            "Milliseconds",
            "Bytes",
            "Kilobytes",
            "Megabytes",
            "Gigabytes",
            "Terabytes",
            "Bits",
            "Kilobits",
            "Megabits",
            "Gigabits",
            "Terabits",
            "Percent",
            "Count",
            "Bytes/Second",
            "Kilobytes/Second",
            "Megabytes/Second",
            "Gigabytes/Second",
            "Terabytes/Second",
            "Bits/Second",
            "Kilobits/Second",
            "Megabits/Second",
            "Gigabits/Second",
            "Terabits/Second",
            "Count/Second",
            "None",
        ];
        let all: Vec<&MetricSpec> = POOL_METRICS.iter().chain(WORKSPACE_METRICS).collect();
        for (i, m) in all.iter().enumerate() {
            assert!(STANDARD_UNITS.contains(&m.unit), "{}: {}", m.name, m.unit);
            assert!(
                all[i + 1..]
                    .iter()
                    .all(|o| o.name != m.name && o.id != m.id),
                "{} twice",
                m.name
            );
        }
        assert_eq!(POOL_METRICS.len(), 7);
        assert_eq!(WORKSPACE_METRICS.len(), 29);
        assert_eq!(
            metric(Family::Pool, "InsufficientCapacityError").map(|m| m.unit),
            Some("Count")
        );
        assert!(metric(Family::Workspace, "ActiveUserSessionCapacity").is_none());
    }
}
