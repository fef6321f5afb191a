//! The operations the emulator answers, routed by service, and what they share: for WorkSpaces,
//! the calling account's records of the region, the request and its pager ([`Call`]); for
//! CloudWatch, the calling account's fleet, the region and the moment ([`MetricsCall`]); for STS
//! and Organizations, the organization, the caller and the credentials issued ([`AccountCall`]).
//!
//! The router validates a request against its service's model before any operation reads it
//! (`validate.rs`), so an operation reads an already-valid body and checks only the rules the
//! model cannot express. Operations answer their output structure ([`Structure`]), never bytes:
//! the request's protocol encodes it once, at the edge (`protocol.rs`).

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use super::UnknownPoolIds;
use super::api_error::ApiError;
use super::credentials::{Caller, CredentialStore};
use super::fleet::{Fleet, RegionFleet};
use super::organization::Organization;
use super::paging::{Pager, TokenFault};
use super::server::now_epoch_seconds;
use super::service::Service;
use super::workspaces;
use super::{account_links, applications, associations, describe_account, management_cidr_ranges};
use super::{
    bundles, cloudwatch, directories, images, list_accounts, pool_sessions, pools, sts, tags,
    validate,
};
use super::{
    client_branding, client_properties, connect_client_add_ins, connection_alias_permissions,
    connection_aliases, connection_status, ip_groups, snapshots,
};

/// One WorkSpaces call, as its operation sees it.
#[derive(Clone, Copy)]
pub(crate) struct Call<'a> {
    /// Region from the credential scope.
    pub(crate) region: &'a str,
    /// One of WorkSpaces' operations (`Service::operations`).
    pub(crate) operation: &'a str,
    /// The JSON body.
    pub(crate) body: &'a Value,
    /// How NextTokens misbehave.
    pub(crate) token_fault: TokenFault,
    /// How `DescribeWorkspacesPools` answers unknown `PoolIds`.
    pub(crate) unknown_pool_ids: UnknownPoolIds,
    /// The data of the calling account.
    pub(crate) fleet: &'a Fleet,
    /// The organization the account belongs to, for data shared between its accounts
    /// (images and connection aliases shared with the others, BYOL, account links); `None` for an account on its own.
    pub(crate) organization: Option<&'a Organization>,
    /// When the call is served, epoch seconds.
    pub(crate) now: i64,
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
            organization: None,
            now: now_epoch_seconds(),
        }
    }

    /// The records of the call's region.
    pub(crate) fn records(&self) -> &'a RegionFleet {
        self.fleet.region_or_empty(self.region)
    }

    /// The pager of the call, once `NextToken` has passed validation.
    pub(crate) fn pager(&self, next_token: Option<&str>) -> Result<Pager, ApiError> {
        Pager::new(
            self.operation,
            self.fleet.account_id(),
            self.region,
            self.body,
            next_token,
            self.token_fault,
        )
        .map_err(|_| {
            ApiError::invalid_parameter(
                "The NextToken is invalid: it was not issued for this request.",
            )
        })
    }
}

/// A CloudWatch call: metrics of the calling account's fleet in one region, as of one moment.
#[derive(Clone, Copy)]
pub(crate) struct MetricsCall<'a> {
    /// One of CloudWatch's operations (`Service::operations`).
    pub(crate) operation: &'a str,
    /// Region from the credential scope.
    pub(crate) region: &'a str,
    /// The JSON body.
    pub(crate) body: &'a Value,
    /// The data of the calling account.
    pub(crate) fleet: &'a Fleet,
    /// Epoch seconds: the metrics published so far are those of the minutes before it.
    pub(crate) now: i64,
}

