//! [`ApiScanExec`]: the plan node of every table's scan. One partition per region; in it, every
//! account is scanned as soon as the account list names it (so an organization's first accounts
//! are read while the next page of its list is fetched), each target (account, region) streaming
//! one batch per page; a hash join's dynamic filter narrows the requests, and the targets, at the
//! first poll, and each target to the keys of its own build-side rows when the join is on the
//! target's columns too. The node holds the statement's own state: its metrics (API calls, pages, retries,
//! throttling, rows, per target) and the warnings of targets that failed under the warn policy,
//! read back through [`crate::ScanReport`].

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::error::{DataFusionError, Result as DfResult};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_expr::expressions::DynamicFilterPhysicalExpr;
use datafusion::physical_expr::{EquivalenceProperties, PhysicalExpr};
use datafusion::physical_plan::execution_plan::{Boundedness, EmissionType};
use datafusion::physical_plan::filter_pushdown::{
    ChildPushdownResult, FilterPushdownPhase, FilterPushdownPropagation, PushedDown,
};
use datafusion::physical_plan::metrics::{ExecutionPlanMetricsSet, MetricsSet};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::{
    DisplayAs, DisplayFormatType, ExecutionPlan, Partitioning, PlanProperties,
};
use futures::StreamExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::report::{AccountsProgress, TargetProgress, TargetWarning};
use crate::scan::ScanTable;
use crate::scan::api::TargetApi;
use crate::scan::join_filter::{referenced_columns, required_values, values_in_target};
use crate::scan::metrics::TargetMetrics;
use crate::scan::provider::ScanOptions;
use crate::scan::restrictions::{Restrictions, TARGET_COLUMNS};
use crate::scan::stream::{TargetScan, Warnings, failed_before_start};
use crate::targets::{AccountList, Place, Target, TargetName};

/// A join's dynamic filter held by a scan, on its join keys and target columns.
#[derive(Debug, Clone)]
struct JoinFilter {
    columns: Vec<&'static str>,
    filter: Arc<dyn PhysicalExpr>,
}

/// What one statement's scan has seen so far, shared by the node's copies.
#[derive(Debug, Default)]
struct ScanState {
    /// Each started target, with its metrics.
    targets: Mutex<Vec<(TargetName, TargetMetrics)>>,
    /// Targets that failed under the warn policy.
    warnings: Warnings,
    /// What the join filters made of the requests, once read (for EXPLAIN ANALYZE).
    narrowed: Mutex<Option<String>>,
}

/// The scan of one table.
pub(crate) struct ApiScanExec {
    definition: &'static dyn ScanTable,
    /// The node's name in plans: the table's name in CamelCase, `WorkspacesPoolsExec`.
    name: Arc<str>,
    restrictions: Restrictions,
    /// The regions called, one partition each.
    regions: Vec<String>,
    accounts: Arc<AccountList>,
    projection: Option<Vec<usize>>,
    schema: SchemaRef,
    properties: Arc<PlanProperties>,
    options: ScanOptions,
    join_filters: Vec<JoinFilter>,
    metrics: ExecutionPlanMetricsSet,
    state: Arc<ScanState>,
}

impl fmt::Debug for ApiScanExec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct(&self.name)
            .field("restrictions", &self.restrictions)
            .field("regions", &self.regions)
            .finish()
    }
}

impl ApiScanExec {
    /// A scan of `regions` (already pruned by `restrictions`) in every account of `accounts`,
    /// producing the `projection` of the table's columns.
    pub fn new(
        definition: &'static dyn ScanTable,
        restrictions: Restrictions,
        regions: Vec<String>,
        accounts: Arc<AccountList>,
        projection: Option<Vec<usize>>,
        options: ScanOptions,
    ) -> DfResult<Self> {
        let schema = match &projection {
            Some(p) => Arc::new(definition.schema().project(p)?),
            None => definition.schema(),
        };
        // Always at least one partition: an empty plan still has to answer (with no rows).
        let properties = PlanProperties::new(
            EquivalenceProperties::new(Arc::clone(&schema)),
            Partitioning::UnknownPartitioning(regions.len().max(1)),
            EmissionType::Incremental,
            Boundedness::Bounded,
        );
        Ok(Self {
            definition,
            name: exec_name(definition.name()).into(),
            restrictions,
            regions,
            accounts,
            projection,
            schema,
            properties: Arc::new(properties),
            options,
            join_filters: Vec::new(),
            metrics: ExecutionPlanMetricsSet::new(),
            state: Arc::default(),
        })
    }

    /// The accounts as EXPLAIN shows them when several are read: those listed so far that the
    /// predicates may want, and whether more are listed as the scan runs. Read from the list's
    /// snapshot, so the text does not depend on what other scans are doing at that moment.
    fn accounts(&self) -> Option<String> {
        if !self.accounts.names_accounts() {
            return None;
        }
        let listed = self.accounts.listed();
        let ids: Vec<&str> = listed
            .accounts
            .iter()
            .filter_map(|a| a.known_account())
            .filter(|id| self.restrictions.may_want_account(Some(id)))
            .collect();
        Some(match (listed.complete, ids.is_empty()) {
            (true, _) => format!("[{}]", ids.join(", ")),
            (false, true) => "listed as the scan starts".to_string(),
            (false, false) => format!("[{}] and those listed as the scan runs", ids.join(", ")),
        })
    }

