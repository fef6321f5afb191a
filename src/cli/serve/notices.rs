//! Warnings a statement leaves (a region left out under `--on-region-error warn`), sent to the
//! client that ran it as Postgres NOTICEs with severity `WARNING`: psql prints them, psycopg
//! keeps them in `conn.notices` (or a notice handler), JDBC in `getWarnings()`.

use datafusion_postgres::pgwire::error::ErrorInfo;
use datafusion_postgres::pgwire::messages::PgWireBackendMessage;

/// The NOTICE carrying `warning` (SQLSTATE 01000, "warning").
pub fn notice(warning: String) -> PgWireBackendMessage {
    let info = ErrorInfo::new("WARNING".to_string(), "01000".to_string(), warning);
    PgWireBackendMessage::NoticeResponse(info.into())
}
