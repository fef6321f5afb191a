//! Running scripts on the command line: split the text, run each statement through the one
//! statement runner ([`Statement`]), stream its batches to the printer, then the footer, the
//! warnings it left and, with `--debug`, its report. Errors come back whole; the command line's
//! [`Error`](crate::cli::errors::Error) makes the one line a user sees.

use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::error::{DataFusionError, Result};
use datafusion::prelude::SessionContext;
use futures::StreamExt;

use crate::Library;
use crate::cli::print::{self, OutputFormat, PrintOptions};
use crate::cli::progress_line::ProgressLine;
use crate::cli::session::{CatalogNames, catalog_names};
use crate::cli::split::split_statements;
use crate::cli::statement::{Statement, debug_report};

/// A session of the command line: the statements of `-c`, `-f`, `--report` and the REPL, with
/// how they print.
pub struct Shell {
    ctx: SessionContext,
    library: Library,
    /// Output format, row cap, footer; the REPL's `\format` and `\timing` change it.
    pub options: PrintOptions,
    /// `--debug`: after each statement, its plan, per-target pages and timings on stderr.
    debug: bool,
}

/// How a cancellable run ended.
#[derive(Debug)]
pub enum Outcome {
    /// Every statement ran.
    Done,
    /// A statement failed; the ones after it did not run.
    Failed(DataFusionError),
    /// Ctrl-C stopped the running statement.
    Cancelled,
}

impl Shell {
    /// A shell querying `ctx` (built by [`crate::cli::session::build`] over `library`).
    pub fn new(ctx: SessionContext, library: Library, options: PrintOptions) -> Self {
        Self {
            ctx,
            library,
            options,
            debug: false,
        }
    }

    /// With `true`, each statement is followed by its debug report on stderr.
    pub fn with_debug(mut self, debug: bool) -> Self {
        self.debug = debug;
        self
    }

    /// The library whose tables the shell queries (for `\cache`).
    pub fn library(&self) -> &Library {
        &self.library
    }

    /// Runs every statement of `sql` in order, stopping at the first that fails.
    pub async fn run_script(&self, sql: &str) -> Result<()> {
        for statement in split_statements(sql) {
            self.run_statement(&statement).await?;
        }
        Ok(())
    }

    /// Like [`Shell::run_script`], but Ctrl-C stops the running statement (dropping its
    /// stream, which stops its API calls) instead of the process.
    pub async fn run_cancellable(&self, sql: &str) -> Outcome {
        tokio::select! {
            result = self.run_script(sql) => match result {
                Ok(()) => Outcome::Done,
                Err(error) => Outcome::Failed(error),
            },
            _ = tokio::signal::ctrl_c() => Outcome::Cancelled,
        }
    }

    /// Runs one statement, then prints the warnings it left (targets left out under
    /// `--on-region-error warn`) and, with `--debug`, its report.
    async fn run_statement(&self, sql: &str) -> Result<()> {
        let started = Instant::now();
        let statement = match Statement::from_sql(&self.ctx, sql).await {
            Ok(statement) => statement,
            Err(error) => {
                if self.debug {
                    eprint!("{}", debug_report(None, &[], started.elapsed()));
                }
                return Err(error);
            }
        };
        let result = self.print(&statement).await;
        for warning in statement.warnings() {
            eprintln!("warning: {warning}");
        }
        if self.debug {
            eprint!("{}", statement.debug_report());
        }
        result
    }

    /// Streams `statement`'s batches to stdout in the shell's format, then its footer.
    async fn print(&self, statement: &Statement) -> Result<()> {
        let progress_line = ProgressLine::start(Arc::clone(statement.plan()));
        let mut stream = statement.execute()?;
        let schema = stream.schema();
        let streams_output = self.options.format != OutputFormat::Table;
        // Statements without columns (CREATE, SET) print nothing but their footer, in any format.
        let mut writer = (!schema.fields().is_empty()).then(|| {
            print::writer_for(
                self.options.format,
                Arc::clone(&schema),
                self.options.maxrows,
                std::io::stdout(),
            )
        });
        let mut rows = 0;
        while let Some(batch) = stream.next().await {
            let batch = batch?;
            if streams_output && batch.num_rows() > 0 {
                // Output is about to start: the progress line must be gone for good.
                if let Some(line) = &progress_line {
                    line.stop();
                }
            }
            rows += batch.num_rows();
            if let Some(writer) = &mut writer {
                writer.write_batch(&batch)?;
            }
        }
        if let Some(line) = &progress_line {
            line.stop();
        }
        if let Some(writer) = &mut writer {
            writer.finish()?;
        }
        if !self.options.quiet {
            eprintln!(
                "{}",
                footer(
                    &schema,
                    rows,
                    statement.started().elapsed(),
                    self.options.timing
                )
            );
        }
        Ok(())
    }

    /// The names of every table and column of the session, for completion.
    pub async fn catalog_names(&self) -> CatalogNames {
        catalog_names(&self.ctx).await
    }

    /// The schema of table `name`, or `None` if the session has no such table.
    pub async fn table_schema(&self, name: &str) -> Option<SchemaRef> {
        let provider = self.ctx.table_provider(name).await.ok()?;
        Some(provider.schema())
    }
}

/// `3 rows in 0.012 s`; `OK in 0.004 s` for statements without columns (CREATE, SET).
pub fn footer(schema: &SchemaRef, rows: usize, elapsed: Duration, timing: bool) -> String {
    let what = if schema.fields().is_empty() {
        "OK".to_string()
    } else {
        format!("{rows} {}", if rows == 1 { "row" } else { "rows" })
    };
    if timing {
        format!("{what} in {:.3} s", elapsed.as_secs_f64())
    } else {
        what
    }
}

#[cfg(test)]
mod tests {
    use arrow::datatypes::{DataType, Field, Schema};

    use super::*;

    #[test]
    fn footers() {
        let schema = Arc::new(Schema::new(vec![Field::new("a", DataType::Int32, true)]));
        let elapsed = Duration::from_millis(1234);
        assert_eq!(footer(&schema, 1, elapsed, true), "1 row in 1.234 s");
        assert_eq!(footer(&schema, 3, elapsed, false), "3 rows");
        assert_eq!(
            footer(&Arc::new(Schema::empty()), 0, elapsed, true),
            "OK in 1.234 s"
        );
    }
}
