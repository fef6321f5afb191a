//! The `PoolName` filters of `DescribeWorkspacesPools`: which predicates on `pool_name` become
//! which `Filters` entries. Pure logic, no I/O; the pools table hands these to the engine as its
//! own translation ([`translate`]) and folds them into each request ([`name_filters`]).
//!
//! The API's own bounds (from the service model) decide what can be sent: a predicate whose
//! literal would be rejected by the service is left to DataFusion instead of being sent to fail.
//! Every filter is inexact (DataFusion re-checks the rows), except a name that cannot be a pool
//! name at all, which matches nothing: exact, and no call.
//!
//! | predicate | filter |
//! |---|---|
//! | `pool_name = 'x'`, `IN (...)`, OR-chains | `PoolName EQUALS` |
//! | `pool_name <> 'x'`, `NOT IN (...)` | `PoolName NOTEQUALS` (ANDed exclusions merge) |
//! | `pool_name LIKE 'p'`, OR-chains of LIKE and `=` | `PoolName CONTAINS` longest literal run |
//! | `pool_name NOT LIKE '%lit%'` / `NOT LIKE 'lit'` | `NOTCONTAINS` / `NOTEQUALS` |

use std::collections::BTreeSet;
use std::fmt;

use datafusion::logical_expr::{BinaryExpr, Expr, Like, Operator, TableProviderFilterPushDown};

use crate::scan::{Translation, equality_values, inequality_values, is_column, string_literal};

/// Most filters one request may carry (`DescribeWorkspacesPoolsFilters` max).
pub(crate) const MAX_FILTERS: usize = 25;
/// Most values one filter may carry (`DescribeWorkspacesPoolsFilterValues` max).
pub(crate) const MAX_FILTER_VALUES: usize = 25;
/// Longest filter value the service accepts.
pub(crate) const MAX_FILTER_VALUE_LEN: usize = 128;

/// The operator of a `PoolName` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum NameOperator {
    /// The name equals one of the values.
    Equals,
    /// The name equals none of the values.
    NotEquals,
    /// The name contains one of the values.
    Contains,
    /// The name contains none of the values.
    NotContains,
}

impl NameOperator {
    /// The wire name of the operator.
    pub fn as_str(self) -> &'static str {
        match self {
            NameOperator::Equals => "EQUALS",
            NameOperator::NotEquals => "NOTEQUALS",
            NameOperator::Contains => "CONTAINS",
            NameOperator::NotContains => "NOTCONTAINS",
        }
    }
}

/// One `Filters` entry of a request: `PoolName <operator> [values]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct NameFilter {
    /// How the values are matched.
    pub operator: NameOperator,
    /// Alternatives: 1 to 25 values, each valid for the service.
    pub values: Vec<String>,
}

impl fmt::Display for NameFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PoolName {} [{}]",
            self.operator.as_str(),
            self.values.join(", ")
        )
    }
}

/// What one predicate on `pool_name` contributes to the requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum NamePredicate {
    /// These filters, ANDed (inexact: DataFusion re-checks).
    Filters(Vec<NameFilter>),
    /// No pool can match: no call (exact).
    Nothing,
}

/// The engine's view of a `pool_name` predicate: how far it pushes.
pub(crate) fn translate(expr: &Expr) -> Option<Translation> {
    let support = |support, matches_nothing| Translation {
        support,
        matches_nothing,
    };
    match name_predicate(expr)? {
        NamePredicate::Filters(_) => Some(support(TableProviderFilterPushDown::Inexact, false)),
        NamePredicate::Nothing => Some(support(TableProviderFilterPushDown::Exact, true)),
    }
}

/// What `expr` contributes, if it is a `pool_name` predicate the service can take.
pub(crate) fn name_predicate(expr: &Expr) -> Option<NamePredicate> {
    if let Some(values) = equality_values(expr, "pool_name") {
        // A name that cannot be a pool name can never match: drop it, and if none is left the
        // predicate matches nothing, which is exact.
        let names: BTreeSet<String> = values.into_iter().filter(|v| is_pool_name(v)).collect();
        if names.is_empty() {
            return Some(NamePredicate::Nothing);
        }
        let filter = sendable_filter(NameOperator::Equals, names)?;
        return Some(NamePredicate::Filters(vec![filter]));
    }
    if let Some(values) = inequality_values(expr, "pool_name") {
        // NOT IN: every value must be excluded. Values the service would reject are left out
        // (a weaker filter is still a superset), and long lists are split over several filters.
        let sendable: Vec<String> = values.into_iter().filter(|v| is_filter_value(v)).collect();
        if sendable.is_empty() {
            return None;
        }
        let filters = sendable
            .chunks(MAX_FILTER_VALUES)
            .map(|chunk| NameFilter {
                operator: NameOperator::NotEquals,
                values: chunk.to_vec(),
            })
            .collect();
        return Some(NamePredicate::Filters(filters));
    }
    contains_filter(expr)
        .or_else(|| negated_like_filter(expr))
        .map(|filter| NamePredicate::Filters(vec![filter]))
}

