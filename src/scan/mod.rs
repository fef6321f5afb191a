//! The one scan engine every table runs on: a [`TableProvider`](datafusion::datasource::TableProvider)
//! ([`ApiTable`]) beside its plan ([`exec::ApiScanExec`]), one partition per target, one batch per
//! page as each response arrives, pushed restrictions re-checked on every row, a hash join's
//! dynamic filter on a join key turned into request parameters at the first poll, and per-scan
//! metrics and warnings in the plan.
//!
//! A table only says what differs ([`DescribeTable`]): its columns, which columns push down, the
//! predicates it translates itself, which requests a set of [`Restrictions`] makes, how one
//! request is paged, and any per-page enrichment (a second call for columns the Describe
//! operation does not return). The engine knows no table.

mod api;
mod columns;
mod exec;
mod join_filter;
mod metrics;
mod predicates;
mod provider;
mod restrictions;
mod stream;

use std::fmt;
use std::marker::PhantomData;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::logical_expr::Expr;
use futures::future::BoxFuture;
use futures::stream::BoxStream;

pub(crate) use api::TargetApi;
pub(crate) use columns::{ColumnDef, Columns};
pub(crate) use exec::ApiScanExec;
pub(crate) use metrics::TargetMetrics;
pub(crate) use predicates::{equality_values, inequality_values, is_column, string_literal};
pub use provider::ApiTable;
pub(crate) use restrictions::{Pushable, PushdownRules, Restrictions, Translation};

use crate::error::Result;
use stream::TargetScan;

/// How many request chains of one target are read at once.
pub(crate) const REQUEST_CONCURRENCY: usize = 4;

/// What a table over one Describe operation has of its own.
pub(crate) trait DescribeTable: Send + Sync + 'static {
    /// One row as the API returns it (with what any enrichment adds).
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
    /// A predicate beyond the equality forms of [`Self::PUSHABLE`] that the table sends, and how
    /// far it pushes. None by default.
    fn translate(_predicate: &Expr) -> Option<Translation> {
        None
    }
    /// The request chains one target is sent under `restrictions` (never called when they
    /// match nothing).
    fn requests(restrictions: &Restrictions) -> Vec<Self::Request>;
    /// The pages of one request chain.
    fn pages(
        api: &TargetApi,
        request: Self::Request,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>>;
    /// How the table's predicates push down.
    fn rules() -> PushdownRules {
        PushdownRules {
            pushable: Self::PUSHABLE,
            translate: Self::translate,
        }
    }
    /// A call made per page for columns the operation does not return. None by default.
    fn enrichment() -> Option<Enrichment<Self::Item>> {
        None
    }
}

/// Fills an enriched column in one page's items.
pub(crate) type Enrich<T> = fn(TargetApi, Vec<T>) -> BoxFuture<'static, Result<Vec<T>>>;

/// A per-page call filling a column the Describe operation does not return.
pub(crate) struct Enrichment<T> {
    /// The column it fills: the call is made only when the query reads that column.
    pub column: &'static str,
    /// What EXPLAIN says of it (`then DescribeTags per pool`).
    pub explain: &'static str,
    /// Fills the column in a page's items.
    pub fetch: Enrich<T>,
}

/// What the engine asks of a table, without its item and request types, so that one provider
/// and one plan node serve every table.
pub(crate) trait ScanTable: Send + Sync + fmt::Debug {
    /// SQL name.
    fn name(&self) -> &'static str;
    /// Plan node name.
    fn exec_name(&self) -> &'static str;
    /// The full schema.
    fn schema(&self) -> SchemaRef;
    /// How the table's predicates push down.
    fn pushdown(&self) -> PushdownRules;
    /// The join keys a dynamic filter may narrow.
    fn join_keys(&self) -> &'static [&'static str];
    /// The requests of `restrictions`, as EXPLAIN shows them.
    fn describe_requests(&self, restrictions: &Restrictions) -> String;
    /// The enrichment a scan of `projection` makes, as EXPLAIN shows it.
    fn enrichment_for(&self, projection: Option<&[usize]>) -> Option<&'static str>;
    /// One target's batches under `restrictions`.
    fn batches(
        &self,
        scan: TargetScan,
        restrictions: Restrictions,
    ) -> BoxStream<'static, Result<RecordBatch>>;
}

/// A [`DescribeTable`] as a [`ScanTable`].
pub(crate) struct Describe<T>(PhantomData<fn() -> T>);

impl<T> Describe<T> {
    /// The table `T`, for a `static`.
    pub const TABLE: Describe<T> = Describe(PhantomData);
}

impl<T: DescribeTable> fmt::Debug for Describe<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::NAME)
    }
}

/// Whether the scan of `projection` reads `column` of `T`.
fn reads<T: DescribeTable>(projection: Option<&[usize]>, column: &str) -> bool {
    let Some(index) = T::columns().index_of(column) else {
        return false;
    };
    projection.is_none_or(|p| p.contains(&index))
}

impl<T: DescribeTable> ScanTable for Describe<T> {
    fn name(&self) -> &'static str {
        T::NAME
    }

    fn exec_name(&self) -> &'static str {
        T::EXEC
    }

    fn schema(&self) -> SchemaRef {
        T::columns().schema()
    }

    fn pushdown(&self) -> PushdownRules {
        T::rules()
    }

    fn join_keys(&self) -> &'static [&'static str] {
        T::JOIN_KEYS
    }

    fn describe_requests(&self, restrictions: &Restrictions) -> String {
        if restrictions.matches_nothing {
            return "none (the predicates match no row)".to_string();
        }
        let requests: Vec<String> = T::requests(restrictions)
            .iter()
            .map(|r| r.to_string())
            .collect();
        format!("[{}]", requests.join(", "))
    }

    fn enrichment_for(&self, projection: Option<&[usize]>) -> Option<&'static str> {
        T::enrichment()
            .filter(|e| reads::<T>(projection, e.column))
            .map(|e| e.explain)
    }

    fn batches(
        &self,
        scan: TargetScan,
        restrictions: Restrictions,
    ) -> BoxStream<'static, Result<RecordBatch>> {
        let enrichment =
            T::enrichment().filter(|e| reads::<T>(scan.projection.as_deref(), e.column));
        scan.batches::<T>(restrictions, enrichment)
    }
}
