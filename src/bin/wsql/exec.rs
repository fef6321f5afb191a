//! Running statements: split the text, plan each statement, stream its batches to the printer,
//! then the footer. Errors come back whole; [`error_line`] makes the one line a user sees.

use std::error::Error as StdError;
use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::error::{DataFusionError, Result};
use datafusion::physical_plan::display::DisplayableExecutionPlan;
use datafusion::physical_plan::{ExecutionPlan, execute_stream};
use datafusion::prelude::{SessionConfig, SessionContext};
use futures::StreamExt;
use wsql::Library;
use wsql::progress::RegionProgress;

use crate::print::{self, OutputFormat, PrintOptions};
use crate::progress_line::ProgressLine;
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
        let progress = self.library.progress();
        progress.reset();
        let warnings = self.library.warnings();
        warnings.take();
        let progress_line = ProgressLine::start(Arc::clone(&progress));

        let mut plan = None;
        let result = self
            .execute_and_print(sql, started, progress_line.as_ref(), &mut plan)
            .await;
        drop(progress_line);
        for warning in warnings.take() {
            eprintln!("warning: {warning}");
        }
        if self.debug {
            eprint!(
                "{}",
                debug_report(plan.as_deref(), &progress.snapshot(), started.elapsed())
            );
        }
        result
    }

    async fn execute_and_print(
        &self,
        sql: &str,
        started: Instant,
        progress_line: Option<&ProgressLine>,
        plan: &mut Option<Arc<dyn ExecutionPlan>>,
    ) -> Result<()> {
        let frame = self.ctx.sql(sql).await?;
        let task_ctx = Arc::new(frame.task_ctx());
        let physical = frame.create_physical_plan().await?;
        *plan = Some(Arc::clone(&physical));
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
                if let Some(line) = progress_line {
                    line.stop();
                }
            }
            rows += batch.num_rows();
            if let Some(writer) = &mut writer {
                writer.write_batch(&batch)?;
            }
        }
        if let Some(line) = progress_line {
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
    scans: &[((String, String), RegionProgress)],
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
    for ((table, region), scan) in scans {
        let took = scan.elapsed.map_or_else(
            || "still running".to_string(),
            |e| format!("{:.3} s", e.as_secs_f64()),
        );
        report.push_str(&format!(
            "debug: {table} in {region}: {} page(s), {} row(s), {took}\n",
            scan.pages, scan.rows
        ));
    }
    report.push_str(&format!(
        "debug: statement took {:.3} s\n",
        elapsed.as_secs_f64()
    ));
    report
}

/// The one line a user sees for `error`: the library's own message when the library failed
/// (it names the region and what to do), else DataFusion's innermost error, without
/// `External error:` prefixes or backtraces.
pub fn error_line(error: &DataFusionError) -> String {
    let mut source: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(library_error) = current.downcast_ref::<wsql::Error>() {
            return one_line(&library_error.to_string());
        }
        source = current.source();
    }
    let message = match error.find_root() {
        DataFusionError::SQL(parser_error, _) => parser_error.to_string(),
        root => root.strip_backtrace(),
    };
    let mut message = one_line(&message);
    for prefix in ["External error: ", "Arrow error: ", "External error: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            message = rest.to_string();
        }
    }
    message
}

/// True when `error` is stdout having been closed (`wsql ... | head`): not worth a message.
pub fn is_broken_pipe(error: &DataFusionError) -> bool {
    let mut source: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(current) = source {
        let io = match current.downcast_ref::<arrow::error::ArrowError>() {
            Some(arrow::error::ArrowError::IoError(_, io)) => Some(io),
            _ => current.downcast_ref::<std::io::Error>(),
        };
        if io.is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) {
            return true;
        }
        source = current.source();
    }
    false
}

/// `text` with its line breaks folded into spaces.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use arrow::datatypes::{DataType, Field, Schema};
    use arrow::error::ArrowError;

    use super::*;

    #[test]
    fn library_errors_are_shown_as_the_library_says_them() {
        let error = DataFusionError::ArrowError(
            Box::new(ArrowError::ExternalError(Box::new(DataFusionError::from(
                wsql::Error::MissingRegion,
            )))),
            None,
        );
        assert_eq!(error_line(&error), wsql::Error::MissingRegion.to_string());
        let wrapped = DataFusionError::Context("scan".into(), Box::new(error));
        assert_eq!(error_line(&wrapped), wsql::Error::MissingRegion.to_string());
    }

    #[test]
    fn datafusion_errors_lose_their_wrappers() {
        let error = DataFusionError::External(Box::new(DataFusionError::Plan(
            "table 'nope' not found\nsecond line".into(),
        )));
        assert_eq!(
            error_line(&error),
            "Error during planning: table 'nope' not found second line"
        );
    }

    #[tokio::test]
    async fn parser_and_planner_errors_are_one_line() {
        let ctx = SessionContext::new();
        let parse = ctx.sql("SELEC 1").await.unwrap_err();
        let line = error_line(&parse);
        assert!(
            line.starts_with("sql parser error: Expected: an SQL statement"),
            "{line}"
        );
        let plan = ctx
            .sql("SELECT nope FROM (VALUES (1)) AS t(a)")
            .await
            .unwrap_err();
        let line = error_line(&plan);
        assert!(line.contains("nope"), "{line}");
        assert!(!line.contains('\n'));
    }

    #[test]
    fn broken_pipes_are_recognised() {
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        let error = DataFusionError::from(ArrowError::IoError("write".into(), pipe));
        assert!(is_broken_pipe(&error));
        assert!(!is_broken_pipe(&DataFusionError::Plan("x".into())));
    }

    #[test]
    fn debug_reports_have_the_plan_the_scans_and_the_time() {
        let scans = vec![(
            ("workspaces_pools".to_string(), "eu-west-1".to_string()),
            RegionProgress {
                pages: 3,
                rows: 60,
                done: true,
                elapsed: Some(Duration::from_millis(12)),
            },
        )];
        let report = debug_report(None, &scans, Duration::from_millis(40));
        assert_eq!(
            report,
            "debug: no physical plan (the statement failed to plan)\n\
             debug: workspaces_pools in eu-west-1: 3 page(s), 60 row(s), 0.012 s\n\
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
