//! The `json` (one array of objects) and `ndjson` (one object per line) formats, written and
//! flushed batch by batch. Every column appears in every object, null or not; timestamps are
//! RFC 3339 strings; lists and structs are JSON arrays and objects.

use std::io::Write;

use arrow::array::RecordBatch;
use arrow::error::ArrowError;
use arrow::json::writer::{JsonArray, JsonFormat, LineDelimited, Writer, WriterBuilder};

use super::ResultWriter;

/// Streams batches as JSON in the shape of `F`.
pub struct JsonWriter<W: Write, F: JsonFormat> {
    writer: Writer<W, F>,
    /// An array ends with a newline so the shell prompt starts on its own line.
    newline_at_end: bool,
}

impl<W: Write> JsonWriter<W, JsonArray> {
    /// `[{...},{...}]`, `[]` for no rows.
    pub fn array(out: W) -> Self {
        Self {
            writer: WriterBuilder::new().with_explicit_nulls(true).build(out),
            newline_at_end: true,
        }
    }
}

impl<W: Write> JsonWriter<W, LineDelimited> {
    /// `{...}\n{...}\n`, nothing for no rows.
    pub fn lines(out: W) -> Self {
        Self {
            writer: WriterBuilder::new().with_explicit_nulls(true).build(out),
            newline_at_end: false,
        }
    }
}

impl<W: Write, F: JsonFormat> ResultWriter for JsonWriter<W, F> {
    fn write_batch(&mut self, batch: &RecordBatch) -> Result<(), ArrowError> {
        self.writer.write(batch)?;
        self.writer.get_mut().flush()?;
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ArrowError> {
        self.writer.finish()?;
        if self.newline_at_end {
            self.writer.get_mut().write_all(b"\n")?;
        }
        self.writer.get_mut().flush()?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::cli::print::test_data;

    fn expected_rows() -> Vec<Value> {
        vec![
            json!({"pool_name": "alpha", "created_at": "2023-11-14T22:13:20Z",
                   "desired_user_sessions": 10,
                   "errors": [{"error_code": "IAM_SERVICE_ROLE_MISSING",
                               "error_message": "role \"x\", missing"}]}),
            json!({"pool_name": "beta, with comma", "created_at": "2023-11-14T22:13:20.500Z",
                   "desired_user_sessions": null, "errors": []}),
            json!({"pool_name": "gamma", "created_at": "1970-01-01T00:00:00Z",
                   "desired_user_sessions": 0, "errors": null}),
        ]
    }

    #[test]
    fn array_of_objects_across_batches() {
        let batch = test_data::pools();
        let mut out = Vec::new();
        let mut writer = JsonWriter::array(&mut out);
        writer.write_batch(&batch.slice(0, 1)).unwrap();
        writer.write_batch(&batch.slice(1, 2)).unwrap();
        writer.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with("]\n"));
        let parsed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(parsed, Value::Array(expected_rows()));
    }

    #[test]
    fn empty_array() {
        let mut out = Vec::new();
        let mut writer = JsonWriter::array(&mut out);
        writer.finish().unwrap();
        assert_eq!(out, b"[]\n");
    }

    #[test]
    fn one_object_per_line() {
        let batch = test_data::pools();
        let mut out = Vec::new();
        let mut writer = JsonWriter::lines(&mut out);
        writer.write_batch(&batch).unwrap();
        writer.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<Value> = text
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(rows, expected_rows());
    }
}
