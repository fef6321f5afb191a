//! The four metrics reports of `queries/`, checked against what the emulator's usage profiles
//! imply: saturating pools turn users away and should grow, oversized ones should shrink, stale
//! and never-connected WorkSpaces are idle, AlwaysOn WorkSpaces nobody uses are cheaper by the
//! hour; and `wsql --demo --report` prints rows for each.

use std::collections::{BTreeMap, BTreeSet};

use wsql_emulator::{Fleet, PoolProfile, Workspace, WorkspaceProfile};

use crate::support::command::Wsql;
use crate::support::{Harness, harness_with};

const REGIONS: &[&str] = &["us-east-1", "eu-west-1", "ap-southeast-2"];
const REPORTS: &[&str] = &[
    "pools_turning_users_away",
    "pool_right_sizing",
    "idle_workspaces",
    "always_on_low_usage",
];

fn report(name: &str) -> String {
    let path = format!("{}/queries/{name}.sql", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).expect("the report exists")
}

/// The report's rows, as column name → value maps.
async fn run(h: &Harness, name: &str) -> Vec<BTreeMap<String, String>> {
    let batches = h.batches(&report(name)).await;
    let mut rows = Vec::new();
    for batch in &batches {
        let schema = batch.schema();
        for line in crate::support::sorted_rows(std::slice::from_ref(batch)) {
            let cells = line.split('|').map(String::from);
            rows.push(
                schema
                    .fields()
                    .iter()
                    .map(|f| f.name().clone())
                    .zip(cells)
                    .collect(),
            );
        }
    }
    rows
}

async fn fleet() -> Harness {
    harness_with(Fleet::seeded(7, REGIONS, 100), REGIONS, None).await
}

/// Whether a pool in this state publishes metrics.
fn in_service(state: &str) -> bool {
    matches!(state, "Running" | "Updating" | "Stopping" | "Deleting")
}

#[tokio::test]
async fn saturating_pools_turn_users_away_and_should_grow_oversized_ones_shrink() {
    let h = fleet().await;
    let pools: Vec<(String, PoolProfile, i32, bool)> = REGIONS
        .iter()
        .flat_map(|r| h.emulator.fleet().pools(r).to_vec())
        .map(|p| {
            (
                p.pool_id.clone(),
                PoolProfile::of(&p.pool_id),
                p.capacity_status.desired_user_sessions,
                in_service(&format!("{:?}", p.state)),
            )
        })
        .collect();
    let big = |profile: PoolProfile| -> BTreeSet<String> {
        pools
            .iter()
            .filter(|(_, p, desired, serving)| *p == profile && *desired >= 10 && *serving)
            .map(|(id, ..)| id.clone())
            .collect()
    };
    let profile_of = |id: &str| pools.iter().find(|p| p.0 == id).map(|p| p.1);

    let away = run(&h, "pools_turning_users_away").await;
    let turned_away: BTreeSet<String> = away.iter().map(|r| r["pool_id"].clone()).collect();
    assert!(
        !big(PoolProfile::Saturating).is_empty(),
        "the fleet has saturating pools"
    );
    assert!(
        big(PoolProfile::Saturating).is_subset(&turned_away),
        "every big saturating pool turned users away this week: {:?} of {turned_away:?}",
        big(PoolProfile::Saturating)
    );
    for row in &away {
        assert_eq!(
            profile_of(&row["pool_id"]),
            Some(PoolProfile::Saturating),
            "{row:?}"
        );
        assert!(row["rejected_sessions"].parse::<f64>().expect("a sum") > 0.0);
        assert_eq!(row["peak_utilization_pct"], "100.0", "{row:?}");
    }

    let sizing = run(&h, "pool_right_sizing").await;
    let advice: BTreeMap<String, String> = sizing
        .iter()
        .map(|r| (r["pool_id"].clone(), r["recommendation"].clone()))
        .collect();
    for id in big(PoolProfile::Saturating) {
        assert_eq!(advice.get(&id).map(String::as_str), Some("grow"), "{id}");
    }
    assert!(
        !big(PoolProfile::Oversized).is_empty(),
        "the fleet has oversized pools"
    );
    for id in big(PoolProfile::Oversized) {
        assert_eq!(advice.get(&id).map(String::as_str), Some("shrink"), "{id}");
    }
    for row in &sizing {
        // A pool of a few sessions is full with one user when one session is being replaced.
        let desired: i64 = row["desired_user_sessions"].parse().expect("a size");
        if profile_of(&row["pool_id"]) == Some(PoolProfile::Oversized) && desired >= 10 {
            assert_ne!(row["recommendation"], "grow", "{row:?}");
        }
        // The peak is shown to a tenth; the size is computed from the unrounded one.
        let peak: f64 = row["peak_utilization_pct"].parse().expect("a percentage");
        let suggested: f64 = row["suggested_desired_sessions"].parse().expect("a size");
        let desired: f64 = row["desired_user_sessions"].parse().expect("a size");
        let size = |peak: f64| (desired * peak / 80.0).ceil().max(1.0);
        assert!(
            (size(peak - 0.05)..=size(peak + 0.05)).contains(&suggested),
            "{row:?}"
        );
    }
    let served: BTreeSet<&String> = pools
        .iter()
        .filter(|p| p.3 && p.2 > 0)
        .map(|p| &p.0)
        .collect();
    let sized: BTreeSet<&String> = advice.keys().collect();
    assert_eq!(
        sized, served,
        "every pool in service with sessions is sized"
    );
}

