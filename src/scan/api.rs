//! One target's way to the API during one scan: its clients, the library's response cache, the
//! page limit, and the scan's call counters. Every call of every table goes through
//! [`TargetApi::call_on`] (one call) or [`TargetApi::paginate_on`] (a NextToken chain), which look
//! in the cache first, count the call, and turn SDK failures into [`crate::Error`]s naming the
//! operation and the target: one chokepoint whatever the service. [`TargetApi::call`] and
//! [`TargetApi::paginate`] are the same for WorkSpaces, whose client most tables use; a table of
//! another service names its client ([`ServiceClient`]: WorkSpaces or CloudWatch).
//! [`TargetApi::single_page`] is the one call of an operation that does not page, as a page.

use std::future::Future;
use std::sync::Arc;

use aws_sdk_workspaces::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use futures::{FutureExt, StreamExt};

use crate::cache::{ApiCache, CacheKey};
use crate::error::{CallSite, Error, Result};
use crate::paging::{Page, paginate};
use crate::scan::metrics::CallMetrics;
use crate::targets::{Place, Target};

/// A service client a target builds on first use, from the account's configuration in the
/// target's region with the target's retry partition.
pub(crate) trait ServiceClient: Send + Sync + 'static {
    /// The target's client of this service.
    fn of(target: &Target) -> &Self;
}

impl ServiceClient for aws_sdk_workspaces::Client {
    fn of(target: &Target) -> &Self {
        target.workspaces()
    }
}

impl ServiceClient for aws_sdk_cloudwatch::Client {
    fn of(target: &Target) -> &Self {
        target.cloudwatch()
    }
}

/// What one SDK call of an operation whose errors are `E` can fail with.
pub(crate) type SdkResult<T, E> = std::result::Result<T, SdkError<E, HttpResponse>>;

/// One target's way to the API.
#[derive(Debug, Clone)]
pub(crate) struct TargetApi {
    target: Target,
    place: Place,
    cache: Arc<ApiCache>,
    max_pages: usize,
    calls: CallMetrics,
}

impl TargetApi {
    /// `target`, read at `place`, through `cache`, paging at most `max_pages` a chain,
    /// counting into `calls`.
    pub fn new(
        target: Target,
        place: Place,
        cache: Arc<ApiCache>,
        max_pages: usize,
        calls: CallMetrics,
    ) -> Self {
        Self {
            target,
            place,
            cache,
            max_pages,
            calls,
        }
    }

    /// Where the target's rows come from.
    pub fn place(&self) -> &Place {
        &self.place
    }

    /// Where a call of `operation` goes.
    pub fn call_site(&self, operation: &'static str) -> CallSite {
        self.place.call_site(operation)
    }

    /// One WorkSpaces call: [`TargetApi::call_on`] with the target's WorkSpaces client.
    pub fn call<T, E, S, Fut>(
        &self,
        operation: &'static str,
        parameters: &str,
        token: Option<&str>,
        send: S,
    ) -> BoxFuture<'static, Result<T>>
    where
        T: Clone + Send + Sync + 'static,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        S: FnOnce(&aws_sdk_workspaces::Client) -> Fut + Send + 'static,
        Fut: Future<Output = SdkResult<T, E>> + Send + 'static,
    {
        self.call_on(operation, parameters, token, send)
    }

    /// One call of `operation` with `parameters` (every request parameter but the NextToken,
    /// rendered canonically) and `token`: answered from the cache when it holds it, else made
    /// by `send` with the target's client of service `C`, once the account's and the overall
    /// bound on calls in flight let it, and counted into the scan's metrics by the client's
    /// [`CallCounter`](crate::scan::CallCounter).
    ///
    /// The SDK's request (a future of several kilobytes) and the target's client are made only
    /// once the call holds its permits: an organization's calls waiting for a permit hold the
    /// closure that will make them, not the request.
    pub fn call_on<C, T, E, S, Fut>(
        &self,
        operation: &'static str,
        parameters: &str,
        token: Option<&str>,
        send: S,
    ) -> BoxFuture<'static, Result<T>>
    where
        C: ServiceClient,
        T: Clone + Send + Sync + 'static,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        S: FnOnce(&C) -> Fut + Send + 'static,
        Fut: Future<Output = SdkResult<T, E>> + Send + 'static,
    {
        let key = CacheKey::new(&self.target.key(), operation, parameters, token);
        let cache = Arc::clone(&self.cache);
        let site = self.call_site(operation);
        let target = self.target.clone();
        let calls = self.calls.clone();
        async move {
            cache
                .get_or_fetch(key, || async move {
                    let in_flight = target.in_flight();
                    // The account's bound first, so that one account waiting for its own permits
                    // holds none of the others'. A closed semaphore never happens (never closed).
                    let _account = in_flight.account.acquire().await.ok();
                    let _overall = in_flight.overall.acquire().await.ok();
                    let request = calls.counting(send(C::of(&target))).boxed();
                    request
                        .await
                        .map_err(|e| Error::from_sdk(site, target.role_arn(), e))
                })
                .await
        }
        .boxed()
    }

    /// The one page of an operation that does not page (`DescribeAccount`,
    /// `DescribeWorkspaceAssociations`, `GetAccountLink`): one call through [`TargetApi::call`],
    /// as a stream of its items.
    pub fn single_page<T, E, S, Fut>(
        &self,
        operation: &'static str,
        parameters: &str,
        send: S,
    ) -> BoxStream<'static, Result<Vec<T>>>
    where
        T: Clone + Send + Sync + 'static,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        S: FnOnce(&aws_sdk_workspaces::Client) -> Fut + Send + 'static,
        Fut: Future<Output = SdkResult<Vec<T>, E>> + Send + 'static,
    {
        futures::stream::once(self.call(operation, parameters, None, send)).boxed()
    }

    /// The pages of one WorkSpaces request chain: [`TargetApi::paginate_on`] with the target's
    /// WorkSpaces client.
    pub fn paginate<T, E, F, Fut>(
        &self,
        operation: &'static str,
        parameters: String,
        send: F,
    ) -> BoxStream<'static, Result<Vec<T>>>
    where
        T: Clone + Send + Sync + 'static,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        F: Fn(&aws_sdk_workspaces::Client, Option<String>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = SdkResult<Page<T>, E>> + Send + 'static,
    {
        self.paginate_on(operation, parameters, send)
    }

    /// The pages of one request chain of `operation` of service `C`: `send` makes the call for
    /// one NextToken (`None` first), each through [`TargetApi::call_on`]. Lazy, bounded, and
    /// stopped by a repeated token (see [`crate::paging`]).
    pub fn paginate_on<C, T, E, F, Fut>(
        &self,
        operation: &'static str,
        parameters: String,
        send: F,
    ) -> BoxStream<'static, Result<Vec<T>>>
    where
        C: ServiceClient,
        T: Clone + Send + Sync + 'static,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        F: Fn(&C, Option<String>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = SdkResult<Page<T>, E>> + Send + 'static,
    {
        let api = self.clone();
        let send = Arc::new(send);
        paginate(
            self.call_site(operation),
            self.max_pages,
            move |token: Option<String>| {
                let send = Arc::clone(&send);
                let key_token = token.clone();
                api.call_on(
                    operation,
                    &parameters,
                    key_token.as_deref(),
                    move |client| send(client, token),
                )
            },
        )
        .boxed()
    }
}
