//! The provider and the plan every sibling table shares: one partition per region, one batch per
//! page as it arrives, the pushed restrictions re-checked on every row, and a hash join's
//! dynamic filter on a join key turned into request parameters at the first poll.
//!
//! A table only says what differs: its columns, which columns push down, which requests a set
//! of [`Restrictions`] makes, and how one request is paged ([`DescribeTable`]).

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::catalog::Session;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::datasource::{TableProvider, TableType};
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use datafusion::physical_expr::expressions::DynamicFilterPhysicalExpr;
use datafusion::physical_expr::{EquivalenceProperties, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::filter_pushdown::{
    ChildPushdownResult, FilterPushdownPhase, FilterPushdownPropagation, PushedDown,
};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, Partitioning, PlanProperties,
};
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};

use crate::aws::{Clients, RegionClient, RegionErrorPolicy};
use crate::cache::ApiCache;
use crate::error::Result;
use crate::paging::DEFAULT_MAX_PAGES;
use crate::progress::{FinishOnDrop, ScanProgress};
use crate::tables::columns::Columns;
use crate::tables::join_filter::{only_references, required_values};
use crate::tables::restrictions::{Pushable, Restrictions, classify};
use crate::warnings::{RegionFailures, Warnings};

/// How many request chains of one region are read at once.
pub const REQUEST_CONCURRENCY: usize = 4;

/// One region's way to the API: its client, the library's response cache, the page limit.
#[derive(Debug, Clone)]
pub struct RegionApi {
    /// The region's client.
    pub client: RegionClient,
    /// The response cache of the library.
    pub cache: Arc<ApiCache>,
    /// Pages one request chain may take.
    pub max_pages: usize,
}

impl RegionApi {
    /// The region name.
    pub fn region(&self) -> &str {
        &self.client.region
    }
}

/// What a table over one Describe operation has of its own.
pub trait DescribeTable: Send + Sync + 'static {
    /// One row as the API returns it.
    type Item: Send + Sync + 'static;
    /// The parameters of one request chain (its pages differ only by NextToken).
    type Request: fmt::Display + Clone + Send + Sync + 'static;
    /// SQL name.
    const NAME: &'static str;
    /// Plan node name, shown by EXPLAIN.
    const EXEC: &'static str;
    /// Columns whose `=` / `IN` predicates push down (and are re-checked on every row).
    const PUSHABLE: &'static [Pushable];
    /// Columns a hash join's dynamic filter may narrow (each one of [`Self::PUSHABLE`]).
    const JOIN_KEYS: &'static [&'static str];
    /// The columns.
    fn columns() -> &'static Columns<Self::Item>;
    /// The value of a pushable column of `item`, for the row check.
    fn value<'a>(item: &'a Self::Item, column: &str) -> Option<&'a str>;
    /// The request chains one region is sent under `restrictions` (never called when they
    /// match nothing).
    fn requests(restrictions: &Restrictions) -> Vec<Self::Request>;
    /// The pages of one request chain.
    fn pages(
        api: &RegionApi,
        request: Self::Request,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>>;
}

/// A table over one Describe operation.
pub struct ApiTable<T> {
    clients: Arc<Clients>,
    progress: Arc<ScanProgress>,
    cache: Arc<ApiCache>,
    pushdown: bool,
    max_pages: usize,
    warnings: Arc<Warnings>,
    table: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for ApiTable<T>
where
    T: DescribeTable,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiTable")
            .field("name", &T::NAME)
            .field("pushdown", &self.pushdown)
            .finish()
    }
}

