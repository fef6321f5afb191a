//! A NULL in an `IN` list, taken out of the list before DataFusion's optimizer sees it:
//! `x IN (a, NULL)` becomes `x IN (a) OR NULL` and `x NOT IN (b, NULL)` becomes
//! `x NOT IN (b) AND NULL`. The two forms have the same three-valued answer for every `x`
//! (a match is TRUE, a non-match NULL; a NOT IN match FALSE, a non-match NULL), but DataFusion
//! 55.2's expression simplifier combines `x IN (a, NULL) AND x NOT IN (b, NULL)` into
//! `x IN (a)` as if the NULLs were values, which keeps rows that SQL never keeps. Without this
//! rule `SELECT count(*) ... WHERE NOT (state NOT IN ('RUNNING', NULL)) AND state NOT IN
//! ('STOPPED', NULL)` counted the running pools instead of none, and since the tables' pushdown
//! changes where the simplifier meets such pairs, the answer with pushdown could differ from
//! the answer without it (the differential test found it). [`crate::Library::register`] adds
//! the rule to the session it registers the tables in.

use std::sync::Arc;

use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::error::Result;
use datafusion::logical_expr::expr::InList;
use datafusion::logical_expr::expr_rewriter::NamePreserver;
use datafusion::logical_expr::{Expr, LogicalPlan};
use datafusion::optimizer::AnalyzerRule;
use datafusion::prelude::SessionContext;
use datafusion::scalar::ScalarValue;

/// The analyzer rule: every `IN` list of every plan node, subqueries included.
#[derive(Debug, Default)]
pub(crate) struct NullsOutOfInLists;

impl NullsOutOfInLists {
    const NAME: &'static str = "wsql_nulls_out_of_in_lists";

    /// Adds the rule to `ctx`, once however often it is called.
    pub(crate) fn add_to(ctx: &SessionContext) {
        let present = ctx
            .state()
            .analyzer()
            .rules
            .iter()
            .any(|rule| rule.name() == Self::NAME);
        if !present {
            ctx.add_analyzer_rule(Arc::new(Self));
        }
    }
}

impl AnalyzerRule for NullsOutOfInLists {
    fn analyze(&self, plan: LogicalPlan, _config: &ConfigOptions) -> Result<LogicalPlan> {
        plan.transform_up_with_subqueries(|plan| {
            let names = NamePreserver::new(&plan);
            plan.map_expressions(|expr| {
                let name = names.save(&expr);
                expr.transform_up(take_nulls_out)
                    .map(|rewritten| rewritten.update_data(|e| name.restore(e)))
            })
        })
        .map(|rewritten| rewritten.data)
    }

    fn name(&self) -> &str {
        Self::NAME
    }
}

/// `x [NOT] IN (.., NULL, ..)` without its NULLs, joined to a NULL by OR (IN) or AND (NOT IN);
/// a list of NULLs alone is NULL. Any other expression is kept.
fn take_nulls_out(expr: Expr) -> Result<Transformed<Expr>> {
    let Expr::InList(InList {
        expr: value,
        list,
        negated,
    }) = expr
    else {
        return Ok(Transformed::no(expr));
    };
    if !list.iter().any(is_null) {
        return Ok(Transformed::no(Expr::InList(InList::new(
            value, list, negated,
        ))));
    }
    let null = Expr::Literal(ScalarValue::Boolean(None), None);
    let values: Vec<Expr> = list.into_iter().filter(|e| !is_null(e)).collect();
    let rewritten = match (values.is_empty(), negated) {
        (true, _) => null,
        (false, false) => Expr::InList(InList::new(value, values, false)).or(null),
        (false, true) => Expr::InList(InList::new(value, values, true)).and(null),
    };
    Ok(Transformed::yes(rewritten))
}

/// A NULL literal, as written or as type coercion casts it.
fn is_null(expr: &Expr) -> bool {
    match expr {
        Expr::Literal(value, _) => value.is_null(),
        Expr::Cast(cast) => is_null(&cast.expr),
        Expr::TryCast(cast) => is_null(&cast.expr),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::util::pretty::pretty_format_batches;

    use super::*;

    async fn answer(ctx: &SessionContext, sql: &str) -> String {
        let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
        pretty_format_batches(&batches).unwrap().to_string()
    }

    /// Three-valued truth of each form, for a match, a non-match and a NULL `x`, against SQL's.
    #[tokio::test]
    async fn every_form_answers_as_sql_defines_it() {
        let ctx = SessionContext::new();
        NullsOutOfInLists::add_to(&ctx);
        NullsOutOfInLists::add_to(&ctx);
        let rules = ctx.state().analyzer().rules.len();
        assert_eq!(
            rules,
            SessionContext::new().state().analyzer().rules.len() + 1
        );
        let sql = "SELECT x, x IN ('a', NULL) AS is_in, x NOT IN ('a', NULL) AS not_in, \
                   x IN (NULL) AS only_null, NOT (x NOT IN ('a', NULL)) AS not_not_in \
                   FROM (VALUES ('a'), ('b'), (NULL)) AS t(x) ORDER BY x NULLS LAST";
        let expected = [
            "+---+-------+--------+-----------+------------+",
            "| x | is_in | not_in | only_null | not_not_in |",
            "+---+-------+--------+-----------+------------+",
            "| a | true  | false  |           | true       |",
            "| b |       |        |           |            |",
            "|   |       |        |           |            |",
            "+---+-------+--------+-----------+------------+",
        ];
        assert_eq!(answer(&ctx, sql).await, expected.join("\n"));
    }

    /// The case DataFusion's simplifier got wrong: no row is ever kept.
    #[tokio::test]
    async fn an_in_list_and_a_not_in_list_with_nulls_keep_no_row() {
        let sql = "SELECT count(*) AS n FROM (VALUES ('RUNNING'), ('STOPPED'), ('X')) AS t(state) \
                   WHERE NOT (state NOT IN ('RUNNING', 'STOPPED', NULL)) \
                   AND state NOT IN ('STOPPING', NULL, 'UPDATING')";
        let ctx = SessionContext::new();
        NullsOutOfInLists::add_to(&ctx);
        assert!(answer(&ctx, sql).await.contains("| 0 |"));
        // Without the rule, DataFusion 55.2 answers 2: when it no longer does, the rule can go.
        assert!(answer(&SessionContext::new(), sql).await.contains("| 2 |"));
    }
}
