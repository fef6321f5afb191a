//! Translation of SQL predicates on `workspaces_pools` into `DescribeWorkspacesPools` requests.
//!
//! Pure logic, no I/O: [`classify`] tells DataFusion how far a predicate pushes down, and
//! [`PoolsQuery::from_filters`] folds the pushed predicates into the requests a scan makes.
//! The API's own bounds (from the service model) decide what can be sent: a predicate whose
//! literal would be rejected by the service is left to DataFusion instead of being sent to fail.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `pool_id = 'x'`, `IN (...)`, OR-chains of them | `PoolIds` (chunks of 25) | exact |
//! | `region = 'x'`, `IN (...)`, OR-chains | only those regions are called | exact |
//! | `pool_name = 'x'`, `IN (...)`, OR-chains | `PoolName EQUALS` | inexact |
//! | `pool_name <> 'x'`, `NOT IN (...)` | `PoolName NOTEQUALS` | inexact |
//! | `pool_name LIKE 'p'`, OR-chains of LIKE and `=` | `PoolName CONTAINS` longest literal run | inexact |
//! | `pool_name NOT LIKE '%lit%'` / `NOT LIKE 'lit'` | `NOTCONTAINS` / `NOTEQUALS` | inexact |

use std::collections::BTreeSet;
use std::fmt;

use datafusion::logical_expr::{BinaryExpr, Expr, Like, Operator, TableProviderFilterPushDown};
use datafusion::scalar::ScalarValue;

/// Most pool ids one request may carry (`WorkspacesPoolIds` max).
pub const MAX_POOL_IDS: usize = 25;
/// Most filters one request may carry (`DescribeWorkspacesPoolsFilters` max).
pub const MAX_FILTERS: usize = 25;
/// Most values one filter may carry (`DescribeWorkspacesPoolsFilterValues` max).
pub const MAX_FILTER_VALUES: usize = 25;
/// Most rows one page may hold (`Limit` max).
pub const MAX_PAGE_SIZE: usize = 25;
/// Longest filter value the service accepts.
pub const MAX_FILTER_VALUE_LEN: usize = 128;

/// The operator of a `PoolName` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum NameOperator {
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
pub struct NameFilter {
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

/// What one predicate contributes to the scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Constraint {
    /// Only these pools (valid ids only; empty means no pool can match).
    PoolIds(BTreeSet<String>),
    /// Only these regions.
    Regions(BTreeSet<String>),
    /// These `PoolName` filters, ANDed.
    Names(Vec<NameFilter>),
    /// No row can match: answer with nothing and make no call.
    Nothing,
}

/// How far `expr` pushes into the API, and what it contributes. `None` means not at all.
pub fn classify(expr: &Expr) -> Option<(TableProviderFilterPushDown, Constraint)> {
    use TableProviderFilterPushDown::{Exact, Inexact};
    // DataFusion folds predicates such as `pool_id IN (NULL)` into a constant and hands it to
    // the scan: a constant that is not true keeps every row out.
    match expr {
        Expr::Literal(ScalarValue::Boolean(Some(true)), _) => {
            return Some((Exact, Constraint::Names(Vec::new())));
        }
        Expr::Literal(ScalarValue::Boolean(_) | ScalarValue::Null, _) => {
            return Some((Exact, Constraint::Nothing));
        }
        _ => {}
    }
    if let Some(values) = equality_values(expr, "pool_id") {
        let ids: BTreeSet<String> = values.into_iter().filter(|v| is_pool_id(v)).collect();
        return Some((Exact, Constraint::PoolIds(ids)));
    }
    if let Some(values) = equality_values(expr, "region") {
        return Some((Exact, Constraint::Regions(values.into_iter().collect())));
    }
    if let Some(values) = equality_values(expr, "pool_name") {
        // A name that cannot be a pool name can never match: drop it, and if none is left the
        // predicate matches nothing, which is exact.
        let names: BTreeSet<String> = values.into_iter().filter(|v| is_pool_name(v)).collect();
        if names.is_empty() {
            return Some((Exact, Constraint::Nothing));
        }
        let filter = sendable_filter(NameOperator::Equals, names)?;
        return Some((Inexact, Constraint::Names(vec![filter])));
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
        return Some((Inexact, Constraint::Names(filters)));
    }
    if let Some(filter) = contains_filter(expr) {
        return Some((Inexact, Constraint::Names(vec![filter])));
    }
    if let Some(filter) = negated_like_filter(expr) {
        return Some((Inexact, Constraint::Names(vec![filter])));
    }
    None
}

