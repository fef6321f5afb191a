//! What a client finds in the database: the library's tables, the saved reports of `queries/`
//! as views (`SELECT * FROM fleet_summary`), `information_schema`, and the `pg_catalog` that
//! psql's `\d`, DBeaver, Grafana and Metabase read on connect (datafusion-pg-catalog's).

use datafusion::execution::session_state::SessionState;
use datafusion::prelude::{SessionConfig, SessionContext};
use datafusion_postgres::datafusion_pg_catalog::pg_catalog::context::EmptyContextProvider;
use datafusion_postgres::datafusion_pg_catalog::setup_pg_catalog;
use wsql::Library;

use super::errors::ServeError;
use super::readonly;
use crate::reports::REPORTS;
use crate::statements::split_statements;

/// The catalog DataFusion puts tables in, which clients see as the database.
pub const CATALOG: &str = "datafusion";

/// The session every connection starts from (each gets its own copy: its own settings, the
/// same tables and cache).
pub async fn template(library: &Library) -> Result<SessionState, ServeError> {
    let failed = |e: &dyn std::fmt::Display| ServeError::Session(e.to_string());
    let config = SessionConfig::new()
        .with_information_schema(true)
        .with_default_catalog_and_schema(CATALOG, "public");
    let state = readonly::hardened_state(config).map_err(|e| failed(&e))?;
    let ctx = SessionContext::new_with_state(state);
    library.register(&ctx).map_err(|e| failed(&e))?;
    for report in REPORTS {
        let statements = split_statements(report.sql);
        let [query] = statements.as_slice() else {
            return Err(ServeError::Session(format!(
                "report {} is not one statement",
                report.name
            )));
        };
        ctx.sql(&format!("CREATE VIEW {} AS {query}", report.name))
            .await
            .map_err(|e| ServeError::Session(format!("report {}: {e}", report.name)))?;
    }
    setup_pg_catalog(&ctx, CATALOG, EmptyContextProvider).map_err(|e| failed(&e))?;
    Ok(ctx.state())
}

#[cfg(test)]
mod tests {
    use wsql::AwsSettings;

    use super::*;

    #[tokio::test]
    async fn tables_reports_and_pg_catalog_are_there_without_a_call() {
        // Nothing listens on port 9: planning must not call the API.
        let library = Library::new(AwsSettings::emulator("http://127.0.0.1:9", &["us-east-1"]));
        let ctx = SessionContext::new_with_state(template(&library).await.expect("template"));
        let names = ctx
            .sql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
            .await
            .unwrap()
            .collect()
            .await
            .unwrap();
        let text = datafusion::arrow::util::pretty::pretty_format_batches(&names)
            .unwrap()
            .to_string();
        for name in ["workspaces_pools", "fleet_summary", "timeout_audit"] {
            assert!(text.contains(name), "{name} missing:\n{text}");
        }
        let relations = ctx
            .sql("SELECT count(*) FROM pg_catalog.pg_class")
            .await
            .unwrap()
            .collect()
            .await
            .unwrap();
        assert_eq!(relations[0].num_rows(), 1);
    }
}
