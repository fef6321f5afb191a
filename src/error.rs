//! The library's one error type: what failed, where (operation, region, and the account when
//! several are read) and why, as kinds a caller can match. Messages say what happened and never name a front end's flags: the `wsql`
//! command line words the advice for its own flags from the kind.

use std::fmt;

use aws_sdk_workspaces::error::{ProvideErrorMetadata, SdkError};
use datafusion::error::DataFusionError;

/// Where a failed call went: the operation, the region, and the account when the library reads
/// more than one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallSite {
    /// The API operation, e.g. `DescribeWorkspacesPools`.
    pub operation: &'static str,
    /// The region the call went to.
    pub region: String,
    /// The account whose credentials made it, when several accounts are read.
    pub account: Option<String>,
}

impl fmt::Display for CallSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} in {}", self.operation, self.region)?;
        match &self.account {
            Some(account) => write!(f, " of account {account}"),
            None => Ok(()),
        }
    }
}

/// What a call that timed out was waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiting {
    /// A TCP/TLS connection to the service.
    Connection,
    /// The service's answer to one attempt.
    Response,
}

/// Everything that can go wrong between a SQL scan and the WorkSpaces API.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// No region was given and none could be found in the environment or profile.
    #[error("no AWS region configured")]
    NoRegion,

    /// The credential chain found no credentials.
    #[error("no AWS credentials found for {region} ({detail})")]
    NoCredentials {
        /// The region whose call needed credentials.
        region: String,
        /// What the credential chain said, credentials redacted.
        detail: String,
    },

    /// The service throttled the call on every attempt.
    #[error("{call} failed: {}", code_and_message(code, message))]
    Throttled {
        /// Where the call went.
        call: CallSite,
        /// The service's error code (`ThrottlingException`, ...).
        code: String,
        /// The service's message.
        message: String,
    },

    /// An attempt took longer than allowed, on every attempt.
    #[error("{call} failed: {}", match waiting {
        Waiting::Connection => "timed out connecting",
        Waiting::Response => "timed out waiting for the service",
    })]
    TimedOut {
        /// Where the call went.
        call: CallSite,
        /// What it was waiting for.
        waiting: Waiting,
    },

    /// The caller's credentials may not make the call (`AccessDeniedException`, ...).
    #[error("{call} failed: {}", code_and_message(code, message))]
    AccessDenied {
        /// Where the call went.
        call: CallSite,
        /// The service's error code.
        code: String,
        /// The service's message.
        message: String,
    },

    /// The service says a resource the call named does not exist (`ResourceNotFoundException`).
    #[error("{call} failed: {}", code_and_message(code, message))]
    NotFound {
        /// Where the call went.
        call: CallSite,
        /// The service's error code.
        code: String,
        /// The service's message.
        message: String,
    },

    /// Any other error the service answered with; `server_fault` when it is the service's own
    /// (HTTP 5xx, `InternalFailure`, ...) and persisted through every attempt.
    #[error("{call} failed: {}", code_and_message(code, message))]
    Service {
        /// Where the call went.
        call: CallSite,
        /// The service's error code.
        code: String,
        /// The service's message.
        message: String,
        /// The service failed, not the request.
        server_fault: bool,
    },

    /// The service could not be reached (connection refused or dropped, DNS, TLS).
    #[error("{call} failed: could not reach the service: {cause}")]
    Unreachable {
        /// Where the call went.
        call: CallSite,
        /// The innermost cause, on one line.
        cause: String,
    },

    /// The service's answer could not be read (truncated, malformed, missing a required member).
    #[error("{call} failed: unreadable response: {cause}")]
    UnreadableResponse {
        /// Where the call went.
        call: CallSite,
        /// What was wrong with it.
        cause: String,
    },

    /// The role could not be assumed in the account of the call (denied, suspended account, wrong
    /// name or external id), so the call was never made.
    #[error("{call} failed: cannot assume {role_arn}: {detail}")]
    RoleNotAssumed {
        /// The call that needed the role's credentials.
        call: CallSite,
        /// The role's ARN.
        role_arn: String,
        /// What STS said, credentials redacted.
        detail: String,
    },

    /// The service handed back a NextToken it had already given: following it would loop forever.
    #[error(
        "{call} returned the same NextToken twice (page {page}); stopped paging to avoid an endless loop"
    )]
    RepeatedNextToken {
        /// Where the calls went.
        call: CallSite,
        /// The page at which the token repeated (1-based).
        page: usize,
    },

    /// Paging went on longer than the page limit of one request chain.
    #[error(
        "{call} was still paging after {pages} pages; stopped (raise the page limit if the fleet really is that large)"
    )]
    TooManyPages {
        /// Where the calls went.
        call: CallSite,
        /// The page limit that was reached.
        pages: usize,
    },

    /// An account id in the settings that is not one (12 digits).
    #[error("`{value}` is not an AWS account id (12 digits)")]
    InvalidAccountId {
        /// The value given.
        value: String,
    },

    /// A broken invariant of wsql itself (a bug), never a user's or the service's doing.
    #[error("internal error: {0} (a bug in wsql; please report it)")]
    Internal(String),
}

