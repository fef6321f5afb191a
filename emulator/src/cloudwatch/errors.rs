//! CloudWatch's errors, as the model's error shapes name them.
//!
//! CloudWatch is `awsQueryCompatible`: its JSON and CBOR answers carry the error *shape* (e.g.
//! `InvalidParameterValueException`) in `__type`, and the awsQuery *code* (e.g.
//! `InvalidParameterValue`) with the fault side in the `x-amzn-query-error` header, from which
//! the SDKs and botocore take the code they show. [`ApiError::code`] holds the awsQuery code, as
//! the other services' errors hold the code their clients see; [`CLOUDWATCH_ERRORS`] gives the
//! protocol layer the shape and fault of each, so that it can write both. The table is the
//! model's (`cloudwatch-2010-08-01.json`, shapes with `"error"`), for the errors these
//! operations answer.
//!
//! Messages follow CloudWatch's own where public answers show them (quoted in the functions'
//! docs); the rest say what is wrong in the same style.

use crate::api_error::ApiError;

/// One CloudWatch error: the awsQuery code, the model's shape, the HTTP status, and whether the
/// sender is at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CloudWatchError {
    /// The code clients see (`error.code` in the model).
    pub(crate) code: &'static str,
    /// The model's error shape, written in `__type` on JSON and CBOR.
    pub(crate) shape: &'static str,
    /// HTTP status (`error.httpStatusCode`).
    pub(crate) status: u16,
    /// `Sender` (client's fault) or `Receiver`, for `x-amzn-query-error`.
    pub(crate) sender_fault: bool,
}

/// The errors GetMetricData and ListMetrics answer, from the model.
pub(crate) const CLOUDWATCH_ERRORS: &[CloudWatchError] = &[
    CloudWatchError {
        code: "ValidationError",
        shape: "ValidationException",
        status: 400,
        sender_fault: true,
    },
    CloudWatchError {
        code: "InvalidParameterValue",
        shape: "InvalidParameterValueException",
        status: 400,
        sender_fault: true,
    },
    CloudWatchError {
        code: "InvalidParameterCombination",
        shape: "InvalidParameterCombinationException",
        status: 400,
        sender_fault: true,
    },
    CloudWatchError {
        code: "MissingParameter",
        shape: "MissingRequiredParameterException",
        status: 400,
        sender_fault: true,
    },
    CloudWatchError {
        code: "InvalidNextToken",
        shape: "InvalidNextToken",
        status: 400,
        sender_fault: true,
    },
    CloudWatchError {
        code: "InternalServiceError",
        shape: "InternalServiceFault",
        status: 500,
        sender_fault: false,
    },
];

/// The table row of an awsQuery code this module answers with.
pub(crate) fn cloudwatch_error(code: &str) -> Option<&'static CloudWatchError> {
    CLOUDWATCH_ERRORS.iter().find(|e| e.code == code)
}

fn error(code: &'static str, message: impl Into<String>) -> ApiError {
    let status = cloudwatch_error(code).map_or(400, |e| e.status);
    ApiError {
        status,
        code,
        message: message.into(),
        resource_id: None,
        reason: None,
    }
}

/// `ValidationError`: a value the service refuses, e.g. CloudWatch's "The value None for
/// parameter MetricDataQueries.member.223.MetricStat.Stat is not a valid statistic." or "The
/// values for parameter id in MetricDataQueries are not unique."
pub(crate) fn validation(message: impl Into<String>) -> ApiError {
    error("ValidationError", message)
}

/// `InvalidParameterValue`: a value out of range, e.g. "The collection MetricData must not have
/// a size greater than 20." (PutMetricData's words for its list bound).
pub(crate) fn invalid_parameter_value(message: impl Into<String>) -> ApiError {
    error("InvalidParameterValue", message)
}

/// `InvalidParameterCombination`: members that cannot go together.
pub(crate) fn invalid_parameter_combination(message: impl Into<String>) -> ApiError {
    error("InvalidParameterCombination", message)
}

/// `MissingParameter`: a member the operation needs is absent.
pub(crate) fn missing_parameter(member: &str) -> ApiError {
    error(
        "MissingParameter",
        format!("The parameter {member} is required."),
    )
}

/// `InvalidNextToken`: a NextToken not issued for this request.
pub(crate) fn invalid_next_token() -> ApiError {
    error(
        "InvalidNextToken",
        "The NextToken is invalid: it was not issued for this request.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_is_a_tabled_model_error() {
        for made in [
            validation("v"),
            invalid_parameter_value("v"),
            invalid_parameter_combination("v"),
            missing_parameter("X"),
            invalid_next_token(),
        ] {
            let row = cloudwatch_error(made.code).expect("a tabled code");
            assert_eq!(made.status, row.status);
            assert!(row.sender_fault);
        }
        assert_eq!(
            cloudwatch_error("MissingParameter").map(|e| e.shape),
            Some("MissingRequiredParameterException")
        );
    }
}