/// The `Filters` of a request from the pushed `pool_name` predicates, ANDed: at most 25, and
/// exclusions (`NOTEQUALS`, `NOTCONTAINS`) with the same operator merged into one filter, since
/// ANDed "none of" lists are one "none of" list of their union. Filters are inexact, so any
/// beyond the service's maximum can be left out without changing the answer.
pub(crate) fn name_filters(predicates: &[Expr]) -> Vec<NameFilter> {
    let mut filters: Vec<NameFilter> = Vec::new();
    let pushed = predicates.iter().filter_map(name_predicate);
    for predicate in pushed {
        let NamePredicate::Filters(new) = predicate else {
            continue;
        };
        for filter in new {
            add_name_filter(&mut filters, filter);
        }
    }
    filters
}

fn add_name_filter(filters: &mut Vec<NameFilter>, filter: NameFilter) {
    if filters.contains(&filter) {
        return;
    }
    let merges = matches!(
        filter.operator,
        NameOperator::NotEquals | NameOperator::NotContains
    );
    if merges
        && let Some(existing) = filters.iter_mut().find(|f| {
            f.operator == filter.operator
                && f.values.len() + filter.values.len() <= MAX_FILTER_VALUES
        })
    {
        for value in filter.values {
            if !existing.values.contains(&value) {
                existing.values.push(value);
            }
        }
        return;
    }
    if filters.len() < MAX_FILTERS {
        filters.push(filter);
    }
}

/// `^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`
pub(crate) fn is_pool_name(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && bytes[0].is_ascii_alphanumeric()
        && bytes[1..].iter().all(|&b| is_name_byte(b))
}

/// A filter value the service accepts: `^[A-Za-z0-9][A-Za-z0-9_.-]+$`, 1 to 128 characters
/// (so at least 2 in practice).
pub(crate) fn is_filter_value(s: &str) -> bool {
    let bytes = s.as_bytes();
    bytes.len() >= 2
        && bytes.len() <= MAX_FILTER_VALUE_LEN
        && bytes[0].is_ascii_alphanumeric()
        && bytes[1..].iter().all(|&b| is_name_byte(b))
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-')
}

/// A filter of `values` if the service would accept it whole, else `None`.
fn sendable_filter(operator: NameOperator, values: BTreeSet<String>) -> Option<NameFilter> {
    if values.len() > MAX_FILTER_VALUES || !values.iter().all(|v| is_filter_value(v)) {
        return None;
    }
    Some(NameFilter {
        operator,
        values: values.into_iter().collect(),
    })
}

/// `pool_name LIKE p`, or an OR-chain of such LIKEs and equalities, as `CONTAINS` of each
/// branch's longest sendable literal run. Every branch must have one.
fn contains_filter(expr: &Expr) -> Option<NameFilter> {
    let mut values = BTreeSet::new();
    collect_contains_values(expr, &mut values)?;
    if values.is_empty() {
        return None;
    }
    sendable_filter(NameOperator::Contains, values)
}

fn collect_contains_values(expr: &Expr, values: &mut BTreeSet<String>) -> Option<()> {
    match expr {
        Expr::BinaryExpr(BinaryExpr {
            left,
            op: Operator::Or,
            right,
        }) => {
            collect_contains_values(left, values)?;
            collect_contains_values(right, values)
        }
        Expr::Like(like) if !like.negated && !like.case_insensitive => {
            let pattern = like_pattern(like)?;
            values.insert(longest_literal_run(&pattern, like.escape_char)?);
            Some(())
        }
        _ => {
            // An equality branch: its value is its own literal run. A value that cannot be a
            // pool name never matches, so it adds nothing.
            for value in equality_values(expr, "pool_name")? {
                if is_pool_name(&value) {
                    if !is_filter_value(&value) {
                        return None;
                    }
                    values.insert(value);
                }
            }
            Some(())
        }
    }
}

/// `pool_name NOT LIKE '%lit%'` as `NOTCONTAINS lit`, and `NOT LIKE 'lit'` as `NOTEQUALS lit`,
/// when `lit` holds no wildcard or escape and the service accepts it.
fn negated_like_filter(expr: &Expr) -> Option<NameFilter> {
    let Expr::Like(like) = expr else {
        return None;
    };
    if !like.negated || like.case_insensitive {
        return None;
    }
    let pattern = like_pattern(like)?;
    let is_special = |c: char| c == '%' || c == '_' || c == '\\' || Some(c) == like.escape_char;
    let (operator, literal) = match pattern.strip_prefix('%').and_then(|p| p.strip_suffix('%')) {
        Some(inner) => (NameOperator::NotContains, inner),
        None => (NameOperator::NotEquals, pattern.as_str()),
    };
    if literal.chars().any(is_special) || !is_filter_value(literal) {
        return None;
    }
    Some(NameFilter {
        operator,
        values: vec![literal.to_string()],
    })
}

