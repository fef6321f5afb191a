//! The `csv` format: RFC 4180 quoting (quotes doubled) with LF line ends, as datafusion-cli,
//! `psql --csv` and Steampipe write and Unix tools expect, and one header row, written and flushed
//! batch by batch; timestamps as RFC 3339, lists and structs as JSON text, nulls empty.

use std::io::Write;

use arrow::array::RecordBatch;
use arrow::csv::writer::WriterBuilder;
use arrow::datatypes::SchemaRef;
use arrow::error::ArrowError;

use super::ResultWriter;
use crate::cli::json_text::nested_as_json;

/// Streams batches as CSV; the header comes with the first batch (or at the end if none came).
pub struct CsvWriter<W: Write> {
    schema: SchemaRef,
    header_written: bool,
    out: W,
}

impl<W: Write> CsvWriter<W> {
    /// A CSV writer for results of `schema`.
    pub fn new(schema: SchemaRef, out: W) -> Self {
        Self {
            schema,
            header_written: false,
            out,
        }
    }
}

impl<W: Write> ResultWriter for CsvWriter<W> {
    fn write_batch(&mut self, batch: &RecordBatch) -> Result<(), ArrowError> {
        if batch.num_rows() == 0 && self.header_written {
            return Ok(());
        }
        // arrow's writer buffers inside the csv crate until dropped, so each batch gets its own
        // short-lived writer over a buffer that is then written out and flushed.
        let mut buffer = Vec::new();
        {
            let mut writer = WriterBuilder::new()
                .with_header(!self.header_written)
                .build(&mut buffer);
            writer.write(&nested_as_json(batch)?)?;
        }
        self.header_written = true;
        self.out.write_all(&buffer)?;
        self.out.flush()?;
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ArrowError> {
        if !self.header_written && !self.schema.fields().is_empty() {
            self.write_batch(&RecordBatch::new_empty(self.schema.clone()))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::print::test_data;

    #[test]
    fn one_header_then_rows_across_batches() {
        let batch = test_data::pools();
        let mut out = Vec::new();
        let mut writer = CsvWriter::new(batch.schema(), &mut out);
        writer.write_batch(&batch.slice(0, 2)).unwrap();
        writer.write_batch(&batch.slice(2, 1)).unwrap();
        writer.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        let expected = "pool_name,created_at,desired_user_sessions,errors\n\
            alpha,2023-11-14T22:13:20Z,10,\"[{\"\"error_code\"\":\"\"IAM_SERVICE_ROLE_MISSING\"\",\"\"error_message\"\":\"\"role \\\"\"x\\\"\", missing\"\"}]\"\n\
            \"beta, with comma\",2023-11-14T22:13:20.500Z,,[]\n\
            gamma,1970-01-01T00:00:00Z,0,\n";
        assert_eq!(text, expected);
    }

    #[test]
    fn empty_result_still_has_its_header() {
        let batch = test_data::pools();
        let mut out = Vec::new();
        let mut writer = CsvWriter::new(batch.schema(), &mut out);
        writer.finish().unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "pool_name,created_at,desired_user_sessions,errors\n"
        );
    }
}
