//! The one scan engine every table runs on: a [`TableProvider`](datafusion::datasource::TableProvider)
//! ([`ApiTable`]) beside its plan ([`exec::ApiScanExec`]), one partition per region, one batch per
//! page as each response arrives, pushed restrictions re-checked on every row, a hash join's
//! dynamic filter on a join key turned into request parameters at the first poll, parents
//! listed first for an operation that needs a parent id, and per-scan metrics and warnings in
//! the plan.
//!
//! A table is one file that says what it is ([`DescribeTable`]): its operation, its columns and
//! how each is read, its pushdown rules as data (which columns push down and what they are sent
//! as, which predicates it translates itself, its join keys, its page limit, its parent), which
//! requests a set of [`Restrictions`] makes and how one request is paged. `\d`, `EXPLAIN` and the
//! module doc of each table read the same rules ([`rules`]), and the rows are re-checked with
//! the column readers themselves. The engine knows no table.

mod api;
mod columns;
mod exec;
mod join_filter;
mod metrics;
pub(crate) mod null_lists;
pub(crate) mod own_decoding;
mod predicates;
mod provider;
mod restrictions;
pub(crate) mod rules;
mod stream;

use std::fmt;
use std::marker::PhantomData;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::logical_expr::Expr;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use futures::{StreamExt, TryStreamExt};

pub(crate) use api::{SdkResult, TargetApi};
pub use columns::ColumnSource;
pub(crate) use columns::{ColumnDef, Columns, micros};
pub(crate) use exec::ApiScanExec;
pub(crate) use metrics::{CallCounter, TargetMetrics};
pub(crate) use predicates::{
    TimeRange, equality_values, inequality_values, integer_values, is_column, list_membership,
    string_literal, time_range,
};
pub use provider::ApiTable;
pub(crate) use restrictions::{Pushable, PushdownRules, Restrictions, Translation};
pub use rules::PushdownRule;
pub(crate) use rules::{DefaultRule, TranslatedRule};

use crate::error::Result;
use stream::TargetScan;

/// How many request chains of one target are read at once.
pub(crate) const REQUEST_CONCURRENCY: usize = 4;

/// The request of an operation called without parameters (`DescribeAccount`, the first page
/// of `DescribeAccountModifications`): one per target, shown as `{}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NoParameters;

impl fmt::Display for NoParameters {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{}")
    }
}

/// Everything the library knows of one table over one operation.
pub(crate) trait DescribeTable: Send + Sync + 'static {
    /// One row as the API returns it (with what any enrichment adds).
    type Item: Send + Sync + 'static;
    /// The parameters of one request chain (its pages differ only by NextToken), as EXPLAIN
    /// shows them.
    type Request: fmt::Display + Clone + Send + Sync + 'static;
    /// SQL name.
    const NAME: &'static str;
    /// The API operation whose items are the rows.
    const OPERATION: &'static str;
    /// The model's shape of one item (`WorkspacesPool`): where the columns' descriptions are.
    const SHAPE: &'static str;
    /// What one row is, for `\d`: "one row per pool".
    const ROW: &'static str;
    /// Columns whose `=` / `IN` / OR-chain predicates push down exactly, with what they are
    /// sent as (each a text column of [`Self::columns`]).
    const PUSHABLE: &'static [Pushable] = &[];
    /// The predicates [`Self::translate`] sends, as `\d` shows them.
    const TRANSLATED: &'static [TranslatedRule] = &[];
    /// Columns a hash join's dynamic filter may narrow (each one of [`Self::PUSHABLE`]).
    const JOIN_KEYS: &'static [&'static str] = &[];
    /// The request's page-size member and its maximum, which a pushed `LIMIT` lowers.
    const PAGE_LIMIT: Option<(&'static str, usize)> = None;
    /// Columns of [`Self::PUSHABLE`] a query must restrict with `=` / `IN` (a member the
    /// operation requires that no listing supplies): without one, planning fails naming it.
    const REQUIRED_COLUMNS: &'static [&'static str] = &[];
    /// What the scan sends when the query does not restrict a column that the requests need a
    /// value of (the metrics tables' time window and period).
    const DEFAULTS: &'static [DefaultRule] = &[];
    /// The columns, each with how it is read from an item.
    fn columns() -> &'static Columns<Self::Item>;
    /// A predicate beyond the equality forms of [`Self::PUSHABLE`] that the table sends, and how
    /// far it pushes. None by default.
    fn translate(_predicate: &Expr) -> Option<Translation> {
        None
    }
    /// The request chains one target is sent under `restrictions` (never called when they
    /// match nothing; with [`Self::parent`], called with the parent column restricted).
    fn requests(restrictions: &Restrictions) -> Vec<Self::Request>;
    /// The pages of one request chain.
    fn pages(
        api: &TargetApi,
        request: Self::Request,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>>;
    /// A call made per page for columns the operation does not return. None by default.
    fn enrichment() -> Option<Enrichment<Self::Item>> {
        None
    }
    /// For an operation that needs a parent's id: how the parents are listed when no predicate
    /// or join names them. None by default.
    fn parent() -> Option<Parent> {
        None
    }
    /// How the table's predicates push down.
    fn rules() -> PushdownRules {
        PushdownRules {
            pushable: Self::PUSHABLE,
            translate: Self::translate,
            required: Self::REQUIRED_COLUMNS,
            only_required: false,
        }
    }
}

