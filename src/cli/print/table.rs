//! The `table` format: aligned columns in ASCII boxes, numbers right-aligned, long cells cut
//! with `…`, lists and structs as JSON, and a note saying how many rows `--maxrows` held back.
//! An `EXPLAIN` answer is the exception: its plans are shown whole, one plan line a table line,
//! since a cut plan hides the requests and metrics it is read for.

use std::io::Write;

use arrow::array::RecordBatch;
use arrow::datatypes::{DataType, SchemaRef};
use arrow::error::ArrowError;
use arrow::util::display::{ArrayFormatter, FormatOptions};

use super::ResultWriter;
use crate::cli::json_text::nested_as_json;

/// Widest a cell is shown, in characters; longer ones end in `…`.
pub const MAX_CELL_WIDTH: usize = 48;

/// Keeps up to `maxrows` rows as text, then prints them as one table.
pub struct TableWriter<W: Write> {
    schema: SchemaRef,
    maxrows: Option<usize>,
    rows: Vec<Vec<String>>,
    hidden: usize,
    out: W,
}

impl<W: Write> TableWriter<W> {
    /// A table of `schema`'s columns showing at most `maxrows` rows.
    pub fn new(schema: SchemaRef, maxrows: Option<usize>, out: W) -> Self {
        Self {
            schema,
            maxrows,
            rows: Vec::new(),
            hidden: 0,
            out,
        }
    }
}

