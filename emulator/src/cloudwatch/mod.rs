//! CloudWatch `GetMetricData` and `ListMetrics` over the CloudWatch metrics of the fleet's
//! WorkSpaces Pools and personal WorkSpaces.
//!
//! No published emulator serves these metrics, so this module is the ground truth the
//! `workspaces_pool_metrics` and `workspaces_metrics` tables are tested against. It follows the
//! CloudWatch model (`cloudwatch-2010-08-01.json`, botocore 1.44.8: the shapes and the
//! documentation of both operations, see `get_metric_data.rs` and `list_metrics.rs`) and AWS's
//! pages on the metrics:
//!
//! - *WorkSpaces Pools metrics and dimensions*,
//!   <https://docs.aws.amazon.com/workspaces/latest/adminguide/monitoring-with-cloudwatch.html>
//! - *Monitor your WorkSpaces using CloudWatch metrics*,
//!   <https://docs.aws.amazon.com/workspaces/latest/adminguide/cloudwatch-metrics.html>
//! - *Auto scaling for WorkSpaces Pools*,
//!   <https://docs.aws.amazon.com/workspaces/latest/adminguide/autoscaling.html>
//!
//! # Namespace and pool dimension: `AWS/WorkSpaces`, `WorkSpaces pool ID`
//!
//! The pools page says "The `AWS/Workspaces` namespace", the personal page "The
//! `AWS/WorkSpaces` namespace"; namespaces are case-sensitive. The pools page lists no
//! dimension. The evidence beyond the two pages:
//!
//! - AWS's own *Auto scaling for WorkSpaces Pools* page alarms on the pool metrics
//!   (`AvailableUserSessionCapacity`, `InsufficientCapacityError`,
//!   `UserSessionsCapacityUtilization`) with `--namespace AWS/WorkSpaces` in all three of its
//!   `put-metric-alarm` examples; the first uses `--dimensions "Name=WorkSpaces pool
//!   ID,Value=PoolId"`, the other two `Name=Pool`.
//! - `bengroeneveldsg/aws-workspaces-euc-mcp` (an MCP server for WorkSpaces administration,
//!   `workspaces_euc_mcp_server/consts.py` and `tools/performance.py`) reads the pool session
//!   metrics from `AWS/WorkSpaces` with the dimension `WorkSpaces pool ID`, noting: "the
//!   dimension name is literally "WorkSpaces pool ID" (with spaces), not PoolId — verified
//!   against a live account".
//! - The Terraform module `shadbury/terraform-aws-workspaces-pooled` (`cloudwatch_alarms.tf`,
//!   registry `shadbury/workspaces-pooled/aws`) alarms on `UserSessionsCapacityUtilization` /
//!   `AvailableUserSessionCapacity` with `namespace = "AWS/WorkSpaces"` and
//!   `dimensions = { "WorkSpaces pool ID" = ... }`.
//! - Grafana's CloudWatch metric catalogue (`grafana/grafana-aws-sdk`,
//!   `pkg/cloudWatchConsts/metrics.go`, since PR #441 "Added WorkSpaces and WorkSpaces
//!   Applications metrics") lists the pool metrics under `AWS/WorkSpaces` and has no
//!   `AWS/Workspaces` namespace at all.
//! - The AWS CDK's generated `WorkSpacesMetrics` (aws-cdk-lib, `aws-workspaces`) and every
//!   personal-metrics consumer found use `AWS/WorkSpaces`.
//!
//! Nothing found uses `AWS/Workspaces` except the pools page itself (and its translations).
//! So both kinds of metrics are served under `AWS/WorkSpaces` only, pools by `WorkSpaces pool
//! ID` only (the live-verified name; `Pool` appears only in two examples of one page, beside the
//! other name); a query under `AWS/Workspaces` or by `Pool` answers no datapoints, as
//! CloudWatch answers for a namespace or dimension with no data.
//!
//! # Metrics served
//!
//! Pools (pools page; dimension `WorkSpaces pool ID`; published every minute while the pool is
//! `RUNNING`, `UPDATING`, `STOPPING` or `DELETING`, none for `STOPPED`, `STARTING`, `CREATING`):
//!
//! | metric | unit | documented statistics |
//! |---|---|---|
//! | `ActiveUserSessionCapacity` | Count | Average, Minimum, Maximum |
//! | `ActualUserSessionCapacity` | Count | Average, Minimum, Maximum |
//! | `AvailableUserSessionCapacity` | Count | Average, Minimum, Maximum |
//! | `PendingUserSessionCapacity` | Count | Average, Minimum, Maximum |
//! | `UserSessionsCapacityUtilization` | Percent | Average, Minimum, Maximum |
//! | `DesiredUserSessionCapacity` | Count | Average, Minimum, Maximum |
//! | `InsufficientCapacityError` | Count | Average, Minimum, Maximum, Sum |
//!
//! Personal WorkSpaces (personal page; dimensions `WorkspaceId`, and `DirectoryId` for the
//! directory's WorkSpaces together; the page's other dimensions — `RunningMode`, `Protocol`,
//! `ComputeType`, `BundleId`, `UserName`, `ComputerName` — and the trusted-device metrics are
//! not served). "Percentage" on the page is the model's unit `Percent`.
//!
//! | metric | unit | documented statistics | samples |
//! |---|---|---|---|
//! | `Available`, `Unhealthy`, `Stopped`, `Maintenance` | Count | Average, Sum, Maximum, Minimum, Data Samples | every minute since creation; exactly one is 1 |
//! | `ConnectionAttempt`, `ConnectionSuccess`, `ConnectionFailure` | Count | Average, Sum, Maximum, Minimum, Data Samples | the minute a user connects |
//! | `SessionLaunchTime` | Seconds | Average, Maximum, Minimum, Data Samples | the minute a user connects |
//! | `SessionDisconnect` | Count | Average, Sum, Maximum, Minimum, Data Samples | the minute a user disconnects |
//! | `UserConnected` | Count | Average, Sum, Maximum, Minimum, Data Samples | every running minute (0 or 1); never for a never-connected WorkSpace |
//! | `CPUUsage`, `MemoryUsage`, `RootVolumeDiskUsage`, `UserVolumeDiskUsage`, `PagingFileUsage` | Percent | Average, Maximum, Minimum | every running minute |
//! | `GPUUsage` | Percent | Average, Maximum, Minimum | every running minute, graphics compute types only |
//! | `CPUQueueLength`, `RootVolumeDiskIOQueueLength`, `UserVolumeDiskIOQueueLength` | Count | Average, Maximum, Minimum | every running minute |
//! | `MemoryPageHardFaults` | Count/Second | Average, Maximum, Minimum | every running minute |
//! | `UpTime` | Seconds | Average, Maximum, Minimum, Data Samples | every running minute |
//! | `InSessionLatency` | Milliseconds | Average, Maximum, Minimum, Data Samples | every connected minute |
//! | `UDPPacketLossRate` | Percent | Average, Maximum, Minimum, Data Samples | every connected minute |
//! | `TCPRetransmissionRate` | Percent | Average, Maximum, Minimum, Data Samples | every connected minute, WSP (DCV) only |
//! | `Bandwidth`, `BandwidthInbound` | Kilobits/Second | Average, Maximum, Minimum, Data Samples | every connected minute, WSP only |
//! | `CongestionWindow` | Bytes | Average, Maximum, Minimum, Data Samples | every connected minute, WSP only |
//! | `ConnectionDuration` | Seconds | Average, Maximum, Minimum, Data Samples | every connected minute, WSP only |
//! | `FramesPerSecond` | Count/Second | Average, Maximum, Minimum | every connected minute, WSP only |
//!
//! A WorkSpace that is `STOPPED` now reports `Stopped` = 1 since its stop and nothing that
//! needs a running instance; an `AUTO_STOP` WorkSpace likewise between its auto-stop (the
//! property's timeout after the user leaves) and the next connection. `PENDING`, `ERROR` and
//! `TERMINATED` WorkSpaces have no metrics. Who uses what when is `usage.rs`'s; `series.rs`
//! turns it into samples.
//!
//! # Entry points
//!
//! [`get_metric_data`] and [`list_metrics`] take the request in the awsJson form (epoch-second
//! timestamps, PascalCase members) after the protocol layer has checked it against the model's
//! types and bounds; they check the rules the types cannot express and answer in the same form,
//! or with an [`ApiError`](crate::api_error::ApiError) whose code is CloudWatch's awsQuery code
//! (`errors.rs`; the protocol layer writes the model's shape in `__type` and the code in
//! `x-amzn-query-error`). `operations.rs` routes a call to them with the caller's fleet, the
//! region of its SigV4 scope and the clock's now.

mod catalog;
mod errors;
mod get_metric_data;
mod list_metrics;
mod series;
mod stats;

pub(crate) use get_metric_data::get_metric_data;
pub(crate) use list_metrics::list_metrics;

#[cfg(test)]
mod tests;
