//! Shared set-up: an emulator with a seeded fleet, and a session with two views of it:
//! `workspaces_pools` (pushdown on) and `pools_reference` (no pushdown, the reference answer).

use std::sync::Arc;

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::execution::SendableRecordBatchStream;
use datafusion::physical_plan::execute_stream;
use datafusion::prelude::SessionContext;
use wsql::{AwsSettings, Library, Table};
use wsql_emulator::{Emulator, Fleet, LoggedRequest};

pub const OPERATION: &str = "DescribeWorkspacesPools";

pub struct Harness {
    pub emulator: Emulator,
    pub ctx: SessionContext,
}

/// An emulator serving `fleet` for `regions`, and a session over it.
pub async fn harness_with(fleet: Fleet, regions: &[&str]) -> Harness {
    let emulator = Emulator::start(fleet).await.expect("emulator starts");
    let library = Library::new(AwsSettings::emulator(emulator.endpoint_url(), regions));
    let ctx = SessionContext::new();
    library.register(&ctx).expect("tables register");
    let reference = library
        .table(Table::named("workspaces_pools").expect("a table"))
        .with_pushdown(false);
    ctx.register_table("pools_reference", Arc::new(reference))
        .expect("reference registers");
    Harness { emulator, ctx }
}

/// A seeded fleet of `pools_per_region` pools in each of `regions`.
pub async fn harness(regions: &[&str], pools_per_region: usize) -> Harness {
    harness_with(Fleet::seeded(7, regions, pools_per_region), regions).await
}

impl Harness {
    /// Runs `sql`, returning its batches; panics with the error on failure.
    pub async fn batches(&self, sql: &str) -> Vec<RecordBatch> {
        match self.try_batches(sql).await {
            Ok(b) => b,
            Err(e) => panic!("query failed: {sql}: {e}"),
        }
    }

    /// Runs `sql`.
    pub async fn try_batches(&self, sql: &str) -> datafusion::error::Result<Vec<RecordBatch>> {
        self.ctx.sql(sql).await?.collect().await
    }

    /// Starts `sql` and hands back its stream unpolled, for tests that watch batches arrive.
    pub async fn stream(&self, sql: &str) -> SendableRecordBatchStream {
        let plan = self
            .ctx
            .sql(sql)
            .await
            .expect("plans")
            .create_physical_plan()
            .await
            .expect("physical plan");
        execute_stream(plan, self.ctx.task_ctx()).expect("executes")
    }

    /// Runs `sql` and renders every row as one line, sorted.
    pub async fn rows(&self, sql: &str) -> Vec<String> {
        sorted_rows(&self.batches(sql).await)
    }

    /// The calls of `operation` received since the last [`Harness::clear`].
    pub fn calls(&self, operation: &str) -> Vec<LoggedRequest> {
        self.emulator
            .request_log()
            .into_iter()
            .filter(|r| r.operation == operation)
            .collect()
    }

    pub fn clear(&self) {
        self.emulator.clear_request_log();
    }

    /// One scalar string column of a query, in order.
    pub async fn strings(&self, sql: &str) -> Vec<String> {
        let batches = self.batches(sql).await;
        let mut out = Vec::new();
        for batch in &batches {
            let column = batch.column(0);
            let formatter = ArrayFormatter::try_new(column.as_ref(), &FormatOptions::default())
                .expect("formats");
            for i in 0..batch.num_rows() {
                out.push(formatter.value(i).to_string());
            }
        }
        out
    }

    /// `count(*)` of a query.
    pub async fn count(&self, sql: &str) -> i64 {
        let values = self.strings(sql).await;
        values[0].parse().expect("a count")
    }
}

/// Every row of `batches` as `col1|col2|...`, sorted, so answers compare regardless of order.
pub fn sorted_rows(batches: &[RecordBatch]) -> Vec<String> {
    let options = FormatOptions::default().with_null("NULL");
    let mut rows = Vec::new();
    for batch in batches {
        let formatters: Vec<ArrayFormatter> = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options).expect("formats"))
            .collect();
        for i in 0..batch.num_rows() {
            let cells: Vec<String> = formatters.iter().map(|f| f.value(i).to_string()).collect();
            rows.push(cells.join("|"));
        }
    }
    rows.sort();
    rows
}
