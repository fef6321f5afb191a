//! What the pushed predicates of one scan allow: per column, the values it may take
//! (`column = 'x'`, `IN (...)`, OR-chains of them), plus the predicates a table translates
//! itself, the row limit, and whether no row can match at all; and what else the scan's requests
//! depend on: the columns the query reads, the statement's start (what `now()` is), and whether
//! predicates were pushed at all (a table with a default, such as the metrics tables' window,
//! applies it only to a query that could have restricted it).
//!
//! Every equality form is exact: the scan sends what the API accepts and re-checks every
//! restriction on the rows it gets back ([`Restrictions::admits`]), so the answer never depends
//! on how the service combines parameters. Values that the model's patterns say cannot exist are
//! dropped; a column left with no possible value matches nothing, and nothing is called.
//!
//! A column may be **required** ([`PushdownRules::required`]): the operation cannot be called
//! without its value and no listing can supply one (`ManagementCidrRangeConstraint`), so a query
//! must restrict it with `=` / `IN`, as Steampipe's required key columns must be given
//! ([`Restrictions::missing_required`]). Its equalities push down even in a scan without
//! pushdown ([`PushdownRules::required_only`]): they are not an optimization there but the
//! request itself.

use std::collections::{BTreeMap, BTreeSet};

use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};

use crate::scan::predicates::{constant, equality_values};
use crate::targets::Place;

/// A column whose equality predicates (`=`, `IN`, OR-chains) push down exactly: the model's rule
/// for a possible value, and what the table sends for it. The value a row has is read by the
/// column's own reader ([`crate::scan::Columns`]), so the rule and the re-check cannot disagree.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pushable {
    /// Column name (a text column of the table).
    pub column: &'static str,
    /// Whether a value can occur at all (the member's pattern and length bounds).
    pub possible: fn(&str) -> bool,
    /// What the scan sends for it, as `\d` and the module doc show it: "`PoolIds` (25 a request)".
    pub sent_as: &'static str,
    /// A value the model allows, which the requests of `column = example` show: the check that
    /// the rule is what the scan does.
    pub example: &'static str,
    /// A predicate the example needs beside it for the value to be sent (`UserName` only goes
    /// with one `DirectoryId`), or "".
    pub example_with: &'static str,
}

impl Pushable {
    /// A column sent as `sent_as`, whose values `possible` allows; `example` is one of them.
    pub const fn new(
        column: &'static str,
        possible: fn(&str) -> bool,
        sent_as: &'static str,
        example: &'static str,
    ) -> Self {
        Self {
            column,
            possible,
            sent_as,
            example,
            example_with: "",
        }
    }

    /// The same rule, whose example is sent only beside `predicate`.
    pub const fn sent_with(self, predicate: &'static str) -> Self {
        Self {
            example_with: predicate,
            ..self
        }
    }
}

/// The `region` column: pruning the partitions, never sent.
pub(crate) const REGION: Pushable = Pushable::new(
    "region",
    |_| true,
    "only those regions are called",
    "us-east-1",
);

/// The `account_id` column: choosing the accounts, never sent.
pub(crate) const ACCOUNT_ID: Pushable = Pushable::new(
    "account_id",
    |s| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()),
    "only those accounts are called",
    "123456789012",
);

/// The columns of the target a row was read from, which every table has first and whose
/// predicates choose the targets to call rather than being sent.
pub(crate) const TARGET_COLUMNS: &[Pushable] = &[REGION, ACCOUNT_ID];

/// What the pushed predicates of one scan allow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Restrictions {
    by_column: BTreeMap<&'static str, BTreeSet<String>>,
    /// Predicates the table translates itself ([`crate::scan::DescribeTable::translate`]).
    translated: Vec<Expr>,
    /// No row can match: no call is made.
    pub matches_nothing: bool,
    /// Rows wanted per target (DataFusion passes it only when every filter is exact).
    pub limit: Option<usize>,
    /// Whether the scan's predicates were offered to the table: false for the no-pushdown
    /// reference (only its required columns' equalities pushed), which must read everything a
    /// table holds.
    pub pushed: bool,
    /// The columns the query reads (`None`: all).
    reads: Option<BTreeSet<String>>,
    /// The statement's start, in microseconds since the epoch: the instant DataFusion's `now()`
    /// is in this statement, and from which a table's default time window is counted.
    pub statement_start: i64,
}

impl Restrictions {
    /// Nothing restricted yet but the row `limit`, with predicates pushed.
    pub fn with_limit(limit: Option<usize>) -> Self {
        Restrictions {
            limit,
            matches_nothing: limit == Some(0),
            pushed: true,
            ..Self::default()
        }
    }

