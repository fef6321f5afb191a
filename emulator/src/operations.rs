//! The operations the emulator answers, and what every one of them shares: the region's records,
//! the request, and its pager.

use serde::Serialize;
use serde_json::Value;

use super::UnknownPoolIds;
use super::api_error::ApiError;
use super::fleet::{Fleet, RegionFleet};
use super::paging::{Pager, TokenFault};
use super::{bundles, directories, pool_sessions, pools, tags, workspaces};

/// The operations of the service, by `X-Amz-Target` suffix. Only the read-only ones exist here.
pub(crate) const OPERATIONS: &[&str] = &[
    "DescribeWorkspacesPools",
    "DescribeWorkspacesPoolSessions",
    "DescribeWorkspaceDirectories",
    "DescribeWorkspaceBundles",
    "DescribeWorkspaces",
    "DescribeTags",
];

/// One call, as the operations see it.
pub(crate) struct Call<'a> {
    /// Region from the credential scope.
    pub(crate) region: &'a str,
    /// One of [`OPERATIONS`].
    pub(crate) operation: &'a str,
    /// The JSON body.
    pub(crate) body: &'a Value,
    /// How NextTokens misbehave.
    pub(crate) token_fault: TokenFault,
    /// How `DescribeWorkspacesPools` answers unknown `PoolIds`.
    pub(crate) unknown_pool_ids: UnknownPoolIds,
    /// The data of the calling account.
    pub(crate) fleet: &'a Fleet,
}

impl<'a> Call<'a> {
    /// A call without faults; set the fault members to inject some.
    pub(crate) fn new(
        region: &'a str,
        operation: &'a str,
        body: &'a Value,
        fleet: &'a Fleet,
    ) -> Call<'a> {
        Call {
            region,
            operation,
            body,
            token_fault: TokenFault::None,
            unknown_pool_ids: UnknownPoolIds::Omitted,
            fleet,
        }
    }

    /// The records of the call's region.
    pub(crate) fn records(&self) -> &RegionFleet {
        self.fleet.region_or_empty(self.region)
    }

    /// The pager of the call, once `NextToken` has passed validation.
    pub(crate) fn pager(&self, next_token: Option<&str>) -> Result<Pager, ApiError> {
        Pager::new(
            self.operation,
            self.region,
            self.body,
            next_token,
            self.token_fault,
        )
    }
}

/// Answers the call with the JSON body of a 200, or an error.
pub(crate) fn answer(call: &Call<'_>) -> Result<Vec<u8>, ApiError> {
    match call.operation {
        "DescribeWorkspacesPools" => pools::describe(call),
        "DescribeWorkspacesPoolSessions" => pool_sessions::describe(call),
        "DescribeWorkspaceDirectories" => directories::describe(call),
        "DescribeWorkspaceBundles" => bundles::describe(call),
        "DescribeWorkspaces" => workspaces::describe(call),
        "DescribeTags" => tags::describe(call),
        other => Err(ApiError::unknown_operation(other)),
    }
}

/// The JSON of an output shape.
pub(crate) fn to_body(output: &impl Serialize) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(output).map_err(|_| ApiError::internal_failure())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Whatever a client sends, the answer is a 200 or an error shape, never a panic.
    #[test]
    fn hostile_requests_get_answers() {
        let fleet = Fleet::seeded(1, &["us-east-1"], 30);
        let pool_id = fleet.pools("us-east-1")[0].pool_id.clone();
        let bodies = [
            json!(null),
            json!([]),
            json!("text"),
            json!(12),
            json!({}),
            json!({"Limit": -1}),
            json!({"Limit": i64::MAX}),
            json!({"Limit": 2.5}),
            json!({"Limit": u64::MAX}),
            json!({"PoolId": pool_id, "Limit": 50, "UserId": "\u{1F600}\u{1F600}"}),
            json!({"PoolIds": [null]}),
            json!({"PoolIds": [1, 2]}),
            json!({"Filters": [null]}),
            json!({"Filters": [{"Name": 1, "Operator": [], "Values": {}}]}),
            json!({"Filters": {"Name": "PoolName"}}),
            json!({"Filters": [{"Name": "WORKSPACE_TYPE", "Values": ["POOLS"]}]}),
            json!({"NextToken": "\u{0}"}),
            json!({"NextToken": "ffffffffffffffffffffffffffffffffffffffff"}),
            json!({"ResourceId": {"nested": true}}),
            json!({"DirectoryIds": ["d-1234567890"], "WorkspaceDirectoryNames": ["\u{e9}\u{e9}"]}),
            json!({"BundleIds": ["wsb-12345678"], "Owner": 5}),
            json!({"WorkspaceIds": ["ws-12345678"], "UserName": "x".repeat(10_000)}),
        ];
        for operation in OPERATIONS {
            for body in &bodies {
                let call = Call::new("us-east-1", operation, body, &fleet);
                match answer(&call) {
                    Ok(bytes) => assert!(serde_json::from_slice::<Value>(&bytes).is_ok()),
                    Err(error) => {
                        assert_eq!(error.status, 400, "{operation} {body}: {error:?}");
                        assert!(error.code.ends_with("Exception"), "{error:?}");
                    }
                }
            }
        }
    }
}
