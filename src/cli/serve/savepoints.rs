//! Savepoints, as no-ops: a server that never writes has nothing to roll back to. Clients send
//! them for nested transactions: psycopg's `conn.transaction()` inside a transaction (SQLAlchemy
//! fetches type information that way on connect), JDBC's `setSavepoint`. datafusion-postgres's
//! transaction hook knows `BEGIN`, `COMMIT` and `ROLLBACK` only (and would take `ROLLBACK TO
//! SAVEPOINT` for the end of the transaction), so this hook answers before it:
//!
//! | statement | answer | transaction |
//! |---|---|---|
//! | `SAVEPOINT s` | `SAVEPOINT` | unchanged |
//! | `RELEASE [SAVEPOINT] s` | `RELEASE` | unchanged |
//! | `ROLLBACK TO [SAVEPOINT] s` | `ROLLBACK` | open again, if a statement in it had failed |

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::Schema;
use datafusion::common::{DFSchema, ParamValues};
use datafusion::logical_expr::{EmptyRelation, LogicalPlan};
use datafusion::prelude::SessionContext;
use datafusion::sql::sqlparser::ast::Statement;
use datafusion_postgres::QueryHook;
use datafusion_postgres::hooks::HookClient;
use datafusion_postgres::pgwire::api::ClientInfo;
use datafusion_postgres::pgwire::api::results::{Response, Tag};
use datafusion_postgres::pgwire::error::PgWireResult;

/// Answers `SAVEPOINT`, `RELEASE` and `ROLLBACK TO`.
#[derive(Debug)]
pub struct Savepoints;

/// The answer to `statement`, if it is a savepoint statement.
fn answer(statement: &Statement) -> Option<Response> {
    match statement {
        Statement::Savepoint { .. } => Some(Response::Execution(Tag::new("SAVEPOINT"))),
        Statement::ReleaseSavepoint { .. } => Some(Response::Execution(Tag::new("RELEASE"))),
        // pgwire marks the transaction open again, as Postgres does after ROLLBACK TO.
        Statement::Rollback {
            savepoint: Some(_), ..
        } => Some(Response::TransactionStart(Tag::new("ROLLBACK"))),
        _ => None,
    }
}

#[async_trait]
impl QueryHook for Savepoints {
    async fn handle_simple_query(
        &self,
        statement: &Statement,
        _session_context: &SessionContext,
        _client: &mut dyn HookClient,
    ) -> Option<PgWireResult<Response>> {
        answer(statement).map(Ok)
    }

    async fn handle_extended_parse_query(
        &self,
        statement: &Statement,
        _session_context: &SessionContext,
        _client: &(dyn ClientInfo + Send + Sync),
    ) -> Option<PgWireResult<LogicalPlan>> {
        answer(statement)?;
        Some(Ok(LogicalPlan::EmptyRelation(EmptyRelation {
            produce_one_row: false,
            schema: Arc::new(DFSchema::try_from(Schema::empty()).ok()?),
        })))
    }

    async fn handle_extended_query(
        &self,
        statement: &Statement,
        _logical_plan: &LogicalPlan,
        _params: &ParamValues,
        _session_context: &SessionContext,
        _client: &mut dyn HookClient,
    ) -> Option<PgWireResult<Response>> {
        answer(statement).map(Ok)
    }
}

#[cfg(test)]
mod tests {
    use datafusion::sql::sqlparser::dialect::PostgreSqlDialect;
    use datafusion::sql::sqlparser::parser::Parser;

    use super::*;

    fn tag(sql: &str) -> Option<String> {
        let statement = Parser::parse_sql(&PostgreSqlDialect {}, sql)
            .unwrap()
            .remove(0);
        match answer(&statement)? {
            Response::Execution(tag) | Response::TransactionStart(tag) => Some(format!("{tag:?}")),
            _ => Some("other".into()),
        }
    }

    #[test]
    fn savepoints_are_answered_and_the_rest_left_alone() {
        assert!(tag("SAVEPOINT s1").is_some_and(|t| t.contains("SAVEPOINT")));
        assert!(tag("RELEASE SAVEPOINT s1").is_some_and(|t| t.contains("RELEASE")));
        assert!(tag("ROLLBACK TO SAVEPOINT s1").is_some_and(|t| t.contains("ROLLBACK")));
        assert_eq!(tag("ROLLBACK"), None);
        assert_eq!(tag("COMMIT"), None);
    }
}
