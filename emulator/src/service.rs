//! The services one endpoint serves, the protocols each speaks, and how a request says which
//! service, protocol and operation it is for.
//!
//! | service | signing name | protocols | model |
//! |---|---|---|---|
//! | WorkSpaces (`WorkspacesService`) | `workspaces` | awsJson1_1, RPCv2 CBOR | `models/workspaces-2015-04-08.json` |
//! | CloudWatch (`GraniteServiceVersion20100801`) | `monitoring` | awsJson1_0, RPCv2 CBOR | `models/cloudwatch-2010-08-01.json` |
//! | STS | `sts` | awsQuery | none (checked by hand) |
//! | Organizations (`AWSOrganizationsV20161128`) | `organizations` | awsJson1_1 | none (checked by hand) |
//!
//! A request is addressed ([`Address::of_request`]) by its path first: RPCv2 CBOR puts the
//! service and operation there (`/service/WorkspacesService/operation/DescribeTags`, the service
//! also as its absolute shape id with `.` for `#`). Otherwise it is a JSON or query request to
//! `/`, routed by its `X-Amz-Target` prefix, else by a form body (STS is the only awsQuery
//! service here), else it is a WorkSpaces request, as every request was before the other
//! services existed. The SigV4 credential scope must then name the same service (`auth.rs`).
//!
//! Adding an operation: list it in [`Service::operations`] and answer it in `operations.rs`;
//! the model already validates its requests and shapes its CBOR answers. CloudWatch's
//! (`GetMetricData`, `ListMetrics`) are answered by `cloudwatch/` through a `Routed::CloudWatch`
//! call, which `server.rs` builds from the caller's account, the region and the clock.

use super::model::{self, ServiceModel, ShapeKind};
use super::protocol::Protocol;

/// A service of the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Service {
    /// Amazon WorkSpaces: the fleets.
    Workspaces,
    /// Amazon CloudWatch: the fleet's metrics.
    CloudWatch,
    /// AWS STS: `AssumeRole` and `GetCallerIdentity`.
    Sts,
    /// AWS Organizations: `ListAccounts`.
    Organizations,
}

/// The `X-Amz-Target` prefixes of the JSON services, with the dot (each the model's
/// `targetPrefix`, which a unit test checks).
const WORKSPACES_TARGET: &str = "WorkspacesService.";
const CLOUDWATCH_TARGET: &str = "GraniteServiceVersion20100801.";
const ORGANIZATIONS_TARGET: &str = "AWSOrganizationsV20161128.";

impl Service {
    /// Every service, for look-ups by name.
    pub(crate) const ALL: [Service; 4] = [
        Service::Workspaces,
        Service::CloudWatch,
        Service::Sts,
        Service::Organizations,
    ];

    /// The service a JSON or query request (to `/`) is for, from its `X-Amz-Target` and
    /// `Content-Type` headers.
    pub(crate) fn of_request(target: Option<&str>, content_type: Option<&str>) -> Service {
        if target.is_some_and(|t| t.starts_with(ORGANIZATIONS_TARGET)) {
            return Service::Organizations;
        }
        if target.is_some_and(|t| t.starts_with(CLOUDWATCH_TARGET)) {
            return Service::CloudWatch;
        }
        let form = content_type.is_some_and(|c| {
            c.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/x-www-form-urlencoded")
        });
        if target.is_none() && form {
            return Service::Sts;
        }
        Service::Workspaces
    }