/// Fills an enriched column in one page's items.
pub(crate) type Enrich<T> = fn(TargetApi, Vec<T>) -> BoxFuture<'static, Result<Vec<T>>>;

/// A per-page call filling a column the Describe operation does not return.
pub(crate) struct Enrichment<T> {
    /// The column it fills: the call is made only when the query reads that column.
    pub column: &'static str,
    /// What EXPLAIN says of it (`DescribeTags per pool`).
    pub explain: &'static str,
    /// Fills the column in a page's items.
    pub fetch: Enrich<T>,
}

/// The parents of a table whose operation needs a parent's id (`PoolId`, `ImageId`, ...): the
/// column that names the parent, and the table whose rows are the parents. When neither a
/// predicate nor a join names the parents, each target lists them first (Steampipe's parent
/// hydrate), and the table's requests are made for each page of them.
#[derive(Clone, Copy)]
pub(crate) struct Parent {
    /// The column of this table holding the parent's id (one of its pushable columns).
    pub column: &'static str,
    /// The parent table's column holding the same id.
    pub parent_column: &'static str,
    /// The parent table's operation, for EXPLAIN and `\d`.
    pub operation: &'static str,
    /// Equalities on the parent table's pushable columns that the listing keeps to, when only
    /// those parents can have rows here (only the account's own images have permissions to
    /// describe: `[("image_type", "OWNED")]`). Empty: every parent.
    pub only: &'static [ParentCondition],
    /// How many listed parents one call of [`DescribeTable::requests`] is made for: `None` for
    /// each page as it is listed, `Some(n)` for `n` at a time gathered across pages (the last
    /// batch holds the rest), so that an operation taking many parents in one call (CloudWatch's
    /// 500 queries) fills its calls.
    pub batch: Option<usize>,
    listing: fn(&'static [ParentCondition]) -> String,
    list: ParentList,
}

/// `(column, value)`: the parent table's rows whose `column` is `value`.
pub(crate) type ParentCondition = (&'static str, &'static str);

/// Lists the ids in a column of the parents that satisfy some conditions, page by page.
type ParentList = fn(
    &TargetApi,
    &'static str,
    &'static [ParentCondition],
) -> BoxStream<'static, Result<Vec<String>>>;

impl Parent {
    /// Parents that are the rows of table `P`, whose `parent_column` holds the id this table's
    /// `column` takes. The listing is `P`'s scan without predicates.
    pub fn rows_of<P: DescribeTable>(column: &'static str, parent_column: &'static str) -> Self {
        Self {
            column,
            parent_column,
            operation: P::OPERATION,
            only: &[],
            listing: listing::<P>,
            list: parent_ids::<P>,
            batch: None,
        }
    }

    /// The same parents, `n` at a time for each call of the table's requests.
    pub fn in_batches_of(self, n: usize) -> Self {
        Self {
            batch: Some(n.max(1)),
            ..self
        }
    }

    /// The same parents, listed only where each of `conditions` holds: the parent table's scan
    /// with those equalities pushed down, its rows checked against them.
    pub const fn only(self, conditions: &'static [ParentCondition]) -> Self {
        Self {
            only: conditions,
            ..self
        }
    }

    /// The parent listing's request, as EXPLAIN shows it.
    pub fn listing(&self) -> String {
        (self.listing)(self.only)
    }

    /// The parents' ids in a target, page by page.
    pub fn list(&self, api: &TargetApi) -> BoxStream<'static, Result<Vec<String>>> {
        (self.list)(api, self.parent_column, self.only)
    }
}