/// The pattern of a LIKE on `pool_name`, if it is one.
fn like_pattern(like: &Like) -> Option<String> {
    if !is_column(&like.expr, "pool_name") {
        return None;
    }
    string_literal(&like.pattern)?
}

/// The longest substring of `pattern` that every row matching it must contain and that the
/// service accepts as a filter value. `%` and `_` break runs; so do escapes, whether or not the
/// engine treats `\` as one, so only text that is literal under every reading is used.
pub(crate) fn longest_literal_run(pattern: &str, escape: Option<char>) -> Option<String> {
    let mut best: Option<String> = None;
    let mut run = String::new();
    let mut chars = pattern.chars();
    let mut consider = |run: &mut String| {
        for candidate in sendable_pieces(run) {
            if best.as_ref().is_none_or(|b| candidate.len() > b.len()) {
                best = Some(candidate);
            }
        }
        run.clear();
    };
    while let Some(c) = chars.next() {
        if c == '\\' || Some(c) == escape {
            consider(&mut run);
            chars.next();
        } else if c == '%' || c == '_' {
            consider(&mut run);
        } else {
            run.push(c);
        }
    }
    consider(&mut run);
    best
}

/// The pieces of a literal run the service would accept as values: maximal stretches of name
/// characters, leading `_ . -` trimmed, cut to 128 characters, at least 2 long.
fn sendable_pieces(run: &str) -> Vec<String> {
    run.split(|c: char| !(c.is_ascii() && is_name_byte(c as u8)))
        .map(|piece| piece.trim_start_matches(['_', '.', '-']))
        .map(|piece| piece[..piece.len().min(MAX_FILTER_VALUE_LEN)].to_string())
        .filter(|piece| is_filter_value(piece))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{col, lit};
    use datafusion::scalar::ScalarValue;

    fn filter(operator: NameOperator, values: &[&str]) -> NameFilter {
        NameFilter {
            operator,
            values: values.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn names(filters: Vec<NameFilter>) -> Option<NamePredicate> {
        Some(NamePredicate::Filters(filters))
    }

    #[test]
    fn pool_name_equality_and_in_become_equals() {
        assert_eq!(
            name_predicate(&col("pool_name").eq(lit("finance-01"))),
            names(vec![filter(NameOperator::Equals, &["finance-01"])])
        );
        assert_eq!(
            name_predicate(&col("pool_name").in_list(vec![lit("b.x"), lit("a_y")], false)),
            names(vec![filter(NameOperator::Equals, &["a_y", "b.x"])])
        );
        assert_eq!(
            name_predicate(
                &col("pool_name")
                    .eq(lit("ab"))
                    .or(col("pool_name").eq(lit("cd")))
            ),
            names(vec![filter(NameOperator::Equals, &["ab", "cd"])])
        );
    }

    #[test]
    fn impossible_names_match_nothing_but_unsendable_names_do_not_push() {
        // A space can never be in a pool name.
        assert_eq!(
            name_predicate(&col("pool_name").eq(lit("has space"))),
            Some(NamePredicate::Nothing)
        );
        assert_eq!(
            translate(&col("pool_name").eq(lit(""))),
            Some(Translation {
                support: TableProviderFilterPushDown::Exact,
                matches_nothing: true
            })
        );
        // One character is a valid name but not a valid filter value.
        assert_eq!(name_predicate(&col("pool_name").eq(lit("a"))), None);
        // Mixed: the impossible value is dropped, the rest pushes.
        assert_eq!(
            name_predicate(&col("pool_name").in_list(vec![lit("no way"), lit("ok-1")], false)),
            names(vec![filter(NameOperator::Equals, &["ok-1"])])
        );
        // Too many values for one filter.
        let many: Vec<Expr> = (0..26).map(|i| lit(format!("name-{i}"))).collect();
        assert_eq!(name_predicate(&col("pool_name").in_list(many, false)), None);
    }

    #[test]
    fn pool_name_exclusions_become_notequals() {
        assert_eq!(
            name_predicate(&col("pool_name").not_eq(lit("ab"))),
            names(vec![filter(NameOperator::NotEquals, &["ab"])])
        );
        // Unsendable values are left out of a NOT IN; long lists split across filters.
        let mut list: Vec<Expr> = (0..30).map(|i| lit(format!("n{i:02}"))).collect();
        list.push(lit("x"));
        let Some(NamePredicate::Filters(filters)) =
            name_predicate(&col("pool_name").in_list(list, true))
        else {
            panic!("NOT IN should push");
        };
        assert_eq!(filters.len(), 2);
        assert_eq!(filters[0].values.len(), 25);
        assert_eq!(filters[1].values.len(), 5);
        assert!(
            filters
                .iter()
                .all(|f| f.operator == NameOperator::NotEquals)
        );
        // NOT IN with a NULL is never true: not a plain exclusion.
        assert_eq!(
            name_predicate(
                &col("pool_name").in_list(vec![lit("ab"), lit(ScalarValue::Utf8(None))], true)
            ),
            None
        );
        assert_eq!(
            translate(&col("pool_name").not_eq(lit("ab"))).map(|t| t.support),
            Some(TableProviderFilterPushDown::Inexact)
        );
    }

    #[test]
    fn like_becomes_contains_of_longest_run() {
        assert_eq!(
            name_predicate(&col("pool_name").like(lit("%fin%ance-team%"))),
            names(vec![filter(NameOperator::Contains, &["ance-team"])])
        );
        assert_eq!(
            name_predicate(&col("pool_name").like(lit("eng_build%"))),
            names(vec![filter(NameOperator::Contains, &["build"])])
        );
        assert_eq!(name_predicate(&col("pool_name").like(lit("%a%"))), None);
        assert_eq!(name_predicate(&col("pool_name").ilike(lit("%abc%"))), None);
        assert_eq!(
            name_predicate(
                &col("pool_name")
                    .like(lit("%ab%"))
                    .or(col("pool_name").eq(lit("cd-1")))
            ),
            names(vec![filter(NameOperator::Contains, &["ab", "cd-1"])])
        );
    }

    #[test]
    fn literal_runs_respect_escapes_and_the_value_pattern() {
        assert_eq!(longest_literal_run("%abc%", None), Some("abc".into()));
        assert_eq!(longest_literal_run(r"ab\_cdef", None), Some("cdef".into()));
        assert_eq!(
            longest_literal_run("ab#_cdef", Some('#')),
            Some("cdef".into())
        );
        assert_eq!(longest_literal_run("%-.xy z%", None), Some("xy".into()));
        assert_eq!(longest_literal_run("%_%", None), None);
        assert_eq!(longest_literal_run("é-ab", None), Some("ab".into()));
        let long = "a".repeat(200);
        assert_eq!(longest_literal_run(&long, None).map(|s| s.len()), Some(128));
    }

    #[test]
    fn not_like_pushes_only_plain_forms() {
        assert_eq!(
            name_predicate(&col("pool_name").not_like(lit("%test%"))),
            names(vec![filter(NameOperator::NotContains, &["test"])])
        );
        assert_eq!(
            name_predicate(&col("pool_name").not_like(lit("prod-1"))),
            names(vec![filter(NameOperator::NotEquals, &["prod-1"])])
        );
        assert_eq!(
            name_predicate(&col("pool_name").not_like(lit("%te_st%"))),
            None
        );
        assert_eq!(
            name_predicate(&col("pool_name").not_like(lit("test%"))),
            None
        );
        assert_eq!(name_predicate(&col("pool_name").not_like(lit("%a%"))), None);
    }

    #[test]
    fn filters_are_capped_at_the_service_maximum() {
        let exprs: Vec<Expr> = (0..30)
            .map(|i| col("pool_name").like(lit(format!("%name-{i}%"))))
            .collect();
        assert_eq!(name_filters(&exprs).len(), MAX_FILTERS);
    }

    #[test]
    fn anded_exclusions_merge_into_one_filter() {
        let exprs: Vec<Expr> = (0..30)
            .map(|i| col("pool_name").not_eq(lit(format!("name-{i}"))))
            .collect();
        let filters = name_filters(&exprs);
        let sizes: Vec<usize> = filters.iter().map(|f| f.values.len()).collect();
        assert_eq!(sizes, vec![25, 5]);
        assert!(
            filters
                .iter()
                .all(|f| f.operator == NameOperator::NotEquals)
        );
    }

    #[test]
    fn other_columns_and_shapes_do_not_push() {
        assert_eq!(name_predicate(&col("state").eq(lit("RUNNING"))), None);
        assert_eq!(
            name_predicate(
                &col("pool_name")
                    .eq(lit("ab"))
                    .and(col("pool_name").eq(lit("cd")))
            ),
            None
        );
        assert_eq!(
            name_predicate(
                &col("pool_id")
                    .eq(lit("wspool-abc123xyz"))
                    .or(col("pool_name").eq(lit("ab")))
            ),
            None
        );
    }
}
