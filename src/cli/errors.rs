//! The one error type at the command line's edge ([`Error`]), and the one line a user sees for
//! it: a failed statement in the library's words with what to do in terms of this command's
//! flags (hyperfine-style: "... raise --read-timeout"), worded from the error's kind, never from
//! its text; a file, a report, the demo, the terminal or `wsql serve`'s set-up naming what to do.
//! DataFusion's own errors lose their wrappers and backtraces. A bad flag never gets this far:
//! the flags are checked while parsing ([`crate::cli::args`]), which exits 2 naming the flag.

use std::error::Error as StdError;
use std::net::SocketAddr;
use std::path::PathBuf;

use datafusion::error::DataFusionError;

use crate::{Error as LibraryError, Waiting};

/// Why the command line, a statement it ran, or `wsql serve` failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A statement failed: to plan, to run, or in the library (inside DataFusion's error).
    #[error("{}", query_line(.0))]
    Query(#[from] DataFusionError),
    /// A file given to `-f`, `\i` or `--report` could not be read.
    #[error("cannot read {}: {source}", path.display())]
    ReadFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `--report NAME` / `\r NAME` names neither a saved report nor a file.
    #[error("no report named '{name}' and no such file; saved reports: {saved}")]
    NoReport {
        /// The name given.
        name: String,
        /// The saved reports' names, comma-separated.
        saved: String,
    },
    /// The demo's in-process emulator did not start.
    #[error("cannot start the demo emulator: {0}")]
    Demo(#[source] std::io::Error),
    /// The async runtime could not be started.
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    /// The REPL's terminal failed (not Ctrl-C or Ctrl-D, which end a line or the REPL).
    #[error("the terminal failed: {0}")]
    Terminal(#[source] rustyline::error::ReadlineError),
    /// `wsql serve` on a non-loopback `--listen` without a password.
    #[error(
        "--listen {0} is reachable from other machines: set a password first (WSQL_PASSWORD=... or --password-file FILE), or listen on 127.0.0.1"
    )]
    PasswordRequired(SocketAddr),
    /// `--password-file` could not be read.
    #[error("cannot read --password-file {}: {source}", path.display())]
    PasswordFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The password (from `--password-file` or `WSQL_PASSWORD`) is empty.
    #[error("the password from {0} is empty")]
    EmptyPassword(&'static str),
    /// `--auth password` without TLS.
    #[error(
        "--auth password sends the password as it is typed: use it with --tls-cert and --tls-key, or use --auth scram-sha-256"
    )]
    CleartextWithoutTls,
    /// `--auth` other than the default without a password.
    #[error("--auth needs a password to check: set WSQL_PASSWORD or --password-file FILE")]
    AuthWithoutPassword,
    /// `--tls-cert` / `--tls-key` could not be used.
    #[error("cannot use --tls-cert {} / --tls-key {}: {reason}", cert.display(), key.display())]
    Tls {
        /// `--tls-cert`.
        cert: PathBuf,
        /// `--tls-key`.
        key: PathBuf,
        /// What is wrong with them.
        reason: String,
    },
    /// `wsql serve` could not listen on `--listen`.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// `--listen`.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

impl Error {
    /// The one line a user sees.
    pub fn line(&self) -> String {
        one_line(&self.to_string())
    }

    /// True when stdout was closed under a running statement (`wsql ... | head`): not worth a
    /// message.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            Error::Query(error) => is_broken_pipe(error),
            _ => false,
        }
    }
}