/// A call to STS or Organizations, which answer about identities and accounts rather than a fleet.
pub(crate) struct AccountCall<'a> {
    /// One of the service's operations.
    pub(crate) operation: &'a str,
    /// Region from the credential scope.
    pub(crate) region: &'a str,
    /// The JSON body, or the awsQuery parameters as an object of strings.
    pub(crate) body: &'a Value,
    /// Who signed the call.
    pub(crate) caller: &'a Caller,
    /// The accounts, their roles and statuses.
    pub(crate) organization: &'a Organization,
    /// Where `AssumeRole` records what it issues.
    pub(crate) credentials: &'a CredentialStore,
    /// How NextTokens misbehave.
    pub(crate) token_fault: TokenFault,
    /// The call's request id, which awsQuery answers repeat.
    pub(crate) request_id: &'a str,
    /// Epoch seconds, for expirations.
    pub(crate) now: i64,
}

/// A call, ready for its service's operation.
pub(crate) enum Routed<'a> {
    Workspaces(Call<'a>),
    CloudWatch(MetricsCall<'a>),
    Sts(AccountCall<'a>),
    Organizations(AccountCall<'a>),
}

impl Routed<'_> {
    fn service(&self) -> Service {
        match self {
            Routed::Workspaces(_) => Service::Workspaces,
            Routed::CloudWatch(_) => Service::CloudWatch,
            Routed::Sts(_) => Service::Sts,
            Routed::Organizations(_) => Service::Organizations,
        }
    }

    fn operation_and_body(&self) -> (&str, &Value) {
        match self {
            Routed::Workspaces(call) => (call.operation, call.body),
            Routed::CloudWatch(call) => (call.operation, call.body),
            Routed::Sts(call) | Routed::Organizations(call) => (call.operation, call.body),
        }
    }
}

/// What an operation answers with a 200.
pub(crate) enum Answer<'a> {
    /// The output structure, for the protocol to encode.
    Structure(Structure<'a>),
    /// An awsQuery answer, already XML (STS has no model to encode it by).
    Xml(Vec<u8>),
}

/// The router: validates a call against its service's model, if the emulator has one, then
/// answers it with the output of a 200, or an error.
pub(crate) fn route<'a>(routed: &Routed<'a>) -> Result<Answer<'a>, ApiError> {
    if let Some(model) = routed.service().model() {
        let (operation, body) = routed.operation_and_body();
        validate::request(model, operation, body)?;
    }
    match routed {
        Routed::Workspaces(call) => dispatch(call).map(Answer::Structure),
        Routed::CloudWatch(call) => dispatch_metrics(call).map(Answer::Structure),
        Routed::Sts(call) => sts::answer(call).map(Answer::Xml),
        Routed::Organizations(call) => list_accounts::answer(call).map(Answer::Structure),
    }
}

/// Answers a WorkSpaces call, validated first, with the output of a 200 or an error: the
/// router as the operations' unit tests drive it.
#[cfg(test)]
pub(crate) fn answer(call: &Call<'_>) -> Result<Value, ApiError> {
    match route(&Routed::Workspaces(*call))? {
        Answer::Structure(output) => output.to_value().map(Cow::into_owned),
        Answer::Xml(_) => Err(ApiError::internal_failure()),
    }
}

/// The WorkSpaces operation of a valid call.
fn dispatch<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    match call.operation {
        "DescribeWorkspacesPools" => pools::describe(call),
        "DescribeWorkspacesPoolSessions" => pool_sessions::describe(call),
        "DescribeWorkspaceDirectories" => directories::describe(call),
        "DescribeWorkspaceBundles" => bundles::describe(call),
        "DescribeWorkspaces" => workspaces::describe(call),
        "DescribeTags" => tags::describe(call),
        "DescribeWorkspaceImages" => images::describe_images(call),
        "DescribeWorkspaceImagePermissions" => images::describe_permissions(call),
        "DescribeCustomWorkspaceImageImport" => images::describe_import(call),
        "DescribeImageAssociations" => images::describe_image_associations(call),
        "DescribeBundleAssociations" => images::describe_bundle_associations(call),
        "DescribeWorkspacesConnectionStatus" => connection_status::describe(call),
        "DescribeWorkspaceSnapshots" => snapshots::describe(call),
        "DescribeIpGroups" => ip_groups::describe(call),
        "DescribeConnectionAliases" => connection_aliases::describe(call),
        "DescribeConnectionAliasPermissions" => connection_alias_permissions::describe(call),
        "DescribeClientProperties" => client_properties::describe(call),
        "DescribeClientBranding" => client_branding::describe(call),
        "DescribeConnectClientAddIns" => connect_client_add_ins::describe(call),
        "DescribeAccount" => describe_account::describe(call),
        "DescribeAccountModifications" => describe_account::modifications(call),
        "ListAccountLinks" => account_links::list(call),
        "GetAccountLink" => account_links::get(call),
        "ListAvailableManagementCidrRanges" => management_cidr_ranges::list(call),
        "DescribeApplications" => applications::describe(call),
        "DescribeApplicationAssociations" => associations::describe_application(call),
        "DescribeWorkspaceAssociations" => associations::describe_workspace(call),
        other => Err(ApiError::unknown_operation(other)),
    }
}

