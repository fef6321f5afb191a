//! CloudWatch's errors, by the awsQuery codes its model gives them.
//!
//! CloudWatch is `awsQueryCompatible`: its JSON and CBOR answers carry the error *shape* (e.g.
//! `InvalidParameterValueException`) in `__type`, and the awsQuery *code* (e.g.
//! `InvalidParameterValue`) with the fault side in the `x-amzn-query-error` header, from which
//! the SDKs and botocore take the code they show. [`ApiError::code`] holds the awsQuery code, as
//! the other services' errors hold the code their clients see; the protocol layer finds the
//! shape and fault of each in the model (`api_error.rs`), and so does this module their HTTP
//! status (`cloudwatch-2010-08-01.json`, shapes with `"error"`).
//!
//! Messages follow CloudWatch's own where public answers show them (quoted in the functions'
//! docs); the rest say what is wrong in the same style.

use crate::api_error::ApiError;
use crate::model;

/// The error CloudWatch's model knows by `code`, with its status (400 if the model had none).
fn error(code: &'static str, message: impl Into<String>) -> ApiError {
    let status = model::cloudwatch()
        .error_with_code(code)
        .and_then(|(_, error)| error.http_status_code)
        .unwrap_or(400);
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
    fn every_error_is_a_model_error_of_its_status() {
        let model = model::cloudwatch();
        for made in [
            validation("v"),
            invalid_parameter_value("v"),
            invalid_parameter_combination("v"),
            missing_parameter("X"),
            invalid_next_token(),
        ] {
            let (shape, error) = model.error_with_code(made.code).expect("a model error");
            assert_eq!(Some(made.status), error.http_status_code, "{shape}");
            assert!(error.sender_fault, "{shape}");
        }
        assert_eq!(
            model
                .error_with_code("MissingParameter")
                .map(|(shape, _)| shape),
            Some("MissingRequiredParameterException")
        );
    }
}
