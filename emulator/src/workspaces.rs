//! `DescribeWorkspaces`: personal WorkSpaces by id, by directory (and user), by bundle or by name.
//!
//! As with the service, `WorkspaceIds`, `DirectoryId` and `BundleId` exclude each other, and
//! `UserName` needs `DirectoryId`; both are `InvalidParameterValuesException`s.

use serde::Serialize;

use super::api_error::ApiError;
use super::operations::{Call, Structure};
use super::request::Members;
use super::shapes::Workspace;

const DEFAULT_LIMIT: i64 = 25;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    workspaces: Vec<&'a Workspace>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let ids = request.strings("WorkspaceIds")?;
    let directory = request.string("DirectoryId")?;
    let user = request.string("UserName")?;
    let bundle = request.string("BundleId")?;
    let name = request.string("WorkspaceName")?;
    let limit = request.integer("Limit")?.unwrap_or(DEFAULT_LIMIT);
    let next_token = request.string("NextToken")?;
    let selectors = [ids.is_some(), directory.is_some(), bundle.is_some()];
    if selectors.iter().filter(|&&given| given).count() > 1 {
        return Err(ApiError::invalid_parameter(
            "Only one of WorkspaceIds, DirectoryId and BundleId can be specified.",
        ));
    }
    if user.is_some() && directory.is_none() {
        return Err(ApiError::invalid_parameter(
            "UserName can only be specified together with DirectoryId.",
        ));
    }

    let pager = call.pager(next_token)?;
    let same = |wanted: Option<&str>, actual: &Option<String>| {
        wanted.is_none_or(|wanted| actual.as_deref() == Some(wanted))
    };
    let (workspaces, next_token) = pager.page(&call.records().workspaces, limit as usize, |w| {
        ids.as_ref()
            .is_none_or(|ids| ids.contains(&w.workspace_id.as_str()))
            && same(directory, &w.directory_id)
            && same(user, &w.user_name)
            && same(bundle, &w.bundle_id)
            && same(name, &w.workspace_name)
    });
    Ok(Structure::new(Output {
        workspaces,
        next_token,
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::Fleet;
    use crate::operations::answer;

    fn ids(fleet: &Fleet, body: Value) -> Result<Vec<String>, ApiError> {
        let call = Call::new("us-east-1", "DescribeWorkspaces", &body, fleet);
        let output = answer(&call)?;
        Ok(output["Workspaces"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|w| w["WorkspaceId"].as_str().map(str::to_string))
            .collect())
    }

    #[test]
    fn selects_by_each_member() {
        let fleet = Fleet::seeded(4, &["us-east-1"], 100);
        let all = fleet.workspaces("us-east-1");
        let first = &all[0];
        let directory = first.directory_id.clone().expect("directory");
        let expected: Vec<String> = all
            .iter()
            .filter(|w| w.directory_id.as_deref() == Some(&directory))
            .map(|w| w.workspace_id.clone())
            .collect();
        assert_eq!(
            ids(&fleet, json!({"DirectoryId": directory})).ok(),
            Some(expected)
        );
        let by_user = ids(
            &fleet,
            json!({"DirectoryId": directory, "UserName": first.user_name}),
        );
        assert!(by_user.is_ok_and(|found| found.contains(&first.workspace_id)));
        let by_id = ids(
            &fleet,
            json!({"WorkspaceIds": [first.workspace_id, "ws-zzzzzzzzz"]}),
        );
        assert_eq!(by_id.ok(), Some(vec![first.workspace_id.clone()]));
        let bundle = first.bundle_id.clone().expect("bundle");
        let by_bundle = ids(&fleet, json!({"BundleId": bundle})).expect("by bundle");
        assert!(by_bundle.contains(&first.workspace_id));
        assert_eq!(
            ids(&fleet, json!({})).map(|v| v.len()).ok(),
            Some(all.len().min(25))
        );
    }

    #[test]
    fn exclusive_members_and_validation() {
        let fleet = Fleet::seeded(4, &["us-east-1"], 10);
        let invalid = [
            json!({"WorkspaceIds": ["ws-abcdefgh"], "DirectoryId": "d-1234567890"}),
            json!({"DirectoryId": "d-1234567890", "BundleId": "wsb-12345678"}),
            json!({"UserName": "ana.ng"}),
        ];
        for body in invalid {
            let err = ids(&fleet, body.clone()).expect_err(&body.to_string());
            assert_eq!(err.code, "InvalidParameterValuesException", "{body}");
        }
        let malformed = [
            json!({"WorkspaceIds": []}),
            json!({"WorkspaceIds": ["ws-1"]}),
            json!({"DirectoryId": "d-12"}),
            json!({"BundleId": "bundle"}),
            json!({"DirectoryId": "d-1234567890", "UserName": ""}),
            json!({"WorkspaceName": "-"}),
            json!({"Limit": 0}),
        ];
        for body in malformed {
            let err = ids(&fleet, body.clone()).expect_err(&body.to_string());
            assert_eq!(err.code, "ValidationException", "{body}");
        }
    }
}