    /// The table scanned.
    pub fn table(&self) -> &'static str {
        self.definition.name()
    }

    /// Each started target's progress so far.
    pub fn progress(&self) -> Vec<TargetProgress> {
        let targets = self.state.targets.lock().unwrap_or_else(|e| e.into_inner());
        targets
            .iter()
            .map(|(target, metrics)| TargetProgress::read(self.table(), target, metrics))
            .collect()
    }

    /// When the scan reads several accounts: those whose every region it has finished, of
    /// those listed so far that the predicates may want.
    pub fn accounts_progress(&self) -> Option<AccountsProgress> {
        if !self.accounts.names_accounts() || self.regions.is_empty() {
            return None;
        }
        let listed = self.accounts.listed();
        let total = listed
            .accounts
            .iter()
            .filter(|a| self.restrictions.may_want_account(a.known_account()))
            .count();
        let mut regions_done: HashMap<usize, usize> = HashMap::new();
        let targets = self.state.targets.lock().unwrap_or_else(|e| e.into_inner());
        for (target, metrics) in targets.iter() {
            if metrics.end.value().is_some() {
                *regions_done.entry(target.account_number()).or_default() += 1;
            }
        }
        let done = regions_done
            .values()
            .filter(|&&n| n >= self.regions.len())
            .count();
        Some(AccountsProgress {
            table: self.table(),
            done,
            total,
            listed: listed.complete,
        })
    }

    /// The targets that failed under the warn policy so far.
    pub fn warnings(&self) -> Vec<TargetWarning> {
        self.state.warnings.snapshot()
    }

    fn with_join_filters(&self, join_filters: Vec<JoinFilter>) -> Self {
        Self {
            definition: self.definition,
            name: Arc::clone(&self.name),
            restrictions: self.restrictions.clone(),
            regions: self.regions.clone(),
            accounts: Arc::clone(&self.accounts),
            projection: self.projection.clone(),
            schema: Arc::clone(&self.schema),
            properties: Arc::clone(&self.properties),
            options: self.options.clone(),
            join_filters,
            metrics: self.metrics.clone(),
            state: Arc::clone(&self.state),
        }
    }

    /// `restrictions` with every join filter's current key set added.
    fn restrictions_after_join(&self) -> Restrictions {
        let mut restrictions = self.restrictions.clone();
        let rules = self.definition.pushdown();
        for join in &self.join_filters {
            for column in &join.columns {
                let Some(values) = required_values(&join.filter, column) else {
                    continue;
                };
                if let Some(p) = rules.equality_columns().find(|p| p.column == *column) {
                    restrictions.restrict(p, values);
                }
            }
        }
        restrictions
    }

    /// The restrictions as they stand at the first poll: with what the join filters say then.
    fn restrictions_now(&self) -> Restrictions {
        if self.join_filters.is_empty() {
            return self.restrictions.clone();
        }
        let narrowed = self.restrictions_after_join();
        *self
            .state
            .narrowed
            .lock()
            .unwrap_or_else(|e| e.into_inner()) =
            Some(self.definition.describe_requests(&narrowed));
        narrowed
    }

    /// `restrictions` in the target at `place`: each join key's values kept to those whose rows
    /// there can pass a join filter that also reads the target's columns. A join on
    /// `account_id` and `region` as well as a key (as the saved reports join) then calls, in each
    /// target, only the keys of that target's own build-side rows.
    fn narrowed_to(&self, place: &Place, mut restrictions: Restrictions) -> Restrictions {
        let rules = self.definition.pushdown();
        for join in &self.join_filters {
            if !join
                .columns
                .iter()
                .any(|c| TARGET_COLUMNS.iter().any(|t| t.column == *c))
            {
                continue;
            }
            for key in self.definition.join_keys() {
                let Some(values) = restrictions.values(key) else {
                    continue;
                };
                let Some(kept) = values_in_target(&join.filter, &self.schema, place, key, values)
                else {
                    continue;
                };
                if let Some(p) = rules.equality_columns().find(|p| p.column == *key) {
                    restrictions.restrict(p, kept);
                }
            }
        }
        restrictions
    }

    /// The batches of one target under `restrictions`, its metrics registered under `partition`.
    fn scan_target(
        self: &Arc<Self>,
        partition: usize,
        target: Target,
        restrictions: Restrictions,
    ) -> BoxStream<'static, Result<RecordBatch>> {
        let metrics = TargetMetrics::register(&self.metrics, partition, &target);
        self.state
            .targets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push((target.name().clone(), metrics.clone()));
        let node = Arc::clone(self);
        let warnings = node.options.warn.then(|| node.state.warnings.clone());
        futures::stream::once(async move {
            let definition = node.definition;
            let place = match target.place(node.options.resolve_account).await {
                Ok(place) => place,
                Err(error) => {
                    return failed_before_start(
                        definition.name(),
                        &target,
                        warnings,
                        metrics,
                        error,
                    );
                }
            };
            let restrictions = node.narrowed_to(&place, restrictions);
            let api = TargetApi::new(
                target,
                place,
                Arc::clone(&node.options.cache),
                node.options.max_pages,
                metrics.calls.clone(),
            );
            let scan = TargetScan {
                table: definition.name(),
                api,
                projection: node.projection.clone(),
                schema: Arc::clone(&node.schema),
                metrics,
                warnings,
            };
            definition.batches(scan, restrictions)
        })
        .flatten()
        .boxed()
    }
}

