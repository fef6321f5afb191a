//! Error answers: the status, error code and members of each, in each service's words and on
//! each protocol's wire.
//!
//! Errors are raised in WorkSpaces' vocabulary wherever they are common to every service
//! (throttling, signatures, unknown operations, 5xx); [`ApiError::in_words_of`] names them as STS,
//! Organizations or CloudWatch do before the request's protocol writes them (`protocol.rs`): its
//! members ([`ApiError::members`]) under the shape's name as awsJson or RPCv2 CBOR, or as awsQuery
//! XML (`<ErrorResponse><Error>...`).
//!
//! CloudWatch is `awsQueryCompatible`: it moved from awsQuery to JSON and CBOR keeping its
//! awsQuery error codes, which clients still show. Its errors hold that code
//! ([`ApiError::code`], e.g. `InvalidParameterValue`, `Throttling`); on the wire `__type` names
//! the error's shape ([`ApiError::shape_in`], the model's `InvalidParameterValueException`) and
//! the header `x-amzn-query-error: <code>;Sender|Receiver` ([`ApiError::query_error_in`]) carries
//! the code, which botocore's JSON and CBOR parsers (`_do_query_compatible_error_parse`) and the
//! AWS SDK for Rust (`aws_query_compatible_errors`) take in place of `__type`'s, as Smithy's
//! protocol tests for awsJson1_0 and RPCv2 CBOR (`query-compatible.smithy`) specify.

use serde_json::{Map, Value};

use super::query::{STS_NAMESPACE, escape};
use super::service::Service;

/// An error the emulator answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    /// HTTP status.
    pub(crate) status: u16,
    /// The code clients see: the error shape, e.g. `ValidationException`; for CloudWatch its
    /// awsQuery code, e.g. `ValidationError` ([`ApiError::shape_in`] gives the shape).
    pub(crate) code: &'static str,
    /// Human-readable message.
    pub(crate) message: String,
    /// `ResourceId` member of `ResourceNotFoundException`.
    pub(crate) resource_id: Option<String>,
    /// `Reason` member of Organizations' `InvalidInputException`.
    pub(crate) reason: Option<&'static str>,
}

/// An error every service answers, as each names it: WorkSpaces' code (also the shape CloudWatch
/// names in `__type` unless its model has one), then STS's, Organizations' and CloudWatch's
/// code and HTTP status.
struct CommonError {
    workspaces: &'static str,
    sts: (&'static str, u16),
    organizations: (&'static str, u16),
    cloudwatch: (&'static str, u16),
}

/// Codes not listed here are one service's own and keep their code and status. CloudWatch's
/// codes are its awsQuery ones: the model's where it has the error (`ValidationError`,
/// `InternalServiceError` of `InternalServiceFault`), else those its awsQuery answers carry
/// (`Throttling`, as botocore and the SDKs' retry classifiers know it; `InvalidAction`;
/// `ExpiredToken` with 403).
const COMMON_ERRORS: &[CommonError] = &[
    CommonError {
        workspaces: "MissingAuthenticationTokenException",
        sts: ("MissingAuthenticationToken", 403),
        organizations: ("MissingAuthenticationTokenException", 400),
        cloudwatch: ("MissingAuthenticationToken", 403),
    },
    CommonError {
        workspaces: "IncompleteSignatureException",
        sts: ("IncompleteSignature", 400),
        organizations: ("IncompleteSignatureException", 400),
        cloudwatch: ("IncompleteSignature", 400),
    },
    CommonError {
        workspaces: "UnrecognizedClientException",
        sts: ("InvalidClientTokenId", 403),
        organizations: ("UnrecognizedClientException", 400),
        cloudwatch: ("InvalidClientTokenId", 403),
    },
    CommonError {
        workspaces: "ExpiredTokenException",
        sts: ("ExpiredToken", 400),
        organizations: ("ExpiredTokenException", 400),
        cloudwatch: ("ExpiredToken", 403),
    },
    CommonError {
        workspaces: "UnknownOperationException",
        sts: ("InvalidAction", 400),
        organizations: ("UnknownOperationException", 400),
        cloudwatch: ("InvalidAction", 400),
    },
    CommonError {
        workspaces: "ValidationException",
        sts: ("ValidationError", 400),
        organizations: ("InvalidInputException", 400),
        cloudwatch: ("ValidationError", 400),
    },
    CommonError {
        workspaces: "ThrottlingException",
        sts: ("Throttling", 400),
        organizations: ("TooManyRequestsException", 400),
        cloudwatch: ("Throttling", 400),
    },
    CommonError {
        workspaces: "InternalFailure",
        sts: ("InternalFailure", 500),
        organizations: ("ServiceException", 500),
        cloudwatch: ("InternalServiceError", 500),
    },
    CommonError {
        workspaces: "ServiceUnavailable",
        sts: ("ServiceUnavailable", 503),
        organizations: ("ServiceUnavailable", 503),
        cloudwatch: ("ServiceUnavailable", 503),
    },
];

impl ApiError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            resource_id: None,
            reason: None,
        }
    }

