//! The wire protocols, as one layer between HTTP and the operations.
//!
//! A request body is decoded into one in-memory form, the JSON an awsJson body carries
//! ([`Protocol::decode`]); validation and operations see only that form, whatever the encoding.
//! What an operation answers (its output structure) and every error are encoded once, at the
//! edge, in the request's protocol ([`Protocol::encode_output`], [`Protocol::encode_error`]):
//!
//! - awsJson1_0 / awsJson1_1: the JSON as is; errors `{"__type": SHAPE, <message>: ...}`.
//! - RPCv2 CBOR: CBOR guided by the operation's output shape (`cbor.rs`); errors are the same
//!   map with `__type` the error's absolute shape id (`com.amazonaws.workspaces#SHAPE`), as the
//!   Smithy specification requires (the SDKs keep what follows the `#`); answers carry
//!   `smithy-protocol: rpc-v2-cbor`.
//! - awsQuery (STS): form parameters in, XML out (`query.rs`).
//!
//! An error's shape is its code, except for a query-compatible service (CloudWatch), whose JSON
//! and CBOR errors name the model's shape in `__type` and carry the awsQuery code clients show
//! in the header `x-amzn-query-error` ([`Protocol::query_error_header`]; `api_error.rs` says why).

use serde_json::{Map, Value};

use super::api_error::ApiError;
use super::cbor::{self, Shaped};
use super::model::ServiceModel;
use super::operations::Structure;
use super::query;
use super::service::Service;

/// How a request and its answer are put on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// `X-Amz-Target` and a JSON body, `Content-Type: application/x-amz-json-1.0` (CloudWatch).
    AwsJson1_0,
    /// `X-Amz-Target` and a JSON body, `Content-Type: application/x-amz-json-1.1` (WorkSpaces,
    /// Organizations).
    AwsJson1_1,
    /// Smithy RPCv2 CBOR: `POST /service/<Service>/operation/<Operation>`, a CBOR body.
    RpcV2Cbor,
    /// A form body with `Action=<Operation>`, XML answers (STS).
    AwsQuery,
}

/// `smithy-protocol`, the header RPCv2 requests and answers carry.
pub(crate) const SMITHY_PROTOCOL: &str = "smithy-protocol";
/// Its value for CBOR.
pub(crate) const RPC_V2_CBOR: &str = "rpc-v2-cbor";
/// RPCv2 CBOR's `Content-Type`.
pub(crate) const CBOR_CONTENT_TYPE: &str = "application/cbor";
/// The header of a query-compatible service's errors: `<awsQuery code>;Sender|Receiver`.
pub(crate) const QUERY_ERROR: &str = "x-amzn-query-error";

