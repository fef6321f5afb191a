//! What both client tests share: where the clients are, and one request for each WorkSpaces
//! operation the emulator answers.

use std::path::PathBuf;

use serde_json::{Map, Value, json};
use wsql_emulator::client_branding::client_branding_of;
use wsql_emulator::connect_client_add_ins::add_ins_of;
use wsql_emulator::connection_aliases::connection_aliases_of;
use wsql_emulator::images::ImageCatalog;
use wsql_emulator::snapshots::snapshots_of;
use wsql_emulator::{Fleet, answered_operations};

pub const REGION: &str = "us-east-1";

/// A program of the clients' virtual environment (`python`, `aws`), or a failure saying how to
/// install it.
pub fn client(program: &str) -> PathBuf {
    let root = std::env::var_os("WSQL_CLIENTS")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/wsql-clients"))
        })
        .unwrap_or_else(|| PathBuf::from(".cache/wsql-clients"));
    let path = root.join("venv/bin").join(program);
    assert!(
        path.is_file(),
        "{} is missing: run tests/clients/install.sh (from the repository's root) to install the \
         clients nobody here wrote into $WSQL_CLIENTS (default ~/.cache/wsql-clients)",
        path.display()
    );
    path
}

/// The members an operation requires, with values from `fleet` that give it rows to answer.
/// An operation that requires members needs a line here; the others are called with none.
fn required_parameters(operation: &str, fleet: &Fleet) -> Option<Value> {
    let pools = fleet.pools(REGION);
    let busiest = pools
        .iter()
        .max_by_key(|p| fleet.sessions(REGION, &p.pool_id).len())
        .map(|p| p.pool_id.clone());
    let tagged = pools
        .iter()
        .find(|p| {
            fleet
                .tags(REGION, &p.pool_id)
                .is_some_and(|t| !t.is_empty())
        })
        .map(|p| p.pool_id.clone());
    let images = ImageCatalog::of_fleet(fleet).owned(fleet.account_id(), REGION);
    let shared = images.permissions.keys().next();
    // The failed import: the one whose answer holds a list (its ErrorDetails).
    let failed_import = images.imports.iter().find(|i| i.error_details.is_some());
    let image_with_applications = images.image_associations.first().map(|a| &a.image_id);
    let bundle_with_applications = images.bundle_associations.first().map(|a| &a.bundle_id);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let snapshotted = fleet
        .workspaces(REGION)
        .iter()
        .find(|w| !snapshots_of(w, REGION, now).rebuild_snapshots.is_empty())
        .map(|w| w.workspace_id.clone());
    // The fleet's account on its own: its aliases are shared with its partner only.
    let shared_alias = connection_aliases_of(fleet, REGION, &[])
        .into_iter()
        .find(|a| !a.permissions.is_empty())
        .map(|a| a.alias_id);
    let directories: Vec<&str> = fleet
        .directories(REGION)
        .iter()
        .map(|d| d.directory_id.as_str())
        .take(25)
        .collect();
    let branded = directories.iter().find(|id| {
        client_branding_of(fleet, REGION, id).is_some_and(|b| !b.device_types.is_empty())
    });
    let with_add_ins = directories
        .iter()
        .find(|id| add_ins_of(fleet, REGION, id).is_some_and(|a| !a.is_empty()));
    match operation {
        "DescribeWorkspacesPoolSessions" => Some(json!({"PoolId": busiest?})),
        "DescribeTags" => Some(json!({"ResourceId": tagged?})),
        "DescribeWorkspaceImagePermissions" => Some(json!({"ImageId": shared?})),
        "DescribeCustomWorkspaceImageImport" => Some(json!({"ImageId": failed_import?.image_id})),
        "DescribeImageAssociations" => Some(
            json!({"ImageId": image_with_applications?, "AssociatedResourceTypes": ["APPLICATION"]}),
        ),
        "DescribeBundleAssociations" => Some(
            json!({"BundleId": bundle_with_applications?, "AssociatedResourceTypes": ["APPLICATION"]}),
        ),
        "DescribeWorkspaceSnapshots" => Some(json!({"WorkspaceId": snapshotted?})),
        "DescribeConnectionAliasPermissions" => Some(json!({"AliasId": shared_alias?})),
        "DescribeClientProperties" => Some(json!({"ResourceIds": directories})),
        "DescribeClientBranding" => Some(json!({"ResourceId": branded?})),
        "DescribeConnectClientAddIns" => Some(json!({"ResourceId": with_add_ins?})),
        _ => None,
    }
}

/// One request for every WorkSpaces operation the emulator answers, in the order it lists them.
pub fn requests(fleet: &Fleet) -> Vec<(&'static str, Value)> {
    answered_operations()
        .into_iter()
        .filter(|o| o.service == "workspaces")
        .map(|operation| {
            let parameters = required_parameters(operation.name, fleet)
                .unwrap_or_else(|| Value::Object(Map::new()));
            for member in operation.input.iter().filter(|m| m.required) {
                assert!(
                    parameters.get(&member.name).is_some(),
                    "{} requires {}: give it a value in required_parameters \
                     (emulator/tests/clients/common.rs)",
                    operation.name,
                    member.name
                );
            }
            (operation.name, parameters)
        })
        .collect()
}

/// Whether an answer has rows: a non-empty list among its top-level members, or for an answer
/// of structures (`DescribeClientBranding`'s device types), a non-empty one.
pub fn has_rows(answer: &Value) -> bool {
    answer.as_object().is_some_and(|members| {
        members.values().any(|v| {
            v.as_array().is_some_and(|a| !a.is_empty())
                || v.as_object().is_some_and(|o| !o.is_empty())
        })
    })
}