/// The requests one scan makes, folded from every pushed predicate.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PoolsQuery {
    /// Only these pools, sorted; `None` means no restriction.
    pub pool_ids: Option<BTreeSet<String>>,
    /// Only these regions; `None` means every configured region.
    pub regions: Option<BTreeSet<String>>,
    /// `Filters` sent with every request (at most 25).
    pub name_filters: Vec<NameFilter>,
    /// Stop after this many rows per region (only when every predicate is exact).
    pub limit: Option<usize>,
    /// The predicates contradict each other or name impossible values: no call is made.
    pub matches_nothing: bool,
}

impl PoolsQuery {
    /// Folds `filters` (the scan's pushed predicates) and `limit` into a query.
    pub fn from_filters(filters: &[Expr], limit: Option<usize>) -> Self {
        let mut query = PoolsQuery {
            limit,
            ..Self::default()
        };
        for constraint in filters.iter().filter_map(classify).map(|(_, c)| c) {
            query.add(constraint);
        }
        if query.limit == Some(0) {
            query.matches_nothing = true;
        }
        query
    }

    fn add(&mut self, constraint: Constraint) {
        match constraint {
            Constraint::PoolIds(ids) => {
                let kept = match self.pool_ids.take() {
                    Some(previous) => previous.intersection(&ids).cloned().collect(),
                    None => ids,
                };
                self.matches_nothing |= kept.is_empty();
                self.pool_ids = Some(kept);
            }
            Constraint::Regions(regions) => {
                let kept = match self.regions.take() {
                    Some(previous) => previous.intersection(&regions).cloned().collect(),
                    None => regions,
                };
                self.matches_nothing |= kept.is_empty();
                self.regions = Some(kept);
            }
            Constraint::Names(filters) => {
                // Name filters are inexact, so DataFusion re-checks them: any beyond the
                // service's maximum can be left out without changing the answer.
                for filter in filters {
                    self.add_name_filter(filter);
                }
            }
            Constraint::Nothing => self.matches_nothing = true,
        }
    }

