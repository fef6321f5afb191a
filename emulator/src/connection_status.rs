//! `DescribeWorkspacesConnectionStatus`: whether a user is connected to each personal WorkSpace
//! now, and when one last was, read from the WorkSpace's use over time (`usage.rs`), so that the
//! answer agrees with the WorkSpace's state, its profile and its CloudWatch metrics.
//!
//! The service checks the connection state now and then; here every WorkSpace is checked on
//! the hour ([`last_check`]) before the call's moment, which the server fixes at its start
//! (`Emulator::now`), so that answers do not change while it runs:
//!
//! | WorkSpace | `ConnectionState` | `ConnectionStateCheckTimestamp` | `LastKnownUserConnectionTimestamp` |
//! |---|---|---|---|
//! | `PENDING`, `ERROR`, `TERMINATED` (no history) | `UNKNOWN` | absent | absent |
//! | `STOPPED`, `SUSPENDED` | `UNKNOWN` (the model: "unknown if the WorkSpace is stopped") | its stop | the last session before it |
//! | running, a session at the check | `CONNECTED` | the check | that session's start |
//! | running, no session at the check | `DISCONNECTED` | the check | the last session's start, absent if the user never connected |
//! | `AUTO_STOP` and stopped at the check, or rebooting and the like | `UNKNOWN` | the check | as above |
//!
//! So daily users connected within days, occasional ones within weeks, stale ones months ago,
//! and never-connected ones not at all. Without `WorkspaceIds` every WorkSpace of the region is
//! answered, 25 a page; ids of WorkSpaces that do not exist are left out.

use serde::Serialize;

use super::api_error::ApiError;
use super::operations::{Call, Structure};
use super::request::Members;
use super::shapes::Workspace;
use super::usage::{LocalTime, WorkspaceUsage};

/// The service's page size; the operation has no page-size member.
const PAGE_SIZE: usize = 25;
/// How often the connection state is checked, in seconds.
pub const CHECK_INTERVAL_SECONDS: i64 = 3600;

/// `ConnectionState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConnectionState {
    /// A user is connected.
    Connected,
    /// The WorkSpace runs and nobody is connected.
    Disconnected,
    /// The WorkSpace does not run (stopped, rebooting) or was never built.
    Unknown,
}

/// A `WorkspaceConnectionStatus`, timestamps in epoch seconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct WorkspaceConnectionStatus {
    /// The WorkSpace.
    pub workspace_id: String,
    /// Whether a user is connected at the check.
    pub connection_state: ConnectionState,
    /// When the state was checked; absent for a WorkSpace with no history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub connection_state_check_timestamp: Option<i64>,
    /// When a user last connected; absent when none ever did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_known_user_connection_timestamp: Option<i64>,
}

/// The last connection-state check at or before `now` (epoch seconds): the hour's start.
pub fn last_check(now: i64) -> i64 {
    now - now.rem_euclid(CHECK_INTERVAL_SECONDS)
}

