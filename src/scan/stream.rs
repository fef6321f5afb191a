//! One target's stream of batches: every page of every request chain, a few chains at a time
//! (after listing the parents, for a table whose parents no predicate names), rows re-checked
//! against the pushed restrictions with the columns' own readers, enriched when the query reads an enriched
//! column, converted to Arrow, and cut at the row limit (the page after the one that meets it is
//! never requested). A failure ends the stream with the error, or, under the warn policy, quietly
//! with a warning recorded in the statement's plan.

use std::sync::{Arc, Mutex};

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::record_batch::RecordBatch;
use futures::stream::BoxStream;
use futures::{Stream, StreamExt};

use crate::error::{Error, Result};
use crate::report::TargetWarning;
use crate::scan::api::TargetApi;
use crate::scan::metrics::{EndOnDrop, TargetMetrics};
use crate::scan::restrictions::Restrictions;
use crate::scan::{DescribeTable, Enrichment, REQUEST_CONCURRENCY};
use crate::targets::Target;

/// The warnings of one statement's scan, shared by its targets.
#[derive(Debug, Clone, Default)]
pub(crate) struct Warnings(Arc<Mutex<Vec<TargetWarning>>>);

impl Warnings {
    fn record(&self, warning: TargetWarning) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(warning);
    }

    /// Every warning recorded so far.
    pub fn snapshot(&self) -> Vec<TargetWarning> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

/// What one target's scan needs besides its restrictions.
pub(crate) struct TargetScan {
    /// The table's SQL name, for warnings.
    pub table: &'static str,
    /// The target's way to the API.
    pub api: TargetApi,
    /// The columns the query reads (all when `None`).
    pub projection: Option<Vec<usize>>,
    /// The schema of that projection.
    pub schema: SchemaRef,
    /// The target's metrics.
    pub metrics: TargetMetrics,
    /// `Some` under the warn policy: where a failure is recorded instead of failing the query.
    pub warnings: Option<Warnings>,
}

/// The stream of a target whose scan failed before its first call (its account could not be
/// named): nothing, with a warning under the warn policy, or the error.
pub(crate) fn failed_before_start(
    table: &'static str,
    target: &Target,
    warnings: Option<Warnings>,
    metrics: TargetMetrics,
    error: Error,
) -> BoxStream<'static, Result<RecordBatch>> {
    metrics.end.record();
    if let Some(warnings) = warnings
        && error.is_region_failure()
    {
        warnings.record(TargetWarning {
            table,
            region: target.name().region().to_string(),
            account: target.name().known_account().map(String::from),
            rows_kept: 0,
            error: error.to_string(),
            kind: error.kind(),
        });
        return futures::stream::empty().boxed();
    }
    futures::stream::once(async { Err(error) }).boxed()
}

