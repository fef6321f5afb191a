//! Nested values (lists, structs, maps) as JSON text, for every front end that shows only flat
//! text: the csv and table printers, and `wsql serve`, which sends them as Postgres `json`.

use std::sync::Arc;

use arrow::array::{Array, ArrayRef, RecordBatch, StringBuilder};
use arrow::datatypes::{DataType, Field, Schema};
use arrow::error::ArrowError;
use arrow::json::writer::{EncoderOptions, make_encoder};

/// `batch` with every list, struct and map column replaced by a string column holding each
/// value as JSON, for the formats that only hold flat text (csv, table).
pub fn nested_as_json(batch: &RecordBatch) -> Result<RecordBatch, ArrowError> {
    let schema = batch.schema();
    if !schema.fields().iter().any(|f| f.data_type().is_nested()) {
        return Ok(batch.clone());
    }
    let mut fields = Vec::with_capacity(schema.fields().len());
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(schema.fields().len());
    for (field, column) in schema.fields().iter().zip(batch.columns()) {
        if field.data_type().is_nested() {
            fields.push(Field::new(field.name(), DataType::Utf8, true));
            columns.push(json_strings(field, column.as_ref())?);
        } else {
            fields.push(field.as_ref().clone());
            columns.push(Arc::clone(column));
        }
    }
    RecordBatch::try_new(Arc::new(Schema::new(fields)), columns)
}

/// Each value of `array` encoded as JSON text (nulls stay null).
fn json_strings(field: &Arc<Field>, array: &dyn Array) -> Result<ArrayRef, ArrowError> {
    let options = EncoderOptions::default().with_explicit_nulls(true);
    let mut encoder = make_encoder(field, array, &options)?;
    let mut strings = StringBuilder::with_capacity(array.len(), array.len() * 16);
    let mut buffer = Vec::new();
    for row in 0..array.len() {
        if encoder.is_null(row) {
            strings.append_null();
            continue;
        }
        buffer.clear();
        encoder.encode(row, &mut buffer);
        let text = std::str::from_utf8(&buffer)
            .map_err(|e| ArrowError::JsonError(format!("non-UTF-8 JSON: {e}")))?;
        strings.append_value(text);
    }
    Ok(Arc::new(strings.finish()))
}

#[cfg(test)]
mod tests {
    use arrow::array::AsArray;

    use super::*;
    use crate::cli::print::test_data;

    #[test]
    fn nested_columns_become_json_text() {
        let batch = nested_as_json(&test_data::pools()).unwrap();
        assert_eq!(batch.schema().field(3).data_type(), &DataType::Utf8);
        let errors = batch.column(3).as_string::<i32>();
        assert_eq!(
            errors.value(0),
            r#"[{"error_code":"IAM_SERVICE_ROLE_MISSING","error_message":"role \"x\", missing"}]"#
        );
        assert_eq!(errors.value(1), "[]");
        assert!(errors.is_null(2));
        // Flat columns are untouched.
        assert_eq!(
            batch.column(0).as_ref(),
            test_data::pools().column(0).as_ref()
        );
    }
}