impl<T: DescribeTable> ApiTable<T> {
    /// The table over `clients`, counting pages into `progress`, with no response cache.
    pub fn new(clients: Arc<Clients>, progress: Arc<ScanProgress>) -> Self {
        Self {
            clients,
            progress,
            cache: Arc::new(ApiCache::default()),
            pushdown: true,
            max_pages: DEFAULT_MAX_PAGES,
            warnings: Arc::new(Warnings::default()),
            table: PhantomData,
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

    /// With `false`, nothing is pushed into the API, neither predicates, nor a limit, nor a
    /// join's dynamic filter: the reference answer that pushdown is tested against.
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
impl<T: DescribeTable> TableProvider for ApiTable<T> {
    fn schema(&self) -> SchemaRef {
        T::columns().schema()
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
            .map(|f| match classify(T::PUSHABLE, f) {
                Some(support) if self.pushdown => support,
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
        let restrictions = if self.pushdown {
            Restrictions::from_filters(T::PUSHABLE, filters, limit)
        } else {
            Restrictions::default()
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
            .filter(|r| restrictions.wants_region(&r.region))
            .cloned()
            .collect();
        let schema = match projection {
            Some(p) => Arc::new(T::columns().schema().project(p)?),
            None => T::columns().schema(),
        };
        Ok(Arc::new(
            ApiScanExec::<T> {
                restrictions,
                regions,
                projection: projection.cloned(),
                properties: Arc::new(properties(&schema, 0)),
                schema,
                cache: Arc::clone(&self.cache),
                progress: Arc::clone(&self.progress),
                max_pages: self.max_pages,
                pushdown: self.pushdown,
                failures,
                join_filters: Vec::new(),
                narrowed: Arc::default(),
                table: PhantomData,
            }
            .with_partitions(),
        ))
    }
}

fn properties(schema: &SchemaRef, partitions: usize) -> PlanProperties {
    PlanProperties::new(
        EquivalenceProperties::new(Arc::clone(schema)),
        Partitioning::UnknownPartitioning(partitions.max(1)),
        EmissionType::Incremental,
        Boundedness::Bounded,
    )
}

/// A join's dynamic filter held by a scan, on one of its join keys.
#[derive(Debug, Clone)]
struct JoinFilter {
    column: &'static str,
    filter: Arc<dyn PhysicalExpr>,
}

/// The scan of one [`DescribeTable`].
pub struct ApiScanExec<T> {
    restrictions: Restrictions,
    regions: Vec<RegionClient>,
    projection: Option<Vec<usize>>,
    schema: SchemaRef,
    properties: Arc<PlanProperties>,
    cache: Arc<ApiCache>,
    progress: Arc<ScanProgress>,
    max_pages: usize,
    pushdown: bool,
    failures: RegionFailures,
    join_filters: Vec<JoinFilter>,
    /// What the join filters made of the requests, once read (for EXPLAIN ANALYZE).
    narrowed: Arc<Mutex<Option<String>>>,
    table: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for ApiScanExec<T>
where
    T: DescribeTable,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(T::EXEC)
            .field("restrictions", &self.restrictions)
            .field("regions", &self.regions())
            .finish()
    }
}

impl<T: DescribeTable> ApiScanExec<T> {
    fn with_partitions(mut self) -> Self {
        self.properties = Arc::new(properties(&self.schema, self.regions.len()));
        self
    }

    /// The regions the scan calls, one partition each.
    pub fn regions(&self) -> Vec<&str> {
        self.regions.iter().map(|r| r.region.as_str()).collect()
    }

    /// What the pushed predicates restrict.
    pub fn restrictions(&self) -> &Restrictions {
        &self.restrictions
    }

    /// The join keys a dynamic filter was accepted on.
    pub fn join_filter_columns(&self) -> Vec<&'static str> {
        self.join_filters.iter().map(|j| j.column).collect()
    }

    fn with_join_filters(&self, join_filters: Vec<JoinFilter>) -> Self {
        Self {
            restrictions: self.restrictions.clone(),
            regions: self.regions.clone(),
            projection: self.projection.clone(),
            schema: Arc::clone(&self.schema),
            properties: Arc::clone(&self.properties),
            cache: Arc::clone(&self.cache),
            progress: Arc::clone(&self.progress),
            max_pages: self.max_pages,
            pushdown: self.pushdown,
            failures: self.failures.clone(),
            join_filters,
            narrowed: Arc::default(),
            table: PhantomData,
        }
    }
}

/// `restrictions` with every join filter's current key set added.
fn restrictions_after_join<T: DescribeTable>(
    mut restrictions: Restrictions,
    join_filters: &[JoinFilter],
) -> Restrictions {
    for join in join_filters {
        let Some(values) = required_values(&join.filter, join.column) else {
            continue;
        };
        if let Some(p) = T::PUSHABLE.iter().find(|p| p.column == join.column) {
            restrictions.restrict(p, values);
        }
    }
    restrictions
}

/// The requests of `restrictions`, as EXPLAIN shows them.
fn describe_requests<T: DescribeTable>(restrictions: &Restrictions) -> String {
    if restrictions.matches_nothing {
        return "none (the predicates match no row)".to_string();
    }
    let requests: Vec<String> = T::requests(restrictions)
        .iter()
        .map(|r| r.to_string())
        .collect();
    format!("[{}]", requests.join(", "))
}

impl<T: DescribeTable> DisplayAs for ApiScanExec<T> {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}: ", T::EXEC)?;
        if self.regions.is_empty() || self.restrictions.matches_nothing {
            write!(f, "no requests (the predicates match no row)")?;
        } else {
            write!(
                f,
                "regions=[{}], requests per region={}",
                self.regions().join(", "),
                describe_requests::<T>(&self.restrictions)
            )?;
            if let Some(limit) = self.restrictions.limit {
                write!(f, ", stop after {limit} rows")?;
            }
        }
        for join in &self.join_filters {
            write!(f, ", join filter on {}={}", join.column, join.filter)?;
        }
        let narrowed = self.narrowed.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(narrowed) = narrowed.as_ref() {
            write!(f, ", requests after join filter={narrowed}")?;
        }
        let names: Vec<&str> = self
            .schema
            .fields()
            .iter()
            .map(|f| f.name().as_str())
            .collect();
        write!(f, ", projection=[{}]", names.join(", "))
    }
}

impl<T: DescribeTable> ExecutionPlan for ApiScanExec<T> {
    fn name(&self) -> &str {
        T::EXEC
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        Vec::new()
    }

    fn apply_expressions(
        &self,
        f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> DfResult<TreeNodeRecursion>,
    ) -> DfResult<TreeNodeRecursion> {
        // The join finds its consumers through here: no visit, no dynamic filter computed.
        for join in &self.join_filters {
            if f(&join.filter)? == TreeNodeRecursion::Stop {
                return Ok(TreeNodeRecursion::Stop);
            }
        }
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        if children.is_empty() {
            return Ok(self);
        }
        Err(DataFusionError::Internal(format!(
            "{} has no children",
            T::EXEC
        )))
    }

    /// Keeps a hash join's dynamic filter on a join key (Post phase). Every filter is still
    /// reported unsupported: the join and any filter above keep checking rows, and the scan only
    /// uses the filter to leave out requests whose rows it would reject.
    fn handle_child_pushdown_result(
        &self,
        phase: FilterPushdownPhase,
        child_pushdown_result: ChildPushdownResult,
        _config: &ConfigOptions,
    ) -> DfResult<FilterPushdownPropagation<Arc<dyn ExecutionPlan>>> {
        let unsupported = vec![PushedDown::No; child_pushdown_result.parent_filters.len()];
        let propagation = FilterPushdownPropagation::with_parent_pushdown_result(unsupported);
        if phase != FilterPushdownPhase::Post || !self.pushdown {
            return Ok(propagation);
        }
        let mut join_filters = self.join_filters.clone();
        for pushed in &child_pushdown_result.parent_filters {
            let filter = &pushed.filter;
            if filter.downcast_ref::<DynamicFilterPhysicalExpr>().is_none()
                || join_filters.iter().any(|j| Arc::ptr_eq(&j.filter, filter))
            {
                continue;
            }
            if let Some(column) = T::JOIN_KEYS.iter().find(|c| only_references(filter, c)) {
                join_filters.push(JoinFilter {
                    column,
                    filter: Arc::clone(filter),
                });
            }
        }
        if join_filters.len() == self.join_filters.len() {
            return Ok(propagation);
        }
        let node: Arc<dyn ExecutionPlan> = Arc::new(self.with_join_filters(join_filters));
        Ok(propagation.with_updated_node(node))
    }

    fn execute(
        &self,
        partition: usize,
        _context: Arc<TaskContext>,
    ) -> DfResult<SendableRecordBatchStream> {
        let schema = Arc::clone(&self.schema);
        let Some(client) = self.regions.get(partition) else {
            return Ok(Box::pin(RecordBatchStreamAdapter::new(
                schema,
                futures::stream::empty(),
            )));
        };
        let api = RegionApi {
            client: client.clone(),
            cache: Arc::clone(&self.cache),
            max_pages: self.max_pages,
        };
        let scan = RegionScan {
            api,
            projection: self.projection.clone(),
            schema: Arc::clone(&schema),
            progress: Arc::clone(&self.progress),
            failures: self.failures.clone(),
        };
        let batches = if self.join_filters.is_empty() {
            scan.batches::<T>(self.restrictions.clone()).boxed()
        } else {
            // The join fills its filter in after its build side is read, and polls this side
            // only then: read it at the first poll, not here.
            let (restrictions, join_filters) =
                (self.restrictions.clone(), self.join_filters.clone());
            let narrowed = Arc::clone(&self.narrowed);
            futures::stream::once(async move {
                let restrictions = restrictions_after_join::<T>(restrictions, &join_filters);
                *narrowed.lock().unwrap_or_else(|e| e.into_inner()) =
                    Some(describe_requests::<T>(&restrictions));
                scan.batches::<T>(restrictions)
            })
            .flatten()
            .boxed()
        };
        Ok(Box::pin(RecordBatchStreamAdapter::new(
            schema,
            batches.map(|r| r.map_err(DataFusionError::from)),
        )))
    }
}

/// What one region's scan needs besides its restrictions.
struct RegionScan {
    api: RegionApi,
    projection: Option<Vec<usize>>,
    schema: SchemaRef,
    progress: Arc<ScanProgress>,
    failures: RegionFailures,
}

/// What one region's stream carries from page to page.
struct PageState<S> {
    pages: S,
    scan: RegionScan,
    restrictions: Restrictions,
    /// Rows still wanted; `Some(0)` or an error ends the stream without another call.
    remaining: Option<usize>,
    /// Rows handed on so far, for the warning if the region fails.
    rows_sent: u64,
    _finish: FinishOnDrop,
}

impl RegionScan {
    /// Every page of every request chain of the region, rows re-checked, as batches, stopping at
    /// the limit (the page after the one that meets it is never requested).
    fn batches<T: DescribeTable>(
        self,
        restrictions: Restrictions,
    ) -> impl Stream<Item = Result<RecordBatch>> + Send + 'static {
        let requests = if restrictions.matches_nothing {
            Vec::new()
        } else {
            T::requests(&restrictions)
        };
        let api = self.api.clone();
        let pages = futures::stream::iter(requests)
            .map(move |request| T::pages(&api, request))
            .flatten_unordered(REQUEST_CONCURRENCY);
        let state = PageState {
            pages: Box::pin(pages),
            _finish: FinishOnDrop::new(&self.progress, T::NAME, self.api.region()),
            remaining: restrictions.limit,
            rows_sent: 0,
            restrictions,
            scan: self,
        };
        futures::stream::unfold(state, |mut state| async move {
            loop {
                if state.remaining == Some(0) {
                    return None;
                }
                let mut items = match state.pages.next().await? {
                    Ok(items) => items,
                    Err(e) => {
                        let region = state.scan.api.region();
                        if state
                            .scan
                            .failures
                            .absorb(T::NAME, region, state.rows_sent, &e)
                        {
                            return None;
                        }
                        state.remaining = Some(0);
                        return Some((Err(e), state));
                    }
                };
                let region = state.scan.api.region().to_string();
                state.scan.progress.page(T::NAME, &region, items.len());
                let restrictions = &state.restrictions;
                items.retain(|item| {
                    restrictions
                        .columns()
                        .all(|c| restrictions.admits(c, T::value(item, c)))
                });
                if items.is_empty() {
                    continue;
                }
                let keep = state.remaining.map_or(items.len(), |r| r.min(items.len()));
                state.remaining = state.remaining.map(|r| r - keep);
                let batch = T::columns().to_batch(
                    &region,
                    &items[..keep],
                    state.scan.projection.as_deref(),
                    &state.scan.schema,
                );
                match &batch {
                    Ok(b) => state.rows_sent += b.num_rows() as u64,
                    Err(_) => state.remaining = Some(0),
                }
                return Some((batch, state));
            }
        })
    }
}