impl Error {
    /// Where the failed call went, for the errors of one call.
    pub fn call_site(&self) -> Option<&CallSite> {
        match self {
            Error::Throttled { call, .. }
            | Error::TimedOut { call, .. }
            | Error::AccessDenied { call, .. }
            | Error::NotFound { call, .. }
            | Error::Service { call, .. }
            | Error::Unreachable { call, .. }
            | Error::UnreadableResponse { call, .. }
            | Error::RoleNotAssumed { call, .. }
            | Error::RepeatedNextToken { call, .. }
            | Error::TooManyPages { call, .. } => Some(call),
            Error::NoRegion
            | Error::NoCredentials { .. }
            | Error::InvalidAccountId { .. }
            | Error::Internal(_) => None,
        }
    }

    /// True for a failure of one target's calls (one region of one account), which
    /// [`RegionErrorPolicy::Warn`](crate::RegionErrorPolicy::Warn) may turn into a warning; false
    /// for what would fail every target alike (settings, missing credentials).
    pub(crate) fn is_region_failure(&self) -> bool {
        self.call_site().is_some()
    }

    /// The error of a call that failed with `err`. Service errors keep their code and message;
    /// transport failures their innermost cause; a credential failure becomes
    /// [`Error::RoleNotAssumed`] when the call's credentials come from assuming `role_arn`, else
    /// [`Error::NoCredentials`]. Never more than one line.
    pub(crate) fn from_sdk<E, R>(
        call: CallSite,
        role_arn: Option<&str>,
        err: SdkError<E, R>,
    ) -> Error
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: fmt::Debug + 'static,
    {
        match &err {
            SdkError::ServiceError(service) => from_service(call, service.err()),
            SdkError::TimeoutError(_) => Error::TimedOut {
                call,
                waiting: Waiting::Response,
            },
            SdkError::DispatchFailure(failure) if failure.is_timeout() => Error::TimedOut {
                call,
                waiting: Waiting::Connection,
            },
            _ if has_source::<aws_credential_types::provider::error::CredentialsError>(&err) => {
                match role_arn {
                    Some(role_arn) => Error::RoleNotAssumed {
                        call,
                        role_arn: role_arn.to_string(),
                        detail: essential_cause(&err),
                    },
                    None => Error::NoCredentials {
                        region: call.region,
                        detail: essential_cause(&err),
                    },
                }
            }
            SdkError::DispatchFailure(_) => Error::Unreachable {
                call,
                cause: essential_cause(&err),
            },
            _ => Error::UnreadableResponse {
                call,
                cause: essential_cause(&err),
            },
        }
    }
}

/// Whether `err` is the service saying a named resource does not exist.
pub(crate) fn is_not_found<E: ProvideErrorMetadata, R>(err: &SdkError<E, R>) -> bool {
    err.as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "ResourceNotFoundException")
}

/// Whether `code` is one of the service's throttling error codes.
pub(crate) fn is_throttling(code: &str) -> bool {
    matches!(
        code,
        "ThrottlingException" | "Throttling" | "TooManyRequestsException" | "RequestLimitExceeded"
    )
}

fn from_service(call: CallSite, e: &impl ProvideErrorMetadata) -> Error {
    let message = e.message().map(one_line).unwrap_or_default();
    let Some(code) = e.code().map(String::from) else {
        let cause = match message.is_empty() {
            true => "the service answered an error without a code".to_string(),
            false => first_sentence(&message),
        };
        return Error::UnreadableResponse { call, cause };
    };
    if is_throttling(&code) {
        return Error::Throttled {
            call,
            code,
            message,
        };
    }
    match code.as_str() {
        "AccessDeniedException" | "AccessDenied" | "UnauthorizedOperation" => Error::AccessDenied {
            call,
            code,
            message,
        },
        "ResourceNotFoundException" => Error::NotFound {
            call,
            code,
            message,
        },
        _ => Error::Service {
            server_fault: is_server_fault(&code),
            call,
            code,
            message,
        },
    }
}

fn is_server_fault(code: &str) -> bool {
    matches!(
        code,
        "InternalFailure"
            | "InternalServerError"
            | "InternalServerException"
            | "ServiceUnavailable"
            | "ServiceUnavailableException"
    )
}

/// `Code: message`, or the code alone when the message is empty.
fn code_and_message(code: &str, message: &str) -> String {
    match message.is_empty() {
        true => code.to_string(),
        false => format!("{code}: {message}"),
    }
}