    /// A model constraint is violated.
    pub(crate) fn validation(message: impl Into<String>) -> ApiError {
        Self::new(400, "ValidationException", message)
    }

    /// The request is well-formed but makes no sense (a foreign NextToken, exclusive members).
    pub(crate) fn invalid_parameter(message: impl Into<String>) -> ApiError {
        Self::new(400, "InvalidParameterValuesException", message)
    }

    /// The body cannot be read (not JSON, not CBOR) or a member has the wrong type.
    pub(crate) fn serialization(message: impl Into<String>) -> ApiError {
        Self::new(400, "SerializationException", message)
    }

    /// The member at `path` is not of its shape's type.
    pub(crate) fn wrong_type(path: &str, expected: &str) -> ApiError {
        Self::serialization(format!("Member '{path}' must be {expected}"))
    }

    /// The body is not an object (a structure).
    pub(crate) fn not_an_object() -> ApiError {
        Self::serialization("The request body must be a JSON object")
    }

    /// The named resource does not exist in the region.
    pub(crate) fn not_found(kind: &str, id: &str) -> ApiError {
        ApiError {
            resource_id: Some(id.to_string()),
            ..Self::new(
                400,
                "ResourceNotFoundException",
                format!("The {kind} {id} could not be found."),
            )
        }
    }

    /// None, or not all, of the named resources exist: names the first unknown one, lists them
    /// all.
    pub(crate) fn not_found_among(kind: &str, ids: &[&str]) -> ApiError {
        let Some(first) = ids.first() else {
            return Self::not_found(kind, "");
        };
        if ids.len() == 1 {
            return Self::not_found(kind, first);
        }
        ApiError {
            resource_id: Some(first.to_string()),
            ..Self::new(
                400,
                "ResourceNotFoundException",
                format!("The {kind}s {} could not be found.", ids.join(", ")),
            )
        }
    }

    /// The caller may not call anything in the region.
    pub(crate) fn access_denied(region: &str) -> ApiError {
        Self::new(
            400,
            "AccessDeniedException",
            format!("User is not authorized to perform WorkSpaces actions in {region}"),
        )
    }

    /// CloudWatch: the caller may not read metrics in the region (the awsQuery code IAM
    /// denials carry, which CloudWatch's `x-amzn-query-error` header names).
    pub(crate) fn metrics_access_denied(region: &str) -> ApiError {
        Self::new(
            403,
            "AccessDenied",
            format!("User is not authorized to perform: cloudwatch:GetMetricData in {region}"),
        )
    }

    /// Too many calls.
    pub(crate) fn throttling() -> ApiError {
        Self::new(400, "ThrottlingException", "Rate exceeded")
    }

    /// HTTP 500.
    pub(crate) fn internal_failure() -> ApiError {
        Self::new(
            500,
            "InternalFailure",
            "The request processing has failed because of an unknown error, exception or failure.",
        )
    }

    /// HTTP 503.
    pub(crate) fn service_unavailable() -> ApiError {
        Self::new(
            503,
            "ServiceUnavailable",
            "The service is unavailable. Please try again later.",
        )
    }

    /// `X-Amz-Target` names no operation of the service.
    pub(crate) fn unknown_operation(target: &str) -> ApiError {
        Self::new(
            400,
            "UnknownOperationException",
            format!("Unknown operation {target}"),
        )
    }

