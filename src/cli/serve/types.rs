//! What a client receives for a result: the Postgres type of each column and its rows.
//!
//! Scalar columns map as arrow-pg maps them (`Utf8` → `text`, `Int32` → `int4`, `Int64` →
//! `int8`, `Timestamp(µs, UTC)` → `timestamptz`, NULL → NULL). Nested columns (`errors`, a list
//! of structs; `tags`, a map) become `json`: psql prints them, psycopg hands back lists and
//! dicts, JDBC reads them as strings. So do strings marked as JSON text (Arrow's `arrow.json`,
//! what `tags -> 'owner'` answers: [`crate::cli::dialect::json`]). `json` rather than `jsonb`,
//! whose binary form would need a version byte arrow-pg does not write.

use std::sync::Arc;

use datafusion::arrow::datatypes::{Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion_postgres::arrow_pg::datatypes::{arrow_schema_to_pg_fields, encode_recordbatch};
use datafusion_postgres::pgwire::api::Type;
use datafusion_postgres::pgwire::api::portal::Format;
use datafusion_postgres::pgwire::api::results::FieldInfo;
use datafusion_postgres::pgwire::error::{PgWireError, PgWireResult};
use datafusion_postgres::pgwire::messages::data::DataRow;
use datafusion_postgres::pgwire::types::format::FormatOptions;

use crate::cli::dialect::json::is_json_text;
use crate::cli::json_text::nested_as_json;

/// Whether a column is sent as `json`: nested, or JSON text.
fn is_json(field: &Field) -> bool {
    field.data_type().is_nested() || is_json_text(field)
}

/// The Postgres fields of a result with `schema`, each in the format the client asked for.
pub fn pg_fields(
    schema: &Schema,
    format: &Format,
    options: Arc<FormatOptions>,
) -> PgWireResult<Vec<FieldInfo>> {
    let flat = Schema::new(
        schema
            .fields()
            .iter()
            .map(|field| match field.data_type().is_nested() {
                true => Arc::new(
                    field
                        .as_ref()
                        .clone()
                        .with_data_type(datafusion::arrow::datatypes::DataType::Utf8),
                ),
                false => Arc::clone(field),
            })
            .collect::<Vec<_>>(),
    );
    let mut fields = arrow_schema_to_pg_fields(&flat, format, Some(options))?;
    for (index, field) in schema.fields().iter().enumerate() {
        if is_json(field) {
            let info = &fields[index];
            fields[index] = FieldInfo::new(
                info.name().to_string(),
                None,
                None,
                Type::JSON,
                info.format(),
            )
            .with_format_options(Arc::clone(info.format_options()));
        }
    }
    Ok(fields)
}

/// The rows of `batch`, encoded for a result with `fields` (from [`pg_fields`]).
pub fn data_rows(
    fields: &Arc<Vec<FieldInfo>>,
    batch: &RecordBatch,
) -> PgWireResult<impl Iterator<Item = PgWireResult<DataRow>> + Send + use<>> {
    let flat = nested_as_json(batch).map_err(|e| PgWireError::ApiError(Box::new(e)))?;
    Ok(encode_recordbatch(Arc::clone(fields), flat))
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::datatypes::{DataType, Field, Fields, TimeUnit};
    use datafusion_postgres::pgwire::api::results::FieldFormat;

    use super::*;

    fn schema() -> Schema {
        let error = Fields::from(vec![
            Field::new("error_code", DataType::Utf8, true),
            Field::new("error_message", DataType::Utf8, true),
        ]);
        Schema::new(vec![
            Field::new("pool_id", DataType::Utf8, false),
            Field::new("desired_user_sessions", DataType::Int32, false),
            Field::new("pools", DataType::Int64, false),
            Field::new(
                "created_at",
                DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
                false,
            ),
            Field::new(
                "errors",
                DataType::List(Arc::new(Field::new("item", DataType::Struct(error), true))),
                true,
            ),
        ])
    }

    #[test]
    fn columns_get_the_types_clients_read() {
        let fields = pg_fields(
            &schema(),
            &Format::UnifiedBinary,
            Arc::new(FormatOptions::default()),
        )
        .unwrap();
        let types: Vec<&Type> = fields.iter().map(FieldInfo::datatype).collect();
        assert_eq!(
            types,
            vec![
                &Type::TEXT,
                &Type::INT4,
                &Type::INT8,
                &Type::TIMESTAMPTZ,
                &Type::JSON
            ]
        );
        assert!(fields.iter().all(|f| f.format() == FieldFormat::Binary));
        assert_eq!(fields[4].name(), "errors");
    }

    #[test]
    fn json_text_is_sent_as_json() {
        let schema = Schema::new(vec![
            crate::cli::dialect::json::json_text_field("owner"),
            Field::new("name", DataType::Utf8, true),
        ]);
        let fields = pg_fields(
            &schema,
            &Format::UnifiedText,
            Arc::new(FormatOptions::default()),
        )
        .unwrap();
        assert_eq!(fields[0].datatype(), &Type::JSON);
        assert_eq!(fields[1].datatype(), &Type::TEXT);
    }

    #[test]
    fn nested_values_are_sent_as_json_text() {
        let batch = crate::cli::print::test_data::pools();
        let fields = pg_fields(
            &batch.schema(),
            &Format::UnifiedText,
            Arc::new(FormatOptions::default()),
        )
        .unwrap();
        let rows: Vec<DataRow> = data_rows(&Arc::new(fields), &batch)
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(rows.len(), batch.num_rows());
        let text = String::from_utf8_lossy(&rows[0].data).to_string();
        assert!(text.contains(r#"[{"error_code":"#), "{text}");
    }
}
