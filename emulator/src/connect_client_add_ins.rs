//! `DescribeConnectClientAddIns`: the Amazon Connect client add-ins of one directory, paged by
//! `MaxResults` (1 to 25, default 25).
//!
//! The region's first directory has an add-in (its contact centre's agent panel), about one
//! other directory in three has one to three, the rest none. An unknown directory is a
//! `ResourceNotFoundException`.

use serde::Serialize;

use super::api_error::ApiError;
use super::fleet::Fleet;
use super::operations::{Call, Structure};
use super::request::Members;
use super::seed::{SplitMix, fnv1a};
use super::usage::Dice;

const DEFAULT_MAX_RESULTS: i64 = 25;
const SALT_HAS: u64 = 0xADD1_0001;
const SALT_ADD_IN: u64 = 0xADD1_0002;
const HEX: &[u8] = b"0123456789abcdef";
const ADD_INS: &[(&str, &str)] = &[
    ("Contact Control Panel", "ccp-v2"),
    ("Agent Workspace", "agent-app-v2"),
    ("Customer Profiles", "customer-profiles"),
];

/// A `ConnectClientAddIn`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConnectClientAddIn {
    /// A lowercase UUID.
    pub add_in_id: String,
    /// The directory it is configured for.
    pub resource_id: String,
    /// Its name.
    pub name: String,
    /// Its endpoint (`URL` in the model).
    #[serde(rename = "URL")]
    pub url: String,
}

fn uuid(rng: &mut SplitMix) -> String {
    let hex = rng.chars(32, HEX);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The add-ins of directory `directory_id` of `region` in `fleet`, or `None` when the region has
/// no such directory.
pub fn add_ins_of(
    fleet: &Fleet,
    region: &str,
    directory_id: &str,
) -> Option<Vec<ConnectClientAddIn>> {
    let position = fleet
        .directories(region)
        .iter()
        .position(|d| d.directory_id == directory_id)?;
    let count = match (position, Dice::of(directory_id, SALT_HAS).below(9)) {
        (0, n) => 1 + n % 3,
        (_, n @ 0..3) => 1 + n,
        _ => 0,
    } as usize;
    let mut rng = SplitMix::new(fnv1a(directory_id.as_bytes()) ^ SALT_ADD_IN);
    let instance = rng.chars(8, HEX);
    Some(
        ADD_INS
            .iter()
            .take(count)
            .map(|(name, path)| ConnectClientAddIn {
                add_in_id: uuid(&mut rng),
                resource_id: directory_id.to_string(),
                name: name.to_string(),
                url: format!("https://contact-{instance}.my.connect.aws/{path}"),
            })
            .collect(),
    )
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    add_ins: Vec<&'a ConnectClientAddIn>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let directory_id = request.string("ResourceId")?.unwrap_or_default();
    let max_results = request
        .integer("MaxResults")?
        .unwrap_or(DEFAULT_MAX_RESULTS);
    let next_token = request.string("NextToken")?;
    let pager = call.pager(next_token)?;
    let add_ins = add_ins_of(call.fleet, call.region, directory_id)
        .ok_or_else(|| ApiError::not_found("directory", directory_id))?;
    let (add_ins, next_token) = pager.page(&add_ins, max_results as usize, |_| true);
    Structure::computed(&Output {
        add_ins,
        next_token,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::model;

    fn call(fleet: &Fleet, body: Value) -> Result<Value, ApiError> {
        let call = Call::new("us-east-1", "DescribeConnectClientAddIns", &body, fleet);
        crate::operations::answer(&call)
    }

    #[test]
    fn some_directories_have_add_ins_that_follow_the_model() {
        let fleet = Fleet::seeded(5, &["us-east-1"], 1_200);
        let shapes = model::workspaces();
        let counts: Vec<usize> = fleet
            .directories("us-east-1")
            .iter()
            .map(|d| {
                let add_ins = add_ins_of(&fleet, "us-east-1", &d.directory_id).expect("known");
                for add_in in &add_ins {
                    assert!(shapes.string("AmazonUuid").matches(&add_in.add_in_id));
                    assert!(shapes.string("AddInUrl").matches(&add_in.url));
                    assert_eq!(add_in.resource_id, d.directory_id);
                }
                add_ins.len()
            })
            .collect();
        assert!(counts[0] > 0);
        assert!(counts.contains(&0), "{counts:?}");
        assert!(add_ins_of(&fleet, "us-east-1", "d-0000000000").is_none());
    }

    #[test]
    fn pages_one_directorys_add_ins() {
        let fleet = Fleet::seeded(5, &["us-east-1"], 1_200);
        let directory = fleet
            .directories("us-east-1")
            .iter()
            .find(|d| {
                add_ins_of(&fleet, "us-east-1", &d.directory_id).is_some_and(|a| a.len() >= 2)
            })
            .expect("a directory with several add-ins");
        let expected: Vec<String> = add_ins_of(&fleet, "us-east-1", &directory.directory_id)
            .unwrap_or_default()
            .into_iter()
            .map(|a| a.add_in_id)
            .collect();
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({"ResourceId": directory.directory_id, "MaxResults": 1});
            if let Some(t) = &token {
                body["NextToken"] = json!(t);
            }
            let page = call(&fleet, body).expect("a page");
            seen.extend(
                page["AddIns"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|a| a["AddInId"].as_str().map(str::to_string)),
            );
            assert!(page["AddIns"][0]["URL"].is_string());
            match page["NextToken"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        assert_eq!(seen, expected);
        let err = call(&fleet, json!({"ResourceId": "d-0000000000"})).expect_err("unknown");
        assert_eq!(err.code, "ResourceNotFoundException");
        let err = call(
            &fleet,
            json!({"ResourceId": "d-0000000000", "MaxResults": 0}),
        )
        .expect_err("invalid");
        assert_eq!(err.code, "ValidationException");
    }
}
