//! What a remote client may run: read-only SQL, and a session that could not touch the server's
//! files even if a statement slipped past the checks.
//!
//! Three layers, each enough on its own for the statements the others cover:
//! 1. [`check`]: the parsed statement must be a query, `EXPLAIN` of one, `SHOW`, `SET` of a
//!    session variable, or a transaction statement (clients send `BEGIN`/`COMMIT`, and
//!    savepoints for nested transactions; they are no-ops here). `COPY`, `CREATE` (`EXTERNAL TABLE` included), DML and the rest are refused
//!    with SQLSTATE 25006, as Postgres refuses writes in a read-only transaction.
//! 2. [`verify_plan`]: DataFusion's own [`SQLOptions`] refuse DDL, DML (`COPY ... TO` is DML)
//!    and statements in the logical plan, whatever the syntax that produced it.
//! 3. The session itself ([`Access::ApiOnly`](crate::cli::session::Access::ApiOnly)) has no file
//!    formats, no table factories and no spill directory, so no plan can read or write a local
//!    file.

use datafusion::error::Result;
use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::SQLOptions;
use datafusion::sql::sqlparser::ast::{Set, SetExpr, Statement};
use datafusion::sql::sqlparser::dialect::PostgreSqlDialect;
use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};

/// A statement the server will not run, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// A statement that writes, or reads the server's files.
    #[error(
        "wsql serve is read-only: {0} is refused (only SELECT, EXPLAIN, SHOW and SET run here)"
    )]
    NotReadOnly(String),
    /// `SET` of a setting that would reach the server's files or runtime.
    #[error("wsql serve does not let clients change {0}")]
    Setting(String),
}

/// Leading keywords of the statements [`check`] lets through.
const READ_KEYWORDS: &[&str] = &[
    "SELECT",
    "WITH",
    "VALUES",
    "TABLE",
    "EXPLAIN",
    "DESCRIBE",
    "SHOW",
    "SET",
    "RESET",
    "BEGIN",
    "START",
    "COMMIT",
    "END",
    "ROLLBACK",
    "ABORT",
    "SAVEPOINT",
    "RELEASE",
];

/// DataFusion settings a client may change: how queries plan, run and print. The others
/// (`datafusion.runtime.*` names the spill directory, `datafusion.catalog.*` where tables are
/// found) stay as the server set them.
const CLIENT_SETTINGS: &[&str] = &[
    "datafusion.execution.",
    "datafusion.optimizer.",
    "datafusion.explain.",
    "datafusion.sql_parser.",
    "datafusion.format.",
];

/// Refuses `statement` unless it only reads.
pub fn check(statement: &Statement) -> Result<(), Refusal> {
    match statement {
        Statement::Query(query) => match query.body.as_ref() {
            SetExpr::Select(select) if select.into.is_some() => {
                Err(Refusal::NotReadOnly("SELECT INTO".into()))
            }
            _ => Ok(()),
        },
        Statement::Explain { statement, .. } => check(statement),
        Statement::ExplainTable { .. }
        | Statement::ShowVariable { .. }
        | Statement::ShowVariables { .. }
        | Statement::ShowStatus { .. }
        | Statement::ShowCatalogs { .. }
        | Statement::ShowSchemas { .. }
        | Statement::ShowTables { .. }
        | Statement::ShowViews { .. }
        | Statement::ShowColumns { .. }
        | Statement::ShowFunctions { .. }
        | Statement::StartTransaction { .. }
        | Statement::Commit { .. }
        | Statement::Rollback { .. }
        | Statement::Savepoint { .. }
        | Statement::ReleaseSavepoint { .. } => Ok(()),
        Statement::Set(set) => check_set(set),
        other => Err(Refusal::NotReadOnly(leading_keyword(&other.to_string()))),
    }
}

/// For text the Postgres parser rejected: the refusal, when it is a statement the server would
/// refuse anyway (`CREATE EXTERNAL TABLE` is DataFusion's syntax, not Postgres's), so the
/// client learns that rather than about a syntax error.
pub fn refusal_of_unparsed(sql: &str) -> Option<Refusal> {
    let keyword = leading_keyword(sql);
    let refused = !keyword.is_empty() && !READ_KEYWORDS.contains(&keyword.as_str());
    refused.then_some(Refusal::NotReadOnly(keyword))
}

/// DataFusion's check of the logical plan: no DDL, no DML (`COPY ... TO` included), no
/// statements (`SET`, `PREPARE`: the server answers `SET` itself).
pub fn verify_plan(plan: &LogicalPlan) -> Result<()> {
    SQLOptions::new()
        .with_allow_ddl(false)
        .with_allow_dml(false)
        .with_allow_statements(false)
        .verify_plan(plan)
}

