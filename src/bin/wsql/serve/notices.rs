//! Warnings a statement leaves (a region left out under `--on-region-error warn`), sent to the
//! client that ran it as Postgres NOTICEs with severity `WARNING`: psql prints them, psycopg
//! keeps them in `conn.notices` (or a notice handler), JDBC in `getWarnings()`.

use std::sync::Arc;

use datafusion::physical_plan::ExecutionPlan;
use datafusion_postgres::pgwire::error::ErrorInfo;
use datafusion_postgres::pgwire::messages::PgWireBackendMessage;
use wsql::Library;

/// The warnings of the statement whose physical plan is `plan`, once it has run.
///
/// Today the library records warnings on one list shared by every statement
/// (`library.warnings()`), so while this reads from it the server runs statements that can
/// warn one at a time ([`Server::one_at_a_time`](super::connection::Server)). This becomes
/// `wsql::ScanReport::of(plan).warnings` (each warning's `Display`), which reads them from the
/// plan itself; then `plan` is all it needs, and the one-at-a-time lock goes.
pub fn statement_warnings(plan: &Arc<dyn ExecutionPlan>, library: &Library) -> Vec<String> {
    let _ = plan;
    library
        .warnings()
        .take()
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// The NOTICE carrying `warning` (SQLSTATE 01000, "warning").
pub fn notice(warning: String) -> PgWireBackendMessage {
    let info = ErrorInfo::new("WARNING".to_string(), "01000".to_string(), warning);
    PgWireBackendMessage::NoticeResponse(info.into())
}