/// The one line a user sees for a failed statement.
pub fn query_line(error: &DataFusionError) -> String {
    let mut source: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(library_error) = current.downcast_ref::<LibraryError>() {
            return one_line(&library_line(library_error));
        }
        if let Some(cli_error) = current.downcast_ref::<Error>() {
            return cli_error.line();
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
pub fn library_line(error: &LibraryError) -> String {
    match error {
        LibraryError::NoRegion => {
            format!("{error}: pass --region REGION, set AWS_REGION, or set `region` in the profile")
        }
        LibraryError::NoCredentials { region, detail } => format!(
            "no AWS credentials found for {region}: set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, pass --profile NAME, or run `aws sso login` ({detail})"
        ),
        LibraryError::Throttled { .. } => format!(
            "{error} (still throttled after every attempt: raise --max-attempts or use --retry-mode adaptive)"
        ),
        LibraryError::Service {
            server_fault: true, ..
        } => format!(
            "{error} (still failing after every attempt: raise --max-attempts to retry longer)"
        ),
        LibraryError::TimedOut {
            waiting: Waiting::Response,
            ..
        } => format!("{error} (raise --read-timeout to wait longer)"),
        LibraryError::TimedOut {
            waiting: Waiting::Connection,
            ..
        } => format!("{error} (raise --connect-timeout to wait longer)"),
        LibraryError::InvalidAccountId { .. } => format!("--accounts: {error}"),
        LibraryError::TooManyPages { .. } => {
            format!("{error} (raise --max-pages if the fleet really is that large)")
        }
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

    use super::*;
    use crate::CallSite;

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
                LibraryError::NoRegion,
            )))),
            None,
        );
        let line = query_line(&error);
        assert!(
            line.starts_with("no AWS region configured: pass --region REGION"),
            "{line}"
        );
        let wrapped = DataFusionError::Context("scan".into(), Box::new(error));
        assert_eq!(query_line(&wrapped), line);
        let timeout = LibraryError::TimedOut {
            call: site(),
            waiting: Waiting::Response,
        };
        assert_eq!(
            library_line(&timeout),
            "DescribeWorkspaceBundles in us-east-1 failed: timed out waiting for the service (raise --read-timeout to wait longer)"
        );
        let throttled = LibraryError::Throttled {
            call: site(),
            code: "ThrottlingException".into(),
            message: "Rate exceeded".into(),
        };
        assert!(library_line(&throttled).ends_with(
            "ThrottlingException: Rate exceeded (still throttled after every attempt: raise --max-attempts or use --retry-mode adaptive)"
        ));
        let denied = LibraryError::AccessDenied {
            call: site(),
            code: "AccessDeniedException".into(),
            message: String::new(),
        };
        assert_eq!(library_line(&denied), denied.to_string());
        let endless = LibraryError::TooManyPages {
            call: site(),
            pages: 40,
        };
        assert!(
            library_line(&endless)
                .ends_with("(raise --max-pages if the fleet really is that large)")
        );
    }

    #[test]
    fn command_line_errors_are_one_line_naming_what_failed() {
        let error = Error::ReadFile {
            path: "x.sql".into(),
            source: std::io::Error::new(std::io::ErrorKind::NotFound, "gone"),
        };
        assert_eq!(error.line(), "cannot read x.sql: gone");
        let wrapped = DataFusionError::External(Box::new(error));
        assert_eq!(query_line(&wrapped), "cannot read x.sql: gone");
    }

    #[test]
    fn datafusion_errors_lose_their_wrappers() {
        let error = DataFusionError::External(Box::new(DataFusionError::Plan(
            "table 'nope' not found\nsecond line".into(),
        )));
        assert_eq!(
            query_line(&error),
            "Error during planning: table 'nope' not found second line"
        );
    }

    #[tokio::test]
    async fn parser_and_planner_errors_are_one_line() {
        let ctx = SessionContext::new();
        let parse = ctx.sql("SELEC 1").await.unwrap_err();
        let line = query_line(&parse);
        assert!(
            line.starts_with("sql parser error: Expected: an SQL statement"),
            "{line}"
        );
        let plan = ctx
            .sql("SELECT nope FROM (VALUES (1)) AS t(a)")
            .await
            .unwrap_err();
        let line = query_line(&plan);
        assert!(line.contains("nope"), "{line}");
        assert!(!line.contains('\n'));
    }

    #[test]
    fn broken_pipes_are_recognised() {
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let error = DataFusionError::from(ArrowError::IoError("write".into(), pipe));
        assert!(is_broken_pipe(&error));
        assert!(Error::Query(error).is_broken_pipe());
        assert!(!is_broken_pipe(&DataFusionError::Plan("x".into())));
    }
}
