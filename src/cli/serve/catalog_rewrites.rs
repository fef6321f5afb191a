//! Client catalog queries DataFusion cannot plan, rewritten to what they answer on wsql's
//! catalog (after datafusion-pg-catalog's own rewrites).
//!
//! SQLAlchemy's `get_columns` (what `inspect(engine).get_columns(...)`, pandas and Superset
//! read) asks each column's default, identity and collation with scalar subqueries inside
//! `CASE`, correlated with the outer `pg_attribute`; DataFusion plans no subquery there. On
//! wsql's catalog every one of them finds nothing: no column has a default (`pg_attrdef` is
//! empty), none is an identity or serial (`pg_sequence` is empty), none has a collation
//! (`pg_attribute.attcollation` is 0 for every column, and the clients look collations up by
//! it). So a scalar subquery whose rows come through `pg_attrdef`, `pg_sequence` or
//! `pg_collation` (inner joins only), or that reads only `pg_type`'s `typcollation`, is
//! replaced by the NULL it answers.
//!
//! A relation's name alone (`'pg_class'::regclass`, as JDBC's `getTables` joins
//! `pg_description`) is looked up by datafusion-pg-catalog in the current schema only; Postgres
//! looks in `pg_catalog` first (it is implicitly first on every search path). So
//! `nspname = current_schema()` reads `nspname IN ('pg_catalog', current_schema())`.
//!
//! Grafana's table picker asks for the tables of the schemas on `search_path` with a subquery
//! datafusion-pg-catalog replaces by `''` (it had no `current_setting`, and DataFusion cannot
//! plan the subquery's `generate_series(...) AS i, string_to_array(...) s`), so the picker
//! listed nothing. [`before_parsing`] replaces that subquery, before datafusion-pg-catalog sees
//! it, by one that answers the same: each schema of `search_path`, `"$user"` as the user.
//!
//! psql's `\d+` reads a relation's storage options (`pg_class.reloptions`, with `array(SELECT
//! ... FROM unnest(tc.reloptions))` for its TOAST table's); no relation of wsql's has any, and
//! datafusion-pg-catalog's `pg_class` has no such column. So a function call reading
//! `reloptions`, and `reloptions` itself, is the NULL it answers.

use std::ops::ControlFlow;

use datafusion::sql::sqlparser::ast::{
    BinaryOperator, Expr, JoinOperator, Query, Select, SelectItem, SetExpr, Statement, TableFactor,
    Value, VisitMut, VisitorMut,
};
use datafusion::sql::sqlparser::dialect::PostgreSqlDialect;
use datafusion::sql::sqlparser::tokenizer::{Token, Tokenizer};

/// Grafana's subquery for the schemas on `search_path` (its table picker).
const GRAFANA_SEARCH_PATH: &str = r#"SELECT
    CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
  FROM
    generate_series(
      array_lower(string_to_array(current_setting('search_path'),','),1),
      array_upper(string_to_array(current_setting('search_path'),','),1)
    ) as i,
    string_to_array(current_setting('search_path'),',') s"#;

/// What it answers, in SQL DataFusion plans.
const SEARCH_PATH_SCHEMAS: &str = r#"SELECT CASE WHEN trim(e) = '"$user"' THEN current_user ELSE trim(e) END FROM unnest(string_to_array(current_setting('search_path'), ',')) AS search_path(e)"#;

/// `sql` with the client subqueries DataFusion cannot plan (Grafana's [`GRAFANA_SEARCH_PATH`])
/// replaced by what they answer; text that does not tokenize is left as it is.
pub fn before_parsing(sql: &str) -> String {
    let dialect = PostgreSqlDialect {};
    let (Ok(tokens), Ok(pattern)) = (
        Tokenizer::new(&dialect, sql).tokenize(),
        Tokenizer::new(&dialect, GRAFANA_SEARCH_PATH).tokenize(),
    ) else {
        return sql.to_string();
    };
    let pattern: Vec<&Token> = pattern.iter().filter(|t| !is_space(t)).collect();
    // The positions of the tokens that are not whitespace.
    let words: Vec<usize> = (0..tokens.len())
        .filter(|&i| !is_space(&tokens[i]))
        .collect();
    let found = words.windows(pattern.len()).position(|window| {
        window
            .iter()
            .zip(&pattern)
            .all(|(&i, expected)| &tokens[i] == *expected)
    });
    let Some(start) = found else {
        return sql.to_string();
    };
    let (first, last) = (words[start], words[start + pattern.len() - 1]);
    let mut text: String = tokens[..first].iter().map(ToString::to_string).collect();
    text.push_str(SEARCH_PATH_SCHEMAS);
    text.extend(tokens[last + 1..].iter().map(ToString::to_string));
    text
}

