//! Functions of Postgres's catalog that clients call while browsing and datafusion-pg-catalog
//! does not have, answered as they are for a database like wsql's: no sequences, one collation.
//!
//! | function | answers | called by |
//! |---|---|---|
//! | `pg_get_serial_sequence(table, column)` | NULL (no column owns a sequence) | SQLAlchemy's `get_columns` |
//! | `pg_collation_is_visible(oid)` | true | SQLAlchemy's `get_columns` |
//! | `json_build_object(k1, v1, ...)` | the object, as JSON text | SQLAlchemy's `get_columns` |
//! | `pg_table_size(oid)` | 0 (nothing is stored: rows come from the API) | psql's `\dt+` |
//! | `pg_size_pretty(bytes)` | `8192 bytes`, `16 kB`, ... as Postgres rounds them | psql's `\dt+` |

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Int64Array, StringArray, StringBuilder, new_null_array,
};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Int64Type};
use datafusion::common::{Result, ScalarValue, plan_err};
use datafusion::logical_expr::{
    ColumnarValue, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature,
    Volatility,
};

use super::json::json_text_field;

/// What one of the functions answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Answer {
    /// `pg_get_serial_sequence`: NULL text.
    NoSequence,
    /// `pg_collation_is_visible`: true.
    Visible,
    /// `json_build_object`: a JSON object of its key/value arguments.
    JsonObject,
    /// `pg_size_pretty`: a size in bytes in words.
    SizePretty,
    /// `pg_table_size`: 0.
    NothingStored,
}

/// One of the functions.
#[derive(Debug, PartialEq, Eq, Hash)]
struct CatalogFunction {
    name: &'static str,
    answer: Answer,
    signature: Signature,
}

/// Every function of this module.
pub fn udfs() -> Vec<ScalarUDF> {
    [
        ("pg_get_serial_sequence", Answer::NoSequence, 2),
        ("pg_collation_is_visible", Answer::Visible, 1),
        ("json_build_object", Answer::JsonObject, 0),
        ("pg_size_pretty", Answer::SizePretty, 1),
        ("pg_table_size", Answer::NothingStored, 1),
    ]
    .into_iter()
    .map(|(name, answer, arguments)| {
        let signature = match arguments {
            0 => Signature::variadic_any(Volatility::Stable),
            n => Signature::any(n, Volatility::Stable),
        };
        ScalarUDF::new_from_impl(CatalogFunction {
            name,
            answer,
            signature,
        })
    })
    .collect()
}

impl ScalarUDFImpl for CatalogFunction {
    fn name(&self) -> &str {
        self.name
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(match self.answer {
            Answer::NoSequence | Answer::JsonObject | Answer::SizePretty => DataType::Utf8,
            Answer::Visible => DataType::Boolean,
            Answer::NothingStored => DataType::Int64,
        })
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        if self.answer == Answer::JsonObject && !args.arg_fields.len().is_multiple_of(2) {
            return plan_err!("json_build_object takes keys and values in pairs");
        }
        let data_type = self.return_type(&[])?;
        Ok(Arc::new(match self.answer {
            Answer::JsonObject => json_text_field(self.name),
            _ => Field::new(self.name, data_type, true),
        }))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let answer: ArrayRef = match self.answer {
            Answer::NoSequence => new_null_array(&DataType::Utf8, rows),
            Answer::Visible => Arc::new(BooleanArray::from(vec![true; rows])),
            Answer::NothingStored => Arc::new(Int64Array::from(vec![0; rows])),
            Answer::JsonObject => {
                let arrays = ColumnarValue::values_to_arrays(&args.args)?;
                let mut objects = StringBuilder::with_capacity(rows, rows * 32);
                for row in 0..rows {
                    let mut object = serde_json::Map::new();
                    for pair in arrays.chunks(2) {
                        let [key, value] = pair else { continue };
                        let key = ScalarValue::try_from_array(key, row)?;
                        let value = ScalarValue::try_from_array(value, row)?;
                        object.insert(text_of(&key), json_of(&value));
                    }
                    objects.append_value(serde_json::Value::Object(object).to_string());
                }
                Arc::new(objects.finish())
            }
            Answer::SizePretty => {
                let arrays = ColumnarValue::values_to_arrays(&args.args)?;
                let sizes = datafusion::arrow::compute::cast(&arrays[0], &DataType::Int64)?;
                let sizes = sizes.as_primitive::<Int64Type>();
                let texts: StringArray = (0..rows)
                    .map(|row| sizes.is_valid(row).then(|| size_pretty(sizes.value(row))))
                    .collect();
                Arc::new(texts)
            }
        };
        Ok(ColumnarValue::Array(answer))
    }
}

