//! The operations the emulator answers, and what every one of them shares: the region's records,
//! the request, and its pager.

use serde::Serialize;
use serde_json::Value;

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
    /// The data.
    pub(crate) fleet: &'a Fleet,
}

impl Call<'_> {
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