    /// Adds one filter. Exclusions (`NOTEQUALS`, `NOTCONTAINS`) with the same operator merge into
    /// one filter, since ANDed "none of" lists are one "none of" list of their union.
    fn add_name_filter(&mut self, filter: NameFilter) {
        if self.name_filters.contains(&filter) {
            return;
        }
        let merges = matches!(
            filter.operator,
            NameOperator::NotEquals | NameOperator::NotContains
        );
        if merges
            && let Some(existing) = self.name_filters.iter_mut().find(|f| {
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
        if self.name_filters.len() < MAX_FILTERS {
            self.name_filters.push(filter);
        }
    }

    /// Whether `region` is to be called at all.
    pub fn wants_region(&self, region: &str) -> bool {
        !self.matches_nothing && self.regions.as_ref().is_none_or(|r| r.contains(region))
    }

    /// `Limit` for every request: the row limit when smaller than a page, else the maximum.
    pub fn page_size(&self) -> i32 {
        let size = self.limit.unwrap_or(MAX_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
        size as i32
    }

    /// The request chains of one region: one per chunk of 25 pool ids, or a single chain.
    pub fn requests(&self) -> Vec<PoolsRequest> {
        if self.matches_nothing {
            return Vec::new();
        }
        let base = PoolsRequest {
            pool_ids: None,
            filters: self.name_filters.clone(),
            limit: self.page_size(),
        };
        let Some(ids) = &self.pool_ids else {
            return vec![base];
        };
        let ids: Vec<String> = ids.iter().cloned().collect();
        ids.chunks(MAX_POOL_IDS)
            .map(|chunk| PoolsRequest {
                pool_ids: Some(chunk.to_vec()),
                ..base.clone()
            })
            .collect()
    }
}

/// The parameters of one `DescribeWorkspacesPools` chain (its pages differ only by NextToken).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolsRequest {
    /// `PoolIds`, at most 25.
    pub pool_ids: Option<Vec<String>>,
    /// `Filters`, at most 25.
    pub filters: Vec<NameFilter>,
    /// `Limit`, 1 to 25.
    pub limit: i32,
}

impl fmt::Display for PoolsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        if let Some(ids) = &self.pool_ids {
            write!(f, "PoolIds: [{}], ", ids.join(", "))?;
        }
        if !self.filters.is_empty() {
            let filters: Vec<String> = self.filters.iter().map(|x| x.to_string()).collect();
            write!(f, "Filters: [{}], ", filters.join("; "))?;
        }
        write!(f, "Limit: {}}}", self.limit)
    }
}

/// `^wspool-[0-9a-z]{9}$`
pub fn is_pool_id(s: &str) -> bool {
    s.len() == 16
        && s.starts_with("wspool-")
        && s[7..]
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
}

/// `^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`
pub fn is_pool_name(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && bytes[0].is_ascii_alphanumeric()
        && bytes[1..].iter().all(|&b| is_name_byte(b))
}

