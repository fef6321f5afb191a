//! The one harness of the suite: an emulator with a seeded fleet, and a session holding every
//! table of the library (pushdown on) beside a `<table>_reference` copy of each with pushdown
//! off, so that every test can compare an answer with the reference answer and count the calls
//! it made; settings of a test's own through [`harness_with_settings`], an organization of
//! accounts through [`harness_for_organization`]. [`command`] drives the
//! `wsql` binary from outside.

pub mod command;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::execution::SendableRecordBatchStream;
use datafusion::physical_plan::{ExecutionPlan, collect, execute_stream};
use datafusion::prelude::{SessionConfig, SessionContext};
use serde_json::Value;
use wsql::{AwsSettings, Library, ScanReport, Table, TargetWarning};
use wsql_emulator::{Emulator, Fleet, LoggedRequest, Organization};

pub const POOLS: &str = "DescribeWorkspacesPools";
pub const SESSIONS: &str = "DescribeWorkspacesPoolSessions";
pub const DIRECTORIES: &str = "DescribeWorkspaceDirectories";
pub const BUNDLES: &str = "DescribeWorkspaceBundles";
pub const WORKSPACES: &str = "DescribeWorkspaces";
pub const TAGS: &str = "DescribeTags";

pub const REGION: &str = "us-east-1";

pub struct Harness {
    pub emulator: Emulator,
    pub library: Library,
    pub ctx: SessionContext,
    /// The physical plan of the last statement run, for its [`ScanReport`].
    last_plan: Mutex<Option<Arc<dyn ExecutionPlan>>>,
}

/// A seeded fleet of `pools` pools in `us-east-1`, without a response cache.
pub async fn harness(pools: usize) -> Harness {
    harness_with(Fleet::seeded(11, &[REGION], pools), &[REGION], None).await
}

/// A seeded fleet (seed 7) of `pools_per_region` pools in each of `regions`, without a cache.
pub async fn harness_in(regions: &[&str], pools_per_region: usize) -> Harness {
    harness_with(Fleet::seeded(7, regions, pools_per_region), regions, None).await
}

/// An emulator serving `fleet` for `regions`, and a session over it with `cache_ttl`.
pub async fn harness_with(fleet: Fleet, regions: &[&str], cache_ttl: Option<Duration>) -> Harness {
    harness_with_settings(fleet, regions, cache_ttl, |settings| settings).await
}

/// Like [`harness_with`], with the emulator settings changed by `adjust` (retries, timeouts,
/// the region error policy).
pub async fn harness_with_settings(
    fleet: Fleet,
    regions: &[&str],
    cache_ttl: Option<Duration>,
    adjust: impl FnOnce(AwsSettings) -> AwsSettings,
) -> Harness {
    let emulator = Emulator::start(fleet).await.expect("emulator starts");
    harness_over(emulator, regions, cache_ttl, adjust)
}

/// An emulator serving `organization`, and a session over it with the settings `adjust` makes
/// of the emulator's: as they are, the management account alone (the static credentials);
/// with a role to assume, the other accounts too.
pub async fn harness_for_organization(
    organization: Organization,
    regions: &[&str],
    adjust: impl FnOnce(AwsSettings) -> AwsSettings,
) -> Harness {
    let emulator = Emulator::start_organization(organization)
        .await
        .expect("emulator starts");
    harness_over(emulator, regions, None, adjust)
}

/// A session over a running `emulator` (an organization's, say), with the emulator's settings
/// for `regions` changed by `adjust` (a role to assume in the organization's accounts), like
/// [`harness_with_settings`].
pub fn harness_over(
    emulator: Emulator,
    regions: &[&str],
    cache_ttl: Option<Duration>,
    adjust: impl FnOnce(AwsSettings) -> AwsSettings,
) -> Harness {
    let settings = adjust(AwsSettings::emulator(emulator.endpoint_url(), regions));
    let library = Library::new(settings).with_cache_ttl(cache_ttl);
    let ctx = SessionContext::new_with_config(SessionConfig::new().with_information_schema(true));
    library.register(&ctx).expect("tables register");
    // The same tables with nothing pushed down: the reference answers.
    for table in Table::all() {
        let reference = library.table(table).with_pushdown(false);
        ctx.register_table(format!("{}_reference", table.name()), Arc::new(reference))
            .expect("reference registers");
    }
    Harness {
        emulator,
        library,
        ctx,
        last_plan: Mutex::new(None),
    }
}