impl Protocol {
    /// The protocol's name as Smithy spells it (`awsJson1_1`, `rpcv2Cbor`, `awsQuery`).
    pub fn name(self) -> &'static str {
        match self {
            Protocol::AwsJson1_0 => "awsJson1_0",
            Protocol::AwsJson1_1 => "awsJson1_1",
            Protocol::RpcV2Cbor => "rpcv2Cbor",
            Protocol::AwsQuery => "awsQuery",
        }
    }

    /// `Content-Type` of every answer, errors included.
    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Protocol::AwsJson1_0 => "application/x-amz-json-1.0",
            Protocol::AwsJson1_1 => "application/x-amz-json-1.1",
            Protocol::RpcV2Cbor => CBOR_CONTENT_TYPE,
            Protocol::AwsQuery => "text/xml",
        }
    }

    /// Whether a request's `Content-Type` is the protocol's (an awsJson service accepts either
    /// JSON version, as AWS does).
    pub(crate) fn accepts_content_type(self, content_type: &str) -> bool {
        let content_type = content_type.trim_start().to_ascii_lowercase();
        match self {
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => {
                content_type.starts_with("application/x-amz-json-1.")
            }
            Protocol::RpcV2Cbor => content_type.starts_with(CBOR_CONTENT_TYPE),
            Protocol::AwsQuery => true,
        }
    }

    /// The request body in its JSON form (an empty body reads as `{}`); for awsQuery, the form's
    /// parameters as an object of strings.
    pub(crate) fn decode(self, bytes: &[u8]) -> Result<Value, ApiError> {
        if self == Protocol::AwsQuery {
            return Ok(query::parameters(bytes));
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Object(Map::new()));
        }
        match self {
            Protocol::RpcV2Cbor => cbor::decode(bytes).map_err(|reason| {
                ApiError::serialization(format!("The request body is not valid CBOR: {reason}"))
            }),
            _ => serde_json::from_slice(bytes)
                .map_err(|_| ApiError::serialization("The request body is not valid JSON")),
        }
    }

    /// The body of a 200 answering `operation` of `model` with `output`.
    pub(crate) fn encode_output(
        self,
        model: Option<&ServiceModel>,
        operation: &str,
        output: &Structure<'_>,
    ) -> Result<Vec<u8>, ApiError> {
        match self {
            Protocol::RpcV2Cbor => {
                let shaped = model.and_then(|model| {
                    let shape = model.operation(operation)?.output.as_deref()?;
                    Some(Shaped { model, shape })
                });
                cbor::encode(&*output.to_value()?, shaped).map_err(|_| ApiError::internal_failure())
            }
            _ => output.to_json(),
        }
    }

    /// The body of `error` (already in `service`'s words); `request_id` is repeated in awsQuery
    /// bodies as the service does.
    pub(crate) fn encode_error(
        self,
        service: Service,
        error: &ApiError,
        request_id: &str,
    ) -> Vec<u8> {
        let mut members = Map::new();
        let shape = error.shape_in(service);
        let code = match self {
            Protocol::RpcV2Cbor => format!("{}#{shape}", service.namespace()),
            Protocol::AwsQuery => return error.xml_body(request_id).into_bytes(),
            Protocol::AwsJson1_0 | Protocol::AwsJson1_1 => shape.to_string(),
        };
        members.insert("__type".into(), Value::from(code));
        members.extend(error.members(service.message_member()));
        let body = Value::Object(members);
        match self {
            Protocol::RpcV2Cbor => cbor::encode(&body, None).unwrap_or_default(),
            _ => serde_json::to_vec(&body).unwrap_or_default(),
        }
    }

    /// The value of [`QUERY_ERROR`] on the answer of `error` (already in `service`'s words):
    /// JSON and CBOR errors of a query-compatible service carry it, awsQuery ones have the code
    /// in their body.
    pub(crate) fn query_error_header(self, service: Service, error: &ApiError) -> Option<String> {
        match self {
            Protocol::AwsQuery => None,
            _ => error.query_error_in(service),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn cbor_value(bytes: &[u8]) -> Value {
        cbor::decode(bytes).expect("cbor")
    }

    #[test]
    fn both_encodings_decode_to_one_form() {
        let json = Protocol::AwsJson1_1
            .decode(br#"{"Limit": 5, "PoolIds": ["wspool-abc123xyz"]}"#)
            .expect("json");
        let cbor = Protocol::RpcV2Cbor
            .decode(&cbor::encode(&json, None).expect("encodes"))
            .expect("cbor");
        assert_eq!(json, cbor);
        for protocol in [
            Protocol::AwsJson1_0,
            Protocol::AwsJson1_1,
            Protocol::RpcV2Cbor,
        ] {
            assert_eq!(protocol.decode(b""), Ok(json!({})), "{protocol:?}");
        }
        let error = Protocol::RpcV2Cbor
            .decode(b"{}")
            .expect_err("JSON is not CBOR");
        assert_eq!(error.code, "SerializationException");
        assert!(error.message.contains("CBOR"), "{}", error.message);
        let error = Protocol::AwsJson1_1
            .decode(b"\xa0")
            .expect_err("CBOR is not JSON");
        assert_eq!(error.code, "SerializationException");
    }

    #[test]
    fn errors_name_their_shape_as_each_protocol_does() {
        let error = ApiError::not_found("WorkSpaces pool", "wspool-000000000");
        let json: Value = serde_json::from_slice(&Protocol::AwsJson1_1.encode_error(
            Service::Workspaces,
            &error,
            "r",
        ))
        .expect("json");
        assert_eq!(json["__type"], "ResourceNotFoundException");
        let cbor = cbor_value(&Protocol::RpcV2Cbor.encode_error(Service::Workspaces, &error, "r"));
        assert_eq!(
            cbor["__type"],
            "com.amazonaws.workspaces#ResourceNotFoundException"
        );
        for body in [&json, &cbor] {
            assert_eq!(body["ResourceId"], "wspool-000000000");
            assert!(
                body["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("wspool-000000000"))
            );
        }
        assert_eq!(
            Protocol::AwsJson1_1.query_error_header(Service::Workspaces, &error),
            None,
            "WorkSpaces is not query-compatible"
        );
    }

    #[test]
    fn cloudwatch_errors_name_their_shape_and_carry_their_query_code() {
        let throttled = ApiError::throttling().in_words_of(Service::CloudWatch);
        assert_eq!((throttled.code, throttled.status), ("Throttling", 400));
        let cbor =
            cbor_value(&Protocol::RpcV2Cbor.encode_error(Service::CloudWatch, &throttled, "r"));
        assert_eq!(
            cbor,
            json!({"__type": "com.amazonaws.cloudwatch#ThrottlingException", "message": "Rate exceeded"})
        );
        for protocol in [Protocol::AwsJson1_0, Protocol::RpcV2Cbor] {
            assert_eq!(
                protocol.query_error_header(Service::CloudWatch, &throttled),
                Some("Throttling;Sender".to_string())
            );
        }
        let failure = ApiError::internal_failure().in_words_of(Service::CloudWatch);
        let json: Value = serde_json::from_slice(&Protocol::AwsJson1_0.encode_error(
            Service::CloudWatch,
            &failure,
            "r",
        ))
        .expect("json");
        assert_eq!(json["__type"], "InternalServiceFault", "the model's shape");
        assert_eq!(failure.status, 500);
        assert_eq!(
            Protocol::AwsJson1_0.query_error_header(Service::CloudWatch, &failure),
            Some("InternalServiceError;Receiver".to_string())
        );
        let validation =
            ApiError::validation("1 validation error detected").in_words_of(Service::CloudWatch);
        assert_eq!(validation.code, "ValidationError");
        assert_eq!(
            validation.shape_in(Service::CloudWatch),
            "ValidationException"
        );
        let unknown = ApiError::unknown_operation("PutMetricData").in_words_of(Service::CloudWatch);
        assert_eq!(
            (unknown.code, unknown.shape_in(Service::CloudWatch)),
            ("InvalidAction", "UnknownOperationException")
        );
        // An error of no model and no common table keeps its name on both sides.
        let serialization = ApiError::serialization("bad").in_words_of(Service::CloudWatch);
        assert_eq!(
            serialization.shape_in(Service::CloudWatch),
            "SerializationException"
        );
        assert_eq!(
            Protocol::RpcV2Cbor.query_error_header(Service::CloudWatch, &serialization),
            Some("SerializationException;Sender".to_string())
        );
    }

    #[test]
    fn content_types_are_each_protocols() {
        assert_eq!(
            Protocol::AwsJson1_0.content_type(),
            "application/x-amz-json-1.0"
        );
        assert_eq!(Protocol::RpcV2Cbor.content_type(), "application/cbor");
        assert!(Protocol::RpcV2Cbor.accepts_content_type("application/cbor"));
        assert!(!Protocol::RpcV2Cbor.accepts_content_type("application/x-amz-json-1.1"));
        assert!(Protocol::AwsJson1_1.accepts_content_type("application/x-amz-json-1.0"));
        assert!(!Protocol::AwsJson1_1.accepts_content_type("application/cbor"));
        assert_eq!(Protocol::RpcV2Cbor.name(), "rpcv2Cbor");
    }
}
