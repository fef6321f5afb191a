//! The pushdown shared by the sibling tables: `column = 'x'`, `column IN (...)` and OR-chains of
//! them, folded into "this column is one of these values" per column.
//!
//! Every such predicate is exact: the scan sends what the API accepts and re-checks every
//! restriction on the rows it gets back ([`Restrictions::admits`]), so the answer never depends
//! on how the service combines parameters. Values that the model's patterns say cannot exist are
//! dropped; a column left with no possible value matches nothing, and nothing is called.

use std::collections::{BTreeMap, BTreeSet};

use datafusion::common::ScalarValue;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};

use crate::pools::pushdown::equality_values;

/// A column whose equality predicates push down, with the model's rule for a possible value.
#[derive(Debug, Clone, Copy)]
pub struct Pushable {
    /// Column name.
    pub column: &'static str,
    /// Whether a value can occur at all (the member's pattern and length bounds).
    pub possible: fn(&str) -> bool,
}

/// The `region` column: pruning the partitions, never sent.
pub const REGION: Pushable = Pushable {
    column: "region",
    possible: |_| true,
};

/// How far `expr` pushes: exact when it is an equality form on one of `pushable`.
pub fn classify(pushable: &[Pushable], expr: &Expr) -> Option<TableProviderFilterPushDown> {
    pushable
        .iter()
        .any(|p| equality_values(expr, p.column).is_some())
        .then_some(TableProviderFilterPushDown::Exact)
}

/// What the pushed predicates of one scan allow.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Restrictions {
    by_column: BTreeMap<&'static str, BTreeSet<String>>,
    /// No row can match: no call is made.
    pub matches_nothing: bool,
    /// Rows wanted per region (DataFusion passes it only when every filter is exact).
    pub limit: Option<usize>,
}

impl Restrictions {
    /// Folds the pushed `filters` and `limit` of a scan.
    pub fn from_filters(pushable: &[Pushable], filters: &[Expr], limit: Option<usize>) -> Self {
        let mut restrictions = Restrictions {
            limit,
            matches_nothing: limit == Some(0),
            ..Self::default()
        };
        for filter in filters {
            // DataFusion folds `column IN (NULL)`, once accepted as exact, into a constant and
            // hands that to the scan: a constant that is not true keeps every row out.
            if let Expr::Literal(value, _) = filter {
                restrictions.matches_nothing |= *value != ScalarValue::Boolean(Some(true));
                continue;
            }
            for p in pushable {
                if let Some(values) = equality_values(filter, p.column) {
                    restrictions.restrict(p, values);
                }
            }
        }
        restrictions
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

    /// Whether `region` is to be called at all.
    pub fn wants_region(&self, region: &str) -> bool {
        !self.matches_nothing && self.admits(REGION.column, Some(region))
    }

    /// `Limit` for a request whose maximum page is `max`: the row limit when smaller.
    pub fn page_size(&self, max: usize) -> i32 {
        self.limit.unwrap_or(max).clamp(1, max) as i32
    }

    /// Every restricted column but `region`, for a row check.
    pub fn columns(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.by_column
            .keys()
            .copied()
            .filter(|c| *c != REGION.column)
    }
}

/// Whether `s` is `prefix` followed by `min..=max` characters of `[0-9a-z]`.
pub fn is_prefixed_id(s: &str, prefix: &str, min: usize, max: usize) -> bool {
    s.strip_prefix(prefix).is_some_and(|rest| {
        (min..=max).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
    })
}

/// `^(d-[0-9a-f]{8,63}$)|(wsd-[0-9a-z]{8,63}$)`, 10 to 65 characters (`DirectoryId`).
pub fn is_directory_id(s: &str) -> bool {
    let ds = s.strip_prefix("d-").is_some_and(|rest| {
        (8..=63).contains(&rest.len())
            && rest
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    (10..=65).contains(&s.len()) && (ds || is_prefixed_id(s, "wsd-", 8, 63))
}

/// `^wsb-[0-9a-z]{8,63}$` (`BundleId`).
pub fn is_bundle_id(s: &str) -> bool {
    is_prefixed_id(s, "wsb-", 8, 63)
}

/// `^ws-[0-9a-z]{8,63}$` (`WorkspaceId`).
pub fn is_workspace_id(s: &str) -> bool {
    is_prefixed_id(s, "ws-", 8, 63)
}

/// Any string of `min..=max` characters.
pub fn has_length(s: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&s.chars().count())
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{col, lit};

    const ID: Pushable = Pushable {
        column: "bundle_id",
        possible: is_bundle_id,
    };

    #[test]
    fn equality_forms_are_exact_others_are_not() {
        let p = [ID, REGION];
        assert!(classify(&p, &col("bundle_id").eq(lit("wsb-12345678"))).is_some());
        assert!(classify(&p, &col("region").in_list(vec![lit("a")], false)).is_some());
        assert!(classify(&p, &col("bundle_id").not_eq(lit("wsb-12345678"))).is_none());
        assert!(classify(&p, &col("name").eq(lit("x"))).is_none());
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
        let r = Restrictions::from_filters(&[ID], &filters, None);
        assert_eq!(r.single("bundle_id"), Some("wsb-bbbbbbbb"));
        assert!(!r.matches_nothing);
        assert!(r.admits("bundle_id", Some("wsb-bbbbbbbb")));
        assert!(!r.admits("bundle_id", Some("wsb-aaaaaaaa")));
        assert!(!r.admits("bundle_id", None));
        assert!(r.admits("other", None));
    }

    #[test]
    fn impossible_or_contradicting_values_match_nothing() {
        let r = Restrictions::from_filters(&[ID], &[col("bundle_id").eq(lit("nope"))], None);
        assert!(r.matches_nothing);
        let r = Restrictions::from_filters(
            &[ID],
            &[
                col("bundle_id").eq(lit("wsb-aaaaaaaa")),
                col("bundle_id").eq(lit("wsb-bbbbbbbb")),
            ],
            None,
        );
        assert!(r.matches_nothing);
        assert!(!r.wants_region("us-east-1"));
        assert!(Restrictions::from_filters(&[ID], &[], Some(0)).matches_nothing);
    }

    #[test]
    fn constants_folded_from_exact_filters_keep_their_meaning() {
        let folded = |value: ScalarValue| {
            Restrictions::from_filters(&[ID], &[Expr::Literal(value, None)], None).matches_nothing
        };
        assert!(folded(ScalarValue::Boolean(None)));
        assert!(folded(ScalarValue::Null));
        assert!(folded(ScalarValue::Boolean(Some(false))));
        assert!(!folded(ScalarValue::Boolean(Some(true))));
    }

    #[test]
    fn id_patterns_follow_the_model() {
        assert!(is_directory_id("d-0123abcd"));
        assert!(!is_directory_id("d-0123abcz"));
        assert!(is_directory_id("wsd-abcd1234"));
        assert!(!is_directory_id("wsd-abc"));
        assert!(is_bundle_id("wsb-0123456z"));
        assert!(!is_bundle_id("wsb-0123456"));
        assert!(is_workspace_id("ws-abcdefgh"));
        assert!(!is_workspace_id("ws-ABCDEFGH"));
        assert!(has_length("ab", 2, 128));
        assert!(!has_length("a", 2, 128));
    }

    #[test]
    fn page_size_follows_the_limit() {
        let r = Restrictions::from_filters(&[], &[], Some(3));
        assert_eq!(r.page_size(25), 3);
        assert_eq!(Restrictions::default().page_size(50), 50);
    }
}