/// `workspaces_pools` → `WorkspacesPoolsExec`.
fn exec_name(table: &str) -> String {
    let mut name: String = table
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars.next().map_or_else(String::new, |first| {
                first.to_ascii_uppercase().to_string() + chars.as_str()
            })
        })
        .collect();
    name.push_str("Exec");
    name
}

impl DisplayAs for ApiScanExec {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}: ", self.name)?;
        if self.regions.is_empty() || self.restrictions.matches_nothing {
            write!(f, "no requests (the predicates match no row)")?;
        } else {
            if let Some(accounts) = self.accounts() {
                write!(f, "accounts={accounts}, ")?;
            }
            write!(
                f,
                "regions=[{}], requests per region={}",
                self.regions.join(", "),
                self.definition.describe_requests(&self.restrictions)
            )?;
            if let Some(limit) = self.restrictions.limit {
                write!(f, ", stop after {limit} rows")?;
            }
            if let Some(enrichment) = self.definition.enrichment_for(self.projection.as_deref()) {
                write!(f, ", then {enrichment}")?;
            }
        }
        for join in &self.join_filters {
            write!(
                f,
                ", join filter on {}={}",
                join.columns.join(", "),
                join.filter
            )?;
        }
        let narrowed = self
            .state
            .narrowed
            .lock()
            .unwrap_or_else(|e| e.into_inner());
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

impl ExecutionPlan for ApiScanExec {
    fn name(&self) -> &str {
        &self.name
    }

    fn properties(&self) -> &Arc<PlanProperties> {
        &self.properties
    }

    fn children(&self) -> Vec<&Arc<dyn ExecutionPlan>> {
        Vec::new()
    }

    fn metrics(&self) -> Option<MetricsSet> {
        Some(self.metrics.clone_inner())
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
            self.name
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
        if phase != FilterPushdownPhase::Post || !self.options.pushdown {
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
            // A filter on join keys, possibly with the target's columns (a join on account_id
            // and region too): each key it names narrows the requests, each target column the
            // targets called.
            let rules = self.definition.pushdown();
            let allowed: Vec<&'static str> = rules.equality_columns().map(|p| p.column).collect();
            let keys = self.definition.join_keys();
            if let Some(columns) = referenced_columns(filter, &allowed)
                && columns.iter().any(|c| keys.contains(c))
            {
                join_filters.push(JoinFilter {
                    columns,
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
        let Some(region) = self.regions.get(partition).cloned() else {
            return Ok(Box::pin(RecordBatchStreamAdapter::new(
                schema,
                futures::stream::empty(),
            )));
        };
        let node = Arc::new(self.with_join_filters(self.join_filters.clone()));
        // Everything that may wait happens at the first poll: the join fills its filter in
        // after its build side is read and polls this side only then, and listing accounts is
        // a call.
        let batches = futures::stream::once(async move {
            let restrictions = node.restrictions_now();
            // This partition's share: every partition (region) of the scan reads at once.
            let targets_at_once = (node.options.targets_at_once / node.regions.len()).max(1);
            let list = Arc::clone(&node.accounts);
            // The accounts as they are listed (a listing that fails ends the list).
            let accounts = futures::stream::unfold(Some(0usize), move |next| {
                let list = Arc::clone(&list);
                async move {
                    let index = next?;
                    let account = list.get(index).await?;
                    let next = account.is_ok().then_some(index + 1);
                    Some((account, next))
                }
            });
            accounts
                .map(move |account| match account {
                    Err(error) => futures::stream::once(async { Err(error) }).boxed(),
                    Ok(account) if !restrictions.may_want_account(account.known_account()) => {
                        futures::stream::empty().boxed()
                    }
                    Ok(account) => {
                        node.scan_target(partition, account.target(&region), restrictions.clone())
                    }
                })
                .flatten_unordered(targets_at_once)
        })
        .flatten()
        .boxed();
        Ok(Box::pin(RecordBatchStreamAdapter::new(
            schema,
            batches.map(|r| r.map_err(DataFusionError::from)),
        )))
    }
}
