//! Resources that are gone. A request naming a pool, a WorkSpace, a directory or an alias (named
//! by a predicate, a join, or listed a moment before) may name one that no longer exists, and
//! the service answers `ResourceNotFoundException`. The tables answer no rows for it and go on,
//! in one of two ways: a chain naming one resource ends quietly ([`none_when_gone`]); a chain
//! naming several is asked again in halves until the ones that exist are found
//! ([`split_when_gone`]), since the service does not say which of them is gone.

use std::future::ready;

use futures::StreamExt;
use futures::stream::BoxStream;

use crate::error::{Error, Result};

fn is_gone<T>(page: &Result<T>) -> bool {
    matches!(page, Err(Error::NotFound { .. }))
}

/// The pages of `chain`, a request chain naming one resource, ending without an error when the
/// service says the resource does not exist.
pub(crate) fn none_when_gone<T: Send + 'static>(
    chain: BoxStream<'static, Result<Vec<T>>>,
) -> BoxStream<'static, Result<Vec<T>>> {
    chain.take_while(|page| ready(!is_gone(page))).boxed()
}

/// The pages of `chain(ids)`, a request chain naming every one of `ids`. When its first page is
/// `NotFound`, the ids are asked again in halves, and so on down to single ids, which then
/// answer nothing: a gone id costs `2 log2(n)` more calls, never the rows of the others.
pub(crate) fn split_when_gone<T, F>(
    ids: Vec<String>,
    chain: F,
) -> BoxStream<'static, Result<Vec<T>>>
where
    T: Send + 'static,
    F: Fn(Vec<String>) -> BoxStream<'static, Result<Vec<T>>> + Clone + Send + Sync + 'static,
{
    chain(ids.clone())
        .enumerate()
        .flat_map(move |(page, result)| {
            if page > 0 || !is_gone(&result) {
                return futures::stream::once(ready(result)).boxed();
            }
            let halves = match ids.len() {
                0 | 1 => Vec::new(),
                n => vec![ids[..n / 2].to_vec(), ids[n / 2..].to_vec()],
            };
            let chain = chain.clone();
            futures::stream::iter(halves)
                .flat_map(move |half| split_when_gone(half, chain.clone()))
                .boxed()
        })
        .boxed()
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use futures::TryStreamExt;

    use super::*;
    use crate::error::CallSite;

    fn not_found() -> Error {
        Error::NotFound {
            call: CallSite {
                operation: "DescribeThings",
                region: "us-east-1".to_string(),
                account: None,
            },
            code: "ResourceNotFoundException".to_string(),
            message: "gone".to_string(),
        }
    }

    /// A service knowing `known` ids: a request naming an unknown one fails, else answers the ids
    /// in two pages; every request is recorded.
    fn service(
        known: &'static [&'static str],
        asked: Arc<Mutex<Vec<Vec<String>>>>,
    ) -> impl Fn(Vec<String>) -> BoxStream<'static, Result<Vec<String>>> + Clone + Send + Sync {
        move |ids: Vec<String>| {
            asked.lock().expect("not poisoned").push(ids.clone());
            if ids.iter().any(|id| !known.contains(&id.as_str())) {
                return futures::stream::once(ready(Err(not_found()))).boxed();
            }
            let (first, second) = ids.split_at(ids.len() / 2);
            futures::stream::iter([Ok(first.to_vec()), Ok(second.to_vec())]).boxed()
        }
    }

    #[tokio::test]
    async fn halves_find_the_ids_that_exist() {
        let asked = Arc::new(Mutex::new(Vec::new()));
        let ids: Vec<String> = ["a", "b", "gone", "c"].map(String::from).to_vec();
        let pages: Vec<Vec<String>> =
            split_when_gone(ids.clone(), service(&["a", "b", "c"], Arc::clone(&asked)))
                .try_collect()
                .await
                .expect("no error");
        let found: Vec<String> = pages.into_iter().flatten().collect();
        assert_eq!(found, ["a", "b", "c"]);
        let asked = asked.lock().expect("not poisoned").clone();
        assert_eq!(asked[0], ids);
        assert_eq!(asked.len(), 5, "{asked:?}");
        let all_known: Vec<Vec<String>> =
            split_when_gone(ids[..2].to_vec(), service(&["a", "b"], Arc::default()))
                .try_collect()
                .await
                .expect("no error");
        assert_eq!(all_known.len(), 2);
    }

    #[tokio::test]
    async fn one_gone_resource_ends_its_chain_quietly_and_other_errors_stay() {
        let gone = futures::stream::iter([Ok(vec![1]), Err(not_found()), Ok(vec![2])]).boxed();
        let pages: Vec<Vec<i32>> = none_when_gone(gone).try_collect().await.expect("no error");
        assert_eq!(pages, [vec![1]]);
        let failing = futures::stream::iter([Err(Error::Internal("bug".into()))]).boxed();
        let result: Result<Vec<Vec<i32>>> = none_when_gone(failing).try_collect().await;
        assert!(result.is_err());
    }
}
