//! What a client is told when something fails. (What `wsql serve` itself fails with while
//! starting is the command line's one [`Error`](crate::cli::errors::Error).)
//!
//! Every query error reaches the client through [`client_error`], worded as the command line
//! words it ([`query_line`](crate::cli::errors::query_line)): the library's one-line message when
//! the library failed (it names the region and operation, never a credential), else
//! DataFusion's innermost error without wrappers.

use datafusion::error::DataFusionError;
use datafusion_postgres::pgwire::api::{ClientInfo, ErrorHandler};
use datafusion_postgres::pgwire::error::{ErrorInfo, PgWireError};

use super::readonly::Refusal;

/// `error` as the client sees it, with the SQLSTATE of its kind.
pub fn client_error(error: &DataFusionError) -> PgWireError {
    let code = match error.find_root() {
        DataFusionError::SQL(..) => "42601",
        DataFusionError::Plan(_) | DataFusionError::SchemaError(..) => "42000",
        DataFusionError::NotImplemented(_) => "0A000",
        DataFusionError::ResourcesExhausted(_) => "53000",
        _ => "XX000",
    };
    user_error("ERROR", code, crate::cli::errors::query_line(error))
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
        let error = DataFusionError::External(Box::new(crate::Error::NoRegion));
        let info = info(client_error(&error));
        assert_eq!(
            info.message,
            crate::cli::errors::library_line(&crate::Error::NoRegion)
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
            crate::Error::NoRegion,
        ))));
        let client = datafusion_postgres::pgwire::api::DefaultClient::<()>::new(
            "127.0.0.1:1".parse().unwrap(),
            false,
        );
        ClientErrors.on_error(&client, &mut error);
        assert_eq!(
            info(error).message,
            crate::cli::errors::library_line(&crate::Error::NoRegion)
        );
    }
}
