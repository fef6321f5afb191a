//! Who signed a call and for which region, from its SigV4 `Authorization` header.
//!
//! `AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/workspaces/aws4_request,
//! SignedHeaders=..., Signature=...`: one endpoint serves every region, told apart by the scope,
//! and every account, told apart by the access key id (`credentials.rs`). The scope must name the
//! service the request is for. Signatures are not verified. Error messages never repeat the
//! header, which holds the access key id.

use super::api_error::ApiError;
use super::service::Service;

/// What the `Authorization` header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Signer {
    /// The access key id of the credential scope.
    pub(crate) access_key_id: String,
    /// The region of the credential scope.
    pub(crate) region: String,
}

/// The signer named by the `Authorization` header of a call to `service`, or the error the
/// service gives.
pub(crate) fn signer(header: Option<&str>, service: Service) -> Result<Signer, ApiError> {
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
    let [access_key, date, region, scope_service, terminator] = scope.as_slice() else {
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
    let expected = service.signing_name();
    if *scope_service != expected {
        return Err(ApiError::incomplete_signature(format!(
            "Credential should be scoped to correct service: '{expected}', not '{scope_service}'"
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
    Ok(Signer {
        access_key_id: access_key.to_string(),
        region: region.to_string(),
    })
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

    fn region(header: &str, service: Service) -> Option<String> {
        signer(Some(header), service).ok().map(|s| s.region)
    }

    #[test]
    fn region_and_key_come_from_the_credential_scope() {
        assert_eq!(
            signer(Some(GOOD), Service::Workspaces),
            Ok(Signer {
                access_key_id: "AKIDEXAMPLE".into(),
                region: "eu-west-1".into()
            })
        );
        let other = GOOD.replace("eu-west-1", "ap-southeast-2");
        assert_eq!(
            region(&other, Service::Workspaces).as_deref(),
            Some("ap-southeast-2")
        );
    }

    #[test]
    fn the_scope_must_name_the_service_called() {
        let sts = GOOD.replace("/workspaces/", "/sts/");
        assert_eq!(region(&sts, Service::Sts).as_deref(), Some("eu-west-1"));
        let organizations = GOOD.replace("/workspaces/", "/organizations/");
        assert!(region(&organizations, Service::Organizations).is_some());
        let err = signer(Some(&sts), Service::Organizations).expect_err("wrong service");
        assert!(
            err.message.contains("'organizations', not 'sts'"),
            "{}",
            err.message
        );
    }

    #[test]
    fn a_missing_header_is_a_missing_token() {
        let err = signer(None, Service::Workspaces).expect_err("missing");
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
            let err = signer(Some(&header), Service::Workspaces).expect_err(&header);
            assert_eq!(err.code, "IncompleteSignatureException", "{header}");
            assert!(!err.message.contains("AKIDEXAMPLE"), "{}", err.message);
        }
    }
}
