//! `WorkspacesPoolsExec`: one partition per region, one `RecordBatch` per page as each response
//! arrives. Nothing buffers a whole result, and dropping the stream stops further calls.

use std::fmt;
use std::sync::Arc;

use aws_sdk_workspaces::types::{
    DescribeWorkspacesPoolsFilter, DescribeWorkspacesPoolsFilterName,
    DescribeWorkspacesPoolsFilterOperator, WorkspacesPool,
};
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::{EquivalenceProperties, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, Partitioning, PlanProperties,
};
use futures::{Stream, StreamExt};

use crate::aws::{RegionClient, api_error};
use crate::cache::ApiCache;
use crate::error::Result;
use crate::paging::{Page, cached_paginate};
use crate::pools::convert::{TAGS_COLUMN, pools_and_tags_to_batch};
use crate::pools::pushdown::{NameFilter, PoolsQuery, PoolsRequest};
use crate::progress::{FinishOnDrop, ScanProgress};
use crate::tables::tags::resource_tags;
use crate::warnings::RegionFailures;

const OPERATION: &str = "DescribeWorkspacesPools";
const TABLE: &str = "workspaces_pools";

/// How many PoolIds chunks of one region are fetched at once.
pub const CHUNK_CONCURRENCY: usize = 4;

/// The scan of `workspaces_pools`: the requests of a [`PoolsQuery`] sent to each region.
#[derive(Debug)]
pub struct WorkspacesPoolsExec {
    query: PoolsQuery,
    regions: Vec<RegionClient>,
    projection: Option<Vec<usize>>,
    column_names: Vec<String>,
    schema: SchemaRef,
    properties: Arc<PlanProperties>,
    progress: Arc<ScanProgress>,
    cache: Arc<ApiCache>,
    max_pages: usize,
    failures: RegionFailures,
}

impl WorkspacesPoolsExec {
    /// A scan of `regions` (already pruned by the query) producing the `projection` of the
    /// table's columns; `schema` is that projection. Calls go through `cache`.
    pub fn new(
        query: PoolsQuery,
        regions: Vec<RegionClient>,
        projection: Option<Vec<usize>>,
        schema: SchemaRef,
        progress: Arc<ScanProgress>,
        cache: Arc<ApiCache>,
        max_pages: usize,
    ) -> Self {
        // Always at least one partition: an empty plan still has to answer (with no rows).
        let partitions = regions.len().max(1);
        let properties = PlanProperties::new(
            EquivalenceProperties::new(Arc::clone(&schema)),
            Partitioning::UnknownPartitioning(partitions),
            EmissionType::Incremental,
            Boundedness::Bounded,
        );
        let column_names = schema.fields().iter().map(|f| f.name().clone()).collect();
        Self {
            query,
            regions,
            projection,
            column_names,
            schema,
            properties: Arc::new(properties),
            progress,
            cache,
            max_pages,
            failures: RegionFailures { warn_into: None },
        }
    }

    /// How a region's failure is treated (by default it fails the query).
    pub fn with_region_failures(mut self, failures: RegionFailures) -> Self {
        self.failures = failures;
        self
    }

    /// What the scan asks the API for.
    pub fn query(&self) -> &PoolsQuery {
        &self.query
    }

    /// The regions the scan calls, one partition each.
    pub fn regions(&self) -> Vec<&str> {
        self.regions.iter().map(|r| r.region.as_str()).collect()
    }

    /// Whether the projection holds `tags`, so each pool's tags are fetched.
    pub fn fetches_tags(&self) -> bool {
        self.projection
            .as_ref()
            .is_none_or(|p| p.contains(&TAGS_COLUMN))
    }
}

impl DisplayAs for WorkspacesPoolsExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "WorkspacesPoolsExec: ")?;
        if self.query.matches_nothing || self.regions.is_empty() {
            write!(f, "no requests (the predicates match no pool)")?;
        } else {
            let requests: Vec<String> = self
                .query
                .requests()
                .iter()
                .map(|r| r.to_string())
                .collect();
            write!(
                f,
                "regions=[{}], requests per region=[{}]",
                self.regions().join(", "),
                requests.join(", ")
            )?;
            if let Some(limit) = self.query.limit {
                write!(f, ", stop after {limit} rows")?;
            }
            if self.fetches_tags() {
                write!(f, ", then DescribeTags per pool")?;
            }
        }
        write!(f, ", projection=[{}]", self.column_names.join(", "))
    }
}

impl ExecutionPlan for WorkspacesPoolsExec {
    fn name(&self) -> &str {
        "WorkspacesPoolsExec"
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        Vec::new()
    }

    fn apply_expressions(
        &self,
        _f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> DfResult<TreeNodeRecursion>,
    ) -> DfResult<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }

    fn with_new_children(
        self: Arc<Self>,
        children: Vec<Arc<dyn ExecutionPlan>>,
    ) -> DfResult<Arc<dyn ExecutionPlan>> {
        if children.is_empty() {
            return Ok(self);
        }
        Err(DataFusionError::Internal(
            "WorkspacesPoolsExec has no children".to_string(),
        ))
    }

    fn execute(
        &self,
        partition: usize,
        _context: Arc<TaskContext>,
    ) -> DfResult<SendableRecordBatchStream> {
        let schema = Arc::clone(&self.schema);
        let Some(region) = self.regions.get(partition) else {
            return Ok(Box::pin(RecordBatchStreamAdapter::new(
                schema,
                futures::stream::empty(),
            )));
        };
        let batches = region_batches(
            region.clone(),
            self.query.clone(),
            self.projection.clone(),
            Arc::clone(&schema),
            Arc::clone(&self.progress),
            Arc::clone(&self.cache),
            self.max_pages,
            self.fetches_tags(),
            self.failures.clone(),
        );
        Ok(Box::pin(RecordBatchStreamAdapter::new(
            schema,
            batches.map(|r| r.map_err(DataFusionError::from)),
        )))
    }
}