/// Whether any error in `err`'s source chain is a `T`.
fn has_source<T: std::error::Error + 'static>(err: &(dyn std::error::Error + 'static)) -> bool {
    let mut current = Some(err);
    while let Some(e) = current {
        if e.is::<T>() {
            return true;
        }
        current = e.source();
    }
    false
}

/// The innermost cause of `err` that says something, first sentence only, on one line: the SDK's
/// own rendering nests every layer and a debug dump, which is no help to a user.
fn essential_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut messages = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        let text = first_sentence(&e.to_string());
        if !text.is_empty() && text != "other" && text != "io error" {
            messages.push(text);
        }
        current = e.source();
    }
    messages
        .pop()
        .unwrap_or_else(|| "unknown failure".to_string())
}

/// The first sentence of `text`, on one line, at most 200 characters.
fn first_sentence(text: &str) -> String {
    let line = one_line(text);
    let sentence = line.split(". ").next().unwrap_or_default();
    let mut cut: String = sentence.chars().take(200).collect();
    if cut.len() < sentence.len() {
        cut.push('…');
    }
    cut
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl From<Error> for DataFusionError {
    fn from(e: Error) -> Self {
        DataFusionError::External(Box::new(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<Layer>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl std::error::Error for Layer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            self.1.as_deref().map(|l| l as _)
        }
    }

    struct Coded(Option<&'static str>, Option<&'static str>);

    impl ProvideErrorMetadata for Coded {
        fn meta(&self) -> &aws_sdk_workspaces::error::ErrorMetadata {
            unreachable!("only code and message are read")
        }
        fn code(&self) -> Option<&str> {
            self.0
        }
        fn message(&self) -> Option<&str> {
            self.1
        }
    }

    fn site() -> CallSite {
        CallSite {
            operation: "DescribeWorkspacesPools",
            region: "eu-west-1".into(),
            account: None,
        }
    }

    #[test]
    fn the_essential_cause_is_the_innermost_first_sentence() {
        let chain = Layer(
            "dispatch failure",
            Some(Box::new(Layer(
                "other",
                Some(Box::new(Layer(
                    "no credentials found in chain. Attempted: Environment: not set\n Profile: ...",
                    None,
                ))),
            ))),
        );
        assert_eq!(essential_cause(&chain), "no credentials found in chain");
        assert_eq!(essential_cause(&Layer("alone", None)), "alone");
        let long = "x".repeat(500);
        assert!(first_sentence(&long).chars().count() <= 201);
    }

    #[test]
    fn service_codes_become_kinds() {
        let kind = |code| from_service(site(), &Coded(Some(code), Some("why\nnot")));
        assert!(matches!(
            kind("ThrottlingException"),
            Error::Throttled { .. }
        ));
        assert!(matches!(
            kind("AccessDeniedException"),
            Error::AccessDenied { .. }
        ));
        assert!(matches!(
            kind("ResourceNotFoundException"),
            Error::NotFound { .. }
        ));
        assert!(matches!(
            kind("InternalFailure"),
            Error::Service {
                server_fault: true,
                ..
            }
        ));
        let invalid = kind("InvalidParameterValuesException");
        assert!(matches!(
            invalid,
            Error::Service {
                server_fault: false,
                ..
            }
        ));
        assert_eq!(
            invalid.to_string(),
            "DescribeWorkspacesPools in eu-west-1 failed: InvalidParameterValuesException: why not"
        );
        assert!(invalid.is_region_failure());
        let codeless = from_service(site(), &Coded(None, Some("Rate exceeded. Try later")));
        assert_eq!(
            codeless.to_string(),
            "DescribeWorkspacesPools in eu-west-1 failed: unreadable response: Rate exceeded"
        );
    }

    #[test]
    fn messages_name_no_flag() {
        let errors = [
            Error::NoRegion,
            Error::TimedOut {
                call: site(),
                waiting: Waiting::Response,
            },
            Error::Throttled {
                call: site(),
                code: "ThrottlingException".into(),
                message: String::new(),
            },
        ];
        for error in errors {
            assert!(!error.to_string().contains("--"), "{error}");
        }
        assert!(!Error::NoRegion.is_region_failure());
    }

    #[test]
    fn an_account_is_named_when_several_are_read() {
        let call = CallSite {
            account: Some("111111111111".into()),
            ..site()
        };
        let denied = Error::RoleNotAssumed {
            call,
            role_arn: "arn:aws:iam::111111111111:role/Audit".into(),
            detail: "AccessDenied".into(),
        };
        assert_eq!(
            denied.to_string(),
            "DescribeWorkspacesPools in eu-west-1 of account 111111111111 failed: cannot assume arn:aws:iam::111111111111:role/Audit: AccessDenied"
        );
        assert!(denied.is_region_failure());
    }
}
