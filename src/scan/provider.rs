//! [`ApiTable`]: the `TableProvider` of every table. It tells DataFusion which predicates push
//! down and plans an [`ApiScanExec`] over the targets the query needs.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::Session;
use datafusion::datasource::{TableProvider, TableType};
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_plan::ExecutionPlan;

use crate::cache::ApiCache;
use crate::scan::ScanTable;
use crate::scan::exec::ApiScanExec;
use crate::scan::restrictions::PushdownRules;
use crate::scan::rules::missing_required_message;
use crate::settings::RegionErrorPolicy;
use crate::targets::Targets;

/// One WorkSpaces table as a DataFusion table. Made by [`crate::Library::table`]; the library's
/// [`crate::Library::register`] registers all of them.
#[derive(Clone)]
pub struct ApiTable {
    definition: &'static dyn ScanTable,
    targets: Arc<Targets>,
    options: ScanOptions,
}

/// How a table's scans call the API, the same for all its scans.
#[derive(Debug, Clone)]
pub(crate) struct ScanOptions {
    /// The library's response cache.
    pub cache: Arc<ApiCache>,
    /// Pages one request chain may take.
    pub max_pages: usize,
    /// Whether predicates, limits and join filters are pushed into the requests.
    pub pushdown: bool,
    /// Whether a target's failure ends its part of the answer with a warning
    /// ([`RegionErrorPolicy::Warn`]) rather than failing the query.
    pub warn: bool,
    /// Whether each target's account id is made known before its scan starts.
    pub resolve_account: bool,
    /// Targets a scan reads at once, shared by its partitions (regions): twice the library's
    /// bound on calls in flight, since each target started has a call in flight or waiting for
    /// one, or waits for its account's role. More would only hold more accounts' clients alive
    /// while they wait (at 1,000 accounts × 4 regions, the whole bound per region peaked at
    /// 199–201 MiB, twice the bound over all regions at 187–189 MiB, once at 180 MiB but slower).
    pub targets_at_once: usize,
}

/// The clock's now, in microseconds since the epoch.
fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

/// Where `account_id` is in every table: after `region`, before the table's own columns.
const ACCOUNT_ID_COLUMN: usize = 1;

impl fmt::Debug for ApiTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiTable")
            .field("name", &self.definition.name())
            .field("pushdown", &self.options.pushdown)
            .finish()
    }
}

impl ApiTable {
    pub(crate) fn new(
        definition: &'static dyn ScanTable,
        targets: Arc<Targets>,
        cache: Arc<ApiCache>,
    ) -> Self {
        let warn = targets.settings().on_region_error == RegionErrorPolicy::Warn;
        let max_pages = targets.settings().max_pages;
        let targets_at_once = targets.settings().max_in_flight.saturating_mul(2);
        Self {
            definition,
            targets,
            options: ScanOptions {
                cache,
                max_pages,
                pushdown: true,
                warn,
                resolve_account: false,
                targets_at_once,
            },
        }
    }

    /// The table's SQL name.
    pub fn name(&self) -> &'static str {
        self.definition.name()
    }

    /// With `false`, nothing is pushed into the API, neither predicates, nor a limit, nor a
    /// join's dynamic filter: every scan lists everything. The reference answer that pushdown is
    /// tested against. A required column's value (a member the operation cannot be called
    /// without) is still sent: it is the request, not a narrowing of it.
    pub fn with_pushdown(mut self, pushdown: bool) -> Self {
        self.options.pushdown = pushdown;
        self
    }

    /// How the scan's predicates push down: the table's rules, or without pushdown only the
    /// required columns' equalities, without which the operation cannot be called.
    fn rules(&self) -> PushdownRules {
        let rules = self.definition.pushdown();
        match self.options.pushdown {
            true => rules,
            false => rules.required_only(),
        }
    }

    /// Pages one request chain may take before the scan fails (default: the library's
    /// [`AwsSettings::max_pages`](crate::AwsSettings::max_pages)).
    pub fn with_max_pages(mut self, max_pages: usize) -> Self {
        self.options.max_pages = max_pages;
        self
    }
}

#[async_trait]
impl TableProvider for ApiTable {
    fn schema(&self) -> SchemaRef {
        self.definition.schema()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> DfResult<Vec<TableProviderFilterPushDown>> {
        let rules = self.rules();
        Ok(filters.iter().map(|f| rules.classify(f)).collect())
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        let rules = self.rules();
        let restrictions = match self.options.pushdown {
            true => rules.fold(filters, limit),
            false => rules.fold(filters, None),
        };
        if let Some(column) = restrictions.missing_required(rules.required) {
            let definition = self.definition;
            return Err(DataFusionError::Plan(missing_required_message(
                definition.name(),
                definition.operation(),
                column,
                definition.required_condition().as_deref(),
            )));
        }
        // The instant `now()` was folded to in this statement, so that a table's default
        // window and the query's own `now()` agree.
        let statement_start = state
            .execution_props()
            .query_execution_start_time
            .map_or_else(now_micros, |t| t.timestamp_micros());
        let schema = self.definition.schema();
        let read = projection.map(|p| {
            p.iter()
                .filter_map(|&i| schema.fields().get(i).map(|f| f.name().clone()))
                .collect()
        });
        let restrictions = restrictions.for_scan(read, statement_start);
        let resolved = self.targets.get().await?;
        let regions = resolved
            .regions
            .iter()
            .filter(|region| restrictions.may_want_region(region))
            .cloned()
            .collect();
        // The account id of a profile costs a call (GetCallerIdentity): made only when the
        // query reads it, filters on it, or reads several accounts.
        let reads_account = projection.is_none_or(|p| p.contains(&ACCOUNT_ID_COLUMN));
        let resolve_account = reads_account
            || restrictions.restricts_account()
            || self.targets.settings().reads_many_accounts();
        Ok(Arc::new(ApiScanExec::new(
            self.definition,
            restrictions,
            regions,
            Arc::clone(&resolved.accounts),
            projection.cloned(),
            ScanOptions {
                resolve_account,
                ..self.options.clone()
            },
        )?))
    }
}