/// How a row's value of a restricted column is read: the column's own reader.
type RowCheck<T> = (&'static str, fn(&T) -> Option<&str>);

/// What one target's stream carries from page to page.
struct PageState<T: DescribeTable> {
    pages: BoxStream<'static, Result<Vec<T::Item>>>,
    scan: TargetScan,
    restrictions: Restrictions,
    /// The restricted columns of the table and their readers.
    checks: Vec<RowCheck<T::Item>>,
    enrichment: Option<Enrichment<T::Item>>,
    /// Rows still wanted; `Some(0)` or an error ends the stream without another call.
    remaining: Option<usize>,
    /// Rows handed on so far, for the warning if the target fails.
    rows_sent: u64,
    _end: EndOnDrop,
}

impl<T: DescribeTable> PageState<T> {
    /// The stream's answer to `error`: nothing more (the target ends quietly, with a warning)
    /// or the error, after which the stream ends.
    fn fail(mut self, error: Error) -> Option<(Result<RecordBatch>, Self)> {
        if let Some(warnings) = &self.scan.warnings
            && error.is_region_failure()
        {
            let place = self.scan.api.place();
            warnings.record(TargetWarning {
                table: self.scan.table,
                region: place.region.clone(),
                account: place.account.clone(),
                rows_kept: self.rows_sent,
                error: error.to_string(),
                kind: error.kind(),
            });
            return None;
        }
        self.remaining = Some(0);
        Some((Err(error), self))
    }

    /// The next page's items that pass the restrictions, up to the limit; `None` at the end.
    async fn next_items(&mut self) -> Option<Result<Vec<T::Item>>> {
        loop {
            if self.remaining == Some(0) {
                return None;
            }
            let mut items = match self.pages.next().await? {
                Ok(items) => items,
                Err(e) => return Some(Err(e)),
            };
            self.scan.metrics.pages.add(1);
            let restrictions = &self.restrictions;
            items.retain(|item| {
                self.checks
                    .iter()
                    .all(|(column, read)| restrictions.admits(column, read(item)))
            });
            if items.is_empty() {
                continue;
            }
            let keep = self.remaining.map_or(items.len(), |r| r.min(items.len()));
            self.remaining = self.remaining.map(|r| r - keep);
            items.truncate(keep);
            return Some(Ok(items));
        }
    }
}

impl TargetScan {
    /// Every page of every request chain of the target as batches.
    pub fn batches<T: DescribeTable>(
        self,
        restrictions: Restrictions,
        enrichment: Option<Enrichment<T::Item>>,
    ) -> BoxStream<'static, Result<RecordBatch>> {
        let checks = match row_checks::<T>(&restrictions) {
            Ok(checks) => checks,
            Err(error) => return futures::stream::once(async { Err(error) }).boxed(),
        };
        // A join filter read at the first poll may leave this target out altogether.
        let pages = match restrictions.wants(self.api.place()) {
            true => request_pages::<T>(&self.api, &restrictions),
            false => futures::stream::empty().boxed(),
        };
        let state = PageState::<T> {
            pages,
            _end: EndOnDrop(self.metrics.end.clone()),
            remaining: restrictions.limit,
            rows_sent: 0,
            checks,
            restrictions,
            enrichment,
            scan: self,
        };
        page_batches(state).boxed()
    }
}

/// The reader of every restricted column of `T`: a restriction on a column without one is a
/// bug in the table's definition, said as such rather than dropping every row.
fn row_checks<T: DescribeTable>(restrictions: &Restrictions) -> Result<Vec<RowCheck<T::Item>>> {
    restrictions
        .columns()
        .map(|column| match T::columns().text_reader(column) {
            Some(read) => Ok((column, read)),
            None => Err(Error::Internal(format!(
                "{} pushes down {column}, which is not one of its text columns",
                T::NAME
            ))),
        })
        .collect()
}

/// The pages of every request chain of a target under `restrictions`, a few chains at a time.
/// A table whose parents no predicate names lists them first, and makes its requests for each
/// page of parents as it arrives.
fn request_pages<T: DescribeTable>(
    api: &TargetApi,
    restrictions: &Restrictions,
) -> BoxStream<'static, Result<Vec<T::Item>>> {
    let requests: BoxStream<'static, Result<T::Request>> = match T::parent() {
        Some(parent) if restrictions.values(parent.column).is_none() => {
            let restrictions = restrictions.clone();
            // With a row limit, the first page of parents may already answer it: no gathering.
            let batch = parent.batch.filter(|_| restrictions.limit.is_none());
            in_batches(parent.list(api), batch)
                .map(move |page| match page {
                    Ok(ids) if ids.is_empty() => futures::stream::empty().boxed(),
                    Ok(ids) => {
                        let requests = T::requests(&restrictions.with_listed(parent.column, ids));
                        futures::stream::iter(requests.into_iter().map(Ok)).boxed()
                    }
                    Err(error) => futures::stream::once(async { Err(error) }).boxed(),
                })
                .flatten()
                .boxed()
        }
        _ => futures::stream::iter(T::requests(restrictions).into_iter().map(Ok)).boxed(),
    };
    let api = api.clone();
    requests
        .map(move |request| match request {
            Ok(request) => T::pages(&api, request),
            Err(error) => futures::stream::once(async { Err(error) }).boxed(),
        })
        .flatten_unordered(REQUEST_CONCURRENCY)
        .boxed()
}

