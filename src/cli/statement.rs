//! The one statement runner: a statement is planned ([`Statement::from_sql`] for the command
//! line's text, [`Statement::from_logical`] for `wsql serve`'s already-parsed plans), executed as
//! a stream of batches, and afterwards read back from its own plan: what its scans did
//! ([`ScanReport`]), the warnings it left (targets left out under `--on-region-error warn`), and
//! what `--debug` prints. Every front end runs statements through here, so each reports the same
//! things the same way; only where the rows and messages go differs (stdout and stderr, or the
//! Postgres wire).
//!
//! Nothing of a statement is kept outside its plan, so any number run at once on one session.

use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::error::Result;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::LogicalPlan;
use datafusion::physical_plan::display::DisplayableExecutionPlan;
use datafusion::physical_plan::{ExecutionPlan, execute_stream};
use datafusion::prelude::SessionContext;

use crate::cli::progress_line::target_labels;
use crate::{ScanReport, TargetProgress};

/// One planned statement.
pub struct Statement {
    plan: Arc<dyn ExecutionPlan>,
    task: Arc<TaskContext>,
    started: Instant,
}

impl Statement {
    /// `sql` (one statement) planned in `ctx`.
    pub async fn from_sql(ctx: &SessionContext, sql: &str) -> Result<Self> {
        let started = Instant::now();
        let frame = ctx.sql(sql).await?;
        let task = Arc::new(frame.task_ctx());
        let plan = frame.create_physical_plan().await?;
        Ok(Self {
            plan,
            task,
            started,
        })
    }

    /// The logical `plan` made physical in `ctx`.
    pub async fn from_logical(ctx: &SessionContext, plan: &LogicalPlan) -> Result<Self> {
        let started = Instant::now();
        let state = ctx.state();
        let plan = state.create_physical_plan(plan).await?;
        Ok(Self {
            plan,
            task: ctx.task_ctx(),
            started,
        })
    }

    /// The physical plan, whose scans hold the statement's progress.
    pub fn plan(&self) -> &Arc<dyn ExecutionPlan> {
        &self.plan
    }

    /// Starts the statement: its batches, as the scans produce them. Dropping the stream stops
    /// the statement and its API calls.
    pub fn execute(&self) -> Result<SendableRecordBatchStream> {
        execute_stream(Arc::clone(&self.plan), Arc::clone(&self.task))
    }

    /// When the statement was planned: the start of its time.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// What its scans have done so far.
    pub fn report(&self) -> ScanReport {
        ScanReport::of(&self.plan)
    }

    /// The warnings it has left so far, one line each.
    pub fn warnings(&self) -> Vec<String> {
        self.report()
            .warnings
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    /// What `--debug` prints after it.
    pub fn debug_report(&self) -> String {
        debug_report(
            Some(self.plan.as_ref()),
            &self.report().scans,
            self.started.elapsed(),
        )
    }
}

/// What `--debug` prints after a statement: the physical plan with its metrics (the scans show
/// the requests they sent), the pages, rows and time of each table in each target, and the
/// statement's time. Every line starts with `debug:`. Settings and credentials are never part of
/// it. `plan` is `None` for a statement that failed to plan.
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

    #[tokio::test]
    async fn a_statement_planned_either_way_runs_and_reports() {
        let ctx = SessionContext::new();
        let from_sql = Statement::from_sql(&ctx, "SELECT 1 AS one").await.unwrap();
        let logical = ctx
            .state()
            .create_logical_plan("SELECT 1 AS one")
            .await
            .unwrap();
        let from_logical = Statement::from_logical(&ctx, &logical).await.unwrap();
        for statement in [from_sql, from_logical] {
            let batches = datafusion::physical_plan::common::collect(statement.execute().unwrap())
                .await
                .unwrap();
            assert_eq!(batches[0].num_rows(), 1);
            assert!(statement.warnings().is_empty());
            assert!(
                statement
                    .debug_report()
                    .starts_with("debug: physical plan:\n")
            );
        }
    }
}
