//! Reading SQL predicates: which values of a column `column = 'x'`, `IN (...)`, OR-chains and
//! their negations allow or exclude, and which value `array_has(list, 'x')` asks a list column
//! to hold. Pure functions over DataFusion's logical `Expr`, shared by
//! the engine's equality pushdown and by the tables' own translations.

use datafusion::arrow::datatypes::DataType;
use datafusion::logical_expr::{BinaryExpr, Expr, Operator};
use datafusion::scalar::ScalarValue;

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

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{col, lit};

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
}