/// The listed `ids`, `size` at a time gathered across pages (the last batch holds the rest), or
/// page by page when `size` is `None`. A failure is handed on at once, ending the stream.
fn in_batches(
    ids: BoxStream<'static, Result<Vec<String>>>,
    size: Option<usize>,
) -> BoxStream<'static, Result<Vec<String>>> {
    let Some(size) = size else {
        return ids;
    };
    struct Gathering {
        ids: BoxStream<'static, Result<Vec<String>>>,
        gathered: Vec<String>,
        ended: bool,
    }
    let start = Gathering {
        ids,
        gathered: Vec::new(),
        ended: false,
    };
    futures::stream::unfold(start, move |mut state| async move {
        loop {
            if state.gathered.len() >= size {
                let rest = state.gathered.split_off(size);
                let batch = std::mem::replace(&mut state.gathered, rest);
                return Some((Ok(batch), state));
            }
            if state.ended {
                if state.gathered.is_empty() {
                    return None;
                }
                let batch = std::mem::take(&mut state.gathered);
                return Some((Ok(batch), state));
            }
            match state.ids.next().await {
                Some(Ok(page)) => state.gathered.extend(page),
                Some(Err(error)) => {
                    state.ended = true;
                    state.gathered.clear();
                    return Some((Err(error), state));
                }
                None => state.ended = true,
            }
        }
    })
    .boxed()
}

fn page_batches<T: DescribeTable>(
    state: PageState<T>,
) -> impl Stream<Item = Result<RecordBatch>> + Send + 'static {
    futures::stream::unfold(state, |mut state| async move {
        let mut items = match state.next_items().await? {
            Ok(items) => items,
            Err(e) => return state.fail(e),
        };
        if let Some(enrichment) = &state.enrichment {
            items = match (enrichment.fetch)(state.scan.api.clone(), items).await {
                Ok(items) => items,
                Err(e) => return state.fail(e),
            };
        }
        let batch = T::columns().to_batch(
            state.scan.api.place(),
            &items,
            state.scan.projection.as_deref(),
            &state.scan.schema,
        );
        match &batch {
            Ok(b) => {
                state.rows_sent += b.num_rows() as u64;
                state.scan.metrics.output_rows.add(b.num_rows());
            }
            Err(_) => state.remaining = Some(0),
        }
        Some((batch, state))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pages(pages: Vec<Result<Vec<&str>>>) -> BoxStream<'static, Result<Vec<String>>> {
        let owned: Vec<Result<Vec<String>>> = pages
            .into_iter()
            .map(|p| p.map(|ids| ids.into_iter().map(String::from).collect()))
            .collect();
        futures::stream::iter(owned).boxed()
    }

    async fn batches(stream: BoxStream<'static, Result<Vec<String>>>) -> Vec<Result<String>> {
        stream.map(|b| b.map(|ids| ids.join(","))).collect().await
    }

    #[tokio::test]
    async fn parents_are_gathered_across_pages_into_batches() {
        let listed = || {
            pages(vec![
                Ok(vec!["a", "b"]),
                Ok(vec!["c", "d", "e"]),
                Ok(vec![]),
                Ok(vec!["f"]),
            ])
        };
        let got: Vec<String> = batches(in_batches(listed(), Some(4)))
            .await
            .into_iter()
            .map(|b| b.expect("no failure"))
            .collect();
        assert_eq!(got, ["a,b,c,d", "e,f"]);
        let each_page: Vec<String> = batches(in_batches(listed(), None))
            .await
            .into_iter()
            .map(|b| b.expect("no failure"))
            .collect();
        assert_eq!(each_page, ["a,b", "c,d,e", "", "f"]);
        let exact: Vec<String> = batches(in_batches(listed(), Some(3)))
            .await
            .into_iter()
            .map(|b| b.expect("no failure"))
            .collect();
        assert_eq!(exact, ["a,b,c", "d,e,f"]);
    }

    #[tokio::test]
    async fn a_listing_failure_is_handed_on_at_once_and_ends_the_batches() {
        let failing = pages(vec![
            Ok(vec!["a", "b", "c"]),
            Err(Error::Internal("listing failed".into())),
            Ok(vec!["d"]),
        ]);
        let got = batches(in_batches(failing, Some(2))).await;
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0].as_deref().ok(), Some("a,b"));
        assert!(got[1].is_err());
    }
}
