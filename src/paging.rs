//! The NextToken loop shared by every paginated Describe operation: lazy (a page is requested
//! only when the consumer asks for it, so dropping the stream stops the calls), bounded, and
//! refusing to follow a token it has already seen.

use std::collections::HashSet;
use std::future::Future;

use futures::Stream;


use crate::error::{CallSite, Error, Result};

/// One response: its items and the token of the next page, if any.
#[derive(Debug, Clone)]
pub(crate) struct Page<T> {
    /// What the page held.
    pub items: Vec<T>,
    /// `NextToken`; `None` on the last page.
    pub next_token: Option<String>,
}

impl<T> Page<T> {
    /// A page as a response hands it over: absent items are none, and an absent or empty
    /// `NextToken` marks the last page (the service sends either).
    pub fn from_response(items: Option<Vec<T>>, next_token: Option<String>) -> Self {
        Self {
            items: items.unwrap_or_default(),
            next_token: next_token.filter(|t| !t.is_empty()),
        }
    }
}

enum State<F> {
    Next { token: Option<String>, fetch: F },
    Done,
}

/// Streams the pages of one request chain. `fetch(token)` makes one call; the first call gets
/// `None`. Ends after the page without a token, or with an error (after which it ends).
pub(crate) fn paginate<T, F, Fut>(
    call: CallSite,
    max_pages: usize,
    fetch: F,
) -> impl Stream<Item = Result<Vec<T>>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<T>>>,
{
    let mut seen: HashSet<String> = HashSet::new();
    let mut pages = 0usize;
    futures::stream::unfold(State::Next { token: None, fetch }, move |state| {
        let call = call.clone();
        let step = match state {
            State::Done => None,
            State::Next { token, fetch } => Some((token, fetch)),
        };
        pages += 1;
        let page_number = pages;
        let repeated = step
            .as_ref()
            .and_then(|(token, _)| token.clone())
            .is_some_and(|t| !seen.insert(t));
        async move {
            let (token, mut fetch) = step?;
            if repeated {
                let error = Error::RepeatedNextToken {
                    call,
                    page: page_number,
                };
                return Some((Err(error), State::Done));
            }
            if page_number > max_pages {
                let error = Error::TooManyPages {
                    call,
                    pages: max_pages,
                };
                return Some((Err(error), State::Done));
            }
            match fetch(token).await {
                Err(error) => Some((Err(error), State::Done)),
                Ok(Page {
                    items,
                    next_token: Some(next),
                }) => Some((
                    Ok(items),
                    State::Next {
                        token: Some(next),
                        fetch,
                    },
                )),
                Ok(Page {
                    items,
                    next_token: None,
                }) => Some((Ok(items), State::Done)),
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::StreamExt;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn site() -> CallSite {
        CallSite {
            operation: "Op",
            region: "r".into(),
            account: None,
        }
    }

    fn run<T: Send + 'static>(stream: impl Stream<Item = Result<Vec<T>>>) -> Vec<Result<Vec<T>>> {
        futures::executor::block_on(stream.collect())
    }

    #[test]
    fn follows_tokens_until_the_last_page() {
        let results = run(paginate(site(), 10, |token: Option<String>| async move {
            let n: usize = token.as_deref().map_or(0, |t| t.parse().unwrap_or(99));
            Ok(Page {
                items: vec![n],
                next_token: (n < 2).then(|| (n + 1).to_string()),
            })
        }));
        let items: Vec<usize> = results.into_iter().flat_map(|r| r.expect("ok")).collect();
        assert_eq!(items, vec![0, 1, 2]);
    }

    #[test]
    fn a_repeated_token_is_an_error() {
        let results = run(paginate(site(), 10, |_token| async {
            Ok(Page {
                items: vec![1],
                next_token: Some("same".to_string()),
            })
        }));
        assert_eq!(results.len(), 3);
        assert!(matches!(
            results[2],
            Err(Error::RepeatedNextToken { page: 3, .. })
        ));
    }

    #[test]
    fn too_many_pages_is_an_error() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let results = run(paginate(site(), 4, move |_token| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                Ok(Page {
                    items: vec![n],
                    next_token: Some(format!("t{n}")),
                })
            }
        }));
        assert_eq!(calls.load(Ordering::SeqCst), 4);
        assert!(matches!(
            results.last(),
            Some(Err(Error::TooManyPages { pages: 4, .. }))
        ));
    }

    #[test]
    fn nothing_is_fetched_until_polled_and_dropping_stops() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&calls);
        let stream = paginate(site(), 100, move |_token| {
            let n = counter.fetch_add(1, Ordering::SeqCst);
            async move {
                Ok(Page {
                    items: vec![n],
                    next_token: Some(format!("t{n}")),
                })
            }
        });
        assert_eq!(calls.load(Ordering::SeqCst), 0);
        let first_two = run(stream.take(2));
        assert_eq!(first_two.len(), 2);
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn an_empty_token_is_the_last_page() {
        let page = Page::from_response(Some(vec![1]), Some(String::new()));
        assert_eq!(page.next_token, None);
        let page = Page::<u8>::from_response(None, Some("t".into()));
        assert!(page.items.is_empty());
        assert_eq!(page.next_token.as_deref(), Some("t"));
    }

    #[test]
    fn an_error_ends_the_stream() {
        let results = run(paginate(site(), 10, |_token| async {
            Err::<Page<u8>, _>(Error::Internal("boom".into()))
        }));
        assert_eq!(results.len(), 1);
    }
}