fn check_set(set: &Set) -> Result<(), Refusal> {
    let names: Vec<String> = match set {
        Set::SingleAssignment { variable, .. } => vec![variable.to_string()],
        Set::ParenthesizedAssignments { variables, .. } => {
            variables.iter().map(ToString::to_string).collect()
        }
        Set::MultipleAssignments { assignments } => {
            assignments.iter().map(|a| a.name.to_string()).collect()
        }
        _ => Vec::new(),
    };
    match names.into_iter().find(|name| !client_may_set(name)) {
        Some(name) => Err(Refusal::Setting(name)),
        None => Ok(()),
    }
}

/// Postgres session variables (`DateStyle`, `TimeZone`, `extra_float_digits`, ...) are the
/// client's; of DataFusion's, only [`CLIENT_SETTINGS`].
fn client_may_set(name: &str) -> bool {
    let name = name.trim_matches('"').to_ascii_lowercase();
    !name.starts_with("datafusion.") || CLIENT_SETTINGS.iter().any(|p| name.starts_with(p))
}

/// The first word of `sql` in capitals, comments and whitespace skipped ("" when there is none).
fn leading_keyword(sql: &str) -> String {
    let Ok(tokens) = Tokenizer::new(&PostgreSqlDialect {}, sql).tokenize() else {
        return String::new();
    };
    tokens
        .into_iter()
        .find_map(|token| match token {
            Token::Word(word) => Some(word.value.to_ascii_uppercase()),
            Token::Whitespace(_) => None,
            _ => Some(String::new()),
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use datafusion::sql::sqlparser::parser::Parser;

    use super::*;

    fn parsed(sql: &str) -> Statement {
        Parser::parse_sql(&PostgreSqlDialect {}, sql)
            .expect("parses")
            .remove(0)
    }

    #[test]
    fn reads_pass() {
        for sql in [
            "SELECT 1",
            "WITH t AS (SELECT 1) SELECT * FROM t",
            "VALUES (1)",
            "EXPLAIN SELECT * FROM workspaces_pools",
            "EXPLAIN ANALYZE SELECT 1",
            "SHOW TIME ZONE",
            "SHOW ALL",
            "SHOW TABLES",
            "SET extra_float_digits = 3",
            "SET TIME ZONE 'UTC'",
            "SET datafusion.execution.batch_size = 100",
            "BEGIN",
            "COMMIT",
            "ROLLBACK",
            "SAVEPOINT s1",
            "RELEASE SAVEPOINT s1",
            "ROLLBACK TO SAVEPOINT s1",
        ] {
            assert_eq!(check(&parsed(sql)), Ok(()), "{sql}");
        }
    }

    #[test]
    fn writes_are_refused_by_name() {
        for (sql, keyword) in [
            ("COPY (SELECT 1) TO '/tmp/x.csv'", "COPY"),
            ("COPY t FROM '/etc/passwd'", "COPY"),
            ("CREATE TABLE t AS SELECT 1", "CREATE"),
            ("CREATE VIEW v AS SELECT 1", "CREATE"),
            ("INSERT INTO t VALUES (1)", "INSERT"),
            ("DELETE FROM t", "DELETE"),
            ("DROP TABLE workspaces_pools", "DROP"),
            ("EXPLAIN COPY (SELECT 1) TO '/tmp/x'", "COPY"),
            ("SELECT 1 INTO t", "SELECT INTO"),
        ] {
            assert_eq!(
                check(&parsed(sql)),
                Err(Refusal::NotReadOnly(keyword.into())),
                "{sql}"
            );
        }
    }

    #[test]
    fn settings_that_reach_files_are_refused() {
        for sql in [
            "SET datafusion.runtime.temp_directory = '/etc'",
            "SET datafusion.catalog.location = '/'",
        ] {
            assert!(
                matches!(check(&parsed(sql)), Err(Refusal::Setting(_))),
                "{sql}"
            );
        }
    }

    #[test]
    fn unparsed_text_is_refused_when_it_is_not_a_read() {
        assert_eq!(
            refusal_of_unparsed(
                "-- a comment\nCREATE EXTERNAL TABLE t STORED AS CSV LOCATION '/etc/passwd'"
            ),
            Some(Refusal::NotReadOnly("CREATE".into()))
        );
        assert_eq!(
            refusal_of_unparsed("SELEC 1"),
            Some(Refusal::NotReadOnly("SELEC".into()))
        );
        assert_eq!(refusal_of_unparsed("SELECT FROM WHERE"), None);
        assert_eq!(refusal_of_unparsed(""), None);
    }

    #[tokio::test]
    async fn datafusion_refuses_ddl_and_copy_in_the_plan() {
        let ctx = datafusion::prelude::SessionContext::new();
        for sql in [
            "CREATE EXTERNAL TABLE t STORED AS CSV LOCATION '/etc/hosts'",
            "COPY (SELECT 1) TO '/tmp/wsql-never.csv'",
            "CREATE VIEW v AS SELECT 1",
        ] {
            let plan = ctx.state().create_logical_plan(sql).await.expect("plans");
            assert!(verify_plan(&plan).is_err(), "{sql}");
        }
        let plan = ctx.state().create_logical_plan("SELECT 1").await.unwrap();
        assert!(verify_plan(&plan).is_ok());
    }
}