/// A filter value the service accepts: `^[A-Za-z0-9][A-Za-z0-9_.-]+$`, 1 to 128 characters
/// (so at least 2 in practice).
pub fn is_filter_value(s: &str) -> bool {
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

/// The string literal values `v` of `column = v`, `v = column`, `column IN (..)` and OR-chains
/// of them. NULL literals are left out: they are never true. `None` if `expr` is not of that form.
///
/// A NULL branch of an OR-chain adds nothing either: DataFusion rewrites `column IN ('a', NULL)`
/// into `column = 'a' OR NULL` after the filter was accepted as exact, and `x OR NULL` keeps
/// exactly the rows `x` keeps.
pub(crate) fn equality_values(expr: &Expr, column: &str) -> Option<Vec<String>> {
    match expr {
        Expr::BinaryExpr(BinaryExpr {
            left,
            op: Operator::Or,
            right,
        }) => {
            let mut values = Vec::new();
            for branch in [left, right] {
                if !is_null_literal(branch) {
                    values.extend(equality_values(branch, column)?);
                }
            }
            Some(values)
        }
        Expr::BinaryExpr(BinaryExpr {
            left,
            op: Operator::Eq,
            right,
        }) => column_and_literal(left, right, column).map(|v| v.into_iter().collect()),
        Expr::InList(list) if !list.negated && is_column(&list.expr, column) => list
            .list
            .iter()
            .map(string_literal)
            .collect::<Option<Vec<_>>>()
            .map(|values| values.into_iter().flatten().collect()),
        _ => None,
    }
}

/// Whether `expr` is a NULL literal of any type (`NULL`, `Boolean(NULL)`, `Utf8(NULL)`).
fn is_null_literal(expr: &Expr) -> bool {
    matches!(expr, Expr::Literal(value, _) if value.is_null())
}

/// The values `v` of `column <> v` or `column NOT IN (..)` (no NULL among them, since
/// `x NOT IN (.., NULL)` is never true and so is not a plain exclusion).
fn inequality_values(expr: &Expr, column: &str) -> Option<Vec<String>> {
    match expr {
        Expr::BinaryExpr(BinaryExpr {
            left,
            op: Operator::NotEq,
            right,
        }) => column_and_literal(left, right, column)?.map(|v| vec![v]),
        Expr::InList(list) if list.negated && is_column(&list.expr, column) => list
            .list
            .iter()
            .map(string_literal)
            .collect::<Option<Option<Vec<_>>>>()?,
        _ => None,
    }
}

/// For `column op literal` or `literal op column`: `Some(Some(value))`, `Some(None)` for a
/// NULL literal, `None` for any other shape.
fn column_and_literal(left: &Expr, right: &Expr, column: &str) -> Option<Option<String>> {
    if is_column(left, column) {
        return string_literal(right);
    }
    if is_column(right, column) {
        return string_literal(left);
    }
    None
}

/// Whether `expr` is `column`, possibly behind a cast between string types (which keeps values).
pub(crate) fn is_column(expr: &Expr, column: &str) -> bool {
    match expr {
        Expr::Column(c) => c.name == column,
        Expr::Cast(cast) if is_string_type(cast.field.data_type()) => is_column(&cast.expr, column),
        _ => false,
    }
}

fn is_string_type(t: &datafusion::arrow::datatypes::DataType) -> bool {
    use datafusion::arrow::datatypes::DataType;
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

/// `Some(Some(s))` for a string literal, `Some(None)` for a NULL string literal.
pub(crate) fn string_literal(expr: &Expr) -> Option<Option<String>> {
    match expr {
        Expr::Literal(
            ScalarValue::Utf8(v) | ScalarValue::LargeUtf8(v) | ScalarValue::Utf8View(v),
            _,
        ) => Some(v.clone()),
        Expr::Literal(ScalarValue::Null, _) => Some(None),
        Expr::Cast(cast) if is_string_type(cast.field.data_type()) => string_literal(&cast.expr),
        _ => None,
    }
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
pub fn longest_literal_run(pattern: &str, escape: Option<char>) -> Option<String> {
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
    use TableProviderFilterPushDown::{Exact, Inexact};
    use datafusion::logical_expr::{col, lit};
    use datafusion::prelude::Expr;

    fn ids(values: &[&str]) -> BTreeSet<String> {
        values.iter().map(|s| s.to_string()).collect()
    }

    fn filter(operator: NameOperator, values: &[&str]) -> NameFilter {
        NameFilter {
            operator,
            values: values.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn names(filters: Vec<NameFilter>) -> Option<(TableProviderFilterPushDown, Constraint)> {
        Some((Inexact, Constraint::Names(filters)))
    }

    const A: &str = "wspool-abc123xyz";
    const B: &str = "wspool-000000009";

    #[test]
    fn pool_id_forms_push_exactly() {
        let expected = Some((Exact, Constraint::PoolIds(ids(&[A]))));
        assert_eq!(classify(&col("pool_id").eq(lit(A))), expected);
        assert_eq!(classify(&lit(A).eq(col("pool_id"))), expected);
        let both = Some((Exact, Constraint::PoolIds(ids(&[A, B]))));
        assert_eq!(
            classify(&col("pool_id").in_list(vec![lit(A), lit(B)], false)),
            both
        );
        assert_eq!(
            classify(&col("pool_id").eq(lit(A)).or(col("pool_id").eq(lit(B)))),
            both
        );
    }

    #[test]
    fn a_null_branch_of_an_or_chain_adds_nothing() {
        // What DataFusion makes of `pool_id IN (A, '', NULL)` once it was accepted as exact.
        let null = Expr::Literal(ScalarValue::Boolean(None), None);
        let rewritten = col("pool_id")
            .eq(lit(A))
            .or(col("pool_id").eq(lit("")))
            .or(null.clone());
        assert_eq!(
            classify(&rewritten),
            Some((Exact, Constraint::PoolIds(ids(&[A]))))
        );
        assert_eq!(
            equality_values(&null.clone().or(null), "pool_id"),
            Some(Vec::new())
        );
        assert_eq!(
            equality_values(&col("pool_id").eq(lit(A)).or(lit(true)), "pool_id"),
            None
        );
    }

    #[test]
    fn invalid_pool_ids_match_nothing() {
        let expr = col("pool_id").in_list(vec![lit("wspool-UPPER1234"), lit("x")], false);
        assert_eq!(
            classify(&expr),
            Some((Exact, Constraint::PoolIds(BTreeSet::new())))
        );
        let query = PoolsQuery::from_filters(&[expr], None);
        assert!(query.matches_nothing);
        assert!(query.requests().is_empty());
    }

    #[test]
    fn contradicting_ids_match_nothing() {
        let query = PoolsQuery::from_filters(
            &[col("pool_id").eq(lit(A)), col("pool_id").eq(lit(B))],
            None,
        );
        assert!(query.matches_nothing);
        assert!(!query.wants_region("us-east-1"));
    }

    #[test]
    fn negated_or_mixed_pool_id_forms_do_not_push() {
        assert_eq!(classify(&col("pool_id").not_eq(lit(A))), None);
        assert_eq!(classify(&col("pool_id").in_list(vec![lit(A)], true)), None);
        assert_eq!(
            classify(&col("pool_id").eq(lit(A)).or(col("pool_name").eq(lit("ab")))),
            None
        );
        assert_eq!(classify(&col("pool_id").like(lit("wspool-%"))), None);
    }

    #[test]
    fn more_than_25_ids_are_chunked() {
        let list: Vec<Expr> = (0..60).map(|i| lit(format!("wspool-{i:09}"))).collect();
        let query = PoolsQuery::from_filters(&[col("pool_id").in_list(list, false)], None);
        let requests = query.requests();
        let sizes: Vec<usize> = requests
            .iter()
            .map(|r| r.pool_ids.as_ref().map_or(0, Vec::len))
            .collect();
        assert_eq!(sizes, vec![25, 25, 10]);
        assert!(requests.iter().all(|r| r.limit == 25));
    }

    #[test]
    fn pool_name_equality_and_in_become_equals() {
        assert_eq!(
            classify(&col("pool_name").eq(lit("finance-01"))),
            names(vec![filter(NameOperator::Equals, &["finance-01"])])
        );
        assert_eq!(
            classify(&col("pool_name").in_list(vec![lit("b.x"), lit("a_y")], false)),
            names(vec![filter(NameOperator::Equals, &["a_y", "b.x"])])
        );
        assert_eq!(
            classify(
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
            classify(&col("pool_name").eq(lit("has space"))),
            Some((Exact, Constraint::Nothing))
        );
        assert_eq!(
            classify(&col("pool_name").eq(lit(""))),
            Some((Exact, Constraint::Nothing))
        );
        // One character is a valid name but not a valid filter value.
        assert_eq!(classify(&col("pool_name").eq(lit("a"))), None);
        // Mixed: the impossible value is dropped, the rest pushes.
        assert_eq!(
            classify(&col("pool_name").in_list(vec![lit("no way"), lit("ok-1")], false)),
            names(vec![filter(NameOperator::Equals, &["ok-1"])])
        );
        // Too many values for one filter.
        let many: Vec<Expr> = (0..26).map(|i| lit(format!("name-{i}"))).collect();
        assert_eq!(classify(&col("pool_name").in_list(many, false)), None);
    }

    #[test]
    fn pool_name_exclusions_become_notequals() {
        assert_eq!(
            classify(&col("pool_name").not_eq(lit("ab"))),
            names(vec![filter(NameOperator::NotEquals, &["ab"])])
        );
        // Unsendable values are left out of a NOT IN; long lists split across filters.
        let mut list: Vec<Expr> = (0..30).map(|i| lit(format!("n{i:02}"))).collect();
        list.push(lit("x"));
        let Some((Inexact, Constraint::Names(filters))) =
            classify(&col("pool_name").in_list(list, true))
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
            classify(
                &col("pool_name").in_list(vec![lit("ab"), lit(ScalarValue::Utf8(None))], true)
            ),
            None
        );
    }

    #[test]
    fn like_becomes_contains_of_longest_run() {
        assert_eq!(
            classify(&col("pool_name").like(lit("%fin%ance-team%"))),
            names(vec![filter(NameOperator::Contains, &["ance-team"])])
        );
        assert_eq!(
            classify(&col("pool_name").like(lit("eng_build%"))),
            names(vec![filter(NameOperator::Contains, &["build"])])
        );
        assert_eq!(classify(&col("pool_name").like(lit("%a%"))), None);
        assert_eq!(classify(&col("pool_name").ilike(lit("%abc%"))), None);
        assert_eq!(
            classify(
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
            classify(&col("pool_name").not_like(lit("%test%"))),
            names(vec![filter(NameOperator::NotContains, &["test"])])
        );
        assert_eq!(
            classify(&col("pool_name").not_like(lit("prod-1"))),
            names(vec![filter(NameOperator::NotEquals, &["prod-1"])])
        );
        assert_eq!(classify(&col("pool_name").not_like(lit("%te_st%"))), None);
        assert_eq!(classify(&col("pool_name").not_like(lit("test%"))), None);
        assert_eq!(classify(&col("pool_name").not_like(lit("%a%"))), None);
    }

    #[test]
    fn region_predicates_prune_regions() {
        let query = PoolsQuery::from_filters(
            &[col("region").in_list(vec![lit("us-east-1"), lit("eu-west-1")], false)],
            None,
        );
        assert!(query.wants_region("us-east-1"));
        assert!(!query.wants_region("ap-south-1"));
    }

    #[test]
    fn limit_sets_page_size() {
        assert_eq!(PoolsQuery::from_filters(&[], Some(5)).page_size(), 5);
        assert_eq!(PoolsQuery::from_filters(&[], Some(500)).page_size(), 25);
        assert_eq!(PoolsQuery::from_filters(&[], None).page_size(), 25);
        assert!(PoolsQuery::from_filters(&[], Some(0)).matches_nothing);
    }

    #[test]
    fn filters_are_capped_at_the_service_maximum() {
        let exprs: Vec<Expr> = (0..30)
            .map(|i| col("pool_name").like(lit(format!("%name-{i}%"))))
            .collect();
        let query = PoolsQuery::from_filters(&exprs, None);
        assert_eq!(query.name_filters.len(), MAX_FILTERS);
    }

    #[test]
    fn anded_exclusions_merge_into_one_filter() {
        let exprs: Vec<Expr> = (0..30)
            .map(|i| col("pool_name").not_eq(lit(format!("name-{i}"))))
            .collect();
        let query = PoolsQuery::from_filters(&exprs, None);
        let sizes: Vec<usize> = query.name_filters.iter().map(|f| f.values.len()).collect();
        assert_eq!(sizes, vec![25, 5]);
        assert!(
            query
                .name_filters
                .iter()
                .all(|f| f.operator == NameOperator::NotEquals)
        );
    }

    #[test]
    fn constant_predicates_are_exact() {
        assert_eq!(
            classify(&lit(ScalarValue::Boolean(None))),
            Some((Exact, Constraint::Nothing))
        );
        assert_eq!(classify(&lit(false)), Some((Exact, Constraint::Nothing)));
        let query = PoolsQuery::from_filters(&[lit(true)], None);
        assert!(!query.matches_nothing);
        assert!(query.name_filters.is_empty());
    }

    #[test]
    fn other_columns_do_not_push() {
        assert_eq!(classify(&col("state").eq(lit("RUNNING"))), None);
        assert_eq!(
            classify(
                &col("pool_name")
                    .eq(lit("ab"))
                    .and(col("pool_name").eq(lit("cd")))
            ),
            None
        );
    }
}
