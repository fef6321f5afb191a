//! `WorkspacesPoolsTable`: the `TableProvider` that tells DataFusion which predicates push down
//! and plans a [`WorkspacesPoolsExec`] over the regions the query needs.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::Session;
use datafusion::datasource::{TableProvider, TableType};
use datafusion::error::Result as DfResult;
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_plan::ExecutionPlan;

use crate::aws::{Clients, RegionErrorPolicy};
use crate::cache::ApiCache;
use crate::paging::DEFAULT_MAX_PAGES;
use crate::pools::convert::pools_schema;
use crate::pools::exec::WorkspacesPoolsExec;
use crate::pools::pushdown::{PoolsQuery, classify};
use crate::progress::ScanProgress;
use crate::warnings::{RegionFailures, Warnings};

/// The `workspaces_pools` table.
#[derive(Debug)]
pub struct WorkspacesPoolsTable {
    clients: Arc<Clients>,
    progress: Arc<ScanProgress>,
    cache: Arc<ApiCache>,
    pushdown: bool,
    max_pages: usize,
    warnings: Arc<Warnings>,
}

impl WorkspacesPoolsTable {
    /// The table over `clients`, counting pages into `progress`.
    pub fn new(clients: Arc<Clients>, progress: Arc<ScanProgress>) -> Self {
        Self {
            clients,
            progress,
            cache: Arc::new(ApiCache::default()),
            pushdown: true,
            max_pages: DEFAULT_MAX_PAGES,
            warnings: Arc::new(Warnings::default()),
        }
    }

    /// Where a region's failure is recorded under [`RegionErrorPolicy::Warn`] (the library's
    /// shared registry).
    pub fn with_warnings(mut self, warnings: Arc<Warnings>) -> Self {
        self.warnings = warnings;
        self
    }

    /// Answers calls from `cache` when it holds them (the library's shared cache).
    pub fn with_cache(mut self, cache: Arc<ApiCache>) -> Self {
        self.cache = cache;
        self
    }

    /// With `false`, no predicate and no limit is pushed into the API: every scan lists every
    /// pool of every region. The reference answer that pushdown is tested against.
    pub fn with_pushdown(mut self, pushdown: bool) -> Self {
        self.pushdown = pushdown;
        self
    }

    /// Pages one request chain may take before the scan fails (default 100,000).
    pub fn with_max_pages(mut self, max_pages: usize) -> Self {
        self.max_pages = max_pages;
        self
    }
}

#[async_trait]
impl TableProvider for WorkspacesPoolsTable {
    fn schema(&self) -> SchemaRef {
        pools_schema()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    fn supports_filters_pushdown(
        &self,
        filters: &[&Expr],
    ) -> DfResult<Vec<TableProviderFilterPushDown>> {
        Ok(filters
            .iter()
            .map(|f| match classify(f) {
                Some((support, _)) if self.pushdown => support,
                _ => TableProviderFilterPushDown::Unsupported,
            })
            .collect())
    }

    async fn scan(
        &self,
        _state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        let query = if self.pushdown {
            PoolsQuery::from_filters(filters, limit)
        } else {
            PoolsQuery::default()
        };
        let failures = RegionFailures {
            warn_into: (self.clients.settings().on_region_error == RegionErrorPolicy::Warn)
                .then(|| Arc::clone(&self.warnings)),
        };
        let regions = self
            .clients
            .get()
            .await?
            .iter()
            .filter(|r| query.wants_region(&r.region))
            .cloned()
            .collect();
        let schema = match projection {
            Some(p) => Arc::new(pools_schema().project(p)?),
            None => pools_schema(),
        };
        Ok(Arc::new(
            WorkspacesPoolsExec::new(
                query,
                regions,
                projection.cloned(),
                schema,
                Arc::clone(&self.progress),
                Arc::clone(&self.cache),
                self.max_pages,
            )
            .with_region_failures(failures),
        ))
    }
}
