//! `DescribeWorkspaceDirectories`: directories by id, by name and by type filters, paged.

use serde::Serialize;

use super::api_error::ApiError;
use super::operations::{Call, Structure};
use super::request::Members;
use super::shapes::Directory;

const DEFAULT_LIMIT: i64 = 25;
const USER_IDENTITY_TYPES: &[&str] = &[
    "CUSTOMER_MANAGED",
    "AWS_DIRECTORY_SERVICE",
    "AWS_IAM_IDENTITY_CENTER",
];
const WORKSPACE_TYPES: &[&str] = &["PERSONAL", "POOLS"];

/// A `DescribeWorkspaceDirectoriesFilter`: the directory's attribute must be one of the values.
#[derive(Debug)]
struct DirectoryFilter {
    name: String,
    values: Vec<String>,
}

impl DirectoryFilter {
    fn matches(&self, directory: &Directory) -> bool {
        let attribute = match self.name.as_str() {
            "USER_IDENTITY_TYPE" => directory.user_identity_type.map(|t| t.as_str()),
            _ => directory.workspace_type.map(|t| t.as_str()),
        };
        attribute.is_some_and(|a| self.values.iter().any(|v| v == a))
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    directories: Vec<&'a Directory>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let ids = request.strings("DirectoryIds")?;
    let names = request.strings("WorkspaceDirectoryNames")?;
    let filters = filters(&request)?;
    let limit = request.integer("Limit")?.unwrap_or(DEFAULT_LIMIT);
    let next_token = request.string("NextToken")?;
    // The model allows any filter value of its pattern; the service takes only the values of
    // the filter's enumeration.
    for filter in &filters {
        let allowed = if filter.name == "USER_IDENTITY_TYPE" {
            USER_IDENTITY_TYPES
        } else {
            WORKSPACE_TYPES
        };
        if let Some(bad) = filter
            .values
            .iter()
            .find(|v| !allowed.contains(&v.as_str()))
        {
            return Err(ApiError::invalid_parameter(format!(
                "The filter value {bad} is not valid for {}; valid values: {}",
                filter.name,
                allowed.join(", ")
            )));
        }
    }

    let pager = call.pager(next_token)?;
    let (directories, next_token) = pager.page(&call.records().directories, limit as usize, |d| {
        ids.as_ref()
            .is_none_or(|ids| ids.contains(&d.directory_id.as_str()))
            && names.as_ref().is_none_or(|names| {
                d.workspace_directory_name
                    .as_deref()
                    .is_some_and(|n| names.contains(&n))
            })
            && filters.iter().all(|f| f.matches(d))
    });
    Ok(Structure::new(Output {
        directories,
        next_token,
    }))
}

/// Reads `Filters` (validated: each has its name and values).
fn filters(request: &Members<'_>) -> Result<Vec<DirectoryFilter>, ApiError> {
    let mut filters = Vec::new();
    for filter in request.structures("Filters")?.unwrap_or_default() {
        if let (Some(name), Some(values)) = (filter.string("Name")?, filter.strings("Values")?) {
            filters.push(DirectoryFilter {
                name: name.to_string(),
                values: values.into_iter().map(str::to_string).collect(),
            });
        }
    }
    Ok(filters)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::Fleet;
    use crate::operations::answer;
    use crate::shapes::{UserIdentityType, WorkspaceType};

    fn ids(fleet: &Fleet, body: Value) -> Result<Vec<String>, ApiError> {
        let call = Call::new("us-east-1", "DescribeWorkspaceDirectories", &body, fleet);
        let output = answer(&call)?;
        Ok(output["Directories"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|d| d["DirectoryId"].as_str().map(str::to_string))
            .collect())
    }

    #[test]
    fn filters_ids_and_names() {
        let fleet = Fleet::seeded(6, &["us-east-1"], 600);
        let all = fleet.directories("us-east-1");
        let pools: Vec<String> = all
            .iter()
            .filter(|d| d.workspace_type == Some(WorkspaceType::Pools))
            .map(|d| d.directory_id.clone())
            .collect();
        let body = json!({"Filters": [{"Name": "WORKSPACE_TYPE", "Values": ["POOLS"]}]});
        assert_eq!(ids(&fleet, body).ok(), Some(pools.clone()));
        let idc: Vec<String> = all
            .iter()
            .filter(|d| d.workspace_type == Some(WorkspaceType::Pools))
            .filter(|d| d.user_identity_type == Some(UserIdentityType::AwsIamIdentityCenter))
            .map(|d| d.directory_id.clone())
            .collect();
        assert!(!idc.is_empty());
        let body = json!({"Filters": [
            {"Name": "WORKSPACE_TYPE", "Values": ["POOLS", "PERSONAL"]},
            {"Name": "USER_IDENTITY_TYPE", "Values": ["AWS_IAM_IDENTITY_CENTER"]}
        ]});
        assert_eq!(ids(&fleet, body).ok(), Some(idc));
        let body = json!({"DirectoryIds": [all[1].directory_id, all[0].directory_id]});
        assert_eq!(
            ids(&fleet, body).ok(),
            Some(vec![
                all[0].directory_id.clone(),
                all[1].directory_id.clone()
            ])
        );
        let name = all[0]
            .workspace_directory_name
            .clone()
            .expect("pools directory has a name");
        let body = json!({"WorkspaceDirectoryNames": [name]});
        assert_eq!(
            ids(&fleet, body).ok(),
            Some(vec![all[0].directory_id.clone()])
        );
    }

    #[test]
    fn validation() {
        let fleet = Fleet::seeded(6, &["us-east-1"], 10);
        let cases = [
            json!({"DirectoryIds": []}),
            json!({"DirectoryIds": vec!["d-1234567890"; 26]}),
            json!({"DirectoryIds": ["d-xyz"]}),
            json!({"WorkspaceDirectoryNames": ["-bad"]}),
            json!({"WorkspaceDirectoryNames": []}),
            json!({"Filters": []}),
            json!({"Filters": [{"Name": "STATE", "Values": ["POOLS"]}]}),
            json!({"Filters": [{"Name": "WORKSPACE_TYPE"}]}),
            json!({"Filters": [{"Name": "WORKSPACE_TYPE", "Values": []}]}),
            json!({"Filters": [{"Name": "WORKSPACE_TYPE", "Values": ["has space"]}]}),
            json!({"Limit": 26}),
        ];
        for body in cases {
            let err = ids(&fleet, body.clone()).expect_err(&body.to_string());
            assert_eq!(err.code, "ValidationException", "{body}");
        }
        let err = ids(
            &fleet,
            json!({"Filters": [{"Name": "WORKSPACE_TYPE", "Values": ["pools"]}]}),
        )
        .expect_err("not a workspace type");
        assert_eq!(err.code, "InvalidParameterValuesException");
    }
}
