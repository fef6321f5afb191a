//! A table's pushdown rules as users read them: one row per form of predicate or clause the
//! scan sends to the API, rendered from the table's own data ([`DescribeTable::PUSHABLE`],
//! [`DescribeTable::TRANSLATED`], [`DescribeTable::DEFAULTS`], [`DescribeTable::JOIN_KEYS`],
//! [`DescribeTable::PAGE_LIMIT`], [`DescribeTable::REQUIRED_COLUMNS`], its parent and its
//! enrichment) and never written by hand. A query leaving a required column unrestricted fails
//! at planning with [`missing_required_message`]. `\d TABLE` shows these rows, each
//! table's module doc holds them as a markdown table ([`markdown`]; a test checks the two agree),
//! and the library's table test plans each row's example and checks the scan does what the row
//! says.

use crate::scan::DescribeTable;
use crate::scan::restrictions::{Restrictions, TARGET_COLUMNS};

/// One form of predicate or clause a table sends to the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushdownRule {
    /// The predicate or clause, as a user writes it: "`pool_id =`, `IN (...)`, OR-chains".
    pub predicate: String,
    /// What the scan sends for it: "`PoolIds` (25 a request)".
    pub request: String,
    /// `exact` (the scan's answer needs no re-check by DataFusion), `inexact` (DataFusion
    /// checks the rows again), or empty for clauses that are not filters (LIMIT, a column read).
    pub pushdown: &'static str,
    /// An example of the form: `pool_id = 'wspool-abc123xyz'`.
    pub example: String,
}

/// A predicate a table translates itself ([`DescribeTable::translate`]), as `\d` shows it, with
/// an example the table test plans to check the row against the scan.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TranslatedRule {
    /// The predicate's form, as a user writes it.
    pub predicate: &'static str,
    /// What it is sent as.
    pub sent_as: &'static str,
    /// Whether the scan's answer needs no re-check.
    pub exact: bool,
    /// A `WHERE` clause of this form.
    pub example: &'static str,
    /// What the requests of that clause show in EXPLAIN (read by the table test).
    #[cfg_attr(not(test), allow(dead_code))]
    pub shows: &'static str,
}

/// What a table sends when the query leaves a column unrestricted that its requests need a
/// value of ([`DescribeTable::DEFAULTS`]), as `\d` shows it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DefaultRule {
    /// When it applies, as a user reads it: "no `timestamp` range".
    pub absent: &'static str,
    /// What is sent then.
    pub sent_as: &'static str,
    /// What `SELECT * FROM` the table shows of it in EXPLAIN (read by the table test).
    #[cfg_attr(not(test), allow(dead_code))]
    pub shows: &'static str,
}

/// `exact` or `inexact`.
fn exactness(exact: bool) -> &'static str {
    match exact {
        true => "exact",
        false => "inexact",
    }
}

fn rule(
    predicate: String,
    request: String,
    pushdown: &'static str,
    example: String,
) -> PushdownRule {
    PushdownRule {
        predicate,
        request,
        pushdown,
        example,
    }
}