/// The WorkSpaces of the fleet that publish metrics and that the reports consider.
fn considered(h: &Harness) -> Vec<(String, Workspace)> {
    REGIONS
        .iter()
        .flat_map(|r| {
            h.emulator
                .fleet()
                .workspaces(r)
                .iter()
                .map(|w| (r.to_string(), w.clone()))
                .collect::<Vec<_>>()
        })
        .filter(|(_, w)| {
            !matches!(
                w.state.as_deref(),
                Some("PENDING" | "TERMINATING" | "TERMINATED" | "ERROR")
            )
        })
        .collect()
}

/// Never used in the last 30 days, by its profile or its state.
fn unused(w: &Workspace) -> bool {
    matches!(
        WorkspaceProfile::of(&w.workspace_id),
        WorkspaceProfile::Stale | WorkspaceProfile::NeverConnected
    ) || matches!(w.state.as_deref(), Some("STOPPED" | "SUSPENDED"))
}

fn running_mode(w: &Workspace) -> Option<&str> {
    w.workspace_properties.as_ref()?.running_mode.as_deref()
}

#[tokio::test]
async fn stale_and_never_connected_workspaces_are_idle_and_cheaper_by_the_hour() {
    let h = fleet().await;
    let workspaces = considered(&h);
    let idle: BTreeSet<String> = run(&h, "idle_workspaces")
        .await
        .iter()
        .map(|r| r["workspace_id"].clone())
        .collect();
    let expected_idle: BTreeSet<String> = workspaces
        .iter()
        .filter(|(_, w)| unused(w))
        .map(|(_, w)| w.workspace_id.clone())
        .collect();
    assert!(!expected_idle.is_empty(), "the fleet has unused WorkSpaces");
    assert!(
        expected_idle.is_subset(&idle),
        "{expected_idle:?} of {idle:?}"
    );
    for id in &idle {
        let (_, w) = workspaces
            .iter()
            .find(|(_, w)| &w.workspace_id == id)
            .expect("a considered WorkSpace");
        assert!(
            unused(w) || WorkspaceProfile::of(id) == WorkspaceProfile::Occasional,
            "{id} is a {:?} in {:?}: it was used",
            WorkspaceProfile::of(id),
            w.state
        );
    }

    let low = run(&h, "always_on_low_usage").await;
    let thresholds = BTreeMap::from([
        ("VALUE", 81),
        ("STANDARD", 85),
        ("PERFORMANCE", 83),
        ("POWER", 83),
        ("POWERPRO", 80),
        ("GRAPHICS", 217),
        ("GRAPHICSPRO", 80),
    ]);
    let compute = |w: &Workspace| {
        w.workspace_properties
            .as_ref()
            .and_then(|p| p.compute_type_name.clone())
            .unwrap_or_default()
    };
    let listed: BTreeMap<String, i64> = low
        .iter()
        .map(|r| {
            (
                r["workspace_id"].clone(),
                r["connected_hours"].parse().expect("hours"),
            )
        })
        .collect();
    for row in &low {
        let (_, w) = workspaces
            .iter()
            .find(|(_, w)| w.workspace_id == row["workspace_id"])
            .expect("considered");
        assert_eq!(running_mode(w), Some("ALWAYS_ON"), "{row:?}");
        let threshold = thresholds
            .get(compute(w).as_str())
            .expect("a compute type with a threshold");
        assert_eq!(row["break_even_hours"], threshold.to_string());
        assert!(listed[&w.workspace_id] <= *threshold);
    }
    let always_on_unused: Vec<&Workspace> = workspaces
        .iter()
        .map(|(_, w)| w)
        .filter(|w| {
            running_mode(w) == Some("ALWAYS_ON") && thresholds.contains_key(compute(w).as_str())
        })
        .filter(|w| unused(w))
        .collect();
    assert!(
        !always_on_unused.is_empty(),
        "the fleet has unused AlwaysOn WorkSpaces"
    );
    for w in always_on_unused {
        assert_eq!(listed.get(&w.workspace_id), Some(&0), "{}", w.workspace_id);
    }
    for (_, w) in &workspaces {
        let daily = WorkspaceProfile::of(&w.workspace_id) == WorkspaceProfile::DailyUser;
        let below_graphics = thresholds
            .get(compute(w).as_str())
            .is_some_and(|t| *t < 100);
        if daily && below_graphics && !unused(w) && running_mode(w) == Some("ALWAYS_ON") {
            assert!(
                !listed.contains_key(&w.workspace_id),
                "a daily user of {}",
                w.workspace_id
            );
        }
    }
}

#[test]
fn the_demo_prints_rows_for_each_report() {
    for name in REPORTS {
        let run = Wsql::new()
            .args(["--demo", "--quiet", "--format", "csv", "--report", name])
            .run()
            .success();
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert!(lines.len() >= 2, "{name} printed no row:\n{}", run.stdout);
    }
}