/// What one region's stream carries from page to page.
struct RegionScan<S> {
    pages: S,
    region: String,
    /// Where tags are fetched from, when the projection holds them.
    tags_from: Option<(aws_sdk_workspaces::Client, Arc<ApiCache>)>,
    projection: Option<Vec<usize>>,
    schema: SchemaRef,
    progress: Arc<ScanProgress>,
    /// Rows still wanted; `Some(0)` or an error ends the stream without another call.
    remaining: Option<usize>,
    /// Rows handed on so far, for the warning if the region fails.
    rows_sent: u64,
    failures: RegionFailures,
    _finish: FinishOnDrop,
}

impl<S> RegionScan<S> {
    /// The stream's answer to `error`: nothing more (the region ends quietly, with a warning) or
    /// the error, after which the stream ends.
    fn fail(mut self, error: crate::Error) -> Option<(Result<RecordBatch>, Self)> {
        if self
            .failures
            .absorb(TABLE, &self.region, self.rows_sent, &error)
        {
            return None;
        }
        self.remaining = Some(0);
        Some((Err(error), self))
    }
}

/// Every page of every request chain of one region, as batches, stopping at the query's limit.
/// Empty pages yield nothing; the page after the one that meets the limit is never requested.
/// With `with_tags`, each page's pools have their tags fetched before the page is converted.
#[allow(clippy::too_many_arguments)]
fn region_batches(
    region: RegionClient,
    query: PoolsQuery,
    projection: Option<Vec<usize>>,
    schema: SchemaRef,
    progress: Arc<ScanProgress>,
    cache: Arc<ApiCache>,
    max_pages: usize,
    with_tags: bool,
    failures: RegionFailures,
) -> impl Stream<Item = Result<RecordBatch>> {
    let RegionClient { region, client } = region;
    let tags_from = with_tags.then(|| (client.clone(), Arc::clone(&cache)));
    let pages = futures::stream::iter(query.requests())
        .map({
            let region = region.clone();
            move |request| {
                Box::pin(request_pages(
                    Arc::clone(&cache),
                    client.clone(),
                    region.clone(),
                    request,
                    max_pages,
                ))
            }
        })
        .flatten_unordered(CHUNK_CONCURRENCY);
    let state = RegionScan {
        pages: Box::pin(pages),
        _finish: FinishOnDrop::new(&progress, TABLE, &region),
        region,
        tags_from,
        projection,
        schema,
        progress,
        remaining: query.limit,
        rows_sent: 0,
        failures,
    };
    futures::stream::unfold(state, |mut scan| async move {
        loop {
            if scan.remaining == Some(0) {
                return None;
            }
            let pools = match scan.pages.next().await? {
                Ok(pools) => pools,
                Err(e) => return scan.fail(e),
            };
            scan.progress.page(TABLE, &scan.region, pools.len());
            if pools.is_empty() {
                continue;
            }
            let keep = scan.remaining.map_or(pools.len(), |r| r.min(pools.len()));
            scan.remaining = scan.remaining.map(|r| r - keep);
            let pools = &pools[..keep];
            let tags = match &scan.tags_from {
                None => None,
                Some((client, cache)) => {
                    let ids = pools.iter().map(|p| p.pool_id().to_string()).collect();
                    match resource_tags(cache, client, &scan.region, ids).await {
                        Ok(tags) => Some(tags),
                        Err(e) => return scan.fail(e),
                    }
                }
            };
            let batch = pools_and_tags_to_batch(
                &scan.region,
                pools,
                tags.as_deref(),
                scan.projection.as_deref(),
                &scan.schema,
            );
            match &batch {
                Ok(b) => scan.rows_sent += b.num_rows() as u64,
                Err(_) => scan.remaining = Some(0),
            }
            return Some((batch, scan));
        }
    })
}

/// The pages of one request chain, through the library's response cache.
pub(crate) fn request_pages(
    cache: Arc<ApiCache>,
    client: aws_sdk_workspaces::Client,
    region: String,
    request: PoolsRequest,
    max_pages: usize,
) -> impl Stream<Item = Result<Vec<WorkspacesPool>>> + Send + 'static {
    let filters = sdk_filters(&request.filters);
    let parameters = request.to_string();
    cached_paginate(
        cache,
        OPERATION,
        region.clone(),
        max_pages,
        parameters,
        move |token| {
            let call = client
                .describe_workspaces_pools()
                .set_pool_ids(request.pool_ids.clone())
                .set_filters(filters.clone())
                .limit(request.limit)
                .set_next_token(token);
            let region = region.clone();
            async move {
                let output = call
                    .send()
                    .await
                    .map_err(|e| api_error(OPERATION, &region, e))?;
                Ok(Page::from_response(
                    output.workspaces_pools,
                    output.next_token,
                ))
            }
        },
    )
}

fn sdk_filters(filters: &[NameFilter]) -> Option<Vec<DescribeWorkspacesPoolsFilter>> {
    if filters.is_empty() {
        return None;
    }
    let built = filters
        .iter()
        .filter_map(|f| {
            DescribeWorkspacesPoolsFilter::builder()
                .name(DescribeWorkspacesPoolsFilterName::Poolname)
                .operator(DescribeWorkspacesPoolsFilterOperator::from(
                    f.operator.as_str(),
                ))
                .set_values(Some(f.values.clone()))
                .build()
                .ok()
        })
        .collect();
    Some(built)
}