/// The connection status of `workspace`, whose user lives in `region`'s time zone, as the
/// service answers at `now` (epoch seconds).
pub fn connection_status(
    workspace: &Workspace,
    region: &str,
    now: i64,
) -> WorkspaceConnectionStatus {
    let checked = last_check(now);
    let usage = WorkspaceUsage::of(workspace, region);
    let status = |state, checked_at: Option<i64>, last: Option<i64>| WorkspaceConnectionStatus {
        workspace_id: workspace.workspace_id.clone(),
        connection_state: state,
        connection_state_check_timestamp: checked_at,
        last_known_user_connection_timestamp: last,
    };
    if usage.created().is_none() {
        return status(ConnectionState::Unknown, None, None);
    }
    // A session that starts in the checked minute counts as known at the check.
    let last = usage.last_user_connection(checked + 1);
    if let Some(stopped) = usage.stopped_since() {
        let checked_at = (stopped * 60).min(checked);
        return status(ConnectionState::Unknown, Some(checked_at), last);
    }
    let state = workspace.state.as_deref().unwrap_or("AVAILABLE");
    if !matches!(state, "AVAILABLE" | "IMPAIRED" | "UNHEALTHY") {
        return status(ConnectionState::Unknown, Some(checked), last);
    }
    let minute = checked.div_euclid(60);
    let plan = usage.day(LocalTime::of(minute, usage.offset_minutes()).day);
    let at_check = |(from, to): (i64, i64)| from <= minute && minute < to;
    let state = if plan.sessions.iter().any(|s| at_check((s.start, s.end))) {
        ConnectionState::Connected
    } else if plan.running.iter().any(|&interval| at_check(interval)) {
        ConnectionState::Disconnected
    } else {
        ConnectionState::Unknown
    };
    status(state, Some(checked), last)
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output {
    workspaces_connection_status: Vec<WorkspaceConnectionStatus>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let ids = request.strings("WorkspaceIds")?;
    let next_token = request.string("NextToken")?;
    let pager = call.pager(next_token)?;
    let (workspaces, next_token) = pager.page(&call.records().workspaces, PAGE_SIZE, |w| {
        ids.as_ref()
            .is_none_or(|ids| ids.contains(&w.workspace_id.as_str()))
    });
    let statuses = workspaces
        .into_iter()
        .map(|w| connection_status(w, call.region, call.now))
        .collect();
    Ok(Structure::new(Output {
        workspaces_connection_status: statuses,
        next_token,
    }))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use serde_json::{Value, json};

    use super::*;
    use crate::Fleet;
    use crate::operations::answer;
    use crate::usage::WorkspaceProfile;
    use crate::usage::tests::workspaces_fleet;

    /// 2026-07-01T12:20:00Z: twenty minutes after the seeded fleet's "now".
    const NOW: i64 = 1_782_908_400;
    const DAY: i64 = 86_400;

    fn call(fleet: &Fleet, body: Value) -> Result<Value, ApiError> {
        let call = Call {
            now: NOW,
            ..Call::new(
                "us-east-1",
                "DescribeWorkspacesConnectionStatus",
                &body,
                fleet,
            )
        };
        answer(&call)
    }

    #[test]
    fn statuses_follow_the_workspaces_state_and_profile() {
        let fleet = workspaces_fleet();
        let mut seen = BTreeSet::new();
        for region in fleet.regions() {
            for workspace in fleet.workspaces(region) {
                let status = connection_status(workspace, region, NOW);
                let usage = WorkspaceUsage::of(workspace, region);
                let state = workspace.state.as_deref().unwrap_or_default();
                seen.insert(format!("{:?}", status.connection_state));
                let last = status.last_known_user_connection_timestamp;
                match state {
                    "PENDING" | "ERROR" => {
                        assert_eq!(status.connection_state, ConnectionState::Unknown);
                        assert_eq!(status.connection_state_check_timestamp, None);
                        assert_eq!(last, None);
                        continue;
                    }
                    "STOPPED" => {
                        assert_eq!(status.connection_state, ConnectionState::Unknown);
                        let checked = status.connection_state_check_timestamp.expect("checked");
                        assert!(checked < NOW - 5 * DAY, "stopped in the spring");
                        assert!(last.is_none_or(|l| l <= checked));
                    }
                    _ => assert_eq!(status.connection_state_check_timestamp, Some(1_782_907_200)),
                }
                match usage.profile() {
                    WorkspaceProfile::NeverConnected => {
                        assert_eq!(last, None);
                        assert_ne!(status.connection_state, ConnectionState::Connected);
                    }
                    WorkspaceProfile::Stale => {
                        let age = NOW - last.expect("a stale user connected once");
                        assert!((30 * DAY..=160 * DAY).contains(&age), "{age}");
                        assert_ne!(status.connection_state, ConnectionState::Connected);
                    }
                    WorkspaceProfile::DailyUser if state != "STOPPED" => {
                        assert!(NOW - last.expect("connects daily") < 6 * DAY);
                    }
                    _ => {}
                }
                if status.connection_state == ConnectionState::Connected {
                    assert!(last.is_some_and(|l| l <= NOW));
                }
            }
        }
        assert_eq!(
            seen.len(),
            3,
            "connected, disconnected and unknown: {seen:?}"
        );
    }

    #[test]
    fn answers_are_the_same_within_the_hour_and_move_with_it() {
        let fleet = workspaces_fleet();
        let workspaces = fleet.workspaces("eu-west-1");
        let at = |now: i64| -> Vec<WorkspaceConnectionStatus> {
            workspaces
                .iter()
                .map(|w| connection_status(w, "eu-west-1", now))
                .collect()
        };
        assert_eq!(at(NOW), at(NOW - 20 * 60));
        assert_eq!(at(NOW), at(NOW + 39 * 60));
        let days_later = at(NOW + 3 * DAY);
        assert!(
            days_later
                .iter()
                .zip(at(NOW))
                .any(|(later, now)| later.last_known_user_connection_timestamp
                    > now.last_known_user_connection_timestamp),
            "daily users connect again"
        );
    }

    #[test]
    fn pages_through_every_workspace_or_the_named_ones() {
        let fleet = Fleet::seeded(4, &["us-east-1"], 3_000);
        let all: Vec<String> = fleet
            .workspaces("us-east-1")
            .iter()
            .map(|w| w.workspace_id.clone())
            .collect();
        assert!(all.len() > PAGE_SIZE, "{} WorkSpaces", all.len());
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let body = match &token {
                Some(t) => json!({"NextToken": t}),
                None => json!({}),
            };
            let page = call(&fleet, body).expect("a page");
            let statuses = page["WorkspacesConnectionStatus"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            assert!(statuses.len() <= PAGE_SIZE);
            seen.extend(
                statuses
                    .iter()
                    .filter_map(|s| s["WorkspaceId"].as_str().map(str::to_string)),
            );
            match page["NextToken"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        assert_eq!(seen, all);
        let page = call(
            &fleet,
            json!({"WorkspaceIds": [all[3], "ws-zzzzzzzzz", all[1]]}),
        )
        .expect("by id");
        let ids: Vec<&str> = page["WorkspacesConnectionStatus"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|s| s["WorkspaceId"].as_str())
            .collect();
        assert_eq!(ids, vec![all[1].as_str(), all[3].as_str()]);
        assert!(page["WorkspacesConnectionStatus"][0]["ConnectionState"].is_string());
    }

    #[test]
    fn validation() {
        let fleet = Fleet::seeded(4, &["us-east-1"], 10);
        for body in [
            json!({"WorkspaceIds": []}),
            json!({"WorkspaceIds": ["ws-1"]}),
            json!({"WorkspaceIds": vec!["ws-abcdefgh"; 26]}),
            json!({"NextToken": ""}),
        ] {
            let err = call(&fleet, body.clone()).expect_err(&body.to_string());
            assert_eq!(err.code, "ValidationException", "{body}");
        }
        let foreign = call(&fleet, json!({"NextToken": "not-a-token"})).expect_err("foreign");
        assert_eq!(foreign.code, "InvalidParameterValuesException");
    }
}