    /// The service's SigV4 signing name, which the credential scope must carry; also its name in
    /// the request log. The model's `endpointPrefix` where there is a model.
    pub(crate) fn signing_name(self) -> &'static str {
        if let Some(model) = self.model() {
            return &model.metadata.endpoint_prefix;
        }
        match self {
            Service::Sts => "sts",
            _ => "organizations",
        }
    }

    /// The operations the emulator answers.
    pub(crate) fn operations(self) -> &'static [&'static str] {
        match self {
            Service::Workspaces => &[
                "DescribeWorkspacesPools",
                "DescribeWorkspacesPoolSessions",
                "DescribeWorkspaceDirectories",
                "DescribeWorkspaceBundles",
                "DescribeWorkspaces",
                "DescribeTags",
                "DescribeWorkspaceImages",
                "DescribeWorkspaceImagePermissions",
                "DescribeCustomWorkspaceImageImport",
                "DescribeImageAssociations",
                "DescribeBundleAssociations",
                "DescribeWorkspacesConnectionStatus",
                "DescribeWorkspaceSnapshots",
                "DescribeIpGroups",
                "DescribeConnectionAliases",
                "DescribeConnectionAliasPermissions",
                "DescribeClientProperties",
                "DescribeClientBranding",
                "DescribeConnectClientAddIns",
            ],
            Service::CloudWatch => &["GetMetricData", "ListMetrics"],
            Service::Sts => &["AssumeRole", "GetCallerIdentity"],
            Service::Organizations => &["ListAccounts"],
        }
    }

    /// The service's model, when the emulator has it.
    pub(crate) fn model(self) -> Option<&'static ServiceModel> {
        match self {
            Service::Workspaces => Some(model::workspaces()),
            Service::CloudWatch => Some(model::cloudwatch()),
            Service::Sts | Service::Organizations => None,
        }
    }

    /// The name of the service's Smithy shape: RPCv2 CBOR's path segment, and with the dot the
    /// awsJson `X-Amz-Target` prefix. The model's `targetPrefix` where there is a model.
    fn shape_name(self) -> &'static str {
        if let Some(model) = self.model() {
            return &model.metadata.target_prefix;
        }
        match self {
            Service::Sts => "AWSSecurityTokenServiceV20110615",
            _ => "AWSOrganizationsV20161128",
        }
    }

    /// The Smithy namespace of the service's shapes: RPCv2 CBOR names errors by absolute shape id
    /// (`com.amazonaws.workspaces#ResourceNotFoundException`).
    pub(crate) fn namespace(self) -> &'static str {
        match self {
            Service::Workspaces => "com.amazonaws.workspaces",
            Service::CloudWatch => "com.amazonaws.cloudwatch",
            Service::Sts => "com.amazonaws.sts",
            Service::Organizations => "com.amazonaws.organizations",
        }
    }

    /// The protocol of its requests to `/`: the awsJson version the model gives, awsQuery for
    /// STS.
    pub(crate) fn root_protocol(self) -> Protocol {
        match self {
            Service::Sts => Protocol::AwsQuery,
            Service::Organizations => Protocol::AwsJson1_1,
            _ => match self
                .model()
                .and_then(|m| m.metadata.json_version.as_deref())
            {
                Some("1.0") => Protocol::AwsJson1_0,
                _ => Protocol::AwsJson1_1,
            },
        }
    }

    /// Whether it also speaks RPCv2 CBOR (its model lists `smithy-rpc-v2-cbor`).
    fn speaks_cbor(self) -> bool {
        self.model().is_some_and(|m| {
            m.metadata
                .protocols
                .iter()
                .any(|p| p == "smithy-rpc-v2-cbor")
        })
    }

    /// Every protocol it speaks, the one of `/` first.
    pub(crate) fn protocols(self) -> Vec<Protocol> {
        let mut protocols = vec![self.root_protocol()];
        if self.speaks_cbor() {
            protocols.push(Protocol::RpcV2Cbor);
        }
        protocols
    }

    /// `X-Amz-Target` prefix of the JSON services.
    pub(crate) fn target_prefix(self) -> Option<&'static str> {
        match self {
            Service::Workspaces => Some(WORKSPACES_TARGET),
            Service::CloudWatch => Some(CLOUDWATCH_TARGET),
            Service::Organizations => Some(ORGANIZATIONS_TARGET),
            Service::Sts => None,
        }
    }

    /// The member errors carry their message in: `message` for WorkSpaces and CloudWatch,
    /// `Message` for Organizations, as their models spell it.
    pub(crate) fn message_member(self) -> &'static str {
        match self {
            Service::Organizations => "Message",
            _ => "message",
        }
    }

    /// The service whose RPCv2 path segment is `segment`: its shape name, or its absolute shape
    /// id with `.` for `#` (`com.amazonaws.workspaces.WorkspacesService`).
    fn of_shape_segment(segment: &str) -> Option<Service> {
        Service::ALL
            .into_iter()
            .filter(|s| s.speaks_cbor())
            .find(|service| {
                let name = service.shape_name();
                segment == name
                    || segment
                        .strip_suffix(name)
                        .and_then(|namespace| namespace.strip_suffix('.'))
                        == Some(service.namespace())
            })
    }
}

/// An operation the emulator answers, as its service's model describes its request: what a test
/// or a client needs to call every operation, including ones added later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnsweredOperation {
    /// The service's signing name (`workspaces`, `monitoring`, `sts`, `organizations`).
    pub service: &'static str,
    /// The operation (`DescribeWorkspacesPools`).
    pub name: &'static str,
    /// The protocols it is answered in, the service's protocol at `/` first.
    pub protocols: Vec<Protocol>,
    /// The members of its input, in the model's order; empty for STS and Organizations, whose
    /// models the emulator does not have.
    pub input: Vec<InputMember>,
    /// The error shapes the model lists for it.
    pub errors: Vec<String>,
    /// The model's documentation of the operation (HTML).
    pub documentation: Option<String>,
}