impl<W: Write> ResultWriter for TableWriter<W> {
    fn write_batch(&mut self, batch: &RecordBatch) -> Result<(), ArrowError> {
        let room = self
            .maxrows
            .map_or(usize::MAX, |max| max.saturating_sub(self.rows.len()));
        let shown = batch.num_rows().min(room);
        self.hidden += batch.num_rows() - shown;
        if shown == 0 {
            return Ok(());
        }
        let batch = nested_as_json(&batch.slice(0, shown))?;
        let options = FormatOptions::default().with_null("NULL");
        let formatters = batch
            .columns()
            .iter()
            .map(|column| ArrayFormatter::try_new(column.as_ref(), &options))
            .collect::<Result<Vec<_>, _>>()?;
        for row in 0..shown {
            self.rows.push(
                formatters
                    .iter()
                    .map(|f| f.value(row).to_string())
                    .collect(),
            );
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<(), ArrowError> {
        // Statements without columns (CREATE, SET) have nothing to draw.
        if self.schema.fields().is_empty() {
            return Ok(());
        }
        let headers: Vec<String> = self
            .schema
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .collect();
        let right_align: Vec<bool> = self
            .schema
            .fields()
            .iter()
            .map(|f| is_numeric(f.data_type()))
            .collect();
        let mut text = match is_explain(&self.schema) {
            true => render_whole(&headers, &self.rows),
            false => render_table(&headers, &self.rows, &right_align),
        };
        if self.hidden > 0 {
            text.push_str(&format!(
                "({} more {} not shown: showing the first {}; raise --maxrows to see more)\n",
                self.hidden,
                if self.hidden == 1 { "row" } else { "rows" },
                self.rows.len()
            ));
        }
        self.out.write_all(text.as_bytes())?;
        self.out.flush()?;
        Ok(())
    }
}

fn is_numeric(data_type: &DataType) -> bool {
    data_type.is_numeric()
}

/// Whether `schema` is that of an `EXPLAIN` answer (`plan_type`, `plan`).
fn is_explain(schema: &SchemaRef) -> bool {
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    names == ["plan_type", "plan"]
}

/// Draws `rows` under `headers` in a box; every cell is cleaned and cut to [`MAX_CELL_WIDTH`].
pub fn render_table(headers: &[String], rows: &[Vec<String>], right_align: &[bool]) -> String {
    let headers: Vec<String> = headers.iter().map(|h| fit_cell(h)).collect();
    let rows: Vec<Vec<String>> = rows
        .iter()
        .map(|row| row.iter().map(|cell| fit_cell(cell)).collect())
        .collect();
    draw(&headers, &rows, right_align)
}

/// Draws `rows` under `headers` with no cell cut: a cell of several lines spans as many table
/// lines (the other cells of its row blank below their first line).
fn render_whole(headers: &[String], rows: &[Vec<String>]) -> String {
    let mut lines: Vec<Vec<String>> = Vec::new();
    for row in rows {
        let cells: Vec<Vec<&str>> = row.iter().map(|cell| cell.lines().collect()).collect();
        let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
        for i in 0..height {
            let line = cells
                .iter()
                .map(|cell| {
                    cell.get(i)
                        .map_or(String::new(), |l| l.replace('\t', "    "))
                })
                .collect();
            lines.push(line);
        }
    }
    draw(headers, &lines, &[])
}

/// The box around `rows` under `headers`, cells as they are.
fn draw(headers: &[String], rows: &[Vec<String>], right_align: &[bool]) -> String {
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let rule = {
        let mut rule = String::from("+");
        for width in &widths {
            rule.push_str(&"-".repeat(width + 2));
            rule.push('+');
        }
        rule.push('\n');
        rule
    };
    let line = |cells: &[String], align: &dyn Fn(usize) -> bool| {
        let mut line = String::from("|");
        for (column, (cell, width)) in cells.iter().zip(&widths).enumerate() {
            let pad = " ".repeat(width - cell.chars().count());
            if align(column) {
                line.push_str(&format!(" {pad}{cell} |"));
            } else {
                line.push_str(&format!(" {cell}{pad} |"));
            }
        }
        line.push('\n');
        line
    };
    let mut text = rule.clone();
    text.push_str(&line(headers, &|_| false));
    text.push_str(&rule);
    for row in rows {
        text.push_str(&line(row, &|column| {
            right_align.get(column).copied().unwrap_or(false)
        }));
    }
    if !rows.is_empty() {
        text.push_str(&rule);
    }
    text
}

/// `cell` on one line (control characters escaped) and at most [`MAX_CELL_WIDTH`] characters.
pub fn fit_cell(cell: &str) -> String {
    let mut clean = String::with_capacity(cell.len());
    for c in cell.chars() {
        match c {
            '\n' => clean.push_str("\\n"),
            '\r' => clean.push_str("\\r"),
            '\t' => clean.push_str("\\t"),
            c if c.is_control() => clean.push('?'),
            c => clean.push(c),
        }
    }
    if clean.chars().count() <= MAX_CELL_WIDTH {
        return clean;
    }
    let mut cut: String = clean.chars().take(MAX_CELL_WIDTH - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::print::test_data;

    fn render(batch: &RecordBatch, maxrows: Option<usize>) -> String {
        let mut out = Vec::new();
        let mut writer = TableWriter::new(batch.schema(), maxrows, &mut out);
        writer.write_batch(batch).unwrap();
        writer.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn draws_aligned_boxes_with_json_and_rfc3339() {
        let text = render(&test_data::pools(), None);
        let expected = r#"
+------------------+--------------------------+-----------------------+--------------------------------------------------+
| pool_name        | created_at               | desired_user_sessions | errors                                           |
+------------------+--------------------------+-----------------------+--------------------------------------------------+
| alpha            | 2023-11-14T22:13:20Z     |                    10 | [{"error_code":"IAM_SERVICE_ROLE_MISSING","erro… |
| beta, with comma | 2023-11-14T22:13:20.500Z |                  NULL | []                                               |
| gamma            | 1970-01-01T00:00:00Z     |                     0 | NULL                                             |
+------------------+--------------------------+-----------------------+--------------------------------------------------+
"#;
        assert_eq!(text, &expected[1..]);
    }

    #[test]
    fn maxrows_keeps_the_first_rows_and_counts_the_rest() {
        let batch = test_data::pools();
        let text = render(&batch, Some(1));
        assert!(text.contains("| alpha "));
        assert!(!text.contains("gamma"));
        assert!(text.ends_with(
            "(2 more rows not shown: showing the first 1; raise --maxrows to see more)\n"
        ));
        // Across batches too.
        let mut out = Vec::new();
        let mut writer = TableWriter::new(batch.schema(), Some(4), &mut out);
        writer.write_batch(&batch).unwrap();
        writer.write_batch(&batch).unwrap();
        writer.finish().unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(text.matches("| alpha ").count(), 2);
        assert!(text.contains("(2 more rows not shown: showing the first 4;"));
    }

    #[test]
    fn empty_result_shows_headers_and_no_columns_shows_nothing() {
        let batch = test_data::pools().slice(0, 0);
        let text = render(&batch, None);
        assert_eq!(text.lines().count(), 3);
        assert!(text.contains("| pool_name |"));
        let empty = RecordBatch::new_empty(std::sync::Arc::new(arrow::datatypes::Schema::empty()));
        assert_eq!(render(&empty, None), "");
    }

    #[test]
    fn explain_plans_are_shown_whole() {
        use arrow::array::StringArray;
        use arrow::datatypes::{Field, Schema};
        let schema = std::sync::Arc::new(Schema::new(vec![
            Field::new("plan_type", DataType::Utf8, false),
            Field::new("plan", DataType::Utf8, false),
        ]));
        let plan = format!("ProjectionExec\n  ScanExec: {}", "x".repeat(100));
        let batch = RecordBatch::try_new(
            schema,
            vec![
                std::sync::Arc::new(StringArray::from(vec!["physical_plan"])),
                std::sync::Arc::new(StringArray::from(vec![plan.as_str()])),
            ],
        )
        .unwrap();
        let text = render(&batch, None);
        assert!(text.contains("| physical_plan | ProjectionExec "), "{text}");
        assert!(
            text.contains(&format!(
                "|               |   ScanExec: {} |",
                "x".repeat(100)
            )),
            "{text}"
        );
        assert!(!text.contains('…'));
    }

    #[test]
    fn cells_are_cleaned_and_cut() {
        assert_eq!(fit_cell("a\nb\tc"), "a\\nb\\tc");
        let long = "é".repeat(MAX_CELL_WIDTH + 5);
        let cut = fit_cell(&long);
        assert_eq!(cut.chars().count(), MAX_CELL_WIDTH);
        assert!(cut.ends_with('…'));
        assert_eq!(
            fit_cell(&"x".repeat(MAX_CELL_WIDTH)).chars().count(),
            MAX_CELL_WIDTH
        );
    }
}