    /// No `Authorization` header.
    pub(crate) fn missing_authentication() -> ApiError {
        Self::new(
            400,
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        )
    }

    /// An `Authorization` header that is not a complete SigV4 one.
    pub(crate) fn incomplete_signature(message: impl Into<String>) -> ApiError {
        Self::new(400, "IncompleteSignatureException", message)
    }

    /// Credentials the service does not know: an access key that looks issued by `AssumeRole` but
    /// was not, or a session token that does not go with its key.
    pub(crate) fn invalid_client_token() -> ApiError {
        Self::new(
            400,
            "UnrecognizedClientException",
            "The security token included in the request is invalid.",
        )
    }

    /// Credentials `AssumeRole` issued, used after their expiration.
    pub(crate) fn expired_token() -> ApiError {
        Self::new(
            400,
            "ExpiredTokenException",
            "The security token included in the request is expired",
        )
    }

    /// STS: the caller may not assume the role.
    pub(crate) fn assume_role_denied(caller_arn: &str, role_arn: &str) -> ApiError {
        Self::new(
            403,
            "AccessDenied",
            format!(
                "User: {caller_arn} is not authorized to perform: sts:AssumeRole on resource: {role_arn}"
            ),
        )
    }

    /// Organizations: the caller may not call the operation.
    pub(crate) fn organizations_access_denied(message: impl Into<String>) -> ApiError {
        Self::new(400, "AccessDeniedException", message)
    }