/// A member of an operation's input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputMember {
    /// Its name on the wire (`PoolId`).
    pub name: String,
    /// Whether a request must carry it.
    pub required: bool,
    /// The model's documentation of the member (HTML).
    pub documentation: Option<String>,
}

/// Every operation the emulator answers, service by service (WorkSpaces, CloudWatch, STS,
/// Organizations).
pub fn answered_operations() -> Vec<AnsweredOperation> {
    let mut answered = Vec::new();
    for service in Service::ALL {
        for &name in service.operations() {
            let operation = service.model().and_then(|m| Some((m, m.operation(name)?)));
            let input = operation
                .and_then(|(model, operation)| {
                    let input = model.shape(operation.input.as_deref()?)?;
                    match &input.kind {
                        ShapeKind::Structure(structure) => Some(structure),
                        _ => None,
                    }
                })
                .map(|structure| {
                    structure
                        .members
                        .iter()
                        .map(|member| InputMember {
                            name: member.name.clone(),
                            required: structure.required.contains(&member.name),
                            documentation: member.documentation.clone(),
                        })
                        .collect()
                })
                .unwrap_or_default();
            answered.push(AnsweredOperation {
                service: service.signing_name(),
                name,
                protocols: service.protocols(),
                input,
                errors: operation.map(|(_, o)| o.errors.clone()).unwrap_or_default(),
                documentation: operation.and_then(|(_, o)| o.documentation.clone()),
            });
        }
    }
    answered
}

/// Where a request is addressed: service, protocol, and (except for awsQuery, whose operation
/// is in the body) operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Address {
    pub(crate) service: Service,
    pub(crate) protocol: Protocol,
    /// From the RPCv2 path or `X-Amz-Target`; `None` for awsQuery.
    pub(crate) operation: Option<String>,
}

impl Address {
    /// Addresses a request by its path, `X-Amz-Target` and `Content-Type`.
    pub(crate) fn of_request(
        path: &str,
        target: Option<&str>,
        content_type: Option<&str>,
    ) -> Address {
        if let Some((segment, operation)) = rpc_v2_path(path) {
            // A CBOR path for a service that does not speak CBOR names no operation of ours; it
            // is answered (in CBOR) as WorkSpaces' unknown operation.
            return match Service::of_shape_segment(segment) {
                Some(service) => Address {
                    service,
                    protocol: Protocol::RpcV2Cbor,
                    operation: Some(operation.to_string()),
                },
                None => Address {
                    service: Service::Workspaces,
                    protocol: Protocol::RpcV2Cbor,
                    operation: Some(format!("{segment}/{operation}")),
                },
            };
        }
        let service = Service::of_request(target, content_type);
        let operation = service.target_prefix().map(|prefix| {
            let target = target.unwrap_or_default();
            target.strip_prefix(prefix).unwrap_or(target).to_string()
        });
        Address {
            service,
            protocol: service.root_protocol(),
            operation,
        }
    }
}

