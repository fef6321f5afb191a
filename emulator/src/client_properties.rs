//! `DescribeClientProperties`: the WorkSpaces client settings of up to 25 directories at once;
//! not paged.
//!
//! Every directory has them: reconnection (saved credentials) enabled in most, diagnostic log
//! upload in about half, and a client experience policy (`USER_CHOICE`, `FORCE_CLASSIC`,
//! `FORCE_UI_2026`, the values AWS documents) set in about three in four. Directories are
//! answered in the order asked; when any of them does not exist, the call is a
//! `ResourceNotFoundException` naming the unknown ones.

use serde::Serialize;

use super::api_error::ApiError;
use super::operations::{Call, Structure};
use super::request::Members;
use super::shapes::Directory;
use super::usage::Dice;

const SALT_RECONNECT: u64 = 0xC11E_0001;
const SALT_LOG_UPLOAD: u64 = 0xC11E_0002;
const SALT_POLICY: u64 = 0xC11E_0003;
const POLICIES: &[&str] = &["USER_CHOICE", "FORCE_CLASSIC", "FORCE_UI_2026"];

/// `ClientProperties`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClientProperties {
    /// `ENABLED` or `DISABLED`.
    pub reconnect_enabled: &'static str,
    /// `ENABLED` or `DISABLED`.
    pub log_upload_enabled: &'static str,
    /// Which client experience users see; absent when never set.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_experience_policy: Option<&'static str>,
}

/// The client properties of `directory`.
pub fn client_properties_of(directory: &Directory) -> ClientProperties {
    let id = directory.directory_id.as_str();
    let enabled = |yes: bool| if yes { "ENABLED" } else { "DISABLED" };
    // One more outcome than policies: no policy set.
    let policy = Dice::of(id, SALT_POLICY).below(POLICIES.len() as u64 + 1) as usize;
    ClientProperties {
        reconnect_enabled: enabled(Dice::of(id, SALT_RECONNECT).unit() < 0.8),
        log_upload_enabled: enabled(Dice::of(id, SALT_LOG_UPLOAD).unit() < 0.5),
        client_experience_policy: POLICIES.get(policy).copied(),
    }
}

/// A `ClientPropertiesResult`.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct PropertiesResult<'a> {
    resource_id: &'a str,
    client_properties: ClientProperties,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    client_properties_list: Vec<PropertiesResult<'a>>,
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let ids = request.strings("ResourceIds")?.unwrap_or_default();
    let directories = &call.records().directories;
    let find = |id: &str| directories.iter().find(|d| d.directory_id == id);
    let unknown: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| find(id).is_none())
        .collect();
    if !unknown.is_empty() {
        return Err(ApiError::not_found_among("directory", &unknown));
    }
    let client_properties_list = ids
        .iter()
        .filter_map(|id| find(id))
        .map(|directory| PropertiesResult {
            resource_id: &directory.directory_id,
            client_properties: client_properties_of(directory),
        })
        .collect();
    Ok(Structure::new(Output {
        client_properties_list,
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::Fleet;

    fn call(fleet: &Fleet, body: Value) -> Result<Value, ApiError> {
        let call = Call::new("us-east-1", "DescribeClientProperties", &body, fleet);
        crate::operations::answer(&call)
    }

    #[test]
    fn answers_the_named_directories_in_order() {
        let fleet = Fleet::seeded(5, &["us-east-1"], 1_200);
        let directories = fleet.directories("us-east-1");
        let ids: Vec<&str> = directories
            .iter()
            .rev()
            .map(|d| d.directory_id.as_str())
            .collect();
        let answer = call(&fleet, json!({"ResourceIds": ids})).expect("answered");
        let list = answer["ClientPropertiesList"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let answered: Vec<&str> = list
            .iter()
            .filter_map(|r| r["ResourceId"].as_str())
            .collect();
        assert_eq!(answered, ids);
        for (result, directory) in list.iter().zip(directories.iter().rev()) {
            let expected =
                serde_json::to_value(client_properties_of(directory)).unwrap_or_default();
            assert_eq!(result["ClientProperties"], expected);
        }
        let all: Vec<ClientProperties> = directories.iter().map(client_properties_of).collect();
        assert!(all.iter().any(|p| p.reconnect_enabled == "DISABLED"));
        assert!(all.iter().any(|p| p.client_experience_policy.is_none()));
        assert!(all.iter().any(|p| p.client_experience_policy.is_some()));
    }

    #[test]
    fn unknown_directories_and_validation() {
        let fleet = Fleet::seeded(5, &["us-east-1"], 30);
        let known = fleet.directories("us-east-1")[0].directory_id.clone();
        let err =
            call(&fleet, json!({"ResourceIds": [known, "d-0000000000"]})).expect_err("unknown");
        assert_eq!(err.code, "ResourceNotFoundException");
        assert_eq!(err.resource_id.as_deref(), Some("d-0000000000"));
        for body in [
            json!({}),
            json!({"ResourceIds": []}),
            json!({"ResourceIds": [""]}),
            json!({"ResourceIds": vec![known.as_str(); 26]}),
        ] {
            let err = call(&fleet, body.clone()).expect_err(&body.to_string());
            assert_eq!(err.code, "ValidationException", "{body}");
        }
    }
}