/// The restrictions of `P`'s scan that `conditions` make, or the first condition on a column
/// `P` does not push down.
fn parent_restrictions<P: DescribeTable>(
    conditions: &[ParentCondition],
) -> std::result::Result<Restrictions, &'static str> {
    let mut restrictions = Restrictions::default();
    for (column, value) in conditions {
        let pushable = P::PUSHABLE.iter().find(|p| p.column == *column);
        let pushable = pushable.ok_or(*column)?;
        restrictions.restrict(pushable, [value.to_string()]);
    }
    Ok(restrictions)
}

fn listing<P: DescribeTable>(conditions: &'static [ParentCondition]) -> String {
    let restrictions = parent_restrictions::<P>(conditions).unwrap_or_default();
    let requests: Vec<String> = P::requests(&restrictions)
        .iter()
        .map(|r| r.to_string())
        .collect();
    format!("{} {}", P::OPERATION, requests.join(" + "))
}

/// The ids in `column` of every row of `P` in the target where `conditions` hold, one page at a
/// time.
fn parent_ids<P: DescribeTable>(
    api: &TargetApi,
    column: &'static str,
    conditions: &'static [ParentCondition],
) -> BoxStream<'static, Result<Vec<String>>> {
    let internal = |what: String| {
        let error = crate::error::Error::Internal(format!("{} {what}", P::NAME));
        futures::stream::once(async { Err(error) }).boxed()
    };
    let Some(read) = P::columns().text_reader(column) else {
        return internal(format!("has no text column {column} to list parents by"));
    };
    let restrictions = match parent_restrictions::<P>(conditions) {
        Ok(restrictions) if restrictions.matches_nothing => {
            return futures::stream::empty().boxed();
        }
        Ok(restrictions) => restrictions,
        Err(column) => return internal(format!("does not push down {column} to list parents by")),
    };
    let mut checks = Vec::new();
    for (column, value) in conditions {
        match P::columns().text_reader(column) {
            Some(read) => checks.push((read, *value)),
            None => return internal(format!("has no text column {column} to list parents by")),
        }
    }
    let api = api.clone();
    futures::stream::iter(P::requests(&restrictions))
        .map(move |request| P::pages(&api, request))
        .flatten()
        .map_ok(move |items| {
            items
                .iter()
                .filter(|item| {
                    checks
                        .iter()
                        .all(|(read, value)| read(item) == Some(*value))
                })
                .filter_map(read)
                .map(String::from)
                .collect()
        })
        .boxed()
}