    /// Organizations: a member is out of bounds or a NextToken is foreign; `reason` is one of the
    /// model's `InvalidInputExceptionReason` values.
    pub(crate) fn invalid_input(reason: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            reason: Some(reason),
            ..Self::new(400, "InvalidInputException", message)
        }
    }

    /// The same error as `service` names it: a common error gets that service's code and
    /// status; a service's own error is unchanged.
    pub(crate) fn in_words_of(self, service: Service) -> ApiError {
        let Some(common) = COMMON_ERRORS.iter().find(|e| e.workspaces == self.code) else {
            return self;
        };
        let (code, status) = match service {
            Service::Workspaces => return self,
            Service::Sts => common.sts,
            Service::Organizations => common.organizations,
            Service::CloudWatch => common.cloudwatch,
        };
        ApiError {
            code,
            status,
            ..self
        }
    }

    /// The error's members but its type: the message (under `message_member`, as the
    /// service's model spells it), and `ResourceId` or `Reason` where the error has them.
    pub(crate) fn members(&self, message_member: &str) -> Map<String, Value> {
        let mut members = Map::new();
        members.insert(message_member.into(), Value::from(self.message.as_str()));
        if let Some(resource_id) = &self.resource_id {
            members.insert("ResourceId".into(), Value::from(resource_id.as_str()));
        }
        if let Some(reason) = self.reason {
            members.insert("Reason".into(), Value::from(reason));
        }
        members
    }

    /// The shape `__type` names on JSON and CBOR (already in `service`'s words): for a
    /// query-compatible service (CloudWatch, the only one here), the model's shape of the code,
    /// or the common error's JSON name (`Throttling` is a `ThrottlingException`); otherwise the
    /// code itself.
    pub(crate) fn shape_in(&self, service: Service) -> &'static str {
        let Some(model) = service.model().filter(|m| m.metadata.query_compatible()) else {
            return self.code;
        };
        if let Some((shape, _)) = model.error_with_code(self.code) {
            return shape;
        }
        COMMON_ERRORS
            .iter()
            .find(|common| common.cloudwatch.0 == self.code)
            .map_or(self.code, |common| common.workspaces)
    }

    /// The `x-amzn-query-error` header of a query-compatible service's JSON or CBOR error:
    /// `<code>;Sender` or `<code>;Receiver`.
    pub(crate) fn query_error_in(&self, service: Service) -> Option<String> {
        service
            .model()
            .filter(|m| m.metadata.query_compatible())
            .map(|_| format!("{};{}", self.code, self.fault()))
    }

    /// `Sender` faults are the caller's (4xx), `Receiver` ones the service's (5xx), as the
    /// models' `senderFault` has them.
    fn fault(&self) -> &'static str {
        if self.status >= 500 {
            "Receiver"
        } else {
            "Sender"
        }
    }

    /// The awsQuery XML body, with the fault side.
    pub(crate) fn xml_body(&self, request_id: &str) -> String {
        format!(
            "<ErrorResponse xmlns=\"{STS_NAMESPACE}\"><Error><Type>{}</Type><Code>{}</Code>\
             <Message>{}</Message></Error><RequestId>{}</RequestId></ErrorResponse>",
            self.fault(),
            self.code,
            escape(&self.message),
            escape(request_id),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::Protocol;

    fn json(error: &ApiError, service: Service) -> Value {
        serde_json::from_slice(&Protocol::AwsJson1_1.encode_error(service, error, "req-1"))
            .expect("json")
    }

    /// The awsQuery answer, as STS gives it.
    fn sts_xml(error: &ApiError, request_id: &str) -> String {
        String::from_utf8(Protocol::AwsQuery.encode_error(Service::Sts, error, request_id))
            .expect("utf-8")
    }

    #[test]
    fn json_bodies_carry_the_shape_and_message() {
        let body = json(
            &ApiError::not_found("pool", "wspool-abc123xyz"),
            Service::Workspaces,
        );
        assert_eq!(body["__type"], "ResourceNotFoundException");
        assert_eq!(body["ResourceId"], "wspool-abc123xyz");
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains("wspool-abc123xyz"))
        );
        let throttled = json(&ApiError::throttling(), Service::Workspaces);
        assert_eq!(throttled["__type"], "ThrottlingException");
        assert!(throttled.get("ResourceId").is_none());
        assert!(throttled.get("Reason").is_none());
        assert_eq!(ApiError::service_unavailable().status, 503);
    }

    #[test]
    fn organizations_spell_message_with_a_capital_and_carry_a_reason() {
        let error = ApiError::invalid_input("INVALID_NEXT_TOKEN", "foreign token");
        let body = json(&error, Service::Organizations);
        assert_eq!(body["__type"], "InvalidInputException");
        assert_eq!(body["Message"], "foreign token");
        assert_eq!(body["Reason"], "INVALID_NEXT_TOKEN");
        assert!(body.get("message").is_none());
    }

    #[test]
    fn common_errors_are_named_in_each_services_words() {
        let throttled = ApiError::throttling();
        assert_eq!(
            throttled.clone().in_words_of(Service::Workspaces).code,
            "ThrottlingException"
        );
        assert_eq!(
            throttled.clone().in_words_of(Service::Sts).code,
            "Throttling"
        );
        assert_eq!(
            throttled.in_words_of(Service::Organizations).code,
            "TooManyRequestsException"
        );
        let token = ApiError::invalid_client_token().in_words_of(Service::Sts);
        assert_eq!((token.code, token.status), ("InvalidClientTokenId", 403));
        let expired = ApiError::expired_token().in_words_of(Service::Sts);
        assert_eq!((expired.code, expired.status), ("ExpiredToken", 400));
        let failure = ApiError::internal_failure().in_words_of(Service::Organizations);
        assert_eq!((failure.code, failure.status), ("ServiceException", 500));
        // A service's own error keeps its name.
        let denied =
            ApiError::assume_role_denied("arn:caller", "arn:role").in_words_of(Service::Sts);
        assert_eq!((denied.code, denied.status), ("AccessDenied", 403));
    }

    #[test]
    fn query_errors_are_xml_with_the_fault_side_and_request_id() {
        let error = ApiError::assume_role_denied("arn:aws:iam::1:user/<me>", "arn:role");
        let xml = sts_xml(&error, "req-7");
        assert!(xml.starts_with("<ErrorResponse"), "{xml}");
        assert!(
            xml.contains("<Type>Sender</Type><Code>AccessDenied</Code>"),
            "{xml}"
        );
        assert!(xml.contains("user/&lt;me&gt;"), "escaped: {xml}");
        assert!(xml.contains("<RequestId>req-7</RequestId>"), "{xml}");
        let failure = ApiError::internal_failure().in_words_of(Service::Sts);
        let xml = sts_xml(&failure, "r");
        assert!(
            xml.contains("<Type>Receiver</Type><Code>InternalFailure</Code>"),
            "{xml}"
        );
    }
}