fn is_space(token: &Token) -> bool {
    matches!(token, Token::Whitespace(_))
}

/// Catalog tables whose scalar subqueries answer NULL on wsql's catalog.
const NOTHING_TO_FIND: &[&str] = &["pg_attrdef", "pg_sequence", "pg_collation"];

/// `statement` with the subqueries of [`NOTHING_TO_FIND`] (and of `pg_type.typcollation`) as
/// NULL.
pub fn rewrite(mut statement: Statement) -> Statement {
    let _ = statement.visit(&mut NullSubqueries);
    statement
}

struct NullSubqueries;

impl VisitorMut for NullSubqueries {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<Self::Break> {
        if is_current_schema_test(expr)
            && let Expr::BinaryOp { left, .. } = expr
        {
            *expr = Expr::InList {
                expr: left.clone(),
                list: vec![
                    Expr::Value(Value::SingleQuotedString("pg_catalog".into()).into()),
                    current_schema(),
                ],
                negated: false,
            };
            return ControlFlow::Continue(());
        }
        let answers_null = match &*expr {
            Expr::Subquery(query) => finds_nothing(query),
            Expr::Function(_) => reads_storage_options(expr),
            other => last_name(other) == Some("reloptions"),
        };
        if answers_null {
            *expr = Expr::Value(Value::Null.into());
        }
        ControlFlow::Continue(())
    }
}

/// Whether `expr` is `<x>.nspname = current_schema()`.
fn is_current_schema_test(expr: &Expr) -> bool {
    let Expr::BinaryOp { left, op, right } = expr else {
        return false;
    };
    let calls_current_schema = matches!(right.as_ref(), Expr::Function(f)
        if f.name.to_string().eq_ignore_ascii_case("current_schema")
            && f.args.to_string().trim_matches(|c| c == '(' || c == ')').is_empty());
    *op == BinaryOperator::Eq && last_name(left) == Some("nspname") && calls_current_schema
}

/// `current_schema()`.
fn current_schema() -> Expr {
    match datafusion::sql::sqlparser::parser::Parser::new(&PostgreSqlDialect {})
        .try_with_sql("current_schema()")
        .and_then(|mut parser| parser.parse_expr())
    {
        Ok(expr) => expr,
        Err(_) => Expr::Value(Value::SingleQuotedString("public".into()).into()),
    }
}

