//! `DescribeWorkspaceSnapshots`: the snapshots one personal WorkSpace can be rebuilt (user
//! volume) or restored (root and user volumes) from; not paged.
//!
//! The service snapshots a WorkSpace every 12 hours while it exists. Here each WorkSpace keeps
//! the last few of its own 12-hour cycle (its phase from its id): none for some, up to three
//! rebuild and two restore snapshots for others. A WorkSpace with no history (`PENDING`,
//! `ERROR`, `TERMINATED`) has none; a stopped one none since its stop; none predates its
//! creation. The latest is the last of the cycle before the connection-state check
//! ([`last_check`]). An unknown WorkSpace is a `ResourceNotFoundException`.

use serde::Serialize;

use super::api_error::ApiError;
use super::connection_status::last_check;
use super::operations::{Call, Structure};
use super::request::Members;
use super::shapes::Workspace;
use super::usage::{Dice, WorkspaceUsage};

/// Seconds between two snapshots of a WorkSpace.
const SNAPSHOT_INTERVAL_SECONDS: i64 = 12 * 3600;
/// Rebuild snapshots a WorkSpace keeps at most.
const MAX_REBUILD: u64 = 3;
/// Restore snapshots a WorkSpace keeps at most.
const MAX_RESTORE: u64 = 2;
const SALT_PHASE: u64 = 0x5A9_0001;
const SALT_KEPT: u64 = 0x5A9_0002;

/// A `Snapshot`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Snapshot {
    /// When it was taken, epoch seconds.
    pub snapshot_time: i64,
}

/// The snapshots of one WorkSpace, newest first in each list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WorkspaceSnapshots {
    /// `RebuildSnapshots`: of the user volume.
    pub rebuild_snapshots: Vec<Snapshot>,
    /// `RestoreSnapshots`: of the root and user volumes.
    pub restore_snapshots: Vec<Snapshot>,
}

/// The snapshots of `workspace` in `region` as the service answers at `now` (epoch seconds).
pub fn snapshots_of(workspace: &Workspace, region: &str, now: i64) -> WorkspaceSnapshots {
    let usage = WorkspaceUsage::of(workspace, region);
    let Some(created) = usage.created().map(|minute| minute * 60) else {
        return WorkspaceSnapshots::default();
    };
    let until = usage
        .stopped_since()
        .map_or(last_check(now), |stop| (stop * 60).min(last_check(now)));
    let id = workspace.workspace_id.as_str();
    let phase = Dice::of(id, SALT_PHASE).below(SNAPSHOT_INTERVAL_SECONDS as u64) as i64;
    let latest = until - (until - phase).rem_euclid(SNAPSHOT_INTERVAL_SECONDS);
    let kept = Dice::of(id, SALT_KEPT);
    let times = |count: u64| -> Vec<Snapshot> {
        (0..count as i64)
            .map(|i| latest - i * SNAPSHOT_INTERVAL_SECONDS)
            .filter(|&time| time >= created)
            .map(|snapshot_time| Snapshot { snapshot_time })
            .collect()
    };
    WorkspaceSnapshots {
        rebuild_snapshots: times(kept.below(MAX_REBUILD + 1)),
        restore_snapshots: times(kept.at(1).below(MAX_RESTORE + 1)),
    }
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let workspace_id = request.string("WorkspaceId")?.unwrap_or_default();
    let workspace = call
        .records()
        .workspaces
        .iter()
        .find(|w| w.workspace_id == workspace_id)
        .ok_or_else(|| ApiError::not_found("WorkSpace", workspace_id))?;
    Ok(Structure::new(snapshots_of(
        workspace,
        call.region,
        call.now,
    )))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::Fleet;
    use crate::operations::answer;
    use crate::usage::tests::workspaces_fleet;

    /// 2026-07-01T12:20:00Z.
    const NOW: i64 = 1_782_908_400;

    fn call(fleet: &Fleet, body: Value) -> Result<Value, ApiError> {
        let call = Call {
            now: NOW,
            ..Call::new("us-east-1", "DescribeWorkspaceSnapshots", &body, fleet)
        };
        answer(&call)
    }

    #[test]
    fn snapshots_are_twelve_hours_apart_and_follow_the_workspaces_history() {
        let fleet = workspaces_fleet();
        let (mut none, mut several) = (0, 0);
        for region in fleet.regions() {
            for workspace in fleet.workspaces(region) {
                let snapshots = snapshots_of(workspace, region, NOW);
                let usage = WorkspaceUsage::of(workspace, region);
                for list in [&snapshots.rebuild_snapshots, &snapshots.restore_snapshots] {
                    for pair in list.windows(2) {
                        assert_eq!(
                            pair[0].snapshot_time - pair[1].snapshot_time,
                            SNAPSHOT_INTERVAL_SECONDS
                        );
                    }
                    for snapshot in list {
                        assert!(snapshot.snapshot_time <= last_check(NOW));
                        assert!(
                            NOW - snapshot.snapshot_time < 2 * 86_400
                                || usage.stopped_since().is_some()
                        );
                        if let Some(stop) = usage.stopped_since() {
                            assert!(snapshot.snapshot_time <= stop * 60);
                        }
                    }
                }
                let count = snapshots.rebuild_snapshots.len() + snapshots.restore_snapshots.len();
                if usage.created().is_none() {
                    assert_eq!(count, 0, "{workspace:?}");
                }
                match count {
                    0 => none += 1,
                    n if n >= 3 => several += 1,
                    _ => {}
                }
                assert_eq!(snapshots, snapshots_of(workspace, region, NOW + 30 * 60));
            }
        }
        assert!(
            none >= 3 && several >= 3,
            "{none} without, {several} with several"
        );
    }

    #[test]
    fn answers_one_workspace_or_not_found() {
        let fleet = Fleet::seeded(4, &["us-east-1"], 100);
        let workspace = fleet
            .workspaces("us-east-1")
            .iter()
            .find(|w| {
                !snapshots_of(w, "us-east-1", NOW)
                    .rebuild_snapshots
                    .is_empty()
            })
            .expect("a WorkSpace with snapshots");
        let answer = call(&fleet, json!({"WorkspaceId": workspace.workspace_id})).expect("ok");
        let expected = snapshots_of(workspace, "us-east-1", NOW);
        assert_eq!(
            answer["RebuildSnapshots"][0]["SnapshotTime"],
            json!(expected.rebuild_snapshots[0].snapshot_time)
        );
        assert_eq!(
            answer["RestoreSnapshots"].as_array().map(Vec::len),
            Some(expected.restore_snapshots.len())
        );
        let err = call(&fleet, json!({"WorkspaceId": "ws-zzzzzzzzz"})).expect_err("unknown");
        assert_eq!(err.code, "ResourceNotFoundException");
        for body in [json!({}), json!({"WorkspaceId": "ws-1"})] {
            let err = call(&fleet, body.clone()).expect_err(&body.to_string());
            assert_eq!(err.code, "ValidationException", "{body}");
        }
    }
}