/// The CloudWatch operation of a valid call.
fn dispatch_metrics<'a>(call: &MetricsCall<'a>) -> Result<Structure<'a>, ApiError> {
    let MetricsCall {
        operation,
        region,
        body,
        fleet,
        now,
    } = *call;
    // Both build their answer in its JSON form.
    let output = match operation {
        "GetMetricData" => cloudwatch::get_metric_data(fleet, region, body, now),
        "ListMetrics" => cloudwatch::list_metrics(fleet, region, body, now),
        other => Err(ApiError::unknown_operation(other)),
    };
    output.map(Structure::json)
}

/// An operation's output structure, borrowing the fleet's records it answers with, serialized
/// only once the request's protocol is known: straight to bytes for the JSON protocols, into its
/// JSON form for the CBOR encoder, which the model guides. (Building that JSON form for every
/// answer, a map of strings for each of a page's pools, took a third of the emulator's CPU a
/// call on the organization bench.) An output already in its JSON form is kept as it is.
pub(crate) struct Structure<'a>(Form<'a>);

enum Form<'a> {
    /// Serialized when the protocol asks.
    Typed(Box<dyn SerializeOutput + 'a>),
    /// Already in the JSON form.
    Json(Value),
}

impl<'a> Structure<'a> {
    pub(crate) fn new(output: impl Serialize + 'a) -> Structure<'a> {
        Structure(Form::Typed(Box::new(output)))
    }

    /// An output borrowing what the operation worked out for this call alone (not the
    /// fleet's records): serialized now, into its JSON form.
    pub(crate) fn computed(output: &impl Serialize) -> Result<Structure<'static>, ApiError> {
        serde_json::to_value(output)
            .map(Structure::json)
            .map_err(|_| ApiError::internal_failure())
    }

    /// An output its operation built in its JSON form.
    pub(crate) fn json(output: Value) -> Structure<'static> {
        Structure(Form::Json(output))
    }

    /// The output as awsJson bodies carry it.
    pub(crate) fn to_json(&self) -> Result<Vec<u8>, ApiError> {
        let bytes = match &self.0 {
            Form::Typed(output) => output.to_json(),
            Form::Json(output) => serde_json::to_vec(output),
        };
        bytes.map_err(|_| ApiError::internal_failure())
    }

    /// The output in its JSON form.
    pub(crate) fn to_value(&self) -> Result<Cow<'_, Value>, ApiError> {
        match &self.0 {
            Form::Typed(output) => output
                .to_value()
                .map(Cow::Owned)
                .map_err(|_| ApiError::internal_failure()),
            Form::Json(output) => Ok(Cow::Borrowed(output)),
        }
    }
}

/// What a [`Structure`] can be serialized to: `Serialize` itself is not object-safe.
trait SerializeOutput {
    fn to_json(&self) -> serde_json::Result<Vec<u8>>;
    fn to_value(&self) -> serde_json::Result<Value>;
}

impl<T: Serialize> SerializeOutput for T {
    fn to_json(&self) -> serde_json::Result<Vec<u8>> {
        serde_json::to_vec(self)
    }