/// Whether `expr` mentions a `reloptions` column anywhere inside.
fn reads_storage_options(expr: &Expr) -> bool {
    let mut found = false;
    let _ = datafusion::sql::sqlparser::ast::visit_expressions(expr, |e| {
        if last_name(e) == Some("reloptions") {
            found = true;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    found
}

/// Whether `query` reads only catalog tables that hold nothing for wsql's columns.
fn finds_nothing(query: &Query) -> bool {
    let SetExpr::Select(select) = query.body.as_ref() else {
        return false;
    };
    let tables = tables_of(select);
    if tables.is_empty() {
        return false;
    }
    let collation_of_type = tables == ["pg_type"]
        && matches!(select.projection.as_slice(), [SelectItem::UnnamedExpr(e) | SelectItem::ExprWithAlias { expr: e, .. }]
            if last_name(e) == Some("typcollation"));
    let inner_joins_only = select.from.iter().flat_map(|f| &f.joins).all(|join| {
        matches!(
            join.join_operator,
            JoinOperator::Join(_) | JoinOperator::Inner(_) | JoinOperator::CrossJoin(_)
        )
    });
    collation_of_type
        || (inner_joins_only && tables.iter().any(|t| NOTHING_TO_FIND.contains(&t.as_str())))
}

/// The last part of every table name `select` reads (joins included), lowercase; empty when it
/// reads anything but named tables.
fn tables_of(select: &Select) -> Vec<String> {
    let mut names = Vec::new();
    for from in &select.from {
        let factors = std::iter::once(&from.relation).chain(from.joins.iter().map(|j| &j.relation));
        for factor in factors {
            match factor {
                TableFactor::Table { name, .. } => match name.0.last() {
                    Some(part) => names.push(part.to_string().to_ascii_lowercase()),
                    None => return Vec::new(),
                },
                _ => return Vec::new(),
            }
        }
    }
    names
}

/// The column an expression names (`t.typcollation` → `typcollation`).
fn last_name(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Identifier(ident) => Some(ident.value.as_str()),
        Expr::CompoundIdentifier(parts) => parts.last().map(|p| p.value.as_str()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use datafusion::sql::sqlparser::parser::Parser;

    use super::*;

    fn rewritten(sql: &str) -> String {
        let statement = Parser::parse_sql(&PostgreSqlDialect {}, sql)
            .unwrap()
            .remove(0);
        rewrite(statement).to_string()
    }

    #[test]
    fn subqueries_that_find_nothing_become_null() {
        let sql = "SELECT a.attname, CASE WHEN a.atthasdef THEN (SELECT pg_get_expr(d.adbin, d.adrelid) \
                   FROM pg_catalog.pg_attrdef d WHERE d.adrelid = a.attrelid) ELSE NULL END, \
                   CASE WHEN a.attcollation <> 0 AND (SELECT t.typcollation FROM pg_catalog.pg_type t \
                   WHERE t.oid = a.atttypid) <> a.attcollation THEN (SELECT c.collname FROM \
                   pg_catalog.pg_collation c JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace \
                   WHERE c.oid = a.attcollation) END FROM pg_catalog.pg_attribute a";
        let text = rewritten(sql);
        assert!(!text.contains("pg_attrdef"), "{text}");
        assert!(!text.contains("typcollation"), "{text}");
        assert!(!text.contains("pg_collation"), "{text}");
        assert_eq!(text.matches("NULL").count(), 4, "{text}");
    }

    #[test]
    fn names_alone_are_looked_up_in_pg_catalog_too() {
        assert_eq!(
            rewritten(
                "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON true WHERE n.nspname = current_schema()"
            ),
            "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON true WHERE n.nspname IN ('pg_catalog', current_schema())"
        );
    }

    #[test]
    fn grafanas_search_path_subquery_is_one_datafusion_plans() {
        let grafana = format!(
            "SELECT quote_ident(table_name) AS \"table\" FROM information_schema.tables \
             WHERE table_type = 'BASE TABLE' AND quote_ident(table_schema) IN ({})",
            GRAFANA_SEARCH_PATH.replace('\n', " ")
        );
        let text = before_parsing(&grafana);
        assert!(text.contains(SEARCH_PATH_SCHEMAS), "{text}");
        assert!(
            text.starts_with("SELECT quote_ident(table_name) AS \"table\""),
            "{text}"
        );
        assert!(text.ends_with("AS search_path(e))"), "{text}");
        assert_eq!(before_parsing("SELECT 'it''s' AS x"), "SELECT 'it''s' AS x");
        // As Grafana sends it.
        let sent = r#"SELECT quote_ident(table_name) as "table" FROM information_schema.tables
    WHERE quote_ident(table_schema) NOT IN ('information_schema', 'pg_catalog', '_timescaledb_cache')
    AND table_type = 'BASE TABLE' AND quote_ident(table_schema) IN (SELECT
    CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
  FROM
    generate_series(
      array_lower(string_to_array(current_setting('search_path'),','),1),
      array_upper(string_to_array(current_setting('search_path'),','),1)
    ) as i,
    string_to_array(current_setting('search_path'),',') s) ORDER BY 1"#;
        assert!(
            before_parsing(sent).contains(SEARCH_PATH_SCHEMAS),
            "{}",
            before_parsing(sent)
        );
    }

    #[test]
    fn storage_options_are_null() {
        let sql = "SELECT c.relkind, pg_catalog.array_to_string(c.reloptions || array(select \
                   'toast.' || x from pg_catalog.unnest(tc.reloptions) x), ', ') FROM pg_catalog.pg_class c";
        assert_eq!(
            rewritten(sql),
            "SELECT c.relkind, NULL FROM pg_catalog.pg_class c"
        );
    }

    #[test]
    fn other_subqueries_stay() {
        for sql in [
            "SELECT (SELECT typname FROM pg_catalog.pg_type WHERE oid = 23)",
            "SELECT (SELECT count(*) FROM workspaces_pools)",
            "SELECT * FROM pg_catalog.pg_attrdef",
            "SELECT (SELECT n.nspname FROM pg_catalog.pg_namespace AS n LEFT JOIN pg_catalog.pg_sequence AS s ON s.seqrelid = n.oid LIMIT 1)",
        ] {
            assert_eq!(rewritten(sql), sql);
        }
    }
}
