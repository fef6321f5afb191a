//! Error answers, in the awsJson1_1 form: an HTTP status and `{"__type": SHAPE, "message": ...}`.

use serde::Serialize;

/// An error the emulator answers with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ApiError {
    /// HTTP status.
    pub(crate) status: u16,
    /// The error shape, e.g. `ValidationException`.
    pub(crate) code: &'static str,
    /// Human-readable message.
    pub(crate) message: String,
    /// `ResourceId` member of `ResourceNotFoundException`.
    pub(crate) resource_id: Option<String>,
}

#[derive(Serialize)]
struct Body<'a> {
    #[serde(rename = "__type")]
    code: &'a str,
    message: &'a str,
    #[serde(rename = "ResourceId", skip_serializing_if = "Option::is_none")]
    resource_id: Option<&'a str>,
}

impl ApiError {
    fn new(status: u16, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            resource_id: None,
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

    /// The body is not JSON or a member has the wrong type.
    pub(crate) fn serialization(message: impl Into<String>) -> ApiError {
        Self::new(400, "SerializationException", message)
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

    /// The JSON body of the answer.
    pub(crate) fn body(&self) -> Vec<u8> {
        let body = Body {
            code: self.code,
            message: &self.message,
            resource_id: self.resource_id.as_deref(),
        };
        serde_json::to_vec(&body).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_carry_the_shape_and_message() {
        let body: serde_json::Value =
            serde_json::from_slice(&ApiError::not_found("pool", "wspool-abc123xyz").body())
                .expect("json");
        assert_eq!(body["__type"], "ResourceNotFoundException");
        assert_eq!(body["ResourceId"], "wspool-abc123xyz");
        assert!(
            body["message"]
                .as_str()
                .is_some_and(|m| m.contains("wspool-abc123xyz"))
        );
        let throttled: serde_json::Value =
            serde_json::from_slice(&ApiError::throttling().body()).expect("json");
        assert_eq!(throttled["__type"], "ThrottlingException");
        assert!(throttled.get("ResourceId").is_none());
        assert_eq!(ApiError::service_unavailable().status, 503);
    }
}