/// The service and operation segments of `{prefix}/service/{service}/operation/{operation}`:
/// only the last four segments count.
fn rpc_v2_path(path: &str) -> Option<(&str, &str)> {
    let mut segments = path.rsplit('/');
    let operation = segments.next()?;
    let operation_label = segments.next()?;
    let service = segments.next()?;
    let service_label = segments.next()?;
    (service_label == "service" && operation_label == "operation").then_some((service, operation))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_routed_by_target_then_form_then_default() {
        let json = Some("application/x-amz-json-1.1");
        let form = Some("application/x-www-form-urlencoded; charset=utf-8");
        assert_eq!(
            Service::of_request(Some("WorkspacesService.DescribeTags"), json),
            Service::Workspaces
        );
        assert_eq!(
            Service::of_request(Some("AWSOrganizationsV20161128.ListAccounts"), json),
            Service::Organizations
        );
        assert_eq!(
            Service::of_request(
                Some("GraniteServiceVersion20100801.GetMetricData"),
                Some("application/x-amz-json-1.0")
            ),
            Service::CloudWatch
        );
        assert_eq!(Service::of_request(None, form), Service::Sts);
        assert_eq!(
            Service::of_request(None, Some("Application/X-WWW-Form-Urlencoded")),
            Service::Sts
        );
        // Anything else is answered by WorkSpaces, in its words, as before.
        assert_eq!(Service::of_request(None, json), Service::Workspaces);
        assert_eq!(Service::of_request(None, None), Service::Workspaces);
        assert_eq!(
            Service::of_request(Some("Other.Op"), form),
            Service::Workspaces
        );
    }

    #[test]
    fn rpc_v2_paths_name_service_and_operation() {
        let cbor = |service, operation: &str| Address {
            service,
            protocol: Protocol::RpcV2Cbor,
            operation: Some(operation.to_string()),
        };
        assert_eq!(
            Address::of_request(
                "/service/WorkspacesService/operation/DescribeWorkspacesPools",
                None,
                Some("application/cbor")
            ),
            cbor(Service::Workspaces, "DescribeWorkspacesPools")
        );
        assert_eq!(
            Address::of_request(
                "/v1/service/com.amazonaws.workspaces.WorkspacesService/operation/DescribeTags",
                None,
                None
            ),
            cbor(Service::Workspaces, "DescribeTags"),
            "a prefix and the absolute shape id are accepted"
        );
        assert_eq!(
            Address::of_request(
                "/service/GraniteServiceVersion20100801/operation/GetMetricData",
                None,
                None
            ),
            cbor(Service::CloudWatch, "GetMetricData")
        );
        assert_eq!(
            Address::of_request(
                "/service/AWSOrganizationsV20161128/operation/ListAccounts",
                None,
                None
            ),
            cbor(
                Service::Workspaces,
                "AWSOrganizationsV20161128/ListAccounts"
            ),
            "Organizations speaks no CBOR"
        );
        assert_eq!(
            Address::of_request(
                "/service/com.amazonaws.cloudwatch.WorkspacesService/operation/DescribeTags",
                None,
                None
            )
            .operation
            .as_deref(),
            Some("com.amazonaws.cloudwatch.WorkspacesService/DescribeTags"),
            "a namespace that is not the service's"
        );
    }

    #[test]
    fn root_requests_keep_their_json_or_query_protocol() {
        let address = Address::of_request(
            "/",
            Some("GraniteServiceVersion20100801.ListMetrics"),
            Some("application/x-amz-json-1.0"),
        );
        assert_eq!(
            (
                address.service,
                address.protocol,
                address.operation.as_deref()
            ),
            (
                Service::CloudWatch,
                Protocol::AwsJson1_0,
                Some("ListMetrics")
            )
        );
        let address = Address::of_request(
            "/",
            Some("WorkspacesService.DescribeTags"),
            Some("application/x-amz-json-1.1"),
        );
        assert_eq!(
            (
                address.service,
                address.protocol,
                address.operation.as_deref()
            ),
            (
                Service::Workspaces,
                Protocol::AwsJson1_1,
                Some("DescribeTags")
            )
        );
        let address = Address::of_request("/", None, Some("application/x-www-form-urlencoded"));
        assert_eq!(
            (address.service, address.protocol, address.operation),
            (Service::Sts, Protocol::AwsQuery, None)
        );
        assert_eq!(Service::CloudWatch.signing_name(), "monitoring");
        assert_eq!(Service::Workspaces.signing_name(), "workspaces");
        assert_eq!(
            Service::CloudWatch.operations(),
            ["GetMetricData", "ListMetrics"]
        );
        for service in [Service::Workspaces, Service::CloudWatch] {
            assert_eq!(
                service.target_prefix(),
                Some(format!("{}.", service.shape_name()).as_str()),
                "the model's targetPrefix"
            );
        }
        assert_eq!(
            Service::Workspaces.protocols(),
            [Protocol::AwsJson1_1, Protocol::RpcV2Cbor]
        );
        assert_eq!(
            Service::CloudWatch.protocols(),
            [Protocol::AwsJson1_0, Protocol::RpcV2Cbor]
        );
        assert_eq!(Service::Sts.protocols(), [Protocol::AwsQuery]);
        let answered = answered_operations();
        let listed: usize = Service::ALL.iter().map(|s| s.operations().len()).sum();
        assert_eq!(answered.len(), listed, "every operation of every service");
        let sessions = answered
            .iter()
            .find(|o| o.name == "DescribeWorkspacesPoolSessions")
            .expect("answered");
        assert_eq!(sessions.service, "workspaces");
        let required: Vec<&str> = sessions
            .input
            .iter()
            .filter(|m| m.required)
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(required, ["PoolId"]);
        assert!(
            sessions
                .errors
                .contains(&"ResourceNotFoundException".to_string())
        );
        assert!(sessions.input[0].documentation.is_some());
        assert_eq!(Service::Organizations.protocols(), [Protocol::AwsJson1_1]);
        let metrics = answered
            .iter()
            .find(|o| o.name == "GetMetricData")
            .expect("answered");
        assert_eq!(
            (metrics.service, metrics.protocols.as_slice()),
            (
                "monitoring",
                [Protocol::AwsJson1_0, Protocol::RpcV2Cbor].as_slice()
            )
        );
        let required: Vec<&str> = metrics
            .input
            .iter()
            .filter(|m| m.required)
            .map(|m| m.name.as_str())
            .collect();
        assert_eq!(required, ["MetricDataQueries", "StartTime", "EndTime"]);
    }
}
