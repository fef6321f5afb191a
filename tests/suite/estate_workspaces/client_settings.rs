//! The settings of each directory: `workspaces_client_properties` (25 directories a call, a
//! gone one found by halving), `workspaces_client_branding` and
//! `workspaces_connect_client_add_ins` (one directory a call); each listed from the directories
//! unless a predicate or a join names them, and each answering what the fleet holds.

use serde_json::json;
use wsql_emulator::client_branding::client_branding_of;
use wsql_emulator::client_properties::client_properties_of;
use wsql_emulator::connect_client_add_ins::add_ins_of;

use super::{ADD_INS, CLIENT_BRANDING, CLIENT_PROPERTIES, join_calls, sent};
use crate::support::{DIRECTORIES, Harness, REGION, harness, quoted};

const PROPERTIES: &str = "workspaces_client_properties";
const BRANDING: &str = "workspaces_client_branding";
const ADD_INS_TABLE: &str = "workspaces_connect_client_add_ins";

/// The ids of the region's directories, sorted; only the `POOLS` ones when `pools_only`.
fn directories(h: &Harness, pools_only: bool) -> Vec<String> {
    let mut ids: Vec<String> = h
        .emulator
        .fleet()
        .directories(REGION)
        .iter()
        .filter(|d| !pools_only || d.directory_id.starts_with("wsd-"))
        .map(|d| d.directory_id.clone())
        .collect();
    ids.sort();
    ids
}

/// The registration code of the region's first directory, which has branding and add-ins.
fn registration_code(h: &Harness) -> String {
    h.emulator.fleet().directories(REGION)[0]
        .registration_code
        .clone()
        .expect("seeded directories have one")
}

/// `SELECT * FROM table WHERE condition` and on the reference table, equal, with the calls of
/// the listing and of the table's operation the pushed one made.
async fn calls_of(h: &Harness, table: &str, operation: &str, condition: &str) -> (usize, usize) {
    let (_, calls) = h.equivalent(table, operation, condition).await;
    h.clear();
    h.rows(&format!("SELECT * FROM {table} WHERE {condition}"))
        .await;
    assert_eq!(h.calls(operation).len(), calls.len());
    (h.calls(DIRECTORIES).len(), calls.len())
}

#[tokio::test]
async fn every_directorys_client_properties_in_one_call_per_page_of_directories() {
    let h = harness(30).await;
    let fleet = h.emulator.fleet();
    let mut expected: Vec<String> = fleet
        .directories(REGION)
        .iter()
        .map(|d| {
            let p = client_properties_of(d);
            format!(
                "{}|{}|{}|{}",
                d.directory_id,
                p.reconnect_enabled,
                p.log_upload_enabled,
                p.client_experience_policy.unwrap_or("NULL")
            )
        })
        .collect();
    expected.sort();
    h.clear();
    let rows = h
        .rows(&format!(
            "SELECT resource_id, reconnect_enabled, log_upload_enabled, client_experience_policy \
             FROM {PROPERTIES}"
        ))
        .await;
    assert_eq!(rows, expected);
    assert_eq!(h.calls(DIRECTORIES).len(), 1);
    assert_eq!(h.calls(CLIENT_PROPERTIES).len(), 1);
    assert_eq!(
        sent(&h, CLIENT_PROPERTIES, "ResourceIds"),
        directories(&h, false)
    );
}

#[tokio::test]
async fn named_directories_are_one_call_and_a_gone_one_is_found_by_halving() {
    let h = harness(30).await;
    let known: Vec<String> = directories(&h, true).into_iter().take(2).collect();
    assert_eq!(known.len(), 2);
    assert_eq!(
        calls_of(
            &h,
            PROPERTIES,
            CLIENT_PROPERTIES,
            &format!("resource_id IN ({})", quoted(&known))
        )
        .await,
        (0, 1)
    );
    // Sorted first, the gone id is one half on its own: [gone, a, b] fails, then [gone] fails
    // and [a, b] answers.
    let mut asked = known.clone();
    asked.push("d-0000000000".to_string());
    let condition = format!("resource_id IN ({})", quoted(&asked));
    assert_eq!(
        calls_of(&h, PROPERTIES, CLIENT_PROPERTIES, &condition).await,
        (0, 3)
    );
    let statuses: Vec<u16> = h
        .calls(CLIENT_PROPERTIES)
        .iter()
        .map(|c| c.status)
        .collect();
    assert_eq!(statuses, [400, 400, 200]);
    let found = h
        .strings(&format!(
            "SELECT resource_id FROM {PROPERTIES} WHERE {condition} ORDER BY 1"
        ))
        .await;
    assert_eq!(found, known);
}

#[tokio::test]
async fn a_join_sends_the_build_sides_directories() {
    let h = harness(30).await;
    let join = |suffix: &str| {
        format!(
            "SELECT d.directory_id, d.workspace_type, c.reconnect_enabled \
             FROM workspaces_directories{suffix} d JOIN {PROPERTIES}{suffix} c \
             ON c.resource_id = d.directory_id WHERE d.workspace_type = 'POOLS'"
        )
    };
    let (on, off) = join_calls(&h, &join(""), &join("_reference"), CLIENT_PROPERTIES).await;
    assert_eq!((on, off), (1, 1));
    h.clear();
    h.rows(&join("")).await;
    assert_eq!(
        sent(&h, CLIENT_PROPERTIES, "ResourceIds"),
        directories(&h, true)
    );
}

