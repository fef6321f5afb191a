//! Reading a hash join's dynamic filter: which key values can a probe-side row have and still
//! pass it?
//!
//! DataFusion's `HashJoinExec` pushes a `DynamicFilterPhysicalExpr` on its probe-side keys into
//! the probe scan (the Post phase of physical filter pushdown) and fills it in once the build
//! side is collected, before the probe side is first polled. Depending on the join's mode and the
//! build side's size it becomes `key IN (..)` (with `key >= min AND key <= max` bounds), a
//! `CASE hash(key) % n WHEN i THEN <partition i's filter> .. END` over the partitions, a hash
//! table lookup, or `false` when the build side is empty.
//!
//! A join on several keys (`USING (account_id, region, pool_id)`) makes the list one of structs,
//! `struct(account_id, region, pool_id) IN (...)`, read here per column.
//!
//! [`required_values`] reads the sets out of that expression conservatively: it answers with a
//! set only when every row outside it is certainly rejected, and with `None` (do not narrow)
//! for anything it cannot see through, such as a hash table lookup. [`values_in_target`] then
//! keeps, for one target, the values whose rows there can pass the filter, by evaluating it.

use std::collections::BTreeSet;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, StringArray, new_null_array};
use datafusion::arrow::datatypes::{Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::logical_expr::Operator;
use datafusion::physical_expr::expressions::{
    BinaryExpr, CaseExpr, CastExpr, Column, DynamicFilterPhysicalExpr, InListExpr, Literal,
};
use datafusion::physical_expr::utils::collect_columns;
use datafusion::physical_expr::{PhysicalExpr, ScalarFunctionExpr};
use datafusion::scalar::ScalarValue;

use crate::targets::Place;

/// The values of `column` outside which `expr` is never true, if the expression says.
pub fn required_values(expr: &Arc<dyn PhysicalExpr>, column: &str) -> Option<BTreeSet<String>> {
    if let Some(dynamic) = expr.downcast_ref::<DynamicFilterPhysicalExpr>() {
        return required_values(&dynamic.current().ok()?, column);
    }
    if let Some(literal) = expr.downcast_ref::<Literal>() {
        // `false` and NULL reject every row.
        return matches!(
            literal.value(),
            ScalarValue::Boolean(Some(false) | None) | ScalarValue::Null
        )
        .then(BTreeSet::new);
    }
    if let Some(list) = expr.downcast_ref::<InListExpr>() {
        if list.negated() {
            return None;
        }
        // One key, or the column's field of a struct of keys.
        let field = match is_column(list.expr(), column) {
            true => None,
            false => Some(struct_field_of(list.expr(), column)?),
        };
        let mut values = BTreeSet::new();
        for item in list.list() {
            let value = match field {
                None => string_literal(item)?,
                Some(field) => struct_literal_field(item, field)?,
            };
            match value {
                Some(v) => values.insert(v),
                None => continue,
            };
        }
        return Some(values);
    }
    if let Some(binary) = expr.downcast_ref::<BinaryExpr>() {
        let (left, right) = (binary.left(), binary.right());
        return match binary.op() {
            Operator::And => match (
                required_values(left, column),
                required_values(right, column),
            ) {
                (Some(l), Some(r)) => Some(l.intersection(&r).cloned().collect()),
                (one, other) => one.or(other),
            },
            Operator::Or => {
                let mut values = required_values(left, column)?;
                values.extend(required_values(right, column)?);
                Some(values)
            }
            Operator::Eq if is_column(left, column) => {
                Some(string_literal(right)?.into_iter().collect())
            }
            Operator::Eq if is_column(right, column) => {
                Some(string_literal(left)?.into_iter().collect())
            }
            _ => None,
        };
    }
    if let Some(case) = expr.downcast_ref::<CaseExpr>() {
        // A row passes only through one of the branches: the union of theirs. No ELSE is NULL.
        let mut values = BTreeSet::new();
        for (_, then) in case.when_then_expr() {
            values.extend(required_values(then, column)?);
        }
        if let Some(otherwise) = case.else_expr() {
            values.extend(required_values(otherwise, column)?);
        }
        return Some(values);
    }
    None
}

/// The values among `values` of key `column` whose rows, read in the target at `place`, can
/// pass `filter`: the filter evaluated on one row per value, holding the target's `region` and
/// `account_id`, every other column NULL. `None` (do not narrow) when the filter reads another
/// column, needs an account id the target does not know yet, or cannot be evaluated.
///
/// [`required_values`] reads each column of a join on several keys alone, so a join on
/// `(account_id, region, image_id)` would have every target call every image id of the build
/// side; this keeps each target to the ids of its own build-side rows, with DataFusion's own
/// evaluation of the filter (hash routing and hash table lookups included).
pub fn values_in_target(
    filter: &Arc<dyn PhysicalExpr>,
    schema: &Schema,
    place: &Place,
    column: &str,
    values: &BTreeSet<String>,
) -> Option<BTreeSet<String>> {
    let known = |name: &str| match name {
        "region" => true,
        "account_id" => place.account.is_some(),
        other => other == column,
    };
    if !collect_columns(filter).iter().all(|c| known(c.name())) {
        return None;
    }
    schema.field_with_name(column).ok()?;
    let rows = values.len();
    let columns: Vec<ArrayRef> = schema
        .fields()
        .iter()
        .map(|field| match field.name().as_str() {
            "region" => Arc::new(StringArray::from(vec![place.region.as_str(); rows])) as ArrayRef,
            "account_id" => Arc::new(StringArray::from(vec![place.account.as_deref(); rows])),
            name if name == column => Arc::new(StringArray::from_iter_values(values)),
            _ => new_null_array(field.data_type(), rows),
        })
        .collect();
    // Every column may be NULL here, whatever the table says of its rows.
    let fields: Vec<Field> = schema
        .fields()
        .iter()
        .map(|f| f.as_ref().clone().with_nullable(true))
        .collect();
    let batch = RecordBatch::try_new(Arc::new(Schema::new(fields)), columns).ok()?;
    let passed = filter.evaluate(&batch).ok()?.into_array(rows).ok()?;
    let passed = passed.as_boolean_opt()?;
    let kept = values
        .iter()
        .enumerate()
        .filter(|(i, _)| passed.is_valid(*i) && passed.value(*i))
        .map(|(_, v)| v.clone());
    Some(kept.collect())
}

/// The columns `expr` references, if it references at least one and every one is in `allowed`.
pub fn referenced_columns(
    expr: &Arc<dyn PhysicalExpr>,
    allowed: &[&'static str],
) -> Option<Vec<&'static str>> {
    let columns = collect_columns(expr);
    if columns.iter().any(|c| !allowed.contains(&c.name())) {
        return None;
    }
    // In the order of `allowed`, so that what is shown of a filter does not vary.
    let names: Vec<&'static str> = allowed
        .iter()
        .copied()
        .filter(|a| columns.iter().any(|c| c.name() == *a))
        .collect();
    (!names.is_empty()).then_some(names)
}

/// The position of `column` among the fields of `expr`, when `expr` is `struct(.., column, ..)`.
fn struct_field_of(expr: &Arc<dyn PhysicalExpr>, column: &str) -> Option<usize> {
    let function = expr.downcast_ref::<ScalarFunctionExpr>()?;
    if function.name() != "struct" {
        return None;
    }
    function.args().iter().position(|a| is_column(a, column))
}

/// Field `field` of a struct literal: `Some(None)` when it is NULL, `None` when `expr` is not a
/// struct literal of strings.
fn struct_literal_field(expr: &Arc<dyn PhysicalExpr>, field: usize) -> Option<Option<String>> {
    let ScalarValue::Struct(array) = expr.downcast_ref::<Literal>()?.value() else {
        return None;
    };
    let value = ScalarValue::try_from_array(array.columns().get(field)?.as_ref(), 0).ok()?;
    match value {
        ScalarValue::Utf8(v) | ScalarValue::LargeUtf8(v) | ScalarValue::Utf8View(v) => Some(v),
        ScalarValue::Null => Some(None),
        _ => None,
    }
}

fn is_column(expr: &Arc<dyn PhysicalExpr>, column: &str) -> bool {
    if let Some(c) = expr.downcast_ref::<Column>() {
        return c.name() == column;
    }
    expr.downcast_ref::<CastExpr>()
        .is_some_and(|cast| is_column(cast.expr(), column))
}

/// `Some(Some(s))` for a string literal, `Some(None)` for a NULL one, `None` otherwise.
fn string_literal(expr: &Arc<dyn PhysicalExpr>) -> Option<Option<String>> {
    match expr.downcast_ref::<Literal>()?.value() {
        ScalarValue::Utf8(v) | ScalarValue::LargeUtf8(v) | ScalarValue::Utf8View(v) => {
            Some(v.clone())
        }
        ScalarValue::Null => Some(None),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::physical_expr::expressions::{col, in_list, lit};

    fn schema() -> Schema {
        Schema::new(vec![
            Field::new("pool_id", DataType::Utf8, false),
            Field::new("user_id", DataType::Utf8, false),
        ])
    }

    fn key() -> Arc<dyn PhysicalExpr> {
        col("pool_id", &schema()).expect("column")
    }

    fn set(values: &[&str]) -> Option<BTreeSet<String>> {
        Some(values.iter().map(|s| s.to_string()).collect())
    }

    fn in_set(values: &[&str]) -> Arc<dyn PhysicalExpr> {
        let list = values.iter().map(|v| lit(*v)).collect();
        in_list(key(), list, &false, &schema()).expect("in list")
    }

    fn binary(
        l: Arc<dyn PhysicalExpr>,
        op: Operator,
        r: Arc<dyn PhysicalExpr>,
    ) -> Arc<dyn PhysicalExpr> {
        Arc::new(BinaryExpr::new(l, op, r))
    }

    /// `struct(pool_id, user_id) IN ((p, u), ...)`, as a join on two keys pushes it.
    fn struct_in_set(rows: &[(&str, Option<&str>)]) -> Arc<dyn PhysicalExpr> {
        use datafusion::arrow::array::{ArrayRef, StringArray, StructArray};
        use datafusion::common::config::ConfigOptions;
        let schema = schema();
        let fields = vec![
            Field::new("c0", DataType::Utf8, true),
            Field::new("c1", DataType::Utf8, true),
        ];
        let function = datafusion::functions::core::r#struct();
        let args = vec![key(), col("user_id", &schema).expect("column")];
        let return_field = Arc::new(Field::new(
            "struct",
            DataType::Struct(fields.clone().into()),
            true,
        ));
        let expr: Arc<dyn PhysicalExpr> = Arc::new(ScalarFunctionExpr::new(
            "struct",
            function,
            args,
            return_field,
            Arc::new(ConfigOptions::default()),
        ));
        let list = rows
            .iter()
            .map(|(pool, user)| {
                let columns: Vec<ArrayRef> = vec![
                    Arc::new(StringArray::from(vec![Some(*pool)])),
                    Arc::new(StringArray::from(vec![*user])),
                ];
                let array = StructArray::new(fields.clone().into(), columns, None);
                lit(ScalarValue::Struct(Arc::new(array)))
            })
            .collect();
        in_list(expr, list, &false, &schema).expect("in list")
    }

    #[test]
    fn struct_lists_of_several_keys_give_each_key_its_values() {
        let both = struct_in_set(&[("a", Some("x")), ("b", None), ("a", Some("y"))]);
        assert_eq!(required_values(&both, "pool_id"), set(&["a", "b"]));
        assert_eq!(required_values(&both, "user_id"), set(&["x", "y"]));
        assert_eq!(required_values(&both, "region"), None);
        assert_eq!(
            referenced_columns(&both, &["pool_id", "user_id"]),
            Some(vec!["pool_id", "user_id"])
        );
        assert_eq!(referenced_columns(&both, &["pool_id"]), None);
    }

    #[test]
    fn in_lists_and_equalities_give_their_values() {
        assert_eq!(
            required_values(&in_set(&["a", "b"]), "pool_id"),
            set(&["a", "b"])
        );
        assert_eq!(required_values(&in_set(&["a"]), "user_id"), None);
        let eq = binary(key(), Operator::Eq, lit("a"));
        assert_eq!(required_values(&eq, "pool_id"), set(&["a"]));
    }

    #[test]
    fn bounds_and_membership_intersect_bounds_alone_do_not_narrow() {
        let bounds = binary(
            binary(key(), Operator::GtEq, lit("a")),
            Operator::And,
            binary(key(), Operator::LtEq, lit("c")),
        );
        assert_eq!(required_values(&bounds, "pool_id"), None);
        let both = binary(bounds, Operator::And, in_set(&["a", "c"]));
        assert_eq!(required_values(&both, "pool_id"), set(&["a", "c"]));
    }

    #[test]
    fn case_over_partitions_is_the_union_of_its_branches() {
        let routing = binary(key(), Operator::Modulo, lit(2u64));
        let case: Arc<dyn PhysicalExpr> = Arc::new(
            CaseExpr::try_new(
                Some(routing.clone()),
                vec![(lit(0u64), in_set(&["a"]))],
                Some(in_set(&["b"])),
            )
            .expect("case"),
        );
        assert_eq!(required_values(&case, "pool_id"), set(&["a", "b"]));
        let with_empty: Arc<dyn PhysicalExpr> = Arc::new(
            CaseExpr::try_new(
                Some(routing),
                vec![(lit(0u64), lit(false))],
                Some(in_set(&["b"])),
            )
            .expect("case"),
        );
        assert_eq!(required_values(&with_empty, "pool_id"), set(&["b"]));
    }

    #[test]
    fn dynamic_filters_are_read_at_their_current_value() {
        let dynamic = Arc::new(DynamicFilterPhysicalExpr::new(vec![key()], lit(true)));
        let expr: Arc<dyn PhysicalExpr> = dynamic.clone();
        assert_eq!(required_values(&expr, "pool_id"), None, "not yet filled in");
        dynamic.update(in_set(&["x"])).expect("updates");
        assert_eq!(required_values(&expr, "pool_id"), set(&["x"]));
        dynamic.update(lit(false)).expect("updates");
        assert_eq!(required_values(&expr, "pool_id"), set(&[]));
        assert_eq!(
            referenced_columns(&expr, &["pool_id", "user_id"]),
            Some(vec!["pool_id"])
        );
        assert_eq!(referenced_columns(&expr, &["user_id"]), None);
    }

    /// `(region = 'us-east-1' AND account_id = '111111111111' AND pool_id IN ('a', 'b')) OR
    /// (region = 'eu-west-1' AND pool_id = 'c')`: a join on a target's columns and a key.
    fn per_target() -> (Schema, Arc<dyn PhysicalExpr>) {
        let schema = Schema::new(vec![
            Field::new("region", DataType::Utf8, false),
            Field::new("account_id", DataType::Utf8, false),
            Field::new("pool_id", DataType::Utf8, false),
            Field::new("user_id", DataType::Utf8, false),
        ]);
        let column = |name: &str| col(name, &schema).expect("column");
        let us = binary(
            binary(column("region"), Operator::Eq, lit("us-east-1")),
            Operator::And,
            binary(
                binary(column("account_id"), Operator::Eq, lit("111111111111")),
                Operator::And,
                in_list(column("pool_id"), vec![lit("a"), lit("b")], &false, &schema)
                    .expect("in list"),
            ),
        );
        let eu = binary(
            binary(column("region"), Operator::Eq, lit("eu-west-1")),
            Operator::And,
            binary(column("pool_id"), Operator::Eq, lit("c")),
        );
        (schema, binary(us, Operator::Or, eu))
    }

    #[test]
    fn a_target_keeps_the_keys_of_its_own_rows() {
        let (schema, filter) = per_target();
        let every = set(&["a", "b", "c"]).expect("a set");
        assert_eq!(
            required_values(&filter, "pool_id"),
            Some(every.clone()),
            "read alone, every target's keys"
        );
        let place = |region: &str, account: Option<&str>| Place {
            account: account.map(String::from),
            ..Place::in_region(region)
        };
        let in_target = |p: &Place| values_in_target(&filter, &schema, p, "pool_id", &every);
        assert_eq!(
            in_target(&place("us-east-1", Some("111111111111"))),
            set(&["a", "b"])
        );
        assert_eq!(
            in_target(&place("us-east-1", Some("222222222222"))),
            set(&[])
        );
        assert_eq!(
            in_target(&place("eu-west-1", Some("222222222222"))),
            set(&["c"])
        );
        assert_eq!(
            in_target(&place("us-east-1", None)),
            None,
            "an account not known yet narrows nothing"
        );
        let other_key = binary(filter.clone(), Operator::And, {
            let user = col("user_id", &schema).expect("column");
            binary(user, Operator::Eq, lit("u"))
        });
        assert_eq!(
            values_in_target(
                &other_key,
                &schema,
                &place("eu-west-1", Some("1")),
                "pool_id",
                &every
            ),
            None,
            "another key's values are unknown here"
        );
    }

    #[test]
    fn or_needs_both_sides_and_negations_do_not_narrow() {
        let or = binary(in_set(&["a"]), Operator::Or, lit(true));
        assert_eq!(required_values(&or, "pool_id"), None);
        let negated = in_list(key(), vec![lit("a")], &true, &schema()).expect("in list");
        assert_eq!(required_values(&negated, "pool_id"), None);
    }
}
