//! Reading SQL predicates: which values of a column `column = 'x'`, `IN (...)`, OR-chains and
//! their negations allow or exclude, which value `array_has(list, 'x')` asks a list column to
//! hold, which integers `column = 1` / `IN (1, 2)` allow, and which instants a comparison of a
//! time column with a timestamp literal allows (`>`, `>=`, `<`, `<=`, `=`, `BETWEEN`). Pure
//! functions over DataFusion's logical `Expr`, shared by the engine's equality pushdown and by
//! the tables' own translations.
//!
//! Time comparisons are read exactly whatever the literal's unit and zone: DataFusion folds
//! `now() - interval '7 days'` into a nanosecond literal and may cast the microsecond column to
//! nanoseconds to compare them, so an instant is read in nanoseconds and the bound on the
//! column's microseconds rounded the way the comparison decides it.

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::logical_expr::{BinaryExpr, Expr, Operator};
use datafusion::scalar::ScalarValue;

/// The string literal values `v` of `column = v`, `v = column`, `column IN (..)` and OR-chains
/// of them. NULL literals are left out: they are never true. `None` if `expr` is not of that form.
///
/// A NULL branch of an OR-chain adds nothing either: DataFusion rewrites `column IN ('a', NULL)`
/// into `column = 'a' OR NULL` after the filter was accepted as exact, and `x OR NULL` keeps
/// exactly the rows `x` keeps.
pub(crate) fn equality_values(expr: &Expr, column: &str) -> Option<Vec<String>> {
    allowed_values(expr, column, is_column, string_literal)
}

/// The literal values `v` of `column = v`, `v = column`, `column IN (..)` and OR-chains of them,
/// with the column recognised by `is_column` and a literal read by `literal` (`Some(None)` for a
/// NULL, which is left out); the one walk under [`equality_values`] and [`integer_values`].
fn allowed_values<T>(
    expr: &Expr,
    column: &str,
    is_column: fn(&Expr, &str) -> bool,
    literal: fn(&Expr) -> Option<Option<T>>,
) -> Option<Vec<T>> {
    match expr {
        Expr::BinaryExpr(BinaryExpr {
            left,
            op: Operator::Or,
            right,
        }) => {
            let mut values = Vec::new();
            for branch in [left, right] {
                if !is_null_literal(branch) {
                    values.extend(allowed_values(branch, column, is_column, literal)?);
                }
            }
            Some(values)
        }
        Expr::BinaryExpr(BinaryExpr {
            left,
            op: Operator::Eq,
            right,
        }) => {
            let value = match (is_column(left, column), is_column(right, column)) {
                (true, _) => right,
                (_, true) => left,
                _ => return None,
            };
            literal(value).map(|v| v.into_iter().collect())
        }
        Expr::InList(list) if !list.negated && is_column(&list.expr, column) => list
            .list
            .iter()
            .map(literal)
            .collect::<Option<Vec<_>>>()
            .map(|values| values.into_iter().flatten().collect()),
        _ => None,
    }
}