impl Harness {
    /// Runs `sql`, returning its batches or the error.
    pub async fn try_batches(&self, sql: &str) -> datafusion::error::Result<Vec<RecordBatch>> {
        *self.last_plan.lock().expect("not poisoned") = None;
        let plan = self.ctx.sql(sql).await?.create_physical_plan().await?;
        *self.last_plan.lock().expect("not poisoned") = Some(Arc::clone(&plan));
        collect(plan, self.ctx.task_ctx()).await
    }

    /// What the scans of the last statement did: calls, pages, rows, and its warnings.
    pub fn report(&self) -> ScanReport {
        let plan = self.last_plan.lock().expect("not poisoned");
        plan.as_ref().map(ScanReport::of).unwrap_or_default()
    }

    /// The warnings of the last statement (regions left out under the warn policy).
    pub fn warnings(&self) -> Vec<TargetWarning> {
        self.report().warnings
    }

    /// Runs `sql`, expecting it to fail, and returns the error's one line as the CLI shows it
    /// (the library's own message when the library failed).
    pub async fn error(&self, sql: &str) -> String {
        match self.try_batches(sql).await {
            Ok(batches) => panic!(
                "{sql} should have failed; answered {:?}",
                sorted_rows(&batches)
            ),
            Err(error) => library_message(&error),
        }
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

    /// Runs `sql`, returning its batches; panics with the error on failure.
    pub async fn batches(&self, sql: &str) -> Vec<RecordBatch> {
        match self.try_batches(sql).await {
            Ok(b) => b,
            Err(e) => panic!("query failed: {sql}: {e}"),
        }
    }

    /// Runs `sql` and renders every row as one line, sorted.
    pub async fn rows(&self, sql: &str) -> Vec<String> {
        sorted_rows(&self.batches(sql).await)
    }

    /// The first column of a query, in order, as text.
    pub async fn strings(&self, sql: &str) -> Vec<String> {
        let batches = self.batches(sql).await;
        let mut out = Vec::new();
        for batch in &batches {
            let formatter =
                ArrayFormatter::try_new(batch.column(0).as_ref(), &FormatOptions::default())
                    .expect("formats");
            out.extend((0..batch.num_rows()).map(|i| formatter.value(i).to_string()));
        }
        out
    }

    /// A single integer answer (`count(*)`).
    pub async fn number(&self, sql: &str) -> i64 {
        self.strings(sql).await[0].parse().expect("a number")
    }

    /// The calls of `operation` received since the last [`Harness::clear`].
    pub fn calls(&self, operation: &str) -> Vec<LoggedRequest> {
        self.emulator
            .request_log()
            .into_iter()
            .filter(|r| r.operation == operation)
            .collect()
    }

    /// Every call received since the last [`Harness::clear`].
    pub fn all_calls(&self) -> usize {
        self.emulator.request_log().len()
    }

    pub fn clear(&self) {
        self.emulator.clear_request_log();
    }

    /// Switches DataFusion's dynamic filter pushdown from joins into scans on or off.
    pub async fn set_join_pushdown(&self, on: bool) {
        self.batches(&format!(
            "SET datafusion.optimizer.enable_join_dynamic_filter_pushdown = {on}"
        ))
        .await;
    }

    /// Runs `SELECT * FROM <table> WHERE condition` on the table and on its reference, asserts
    /// the answers are equal, and returns the answer and the calls of `operation` the
    /// pushed-down query made.
    pub async fn equivalent(
        &self,
        table: &str,
        operation: &str,
        condition: &str,
    ) -> (Vec<String>, Vec<LoggedRequest>) {
        self.clear();
        let pushed = self
            .rows(&format!("SELECT * FROM {table} WHERE {condition}"))
            .await;
        let calls = self.calls(operation);
        let reference = self
            .rows(&format!(
                "SELECT * FROM {table}_reference WHERE {condition}"
            ))
            .await;
        assert_eq!(
            pushed, reference,
            "pushdown changed the answer of {table} WHERE {condition}"
        );
        (pushed, calls)
    }
}

/// The error's one line as the `wsql` command words it: the library's message with the flag
/// to change, or DataFusion's own text.
pub fn library_message(error: &datafusion::error::DataFusionError) -> String {
    wsql::cli::errors::query_line(error)
}

/// The string values of a request body's member, a list or a single string.
pub fn body_strings(call: &LoggedRequest, member: &str) -> Vec<String> {
    match &call.body[member] {
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(String::from))
            .collect(),
        Value::String(s) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// `'a', 'b'` for an IN list.
pub fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("'{}'", v.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(", ")
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