/// What the engine asks of a table, without its item and request types, so that one provider
/// and one plan node serve every table.
pub(crate) trait ScanTable: Send + Sync + fmt::Debug {
    /// SQL name.
    fn name(&self) -> &'static str;
    /// The API operation.
    fn operation(&self) -> &'static str;
    /// What one row is.
    fn row(&self) -> &'static str;
    /// The full schema.
    fn schema(&self) -> SchemaRef;
    /// The model's shape of one row.
    fn shape(&self) -> &'static str;
    /// What each column is, for its description.
    fn column_sources(&self) -> Vec<ColumnSource>;
    /// How the table's predicates push down.
    fn pushdown(&self) -> PushdownRules;
    /// The join keys a dynamic filter may narrow.
    fn join_keys(&self) -> &'static [&'static str];
    /// Every form of predicate or clause the table sends, as `\d` shows them.
    fn rules(&self) -> Vec<PushdownRule>;
    /// The operation listing the parents, for an operation that needs a parent's id.
    fn parent_operation(&self) -> Option<&'static str>;
    /// The condition a query must hold for the table's required columns, with example values;
    /// `None` when it has none.
    fn required_condition(&self) -> Option<String>;
    /// The requests of `restrictions`, as EXPLAIN shows them.
    fn describe_requests(&self, restrictions: &Restrictions) -> String;
    /// The enrichment a scan of `projection` makes, as EXPLAIN shows it.
    fn enrichment_for(&self, projection: Option<&[usize]>) -> Option<&'static str>;
    /// Every text column read from items: what a pushed value is checked by.
    #[cfg(test)]
    fn text_columns(&self) -> Vec<&'static str>;
    /// The predicates the table translates itself, with their examples.
    #[cfg(test)]
    fn translated(&self) -> &'static [TranslatedRule];
    /// The parents listed first when no predicate names them, if the operation needs one.
    #[cfg(test)]
    fn parent(&self) -> Option<Parent>;
    /// The request's page-size member and its maximum.
    #[cfg(test)]
    fn page_limit(&self) -> Option<(&'static str, usize)>;
    /// What the scan sends for columns the query leaves unrestricted.
    #[cfg(test)]
    fn defaults(&self) -> &'static [DefaultRule];
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

/// The requests of `restrictions` as EXPLAIN shows them: `[{..}, {..}]`, and for a table whose
/// parents are listed first, the listing and the requests made for each parent.
pub(crate) fn describe_requests<T: DescribeTable>(restrictions: &Restrictions) -> String {
    let render = |r: &Restrictions| {
        let requests: Vec<String> = T::requests(r).iter().map(|r| r.to_string()).collect();
        requests.join(", ")
    };
    match T::parent() {
        Some(parent) if restrictions.values(parent.column).is_none() => {
            let each = restrictions.with_listed(parent.column, vec!["<each>".to_string()]);
            let per = match parent.batch {
                Some(n) if restrictions.limit.is_none() => format!("{n} {}s listed", parent.column),
                _ => parent.column.to_string(),
            };
            format!(
                "[{}, then for each {per}: {}]",
                parent.listing(),
                render(&each)
            )
        }
        _ => format!("[{}]", render(restrictions)),
    }
}

impl<T: DescribeTable> ScanTable for Describe<T> {
    fn name(&self) -> &'static str {
        T::NAME
    }

    fn operation(&self) -> &'static str {
        T::OPERATION
    }

    fn row(&self) -> &'static str {
        T::ROW
    }

    fn schema(&self) -> SchemaRef {
        T::columns().schema()
    }

    fn shape(&self) -> &'static str {
        T::SHAPE
    }

    fn column_sources(&self) -> Vec<ColumnSource> {
        T::columns().sources()
    }

    fn pushdown(&self) -> PushdownRules {
        T::rules()
    }

    fn join_keys(&self) -> &'static [&'static str] {
        T::JOIN_KEYS
    }

    fn rules(&self) -> Vec<PushdownRule> {
        rules::of::<T>()
    }

    fn parent_operation(&self) -> Option<&'static str> {
        T::parent().map(|p| p.operation)
    }

    fn required_condition(&self) -> Option<String> {
        rules::required_condition::<T>()
    }

    fn describe_requests(&self, restrictions: &Restrictions) -> String {
        if restrictions.matches_nothing {
            return "none (the predicates match no row)".to_string();
        }
        describe_requests::<T>(restrictions)
    }

    fn enrichment_for(&self, projection: Option<&[usize]>) -> Option<&'static str> {
        T::enrichment()
            .filter(|e| reads::<T>(projection, e.column))
            .map(|e| e.explain)
    }

    #[cfg(test)]
    fn text_columns(&self) -> Vec<&'static str> {
        T::columns().text_columns()
    }

    #[cfg(test)]
    fn translated(&self) -> &'static [TranslatedRule] {
        T::TRANSLATED
    }

    #[cfg(test)]
    fn parent(&self) -> Option<Parent> {
        T::parent()
    }

    #[cfg(test)]
    fn page_limit(&self) -> Option<(&'static str, usize)> {
        T::PAGE_LIMIT
    }

    #[cfg(test)]
    fn defaults(&self) -> &'static [DefaultRule] {
        T::DEFAULTS
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::bundles::Bundles;

    #[test]
    fn a_parent_listing_keeps_to_its_conditions() {
        let every = Parent::rows_of::<Bundles>("bundle_id", "bundle_id");
        assert_eq!(
            every.listing(),
            "DescribeWorkspaceBundles {} + {Owner: AMAZON}"
        );
        let amazons = every.only(&[("owner", "AMAZON")]);
        assert_eq!(
            amazons.listing(),
            "DescribeWorkspaceBundles {Owner: AMAZON}"
        );
        assert_eq!(amazons.only, &[("owner", "AMAZON")]);
        let restrictions = parent_restrictions::<Bundles>(amazons.only).expect("pushable");
        assert!(restrictions.admits("owner", Some("AMAZON")));
        assert!(!restrictions.admits("owner", Some("123456789012")));
    }

    #[test]
    fn a_condition_on_a_column_the_parent_does_not_push_is_named() {
        assert_eq!(
            parent_restrictions::<Bundles>(&[("state", "AVAILABLE")]).err(),
            Some("state")
        );
        let impossible = parent_restrictions::<Bundles>(&[("bundle_id", "nope")]);
        assert!(impossible.is_ok_and(|r| r.matches_nothing));
    }
}