#[tokio::test]
async fn every_branded_device_type_of_every_directory() {
    let h = harness(30).await;
    let fleet = h.emulator.fleet();
    let mut expected = Vec::new();
    for d in fleet.directories(REGION) {
        let branding = client_branding_of(fleet, REGION, &d.directory_id).expect("known");
        for (device, a) in &branding.device_types {
            expected.push(format!(
                "{}|{device}|{}|{}|{}|{}|{}",
                d.directory_id,
                a.logo_url,
                a.logo3x_url.as_deref().unwrap_or("NULL"),
                a.support_email.as_deref().unwrap_or("NULL"),
                a.support_link.as_deref().unwrap_or("NULL"),
                a.login_message.get("en_US").map_or("NULL", String::as_str),
            ));
        }
    }
    expected.sort();
    assert!(expected.len() >= 2, "{expected:?}");
    h.clear();
    let rows = h
        .rows(&format!(
            "SELECT resource_id, device_type, logo_url, logo3x_url, support_email, support_link, \
             login_message['en_US'] FROM {BRANDING}"
        ))
        .await;
    assert_eq!(rows, expected);
    assert_eq!(
        h.calls(DIRECTORIES).len(),
        1,
        "the directories listed first"
    );
    assert_eq!(h.calls(CLIENT_BRANDING).len(), directories(&h, false).len());
}

#[tokio::test]
async fn named_directories_are_branded_one_call_each_and_gone_ones_answer_nothing() {
    let h = harness(30).await;
    let mut asked: Vec<String> = directories(&h, false).into_iter().take(2).collect();
    asked.push("d-0000000000".to_string());
    let condition = format!(
        "resource_id IN ({}) AND device_type <> 'DeviceTypeWeb'",
        quoted(&asked)
    );
    assert_eq!(
        calls_of(&h, BRANDING, CLIENT_BRANDING, &condition).await,
        (0, 3)
    );
    // The region's first directory is branded; its registration code names it without naming
    // the join key (a predicate on the key would reach the probe side as one of its own).
    let code = registration_code(&h);
    let join = |suffix: &str| {
        format!(
            "SELECT d.directory_id, b.device_type, b.logo_url \
             FROM workspaces_directories{suffix} d JOIN {BRANDING}{suffix} b \
             ON b.resource_id = d.directory_id WHERE d.registration_code = '{code}'"
        )
    };
    let (on, off) = join_calls(&h, &join(""), &join("_reference"), CLIENT_BRANDING).await;
    assert_eq!(on, 1);
    assert_eq!(off, directories(&h, false).len());
    for condition in [
        "resource_id = ''",
        "resource_id = 'd-XYZ'",
        "resource_id = 'x'",
    ] {
        let (rows, calls) = h.equivalent(BRANDING, CLIENT_BRANDING, condition).await;
        assert!(rows.is_empty() && calls.is_empty(), "{condition}");
    }
}

#[tokio::test]
async fn every_add_in_and_limit_sets_max_results() {
    let h = harness(30).await;
    let fleet = h.emulator.fleet();
    let mut expected: Vec<String> = fleet
        .directories(REGION)
        .iter()
        .flat_map(|d| add_ins_of(fleet, REGION, &d.directory_id).unwrap_or_default())
        .map(|a| format!("{}|{}|{}|{}", a.add_in_id, a.resource_id, a.name, a.url))
        .collect();
    expected.sort();
    assert!(!expected.is_empty());
    h.clear();
    let rows = h
        .rows(&format!(
            "SELECT add_in_id, resource_id, name, url FROM {ADD_INS_TABLE}"
        ))
        .await;
    assert_eq!(rows, expected);
    assert_eq!(h.calls(DIRECTORIES).len(), 1);
    assert_eq!(h.calls(ADD_INS).len(), directories(&h, false).len());
    let first = &fleet.directories(REGION)[0].directory_id;
    h.clear();
    let rows = h
        .rows(&format!(
            "SELECT * FROM {ADD_INS_TABLE} WHERE resource_id = '{first}' LIMIT 1"
        ))
        .await;
    assert_eq!(rows.len(), 1);
    let calls = h.calls(ADD_INS);
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].body["MaxResults"], json!(1));
    assert!(h.calls(DIRECTORIES).is_empty());
}

#[tokio::test]
async fn a_join_asks_for_the_add_ins_of_the_build_sides_directories() {
    let h = harness(30).await;
    let code = registration_code(&h);
    let join = |suffix: &str| {
        format!(
            "SELECT d.directory_id, a.name, a.url FROM workspaces_directories{suffix} d \
             JOIN {ADD_INS_TABLE}{suffix} a ON a.resource_id = d.directory_id \
             WHERE d.registration_code = '{code}'"
        )
    };
    let (on, off) = join_calls(&h, &join(""), &join("_reference"), ADD_INS).await;
    assert_eq!(on, 1);
    assert_eq!(off, directories(&h, false).len());
    let (rows, calls) = h
        .equivalent(ADD_INS_TABLE, ADD_INS, "resource_id = 'd-0000000000'")
        .await;
    assert!(rows.is_empty());
    assert_eq!(calls.len(), 1, "a gone directory: one call, no rows");
}
