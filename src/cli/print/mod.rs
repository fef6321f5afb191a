//! Printing results: one writer per output format, fed batch by batch as the query streams.
//!
//! `csv`, `json` and `ndjson` write (and flush) each batch as it arrives; `table` has to see
//! every row it shows to size its columns, so it keeps at most `--maxrows` of them.

pub mod csv;
pub mod json;
pub mod table;

use std::fmt;
use std::io::Write;
use std::str::FromStr;

use arrow::array::RecordBatch;
use arrow::datatypes::SchemaRef;
use arrow::error::ArrowError;

/// How results are written to stdout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum OutputFormat {
    /// Aligned columns in boxes, long cells cut (for people).
    #[default]
    Table,
    /// RFC 4180 with one header row.
    Csv,
    /// One JSON array of objects.
    Json,
    /// One JSON object per line.
    Ndjson,
}

impl FromStr for OutputFormat {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        <Self as clap::ValueEnum>::from_str(s, true)
    }
}

impl fmt::Display for OutputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            OutputFormat::Table => "table",
            OutputFormat::Csv => "csv",
            OutputFormat::Json => "json",
            OutputFormat::Ndjson => "ndjson",
        };
        f.write_str(name)
    }
}

/// How a session prints its results.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrintOptions {
    /// The format results are written in.
    pub format: OutputFormat,
    /// Most rows a table shows; `None` shows all.
    pub maxrows: Option<usize>,
    /// No row-count/timing footer.
    pub quiet: bool,
    /// The footer includes the elapsed time.
    pub timing: bool,
}

impl Default for PrintOptions {
    fn default() -> Self {
        Self {
            format: OutputFormat::Table,
            maxrows: None,
            quiet: false,
            timing: true,
        }
    }
}

/// Writes one result, batch by batch, in one format.
pub trait ResultWriter {
    /// Writes (or, for a table, keeps) one batch.
    fn write_batch(&mut self, batch: &RecordBatch) -> Result<(), ArrowError>;
    /// Writes whatever is still owed: the table itself, a CSV header for an empty result, `]`.
    fn finish(&mut self) -> Result<(), ArrowError>;
}

/// A writer of `format` for results of `schema`, writing to `out`.
pub fn writer_for<'a, W: Write + 'a>(
    format: OutputFormat,
    schema: SchemaRef,
    maxrows: Option<usize>,
    out: W,
) -> Box<dyn ResultWriter + 'a> {
    match format {
        OutputFormat::Table => Box::new(table::TableWriter::new(schema, maxrows, out)),
        OutputFormat::Csv => Box::new(csv::CsvWriter::new(schema, out)),
        OutputFormat::Json => Box::new(json::JsonWriter::array(out)),
        OutputFormat::Ndjson => Box::new(json::JsonWriter::lines(out)),
    }
}

#[cfg(test)]
pub(crate) mod test_data {
    //! A small batch with the awkward types of `workspaces_pools`: a UTC timestamp, nulls, and
    //! a list of structs.

    use std::sync::Arc;

    use arrow::array::{
        Int32Array, ListBuilder, RecordBatch, StringArray, StringBuilder, StructBuilder,
        TimestampMicrosecondArray,
    };
    use arrow::datatypes::{DataType, Field, Fields, Schema, TimeUnit};

    pub fn error_fields() -> Fields {
        Fields::from(vec![
            Field::new("error_code", DataType::Utf8, true),
            Field::new("error_message", DataType::Utf8, true),
        ])
    }

    pub fn pools() -> RecordBatch {
        let schema = Schema::new(vec![
            Field::new("pool_name", DataType::Utf8, false),
            Field::new(
                "created_at",
                DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into())),
                false,
            ),
            Field::new("desired_user_sessions", DataType::Int32, true),
            Field::new(
                "errors",
                DataType::List(Arc::new(Field::new(
                    "item",
                    DataType::Struct(error_fields()),
                    true,
                ))),
                true,
            ),
        ]);
        let mut errors = ListBuilder::new(StructBuilder::from_fields(error_fields(), 2));
        // Row 0: one error whose message needs quoting in CSV.
        {
            let item = errors.values();
            item.field_builder::<StringBuilder>(0)
                .unwrap()
                .append_value("IAM_SERVICE_ROLE_MISSING");
            item.field_builder::<StringBuilder>(1)
                .unwrap()
                .append_value("role \"x\", missing");
            item.append(true);
        }
        errors.append(true);
        // Row 1: no errors.
        errors.append(true);
        // Row 2: null list.
        errors.append(false);
        RecordBatch::try_new(
            Arc::new(schema),
            vec![
                Arc::new(StringArray::from(vec![
                    "alpha",
                    "beta, with comma",
                    "gamma",
                ])),
                Arc::new(
                    TimestampMicrosecondArray::from(vec![
                        1_700_000_000_000_000,
                        1_700_000_000_500_000,
                        0,
                    ])
                    .with_timezone("UTC"),
                ),
                Arc::new(Int32Array::from(vec![Some(10), None, Some(0)])),
                Arc::new(errors.finish()),
            ],
        )
        .unwrap()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_case_insensitively() {
        assert_eq!("NDJSON".parse::<OutputFormat>(), Ok(OutputFormat::Ndjson));
        assert!("xml".parse::<OutputFormat>().is_err());
        assert_eq!(OutputFormat::Csv.to_string(), "csv");
    }
}
