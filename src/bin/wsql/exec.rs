//! Running statements: split the text, plan each statement, stream its batches to the printer,
//! then the footer. Errors come back whole; [`crate::errors::error_line`] makes the one line a
//! user sees. What a statement's scans did (progress, warnings, `--debug`) is read from its own
//! plan ([`ScanReport`]), never from state shared with other statements.

use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::error::{DataFusionError, Result};
use datafusion::physical_plan::display::DisplayableExecutionPlan;
use datafusion::physical_plan::{ExecutionPlan, execute_stream};
use datafusion::prelude::{SessionConfig, SessionContext};
use futures::StreamExt;
use wsql::{Library, ScanReport, TargetProgress};

use crate::print::{self, OutputFormat, PrintOptions};
use crate::progress_line::{ProgressLine, target_labels};
use crate::statements::split_statements;

/// A SQL session over the library's tables, with how it prints.
pub struct Session {
    ctx: SessionContext,
    library: Library,
    /// Output format, row cap, footer; the REPL's `\format` and `\timing` change it.
    pub options: PrintOptions,
    /// `--debug`: after each statement, its plan, per-region pages and timings on stderr.
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

/// Names the session's tables and columns, for completion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogNames {
    /// Every table name.
    pub tables: Vec<String>,
    /// Every column name of every table, once each.
    pub columns: Vec<String>,
}

impl Session {
    /// A session with every table of `library` registered. `CREATE EXTERNAL TABLE` over local
    /// files and `COPY ... TO` a local file work as in any DataFusion session.
    pub fn new(library: Library, options: PrintOptions) -> Result<Self> {
        let config = SessionConfig::new().with_information_schema(true);
        let ctx = SessionContext::new_with_config(config);
        library.register(&ctx)?;
        Ok(Self {
            ctx,
            library,
            options,
            debug: false,
        })
    }

    /// With `true`, each statement is followed by its [`debug_report`] on stderr.
    pub fn with_debug(mut self, debug: bool) -> Self {
        self.debug = debug;
        self
    }

    /// The library whose tables the session queries (for `\cache`).
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

    /// Like [`Session::run_script`], but Ctrl-C stops the running statement (dropping its
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

    /// Runs one statement, then prints the warnings it left (regions left out under
    /// `--on-region-error warn`) and, with `--debug`, its [`debug_report`].
    async fn run_statement(&self, sql: &str) -> Result<()> {
        let started = Instant::now();
        let mut plan = None;
        let result = self.execute_and_print(sql, started, &mut plan).await;
        let report = plan.as_ref().map(ScanReport::of).unwrap_or_default();
        for warning in &report.warnings {
            eprintln!("warning: {warning}");
        }
        if self.debug {
            eprint!(
                "{}",
                debug_report(plan.as_deref(), &report.scans, started.elapsed())
            );
        }
        result
    }

    async fn execute_and_print(
        &self,
        sql: &str,
        started: Instant,
        plan: &mut Option<Arc<dyn ExecutionPlan>>,
    ) -> Result<()> {
        let frame = self.ctx.sql(sql).await?;
        let task_ctx = Arc::new(frame.task_ctx());
        let physical = frame.create_physical_plan().await?;
        *plan = Some(Arc::clone(&physical));
        let progress_line = ProgressLine::start(Arc::clone(&physical));
        let mut stream = execute_stream(physical, task_ctx)?;
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
                footer(&schema, rows, started.elapsed(), self.options.timing)
            );
        }
        Ok(())
    }

    /// The names of every table and column of the session, for completion.
    pub async fn catalog_names(&self) -> CatalogNames {
        let mut names = CatalogNames::default();
        for catalog_name in self.ctx.catalog_names() {
            let Some(catalog) = self.ctx.catalog(&catalog_name) else {
                continue;
            };
            for schema_name in catalog.schema_names() {
                if schema_name == "information_schema" {
                    continue;
                }
                let Some(schema) = catalog.schema(&schema_name) else {
                    continue;
                };
                for table_name in schema.table_names() {
                    if let Ok(Some(table)) = schema.table(&table_name).await {
                        for field in table.schema().fields() {
                            if !names.columns.contains(field.name()) {
                                names.columns.push(field.name().clone());
                            }
                        }
                    }
                    names.tables.push(table_name);
                }
            }
        }
        names.tables.sort();
        names.columns.sort();
        names
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

/// What `--debug` prints after a statement: the physical plan with its metrics (the scans show
/// the requests they sent), the pages, rows and time of each table in each region, and the
/// statement's time. Every line starts with `debug:`. Settings and credentials are never part of
/// it.
pub fn debug_report(
    plan: Option<&dyn ExecutionPlan>,
    scans: &[TargetProgress],
    elapsed: Duration,
) -> String {
    let mut report = String::new();
    match plan {
        Some(plan) => {
            report.push_str("debug: physical plan:\n");
            let text = DisplayableExecutionPlan::with_metrics(plan)
                .indent(true)
                .to_string();
            for line in text.lines() {
                report.push_str(&format!("debug:   {line}\n"));
            }
        }
        None => report.push_str("debug: no physical plan (the statement failed to plan)\n"),
    }
    for (scan, target) in scans.iter().zip(target_labels(scans)) {
        let took = scan.elapsed.map_or_else(
            || "still running".to_string(),
            |e| format!("{:.3} s", e.as_secs_f64()),
        );
        report.push_str(&format!(
            "debug: {} in {}: {} page(s), {} row(s), {} call(s), {} retr{}, {took}\n",
            scan.table,
            target,
            scan.pages,
            scan.rows,
            scan.api_calls,
            scan.retries,
            if scan.retries == 1 { "y" } else { "ies" }
        ));
    }
    report.push_str(&format!(
        "debug: statement took {:.3} s\n",
        elapsed.as_secs_f64()
    ));
    report
}

#[cfg(test)]
mod tests {
    use arrow::datatypes::{DataType, Field, Schema};

    use super::*;

    #[test]
    fn debug_reports_have_the_plan_the_scans_and_the_time() {
        let scans = vec![TargetProgress {
            table: "workspaces_pools",
            region: "eu-west-1".to_string(),
            account: Some("123456789012".to_string()),
            api_calls: 4,
            pages: 3,
            rows: 60,
            retries: 1,
            throttled: 1,
            elapsed: Some(Duration::from_millis(12)),
        }];
        let report = debug_report(None, &scans, Duration::from_millis(40));
        assert_eq!(
            report,
            "debug: no physical plan (the statement failed to plan)\n\
             debug: workspaces_pools in eu-west-1: 3 page(s), 60 row(s), 4 call(s), 1 retry, 0.012 s\n\
             debug: statement took 0.040 s\n"
        );
    }

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