/// The rows of table `T`, in the order `\d` shows them.
pub(crate) fn of<T: DescribeTable>() -> Vec<PushdownRule> {
    let mut rows = Vec::new();
    let parent = T::parent();
    for p in T::PUSHABLE {
        let request = match parent {
            Some(parent) if parent.column == p.column => {
                format!("{}; without it, every parent is listed first", p.sent_as)
            }
            _ if T::REQUIRED_COLUMNS.contains(&p.column) => {
                format!("{}; required: a query without it fails", p.sent_as)
            }
            _ => p.sent_as.to_string(),
        };
        let mut example = format!("{} = '{}'", p.column, p.example);
        if !p.example_with.is_empty() {
            example = format!("{} AND {example}", p.example_with);
        }
        rows.push(rule(
            format!("`{} =`, `IN (...)`, OR-chains", p.column),
            request,
            "exact",
            example,
        ));
    }
    for t in T::TRANSLATED {
        rows.push(rule(
            t.predicate.to_string(),
            t.sent_as.to_string(),
            exactness(t.exact),
            t.example.to_string(),
        ));
    }
    for default in T::DEFAULTS {
        rows.push(rule(
            default.absent.to_string(),
            default.sent_as.to_string(),
            "",
            format!("SELECT * FROM {}", T::NAME),
        ));
    }
    for target in TARGET_COLUMNS {
        rows.push(rule(
            format!("`{} =`, `IN (...)`", target.column),
            target.sent_as.to_string(),
            "exact",
            format!("{} = '{}'", target.column, target.example),
        ));
    }
    for key in T::JOIN_KEYS {
        rows.push(rule(
            format!("a join on `{key}` (this table on the probe side)"),
            format!("the build side's values, as for `{key} IN (...)`"),
            "exact",
            format!("... JOIN {} t ON t.{key} = other.{key}", T::NAME),
        ));
    }
    if let Some(parent) = parent {
        let which: Vec<String> = parent
            .only
            .iter()
            .map(|(column, value)| format!(" with `{column} = '{value}'`"))
            .collect();
        let then = match parent.batch {
            Some(n) => format!("the requests of every {n} parents listed"),
            None => per_parents::<T>(parent.column).to_string(),
        };
        rows.push(rule(
            format!("no predicate or join on `{}`", parent.column),
            format!(
                "`{}` lists the parents{} first, then {then}",
                parent.operation,
                which.concat(),
            ),
            "",
            format!("SELECT * FROM {}", T::NAME),
        ));
    }
    let limit = match T::PAGE_LIMIT {
        Some((member, max)) => format!("`{member}` up to {max}; paging stops at n rows"),
        None => "paging stops at n rows".to_string(),
    };
    rows.push(rule(
        "`LIMIT n` (when every filter is exact)".to_string(),
        limit,
        "",
        format!("SELECT * FROM {} LIMIT 10", T::NAME),
    ));
    if let Some(enrichment) = T::enrichment() {
        rows.push(rule(
            format!("reading `{}`", enrichment.column),
            format!("`{}`, only when the query reads it", enrichment.explain),
            "",
            format!("SELECT {} FROM {}", enrichment.column, T::NAME),
        ));
    }
    rows
}

/// What a table whose parents are listed first asks of them: one chain per parent, or when its
/// operation takes several parents at once, one request per page of them.
fn per_parents<T: DescribeTable>(column: &'static str) -> &'static str {
    let two = vec!["<a>".to_string(), "<b>".to_string()];
    match T::requests(&Restrictions::default().with_listed(column, two)).len() {
        1 => "one request per page of parents",
        _ => "one request chain per parent",
    }
}

/// The condition restricting every required column of `T` to its rule's example
/// (`management_cidr_range_constraint = '10.0.0.0/8'`); `None` when `T` requires none.
pub(crate) fn required_condition<T: DescribeTable>() -> Option<String> {
    let conditions: Vec<String> = T::PUSHABLE
        .iter()
        .filter(|p| T::REQUIRED_COLUMNS.contains(&p.column))
        .map(|p| format!("{} = '{}'", p.column, p.example))
        .collect();
    (!conditions.is_empty()).then(|| conditions.join(" AND "))
}

/// The one line a query of `table` that leaves `column` unrestricted fails with: what is
/// missing, why, and a condition that supplies it.
pub(crate) fn missing_required_message(
    table: &str,
    operation: &str,
    column: &str,
    condition: Option<&str>,
) -> String {
    let example = condition.unwrap_or_default();
    format!(
        "{table} needs a value for {column}: {operation} cannot be called without one; \
         add it to WHERE with = or IN (...), e.g. WHERE {example}"
    )
}

/// `rows` as the markdown table of a table's module doc (without the `//! ` prefix).
#[cfg(test)]
pub(crate) fn markdown(rows: &[PushdownRule]) -> String {
    let mut text = String::from("| predicate | request | pushdown |\n|---|---|---|\n");
    for row in rows {
        text.push_str(&format!(
            "| {} | {} | {} |\n",
            row.predicate, row.request, row.pushdown
        ));
    }
    text
}