    /// These restrictions for a scan that reads `columns` (`None`: all) in a statement that
    /// started at `statement_start` (microseconds since the epoch).
    pub fn for_scan(mut self, columns: Option<Vec<String>>, statement_start: i64) -> Self {
        self.reads = columns.map(|c| c.into_iter().collect());
        self.statement_start = statement_start;
        self
    }

    /// Whether the query reads `column`.
    pub fn reads(&self, column: &str) -> bool {
        self.reads.as_ref().is_none_or(|c| c.contains(column))
    }

    /// Adds a predicate the table translates itself; `matches_nothing` when its translation
    /// says no row can pass it.
    pub fn add_translated(&mut self, predicate: Expr, matches_nothing: bool) {
        self.matches_nothing |= matches_nothing;
        self.translated.push(predicate);
    }

    /// The predicates the table translates itself, in the order they were pushed.
    pub fn translated(&self) -> &[Expr] {
        &self.translated
    }

    /// Adds "`p.column` is one of `values`" (impossible values dropped).
    pub fn restrict(&mut self, p: &Pushable, values: impl IntoIterator<Item = String>) {
        let values: BTreeSet<String> = values.into_iter().filter(|v| (p.possible)(v)).collect();
        let kept = match self.by_column.remove(p.column) {
            Some(previous) => previous.intersection(&values).cloned().collect(),
            None => values,
        };
        self.matches_nothing |= kept.is_empty();
        self.by_column.insert(p.column, kept);
    }

    /// These restrictions with `column` (not restricted yet) taking one of `values`, as listed by
    /// the service: the parents a table's requests are made for ([`crate::scan::Parent`]).
    pub fn with_listed(&self, column: &'static str, values: Vec<String>) -> Self {
        let mut restrictions = self.clone();
        restrictions
            .by_column
            .insert(column, values.into_iter().collect());
        restrictions
    }

    /// The values `column` is restricted to, if it is.
    pub fn values(&self, column: &str) -> Option<&BTreeSet<String>> {
        self.by_column.get(column)
    }

    /// The single value `column` is restricted to, if exactly one.
    pub fn single(&self, column: &str) -> Option<&str> {
        let values = self.values(column)?;
        (values.len() == 1)
            .then(|| values.first().map(String::as_str))
            .flatten()
    }

    /// Whether a row whose `column` is `value` passes that column's restriction.
    pub fn admits(&self, column: &str, value: Option<&str>) -> bool {
        match self.values(column) {
            None => true,
            Some(values) => value.is_some_and(|v| values.contains(v)),
        }
    }

    /// Whether the target at `place` is to be called at all.
    pub fn wants(&self, place: &Place) -> bool {
        !self.matches_nothing
            && self.admits(REGION.column, Some(&place.region))
            && self.admits(ACCOUNT_ID.column, place.account.as_deref())
    }

    /// Whether `region` may be called: planning keeps it unless the predicates rule it out.
    pub fn may_want_region(&self, region: &str) -> bool {
        !self.matches_nothing && self.admits(REGION.column, Some(region))
    }

    /// Whether an account (`None`: its id is not known before its scan starts) may be called.
    pub fn may_want_account(&self, account: Option<&str>) -> bool {
        !self.matches_nothing && account.is_none_or(|a| self.admits(ACCOUNT_ID.column, Some(a)))
    }

    /// Whether the account id of every target must be known (a predicate restricts it).
    pub fn restricts_account(&self) -> bool {
        self.values(ACCOUNT_ID.column).is_some()
    }

    /// The first of `required` that the predicates leave unrestricted, when the scan would have
    /// to call the API (a scan that matches nothing needs no value).
    pub fn missing_required(&self, required: &[&'static str]) -> Option<&'static str> {
        if self.matches_nothing {
            return None;
        }
        required
            .iter()
            .copied()
            .find(|column| self.values(column).is_none())
    }

    /// `Limit` for a request whose maximum page is `max`: the row limit when smaller.
    pub fn page_size(&self, max: usize) -> i32 {
        self.limit.unwrap_or(max).clamp(1, max) as i32
    }

    /// Every restricted column but the target's, for a row check.
    pub fn columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.by_column
            .keys()
            .copied()
            .filter(|c| TARGET_COLUMNS.iter().all(|t| t.column != *c))
    }
}

/// What one predicate the table translates itself contributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Translation {
    /// How far it pushes: exact when the scan's answer needs no re-check.
    pub support: TableProviderFilterPushDown,
    /// No row can pass it: the scan makes no call.
    pub matches_nothing: bool,
}

