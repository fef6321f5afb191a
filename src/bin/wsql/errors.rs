//! The one line a user sees for an error: the library's message with what to do about it in
//! terms of this command's flags (hyperfine-style: "... raise --read-timeout"), worded from the
//! error's kind, never from its text. DataFusion's own errors lose their wrappers and backtraces.
//!
//! Only `wsql`'s public API is used here, so the library's integration tests word errors the
//! same way (they include this file).

use std::error::Error as StdError;

use datafusion::error::DataFusionError;
use wsql::{Error, Waiting};

/// A failure of the command line itself (a file it cannot read, an unknown report, the demo
/// failing to start), already worded for the user.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct CliError(pub String);

impl From<CliError> for DataFusionError {
    fn from(error: CliError) -> Self {
        DataFusionError::External(Box::new(error))
    }
}

/// The one line a user sees for `error`.
pub fn error_line(error: &DataFusionError) -> String {
    let mut source: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(library_error) = current.downcast_ref::<Error>() {
            return one_line(&library_line(library_error));
        }
        if let Some(cli_error) = current.downcast_ref::<CliError>() {
            return one_line(&cli_error.0);
        }
        source = current.source();
    }
    let message = match error.find_root() {
        DataFusionError::SQL(parser_error, _) => parser_error.to_string(),
        root => root.strip_backtrace(),
    };
    let mut message = one_line(&message);
    for prefix in ["External error: ", "Arrow error: ", "External error: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            message = rest.to_string();
        }
    }
    message
}

/// The library's `error`, with what to do in terms of this command's flags.
pub fn library_line(error: &Error) -> String {
    match error {
        Error::NoRegion => {
            format!("{error}: pass --region REGION, set AWS_REGION, or set `region` in the profile")
        }
        Error::NoCredentials { region, detail } => format!(
            "no AWS credentials found for {region}: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, pass --profile NAME, or run `aws sso login` ({detail})"
        ),
        Error::Throttled { .. } => format!(
            "{error} (still throttled after every attempt: raise --max-attempts or use --retry-mode adaptive)"
        ),
        Error::Service {
            server_fault: true, ..
        } => format!(
            "{error} (still failing after every attempt: raise --max-attempts to retry longer)"
        ),
        Error::TimedOut {
            waiting: Waiting::Response,
            ..
        } => format!("{error} (raise --read-timeout to wait longer)"),
        Error::TimedOut {
            waiting: Waiting::Connection,
            ..
        } => format!("{error} (raise --connect-timeout to wait longer)"),
        other => other.to_string(),
    }
}

/// True when `error` is stdout having been closed (`wsql ... | head`): not worth a message.
pub fn is_broken_pipe(error: &DataFusionError) -> bool {
    let mut source: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(current) = source {
        let io = match current.downcast_ref::<datafusion::arrow::error::ArrowError>() {
            Some(datafusion::arrow::error::ArrowError::IoError(_, io)) => Some(io),
            _ => current.downcast_ref::<std::io::Error>(),
        };
        if io.is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) {
            return true;
        }
        source = current.source();
    }
    false
}

/// `text` with its line breaks folded into spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::error::ArrowError;
    use datafusion::prelude::SessionContext;
    use wsql::CallSite;

    use super::*;

    fn site() -> CallSite {
        CallSite {
            operation: "DescribeWorkspaceBundles",
            region: "us-east-1".into(),
            account: None,
        }
    }

    #[test]
    fn library_errors_are_worded_with_the_flag_to_change() {
        let error = DataFusionError::ArrowError(
            Box::new(ArrowError::ExternalError(Box::new(DataFusionError::from(
                Error::NoRegion,
            )))),
            None,
        );
        let line = error_line(&error);
        assert!(
            line.starts_with("no AWS region configured: pass --region REGION"),
            "{line}"
        );
        let wrapped = DataFusionError::Context("scan".into(), Box::new(error));
        assert_eq!(error_line(&wrapped), line);
        let timeout = Error::TimedOut {
            call: site(),
            waiting: Waiting::Response,
        };
        assert_eq!(
            library_line(&timeout),
            "DescribeWorkspaceBundles in us-east-1 failed: timed out waiting for the service (raise --read-timeout to wait longer)"
        );
        let throttled = Error::Throttled {
            call: site(),
            code: "ThrottlingException".into(),
            message: "Rate exceeded".into(),
        };
        assert!(library_line(&throttled).ends_with(
            "ThrottlingException: Rate exceeded (still throttled after every attempt: raise --max-attempts or use --retry-mode adaptive)"
        ));
        let denied = Error::AccessDenied {
            call: site(),
            code: "AccessDeniedException".into(),
            message: String::new(),
        };
        assert_eq!(library_line(&denied), denied.to_string());
    }

    #[test]
    fn cli_errors_are_shown_as_worded() {
        let error = DataFusionError::from(CliError("cannot read x.sql: gone".into()));
        assert_eq!(error_line(&error), "cannot read x.sql: gone");
    }

    #[test]
    fn datafusion_errors_lose_their_wrappers() {
        let error = DataFusionError::External(Box::new(DataFusionError::Plan(
            "table 'nope' not found\nsecond line".into(),
        )));
        assert_eq!(
            error_line(&error),
            "Error during planning: table 'nope' not found second line"
        );
    }

    #[tokio::test]
    async fn parser_and_planner_errors_are_one_line() {
        let ctx = SessionContext::new();
        let parse = ctx.sql("SELEC 1").await.unwrap_err();
        let line = error_line(&parse);
        assert!(
            line.starts_with("sql parser error: Expected: an SQL statement"),
            "{line}"
        );
        let plan = ctx
            .sql("SELECT nope FROM (VALUES (1)) AS t(a)")
            .await
            .unwrap_err();
        let line = error_line(&plan);
        assert!(line.contains("nope"), "{line}");
        assert!(!line.contains('\n'));
    }

    #[test]
    fn broken_pipes_are_recognised() {
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let error = DataFusionError::from(ArrowError::IoError("write".into(), pipe));
        assert!(is_broken_pipe(&error));
        assert!(!is_broken_pipe(&DataFusionError::Plan("x".into())));
    }
}
