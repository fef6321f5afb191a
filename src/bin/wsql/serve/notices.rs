//! Warnings a statement leaves (a region left out under `--on-region-error warn`), sent to the
//! client that ran it as Postgres NOTICEs with severity `WARNING`: psql prints them, psycopg
//! keeps them in `conn.notices` (or a notice handler), JDBC in `getWarnings()`.

use std::sync::Arc;

use datafusion::physical_plan::ExecutionPlan;
use datafusion_postgres::pgwire::error::ErrorInfo;
use datafusion_postgres::pgwire::messages::PgWireBackendMessage;
use wsql::ScanReport;

/// The warnings of the statement whose physical plan is `plan`, once it has run: read from the
/// plan itself, so statements of many clients running at once each have only their own.
pub fn statement_warnings(plan: &Arc<dyn ExecutionPlan>) -> Vec<String> {
    ScanReport::of(plan)
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// The NOTICE carrying `warning` (SQLSTATE 01000, "warning").
pub fn notice(warning: String) -> PgWireBackendMessage {
    let info = ErrorInfo::new("WARNING".to_string(), "01000".to_string(), warning);
    PgWireBackendMessage::NoticeResponse(info.into())
}