    fn to_value(&self) -> serde_json::Result<Value> {
        serde_json::to_value(self)
    }
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
        for operation in crate::service::Service::Workspaces.operations() {
            for body in &bodies {
                let call = Call::new("us-east-1", operation, body, &fleet);
                match answer(&call) {
                    Ok(output) => assert!(output.is_object(), "{operation} {body}: {output}"),
                    Err(error) => {
                        assert_eq!(error.status, 400, "{operation} {body}: {error:?}");
                        assert!(error.code.ends_with("Exception"), "{error:?}");
                    }
                }
            }
        }
    }

    /// The same of CloudWatch's operations, whose requests carry times, periods and counts.
    #[test]
    fn hostile_metric_requests_get_answers() {
        let fleet = Fleet::seeded(1, &["us-east-1"], 10);
        let pool_id = fleet.pools("us-east-1")[0].pool_id.clone();
        let query = |period: Value, stat: Value| {
            json!({"Id": "q", "MetricStat": {"Metric": {"Namespace": "AWS/WorkSpaces",
                "MetricName": "ActiveUserSessionCapacity",
                "Dimensions": [{"Name": "WorkSpaces pool ID", "Value": pool_id}]},
                "Period": period, "Stat": stat}})
        };
        let window = |start: Value, end: Value, queries: Value| json!({"StartTime": start, "EndTime": end, "MetricDataQueries": queries});
        let now = 1_782_907_200;
        let bodies = [
            json!(null),
            json!([]),
            json!({}),
            window(
                json!(0),
                json!(now),
                json!([query(json!(60), json!("Sum"))]),
            ),
            window(
                json!(-1e300),
                json!(1e300),
                json!([query(json!(1), json!("Average"))]),
            ),
            window(
                json!(now),
                json!(0),
                json!([query(json!(60), json!("Sum"))]),
            ),
            window(
                json!(0),
                json!(now),
                json!([query(json!(i64::MAX), json!("Sum"))]),
            ),
            window(
                json!(0),
                json!(now),
                json!([query(json!(-60), json!("p99"))]),
            ),
            window(
                json!(0),
                json!(now),
                json!([query(json!(7), json!("TM(:)"))]),
            ),
            window(json!(0), json!(now), json!([query(json!(60), json!(null))])),
            window(json!(0), json!(now), json!([])),
            window(
                json!("x"),
                json!(now),
                json!([query(json!(60), json!("Sum"))]),
            ),
            json!({"StartTime": 0, "EndTime": now, "MaxDatapoints": -5,
                   "MetricDataQueries": [query(json!(60), json!("Sum"))]}),
            json!({"StartTime": 0, "EndTime": now, "NextToken": "f".repeat(40),
                   "MetricDataQueries": [query(json!(60), json!("Sum"))]}),
            json!({"StartTime": 0, "EndTime": now, "LabelOptions": {"Timezone": "+9999"},
                   "MetricDataQueries": [query(json!(60), json!("Sum"))]}),
            json!({"MetricDataQueries": [{"Id": "q", "Expression": "SUM(METRICS())"}],
                   "StartTime": 0, "EndTime": 60}),
            json!({"Namespace": "AWS/WorkSpaces", "Dimensions": [{"Name": "\u{0}"}]}),
            json!({"RecentlyActive": "PT1H"}),
            json!({"NextToken": "0".repeat(40), "OwningAccount": "x"}),
            json!({"MetricName": 5}),
        ];
        for operation in crate::service::Service::CloudWatch.operations() {
            for body in &bodies {
                let call = MetricsCall {
                    operation,
                    region: "us-east-1",
                    body,
                    fleet: &fleet,
                    now,
                };
                match route(&Routed::CloudWatch(call)) {
                    Ok(Answer::Structure(output)) => {
                        let output = output.to_value().expect("the output serializes");
                        assert!(output.is_object(), "{operation} {body}: {output}")
                    }
                    Ok(Answer::Xml(_)) => panic!("{operation}: XML"),
                    Err(error) => assert_eq!(error.status, 400, "{operation} {body}: {error:?}"),
                }
            }
        }
    }
}