/// How one table's predicates push down: equality forms on the target columns and on its
/// pushable columns, and the predicates its own `translate` understands.
#[derive(Clone, Copy)]
pub(crate) struct PushdownRules {
    /// Columns whose `=` / `IN` / OR-chain predicates push down exactly (besides the target's).
    pub pushable: &'static [Pushable],
    /// The table's translation of any other predicate, if it sends it.
    pub translate: fn(&Expr) -> Option<Translation>,
    /// Columns of `pushable` a query must restrict: the operation cannot be called without them.
    pub required: &'static [&'static str],
    /// Only the required columns' equalities push down (a scan without pushdown).
    pub only_required: bool,
}

impl PushdownRules {
    /// Rules with equality pushdown on `pushable` and nothing else.
    #[cfg(test)]
    pub fn equalities(pushable: &'static [Pushable]) -> Self {
        Self {
            pushable,
            translate: |_| None,
            required: &[],
            only_required: false,
        }
    }

    /// The rules of a scan without pushdown: the required columns' equalities, which are the
    /// request itself rather than a narrowing of it, and nothing else (not even the targets').
    pub fn required_only(self) -> Self {
        Self {
            only_required: true,
            ..self
        }
    }

    /// Every column whose equality forms push down: the target's, then the table's (only the
    /// required ones under [`PushdownRules::required_only`]).
    pub fn equality_columns(&self) -> impl Iterator<Item = &'static Pushable> {
        let (only_required, required) = (self.only_required, self.required);
        TARGET_COLUMNS.iter().filter(move |_| !only_required).chain(
            self.pushable
                .iter()
                .filter(move |p| !only_required || required.contains(&p.column)),
        )
    }

    /// How far `expr` pushes down.
    pub fn classify(&self, expr: &Expr) -> TableProviderFilterPushDown {
        let equality = self
            .equality_columns()
            .any(|p| equality_values(expr, p.column).is_some());
        if equality || (!self.only_required && constant(expr).is_some()) {
            return TableProviderFilterPushDown::Exact;
        }
        if self.only_required {
            return TableProviderFilterPushDown::Unsupported;
        }
        (self.translate)(expr).map_or(TableProviderFilterPushDown::Unsupported, |t| t.support)
    }

    /// Folds the pushed `filters` and `limit` of a scan.
    pub fn fold(&self, filters: &[Expr], limit: Option<usize>) -> Restrictions {
        let mut restrictions = Restrictions::with_limit(limit);
        restrictions.pushed = !self.only_required;
        for filter in filters {
            // A constant that is not true keeps every row out.
            if let Some(value) = constant(filter) {
                restrictions.matches_nothing |= !value;
                continue;
            }
            let mut equality = false;
            for p in self.equality_columns() {
                if let Some(values) = equality_values(filter, p.column) {
                    restrictions.restrict(p, values);
                    equality = true;
                }
            }
            if !equality
                && !self.only_required
                && let Some(translation) = (self.translate)(filter)
            {
                restrictions.add_translated(filter.clone(), translation.matches_nothing);
            }
        }
        restrictions
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{col, lit};
    use datafusion::scalar::ScalarValue;

    const ID: Pushable = Pushable::new(
        "bundle_id",
        |s| s.starts_with("wsb-") && s.len() == 12,
        "`BundleIds`",
        "wsb-12345678",
    );

    fn rules() -> PushdownRules {
        PushdownRules::equalities(&[ID])
    }

    #[test]
    fn equality_forms_are_exact_others_are_not() {
        use TableProviderFilterPushDown::{Exact, Unsupported};
        let p = rules();
        assert_eq!(p.classify(&col("bundle_id").eq(lit("wsb-12345678"))), Exact);
        assert_eq!(
            p.classify(&col("region").in_list(vec![lit("a")], false)),
            Exact
        );
        assert_eq!(p.classify(&lit(false)), Exact);
        assert_eq!(
            p.classify(&col("bundle_id").not_eq(lit("wsb-12345678"))),
            Unsupported
        );
        assert_eq!(p.classify(&col("name").eq(lit("x"))), Unsupported);
    }

    #[test]
    fn translated_predicates_are_kept_for_the_table() {
        let p = PushdownRules {
            pushable: &[ID],
            required: &[],
            only_required: false,
            translate: |e| {
                (e == &col("name").eq(lit("nobody"))).then_some(Translation {
                    support: TableProviderFilterPushDown::Exact,
                    matches_nothing: true,
                })
            },
        };
        let filter = col("name").eq(lit("nobody"));
        assert_eq!(p.classify(&filter), TableProviderFilterPushDown::Exact);
        let r = p.fold(std::slice::from_ref(&filter), None);
        assert!(r.matches_nothing);
        assert_eq!(r.translated(), &[filter]);
    }

    #[test]
    fn restrictions_intersect_and_drop_impossible_values() {
        let filters = [
            col("bundle_id").in_list(
                vec![lit("wsb-aaaaaaaa"), lit("wsb-bbbbbbbb"), lit("WSB-X")],
                false,
            ),
            col("bundle_id")
                .eq(lit("wsb-bbbbbbbb"))
                .or(col("bundle_id").eq(lit("wsb-cccccccc"))),
        ];
        let r = rules().fold(&filters, None);
        assert_eq!(r.single("bundle_id"), Some("wsb-bbbbbbbb"));
        assert!(!r.matches_nothing);
        assert!(r.admits("bundle_id", Some("wsb-bbbbbbbb")));
        assert!(!r.admits("bundle_id", Some("wsb-aaaaaaaa")));
        assert!(!r.admits("bundle_id", None));
        assert!(r.admits("other", None));
    }

    #[test]
    fn impossible_or_contradicting_values_match_nothing() {
        let r = rules().fold(&[col("bundle_id").eq(lit("nope"))], None);
        assert!(r.matches_nothing);
        let r = rules().fold(
            &[
                col("bundle_id").eq(lit("wsb-aaaaaaaa")),
                col("bundle_id").eq(lit("wsb-bbbbbbbb")),
            ],
            None,
        );
        assert!(r.matches_nothing);
        assert!(!r.wants(&Place::in_region("us-east-1")));
        assert!(rules().fold(&[], Some(0)).matches_nothing);
    }

    #[test]
    fn constants_folded_from_exact_filters_keep_their_meaning() {
        let folded = |value: ScalarValue| {
            rules()
                .fold(&[Expr::Literal(value, None)], None)
                .matches_nothing
        };
        assert!(folded(ScalarValue::Boolean(None)));
        assert!(folded(ScalarValue::Null));
        assert!(folded(ScalarValue::Boolean(Some(false))));
        assert!(!folded(ScalarValue::Boolean(Some(true))));
    }

    const CONSTRAINT: Pushable = Pushable::new(
        "constraint",
        |s| s.contains('/'),
        "`Constraint`, one chain each",
        "10.0.0.0/8",
    );

    fn with_required() -> PushdownRules {
        PushdownRules {
            pushable: &[ID, CONSTRAINT],
            translate: |_| None,
            required: &["constraint"],
            only_required: false,
        }
    }

    #[test]
    fn a_required_column_must_be_restricted_unless_nothing_matches() {
        use TableProviderFilterPushDown::{Exact, Unsupported};
        let rules = with_required();
        let given = col("constraint").in_list(vec![lit("10.0.0.0/8"), lit("172.16.0.0/12")], false);
        assert_eq!(rules.classify(&given), Exact);
        assert_eq!(
            rules.fold(&[given], None).missing_required(rules.required),
            None
        );
        let other = col("bundle_id").eq(lit("wsb-12345678"));
        let r = rules.fold(std::slice::from_ref(&other), None);
        assert_eq!(r.missing_required(rules.required), Some("constraint"));
        let impossible = rules.fold(&[col("constraint").eq(lit("nope"))], None);
        assert!(impossible.matches_nothing);
        assert_eq!(impossible.missing_required(rules.required), None);
        let nothing = rules.fold(&[lit(false)], None);
        assert_eq!(nothing.missing_required(rules.required), None);

        // Without pushdown, only the required column's equalities are taken.
        let reference = rules.required_only();
        assert_eq!(reference.classify(&other), Unsupported);
        assert_eq!(reference.classify(&lit(false)), Unsupported);
        assert_eq!(
            reference.classify(&col("region").eq(lit("us-east-1"))),
            Unsupported
        );
        let given = col("constraint").eq(lit("10.0.0.0/8"));
        assert_eq!(reference.classify(&given), Exact);
        let r = reference.fold(&[given, other], None);
        assert_eq!(r.single("constraint"), Some("10.0.0.0/8"));
        assert_eq!(r.values("bundle_id"), None);
        let columns: Vec<&str> = reference.equality_columns().map(|p| p.column).collect();
        assert_eq!(columns, ["constraint"]);
    }

    #[test]
    fn a_scan_knows_what_it_reads_and_when_it_started() {
        let pushed = rules().fold(&[], None);
        assert!(pushed.pushed && !Restrictions::default().pushed);
        assert!(!rules().required_only().fold(&[], None).pushed);
        let r = pushed.for_scan(Some(vec!["bundle_id".into()]), 42);
        assert!(r.reads("bundle_id") && !r.reads("region"));
        assert_eq!(r.statement_start, 42);
        assert!(Restrictions::default().reads("anything"));
    }

    #[test]
    fn page_size_follows_the_limit() {
        let r = rules().fold(&[], Some(3));
        assert_eq!(r.page_size(25), 3);
        assert_eq!(Restrictions::default().page_size(50), 50);
    }
}
