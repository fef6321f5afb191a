//! What a client is told when something fails, and what `wsql serve` itself fails with.
//!
//! Every query error reaches the client through [`client_error`], worded by the CLI's
//! [`error_line`](crate::errors::error_line): the library's one-line message when the library
//! failed (it names the region and operation, never a credential), else DataFusion's innermost
//! error without wrappers.

use std::path::PathBuf;

use datafusion::error::DataFusionError;
use datafusion_postgres::pgwire::api::{ClientInfo, ErrorHandler};
use datafusion_postgres::pgwire::error::{ErrorInfo, PgWireError};

use super::readonly::Refusal;

/// Why `wsql serve` could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A non-loopback `--listen` without a password.
    #[error(
        "--listen {0} is reachable from other machines: set a password first (WSQL_PASSWORD=... or --password-file FILE), or listen on 127.0.0.1"
    )]
    PasswordRequired(std::net::SocketAddr),
    /// The password file could not be read.
    #[error("cannot read --password-file {path}: {source}")]
    PasswordFile {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The password is empty.
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
    /// The certificate or key could not be loaded.
    #[error("cannot use --tls-cert {cert} / --tls-key {key}: {reason}")]
    Tls {
        /// `--tls-cert`.
        cert: PathBuf,
        /// `--tls-key`.
        key: PathBuf,
        /// What is wrong with them.
        reason: String,
    },
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// `--listen`.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The session (tables, reports, pg_catalog) could not be set up.
    #[error("cannot set up the session: {0}")]
    Session(String),
    /// The demo emulator did not start.
    #[error("cannot start the demo emulator: {0}")]
    Demo(std::io::Error),
}

/// `error` as the client sees it, with the SQLSTATE of its kind.
pub fn client_error(error: &DataFusionError) -> PgWireError {
    let code = match error.find_root() {
        DataFusionError::SQL(..) => "42601",
        DataFusionError::Plan(_) | DataFusionError::SchemaError(..) => "42000",
        DataFusionError::NotImplemented(_) => "0A000",
        DataFusionError::ResourcesExhausted(_) => "53000",
        _ => "XX000",
    };
    user_error("ERROR", code, crate::errors::error_line(error))
}

/// The refusal of a statement that does not only read.
pub fn refused(refusal: &Refusal) -> PgWireError {
    let code = match refusal {
        Refusal::NotReadOnly(_) => "25006",
        Refusal::Setting(_) => "42501",
    };
    user_error("ERROR", code, refusal.to_string())
}

/// The statement was cancelled (a cancel request, or `statement_timeout`).
pub fn cancelled(why: &str) -> PgWireError {
    user_error(
        "ERROR",
        "57014",
        format!("canceling statement due to {why}"),
    )
}

/// An error of `severity` with SQLSTATE `code`.
pub fn user_error(severity: &str, code: &str, message: String) -> PgWireError {
    PgWireError::UserError(Box::new(ErrorInfo::new(
        severity.to_string(),
        code.to_string(),
        message,
    )))
}

/// The last look at an error before it is sent: a DataFusion error that reached pgwire without
/// [`client_error`] (arrow-pg's, while encoding) is worded the same way.
#[derive(Debug)]
pub struct ClientErrors;

impl ErrorHandler for ClientErrors {
    fn on_error<C>(&self, _client: &C, error: &mut PgWireError)
    where
        C: ClientInfo,
    {
        if let PgWireError::ApiError(inner) = error
            && let Some(datafusion) = inner.downcast_ref::<DataFusionError>()
        {
            *error = client_error(datafusion);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(error: PgWireError) -> ErrorInfo {
        match error {
            PgWireError::UserError(info) => *info,
            other => panic!("not a user error: {other:?}"),
        }
    }

    #[test]
    fn library_errors_keep_their_one_line() {
        let error = DataFusionError::External(Box::new(wsql::Error::NoRegion));
        let info = info(client_error(&error));
        assert_eq!(
            info.message,
            crate::errors::library_line(&wsql::Error::NoRegion)
        );
        assert_eq!(info.code, "XX000");
        assert_eq!(info.severity, "ERROR");
    }

    #[test]
    fn planning_errors_lose_their_wrappers() {
        let error = DataFusionError::Context(
            "x".into(),
            Box::new(DataFusionError::Plan("table 'nope' not found".into())),
        );
        let info = info(client_error(&error));
        assert_eq!(info.code, "42000");
        assert_eq!(
            info.message,
            "Error during planning: table 'nope' not found"
        );
    }

    #[test]
    fn refusals_say_what_runs() {
        let info = info(refused(&Refusal::NotReadOnly("COPY".into())));
        assert_eq!(info.code, "25006");
        assert!(info.message.contains("COPY is refused"), "{}", info.message);
    }

    #[test]
    fn stray_datafusion_errors_are_reworded() {
        let mut error = PgWireError::ApiError(Box::new(DataFusionError::External(Box::new(
            wsql::Error::NoRegion,
        ))));
        let client = datafusion_postgres::pgwire::api::DefaultClient::<()>::new(
            "127.0.0.1:1".parse().unwrap(),
            false,
        );
        ClientErrors.on_error(&client, &mut error);
        assert_eq!(
            info(error).message,
            crate::errors::library_line(&wsql::Error::NoRegion)
        );
    }
}