/// The values `v` of `column <> v` or `column NOT IN (..)` (no NULL among them, since
/// `x NOT IN (.., NULL)` is never true and so is not a plain exclusion).
pub(crate) fn inequality_values(expr: &Expr, column: &str) -> Option<Vec<String>> {
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

/// The value `v` of `array_has(column, v)` (what `v = ANY(column)` plans to): the list column
/// holds `v`. `Some(None)` for a NULL value, which no list holds; `None` for any other shape.
pub(crate) fn list_membership(expr: &Expr, column: &str) -> Option<Option<String>> {
    let Expr::ScalarFunction(function) = expr else {
        return None;
    };
    if function.func.name() != "array_has" {
        return None;
    }
    match function.args.as_slice() {
        [Expr::Column(list), value] if list.name == column => string_literal(value),
        _ => None,
    }
}

/// Whether `expr` is a constant a scan can answer itself: DataFusion folds predicates such as
/// `pool_id IN (NULL)`, once accepted as exact, into a constant it hands to the scan.
pub(crate) fn constant(expr: &Expr) -> Option<bool> {
    match expr {
        Expr::Literal(ScalarValue::Boolean(Some(true)), _) => Some(true),
        Expr::Literal(ScalarValue::Boolean(_) | ScalarValue::Null, _) => Some(false),
        _ => None,
    }
}

/// Whether `expr` is a NULL literal of any type (`NULL`, `Boolean(NULL)`, `Utf8(NULL)`).
fn is_null_literal(expr: &Expr) -> bool {
    matches!(expr, Expr::Literal(value, _) if value.is_null())
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

fn is_string_type(t: &DataType) -> bool {
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

/// The integer values `v` of `column = v`, `v = column`, `column IN (..)` and OR-chains of them
/// (NULLs left out, as in [`equality_values`]); the column may be widened to another integer
/// type. `None` if `expr` is not of that form.
pub(crate) fn integer_values(expr: &Expr, column: &str) -> Option<Vec<i64>> {
    allowed_values(expr, column, is_integer_column, integer_literal)
}

/// Whether `expr` is `column`, possibly behind a cast to an integer type.
fn is_integer_column(expr: &Expr, column: &str) -> bool {
    match expr {
        Expr::Column(c) => c.name == column,
        Expr::Cast(cast) if cast.field.data_type().is_integer() => {
            is_integer_column(&cast.expr, column)
        }
        _ => false,
    }
}

/// `Some(Some(v))` for an integer literal that fits an `i64`, `Some(None)` for NULL.
fn integer_literal(expr: &Expr) -> Option<Option<i64>> {
    let Expr::Literal(value, _) = expr else {
        return None;
    };
    if value.is_null() {
        return Some(None);
    }
    match value {
        ScalarValue::Int8(Some(v)) => Some(Some(i64::from(*v))),
        ScalarValue::Int16(Some(v)) => Some(Some(i64::from(*v))),
        ScalarValue::Int32(Some(v)) => Some(Some(i64::from(*v))),
        ScalarValue::Int64(Some(v)) => Some(Some(*v)),
        ScalarValue::UInt8(Some(v)) => Some(Some(i64::from(*v))),
        ScalarValue::UInt16(Some(v)) => Some(Some(i64::from(*v))),
        ScalarValue::UInt32(Some(v)) => Some(Some(i64::from(*v))),
        ScalarValue::UInt64(Some(v)) => i64::try_from(*v).ok().map(Some),
        _ => None,
    }
}

/// A half-open range of instants `[from, to)` in microseconds since the epoch, each end
/// unbounded when `None`: what the comparisons of a time column with literals allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct TimeRange {
    /// The first instant allowed.
    pub from: Option<i64>,
    /// The first instant after the last allowed.
    pub to: Option<i64>,
}

impl TimeRange {
    /// No instant at all (a comparison with NULL).
    pub const NOTHING: TimeRange = TimeRange {
        from: Some(0),
        to: Some(0),
    };

    /// The instants both allow.
    pub fn intersect(self, other: TimeRange) -> TimeRange {
        let later = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        let earlier = |a: Option<i64>, b: Option<i64>| match (a, b) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        TimeRange {
            from: later(self.from, other.from),
            to: earlier(self.to, other.to),
        }
    }

    /// Whether no instant is allowed.
    pub fn is_empty(&self) -> bool {
        matches!((self.from, self.to), (Some(from), Some(to)) if from >= to)
    }

    /// Whether `micros` is allowed.
    pub fn contains(&self, micros: i64) -> bool {
        self.from.is_none_or(|from| micros >= from) && self.to.is_none_or(|to| micros < to)
    }
}

/// The instants `column op literal` (or `literal op column`) allows for `>`, `>=`, `<`, `<=`
/// and `=`, and `column BETWEEN a AND b`, where `column` is a microsecond time column (possibly
/// cast to another zone or to nanoseconds, which keeps its instants) and the literals are
/// timestamps of any unit. `None` for any other form.
pub(crate) fn time_range(expr: &Expr, column: &str) -> Option<TimeRange> {
    match expr {
        Expr::BinaryExpr(BinaryExpr { left, op, right }) => {
            let (op, literal) = if is_time_column(left, column) {
                (*op, right)
            } else if is_time_column(right, column) {
                (op.swap()?, left)
            } else {
                return None;
            };
            let Some(nanos) = timestamp_nanos(literal)? else {
                return Some(TimeRange::NOTHING);
            };
            compared(op, nanos)
        }
        Expr::Between(between) if !between.negated && is_time_column(&between.expr, column) => {
            let (Some(low), Some(high)) = (
                timestamp_nanos(&between.low)?,
                timestamp_nanos(&between.high)?,
            ) else {
                return Some(TimeRange::NOTHING);
            };
            Some(compared(Operator::GtEq, low)?.intersect(compared(Operator::LtEq, high)?))
        }
        _ => None,
    }
}

/// The microsecond instants `t` with `t op nanos` (compared as instants, exactly).
fn compared(op: Operator, nanos: i128) -> Option<TimeRange> {
    let floor = nanos.div_euclid(1000);
    let ceil = floor + i128::from(nanos.rem_euclid(1000) != 0);
    let micros = |v: i128| i64::try_from(v).ok();
    Some(match op {
        Operator::Gt => TimeRange {
            from: micros(floor + 1),
            to: None,
        },
        Operator::GtEq => TimeRange {
            from: micros(ceil),
            to: None,
        },
        Operator::Lt => TimeRange {
            from: None,
            to: micros(ceil),
        },
        Operator::LtEq => TimeRange {
            from: None,
            to: micros(floor + 1),
        },
        Operator::Eq => TimeRange {
            from: micros(ceil),
            to: micros(floor + 1),
        },
        _ => return None,
    })
}

/// Whether `expr` is the time `column`, possibly cast to a timestamp type that keeps every
/// microsecond instant (microseconds or nanoseconds, any zone).
fn is_time_column(expr: &Expr, column: &str) -> bool {
    match expr {
        Expr::Column(c) => c.name == column,
        Expr::Cast(cast) => {
            matches!(
                cast.field.data_type(),
                DataType::Timestamp(TimeUnit::Microsecond | TimeUnit::Nanosecond, _)
            ) && is_time_column(&cast.expr, column)
        }
        _ => false,
    }
}

/// `Some(Some(ns))` for a timestamp literal, as nanoseconds since the epoch; `Some(None)` for
/// a NULL literal; `None` for anything else.
fn timestamp_nanos(expr: &Expr) -> Option<Option<i128>> {
    let Expr::Literal(value, _) = expr else {
        return None;
    };
    let scaled = |v: &Option<i64>, factor: i128| Some(v.map(|v| i128::from(v) * factor));
    match value {
        ScalarValue::TimestampSecond(v, _) => scaled(v, 1_000_000_000),
        ScalarValue::TimestampMillisecond(v, _) => scaled(v, 1_000_000),
        ScalarValue::TimestampMicrosecond(v, _) => scaled(v, 1_000),
        ScalarValue::TimestampNanosecond(v, _) => scaled(v, 1),
        ScalarValue::Null => Some(None),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{cast, col, lit};

    const A: &str = "wspool-abc123xyz";
    const B: &str = "wspool-000000009";

    fn strings(values: &[&str]) -> Option<Vec<String>> {
        Some(values.iter().map(|s| s.to_string()).collect())
    }

    #[test]
    fn equality_forms_give_their_values() {
        assert_eq!(equality_values(&col("c").eq(lit(A)), "c"), strings(&[A]));
        assert_eq!(equality_values(&lit(A).eq(col("c")), "c"), strings(&[A]));
        assert_eq!(
            equality_values(&col("c").in_list(vec![lit(A), lit(B)], false), "c"),
            strings(&[A, B])
        );
        assert_eq!(
            equality_values(&col("c").eq(lit(A)).or(col("c").eq(lit(B))), "c"),
            strings(&[A, B])
        );
        assert_eq!(equality_values(&col("d").eq(lit(A)), "c"), None);
        assert_eq!(equality_values(&col("c").not_eq(lit(A)), "c"), None);
    }

    #[test]
    fn a_null_branch_of_an_or_chain_adds_nothing() {
        // What DataFusion makes of `c IN (A, '', NULL)` once it was accepted as exact.
        let null = Expr::Literal(ScalarValue::Boolean(None), None);
        let rewritten = col("c")
            .eq(lit(A))
            .or(col("c").eq(lit("")))
            .or(null.clone());
        assert_eq!(equality_values(&rewritten, "c"), strings(&[A, ""]));
        assert_eq!(
            equality_values(&null.clone().or(null), "c"),
            Some(Vec::new())
        );
        assert_eq!(
            equality_values(&col("c").eq(lit(A)).or(lit(true)), "c"),
            None
        );
    }

    #[test]
    fn inequalities_exclude_values_but_not_with_a_null() {
        assert_eq!(
            inequality_values(&col("c").not_eq(lit(A)), "c"),
            strings(&[A])
        );
        assert_eq!(
            inequality_values(&col("c").in_list(vec![lit(A), lit(B)], true), "c"),
            strings(&[A, B])
        );
        let with_null =
            col("c").in_list(vec![lit(A), Expr::Literal(ScalarValue::Null, None)], true);
        assert_eq!(inequality_values(&with_null, "c"), None);
    }

    #[test]
    fn list_membership_reads_array_has_with_the_list_first() {
        use datafusion::functions_nested::expr_fn::{array_has, array_has_any, make_array};
        assert_eq!(
            list_membership(&array_has(col("c"), lit(A)), "c"),
            Some(Some(A.to_string()))
        );
        assert_eq!(
            list_membership(&array_has(col("c"), lit(ScalarValue::Utf8(None))), "c"),
            Some(None)
        );
        assert_eq!(list_membership(&array_has(col("d"), lit(A)), "c"), None);
        assert_eq!(list_membership(&array_has(col("c"), col("e")), "c"), None);
        let any = array_has_any(col("c"), make_array(vec![lit(A), lit(B)]));
        assert_eq!(
            list_membership(&any, "c"),
            None,
            "any of several is not one value"
        );
        assert_eq!(list_membership(&col("c").eq(lit(A)), "c"), None);
    }

    #[test]
    fn constants_keep_their_meaning() {
        let folded = |value: ScalarValue| constant(&Expr::Literal(value, None));
        assert_eq!(folded(ScalarValue::Boolean(Some(true))), Some(true));
        assert_eq!(folded(ScalarValue::Boolean(Some(false))), Some(false));
        assert_eq!(folded(ScalarValue::Boolean(None)), Some(false));
        assert_eq!(folded(ScalarValue::Null), Some(false));
        assert_eq!(constant(&col("c")), None);
    }

    fn at_micros(v: i64) -> Expr {
        lit(ScalarValue::TimestampMicrosecond(
            Some(v),
            Some("UTC".into()),
        ))
    }

    fn at_nanos(v: i64) -> Expr {
        lit(ScalarValue::TimestampNanosecond(
            Some(v),
            Some("+00:00".into()),
        ))
    }

    fn range(from: Option<i64>, to: Option<i64>) -> Option<TimeRange> {
        Some(TimeRange { from, to })
    }

    #[test]
    fn time_comparisons_give_half_open_ranges() {
        let t = || col("timestamp");
        assert_eq!(
            time_range(&t().gt_eq(at_micros(10)), "timestamp"),
            range(Some(10), None)
        );
        assert_eq!(
            time_range(&t().gt(at_micros(10)), "timestamp"),
            range(Some(11), None)
        );
        assert_eq!(
            time_range(&t().lt(at_micros(10)), "timestamp"),
            range(None, Some(10))
        );
        assert_eq!(
            time_range(&t().lt_eq(at_micros(10)), "timestamp"),
            range(None, Some(11))
        );
        assert_eq!(
            time_range(&at_micros(10).lt(t()), "timestamp"),
            range(Some(11), None),
            "a literal on the left flips the comparison"
        );
        assert_eq!(
            time_range(&t().eq(at_micros(10)), "timestamp"),
            range(Some(10), Some(11))
        );
        assert_eq!(
            time_range(&t().between(at_micros(10), at_micros(20)), "timestamp"),
            range(Some(10), Some(21))
        );
        assert_eq!(time_range(&t().not_eq(at_micros(10)), "timestamp"), None);
        assert_eq!(
            time_range(&col("other").gt(at_micros(10)), "timestamp"),
            None
        );
        assert_eq!(
            time_range(&t().not_between(at_micros(1), at_micros(2)), "timestamp"),
            None
        );
    }

    #[test]
    fn nanosecond_literals_round_the_way_the_comparison_decides() {
        // The column cast to nanoseconds, as DataFusion compares it with now() - interval.
        let t = || {
            cast(
                col("timestamp"),
                DataType::Timestamp(TimeUnit::Nanosecond, None),
            )
        };
        assert_eq!(
            time_range(&t().gt(at_nanos(10_500)), "timestamp"),
            range(Some(11), None)
        );
        assert_eq!(
            time_range(&t().gt_eq(at_nanos(10_500)), "timestamp"),
            range(Some(11), None)
        );
        assert_eq!(
            time_range(&t().gt_eq(at_nanos(10_000)), "timestamp"),
            range(Some(10), None)
        );
        assert_eq!(
            time_range(&t().lt(at_nanos(10_500)), "timestamp"),
            range(None, Some(11))
        );
        assert_eq!(
            time_range(&t().lt_eq(at_nanos(10_500)), "timestamp"),
            range(None, Some(11))
        );
        assert!(
            time_range(&t().eq(at_nanos(10_500)), "timestamp").is_some_and(|r| r.is_empty()),
            "no microsecond equals a fraction of one"
        );
        let seconds = cast(
            col("timestamp"),
            DataType::Timestamp(TimeUnit::Second, None),
        );
        assert_eq!(
            time_range(&seconds.gt(at_nanos(1)), "timestamp"),
            None,
            "a cast that truncates is not the column's instants"
        );
    }

    #[test]
    fn ranges_intersect_and_check_instants() {
        let a = TimeRange {
            from: Some(10),
            to: None,
        };
        let b = TimeRange {
            from: Some(5),
            to: Some(20),
        };
        let both = a.intersect(b);
        assert_eq!(
            both,
            TimeRange {
                from: Some(10),
                to: Some(20)
            }
        );
        assert!(both.contains(10) && both.contains(19));
        assert!(!both.contains(20) && !both.contains(9));
        assert!(!both.is_empty());
        assert!(TimeRange::NOTHING.is_empty());
        assert!(TimeRange::default().contains(i64::MIN));
        let null = Expr::Literal(ScalarValue::Null, None);
        assert_eq!(
            time_range(&col("timestamp").gt(null), "timestamp"),
            Some(TimeRange::NOTHING)
        );
    }

    #[test]
    fn integer_equalities_give_their_values() {
        let p = || col("period_seconds");
        assert_eq!(
            integer_values(&p().eq(lit(300i32)), "period_seconds"),
            Some(vec![300])
        );
        assert_eq!(
            integer_values(&lit(60i64).eq(p()), "period_seconds"),
            Some(vec![60])
        );
        assert_eq!(
            integer_values(
                &p().in_list(vec![lit(60i64), lit(300i64)], false),
                "period_seconds"
            ),
            Some(vec![60, 300])
        );
        assert_eq!(
            integer_values(
                &cast(p(), DataType::Int64)
                    .eq(lit(60i64))
                    .or(cast(p(), DataType::Int64).eq(lit(3600i64))),
                "period_seconds"
            ),
            Some(vec![60, 3600])
        );
        assert_eq!(integer_values(&p().gt(lit(60i64)), "period_seconds"), None);
        assert_eq!(integer_values(&p().eq(lit("60")), "period_seconds"), None);
    }
}