/// `bytes` as Postgres's `pg_size_pretty` writes it: bytes below 10240, then kB, MB, GB, TB,
/// each unit while the value stays below 10240 of it, rounded half up.
fn size_pretty(bytes: i64) -> String {
    const UNITS: [&str; 4] = ["kB", "MB", "GB", "TB"];
    if bytes.abs() < 10 * 1024 {
        return format!("{bytes} bytes");
    }
    let mut value = bytes;
    for (index, unit) in UNITS.iter().enumerate() {
        let next = (value + value.signum()) / 2 / 512;
        let last = index == UNITS.len() - 1;
        if next.abs() < 10 * 1024 || last {
            return format!("{next} {unit}");
        }
        value /= 1024;
    }
    format!("{bytes} bytes")
}

/// A scalar as a JSON object's key.
fn text_of(value: &ScalarValue) -> String {
    match value {
        ScalarValue::Utf8(Some(s))
        | ScalarValue::Utf8View(Some(s))
        | ScalarValue::LargeUtf8(Some(s)) => s.clone(),
        other => other.to_string(),
    }
}

/// A scalar as a JSON value: strings, numbers, booleans and NULL as JSON has them, anything
/// else as its text.
fn json_of(value: &ScalarValue) -> serde_json::Value {
    if value.is_null() {
        return serde_json::Value::Null;
    }
    match value {
        ScalarValue::Boolean(Some(b)) => serde_json::Value::Bool(*b),
        ScalarValue::Int8(_)
        | ScalarValue::Int16(_)
        | ScalarValue::Int32(_)
        | ScalarValue::Int64(_)
        | ScalarValue::UInt8(_)
        | ScalarValue::UInt16(_)
        | ScalarValue::UInt32(_)
        | ScalarValue::UInt64(_)
        | ScalarValue::Float32(_)
        | ScalarValue::Float64(_) => serde_json::from_str(&value.to_string())
            .unwrap_or_else(|_| serde_json::Value::String(value.to_string())),
        other => serde_json::Value::String(text_of(other)),
    }
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::AsArray;
    use datafusion::prelude::SessionContext;

    use super::*;

    #[test]
    fn sizes_read_as_postgres_writes_them() {
        assert_eq!(size_pretty(8192), "8192 bytes");
        assert_eq!(size_pretty(10240), "10 kB");
        assert_eq!(size_pretty(20 * 1024 * 1024), "20 MB");
        assert_eq!(size_pretty(0), "0 bytes");
    }

    #[tokio::test]
    async fn the_functions_answer_for_a_database_without_sequences() {
        let ctx = SessionContext::new();
        for udf in udfs() {
            ctx.register_udf(udf);
        }
        let batches = ctx
            .sql(
                "SELECT pg_get_serial_sequence('t', 'c') IS NULL AS no_sequence, \
                 pg_collation_is_visible(100) AS visible, \
                 json_build_object('a', 1, 'b', 'x', 'c', NULL, 'd', true) AS object",
            )
            .await
            .unwrap()
            .collect()
            .await
            .unwrap();
        let row = &batches[0];
        assert!(row.column(0).as_boolean().value(0));
        assert!(row.column(1).as_boolean().value(0));
        assert_eq!(
            row.column(2).as_string::<i32>().value(0),
            r#"{"a":1,"b":"x","c":null,"d":true}"#
        );
    }
}
