//! The region of a call, from its SigV4 `Authorization` header's credential scope.
//!
//! `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/workspaces/aws4_request,
//! SignedHeaders=..., Signature=...`: one endpoint serves every region, told apart by the scope.
//! Signatures are not verified. Error messages never repeat the header, which holds the access
//! key id.

use super::api_error::ApiError;

/// The region named by the `Authorization` header, or the error the service gives.
pub(crate) fn region_from_authorization(header: Option<&str>) -> Result<String, ApiError> {
    let Some(header) = header else {
        return Err(ApiError::missing_authentication());
    };
    let Some(parameters) = header.strip_prefix("AWS4-HMAC-SHA256 ") else {
        return Err(ApiError::incomplete_signature(
            "Authorization header requires the AWS4-HMAC-SHA256 algorithm",
        ));
    };
    let mut credential = None;
    let mut signed_headers = false;
    let mut signature = false;
    for parameter in parameters.split(',').map(str::trim) {
        if let Some(value) = parameter.strip_prefix("Credential=") {
            credential = Some(value);
        } else if parameter.starts_with("SignedHeaders=") {
            signed_headers = true;
        } else if parameter.starts_with("Signature=") {
            signature = true;
        }
    }
    let Some(credential) = credential else {
        return Err(incomplete("Credential"));
    };
    if !signed_headers {
        return Err(incomplete("SignedHeaders"));
    }
    if !signature {
        return Err(incomplete("Signature"));
    }
    let scope: Vec<&str> = credential.split('/').collect();
    let [access_key, date, region, service, terminator] = scope.as_slice() else {
        return Err(ApiError::incomplete_signature(
            "Credential must have the form ACCESS_KEY/DATE/REGION/SERVICE/aws4_request",
        ));
    };
    if access_key.is_empty()
        || date.len() != 8
        || !date.bytes().all(|b| b.is_ascii_digit())
        || *terminator != "aws4_request"
    {
        return Err(ApiError::incomplete_signature(
            "Credential must have the form ACCESS_KEY/DATE/REGION/SERVICE/aws4_request",
        ));
    }
    if *service != "workspaces" {
        return Err(ApiError::incomplete_signature(format!(
            "Credential should be scoped to correct service: 'workspaces', not '{service}'"
        )));
    }
    let valid_region = !region.is_empty()
        && region.len() <= 31
        && region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !valid_region {
        return Err(ApiError::incomplete_signature(
            "Credential should be scoped to a valid region",
        ));
    }
    Ok(region.to_string())
}

fn incomplete(parameter: &str) -> ApiError {
    ApiError::incomplete_signature(format!(
        "Authorization header requires '{parameter}' parameter"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240611/eu-west-1/workspaces/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=abc123";

    #[test]
    fn the_region_comes_from_the_credential_scope() {
        assert_eq!(
            region_from_authorization(Some(GOOD)).ok().as_deref(),
            Some("eu-west-1")
        );
        let other = GOOD.replace("eu-west-1", "ap-southeast-2");
        assert_eq!(
            region_from_authorization(Some(&other)).ok().as_deref(),
            Some("ap-southeast-2")
        );
    }

    #[test]
    fn a_missing_header_is_a_missing_token() {
        let err = region_from_authorization(None).expect_err("missing");
        assert_eq!(err.code, "MissingAuthenticationTokenException");
    }

    #[test]
    fn garbled_headers_are_incomplete_signatures_and_do_not_echo_the_key() {
        let cases = [
            "Bearer abc".to_string(),
            GOOD.replace("Credential=", "Cred="),
            GOOD.replace(", Signature=abc123", ""),
            GOOD.replace(
                ", SignedHeaders=content-type;host;x-amz-date;x-amz-target",
                "",
            ),
            GOOD.replace("/aws4_request", ""),
            GOOD.replace("/workspaces/", "/ec2/"),
            GOOD.replace("eu-west-1", "EU WEST"),
            GOOD.replace("20240611", "yesterday"),
            GOOD.replace("/eu-west-1/", "//"),
        ];
        for header in cases {
            let err = region_from_authorization(Some(&header)).expect_err(&header);
            assert_eq!(err.code, "IncompleteSignatureException", "{header}");
            assert!(!err.message.contains("AKIDEXAMPLE"), "{}", err.message);
        }
    }
}
