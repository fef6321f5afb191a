//! What one scan counts for each of its targets, as DataFusion metrics of its plan node, so that
//! `EXPLAIN ANALYZE` shows them and a front end can read a running statement's progress: API calls
//! made (the cache's answers are not calls), pages received, retries, throttled attempts, rows
//! handed on, and when the target's scan started and ended.
//!
//! Calls are counted by an SDK interceptor registered on each client ([`CallCounter`]), so
//! retries and throttling inside the SDK's own retry loop are seen too; each call finds its
//! counters in a task-local set around it ([`CallMetrics::counting`]).

use std::future::Future;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::retries::RequestAttempts;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryReason,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::ErrorKind;
use datafusion::common::format::MetricType;
use datafusion::physical_plan::metrics::{
    Count, ExecutionPlanMetricsSet, MetricBuilder, Timestamp,
};

use crate::targets::Target;

/// The metrics of one target of one scan.
#[derive(Debug, Clone)]
pub(crate) struct TargetMetrics {
    /// The calls, counted by [`CallCounter`].
    pub calls: CallMetrics,
    /// Responses received (from the service or the cache).
    pub pages: Count,
    /// Rows handed on to the query.
    pub output_rows: Count,
    /// When the target's scan began.
    pub start: Timestamp,
    /// When it ended (finished, failed or dropped); unset while it runs.
    pub end: Timestamp,
}

/// The counters a call updates.
#[derive(Debug, Clone)]
pub(crate) struct CallMetrics {
    /// Calls sent to the service.
    pub api_calls: Count,
    /// Attempts beyond the first of each call.
    pub retries: Count,
    /// Attempts the service answered with a throttling error.
    pub throttled: Count,
}

impl TargetMetrics {
    /// Registers the metrics of `partition`, reading `target`, into `set`.
    pub fn register(set: &ExecutionPlanMetricsSet, partition: usize, target: &Target) -> Self {
        let builder = || {
            MetricBuilder::new(set)
                .with_new_label("target", target.key())
                .with_type(MetricType::Summary)
        };
        let metrics = Self {
            calls: CallMetrics {
                api_calls: builder().counter("api_calls", partition),
                retries: builder().counter("retries", partition),
                throttled: builder().counter("throttled", partition),
            },
            pages: builder().counter("pages", partition),
            output_rows: builder().output_rows(partition),
            start: builder().start_timestamp(partition),
            end: builder().end_timestamp(partition),
        };
        metrics.start.record();
        metrics
    }
}

/// Records the end of a target's scan when dropped, however the scan ended.
#[derive(Debug)]
pub(crate) struct EndOnDrop(pub Timestamp);

impl Drop for EndOnDrop {
    fn drop(&mut self) {
        self.0.record();
    }
}

tokio::task_local! {
    /// The counters of the call the task is making: set by [`CallMetrics::counting`] around
    /// one SDK call, read by the client's [`CallCounter`] from inside it.
    static CALL: CallMetrics;
}

impl CallMetrics {
    /// `request`, one SDK call, counted into these metrics by the [`CallCounter`] of the client
    /// that makes it. The counters reach the interceptor through a task-local rather than a
    /// per-call interceptor: attaching one per call (`customize()`) makes the SDK merge a
    /// configuration override and rebuild the runtime components of every call.
    pub fn counting<F: Future>(&self, request: F) -> impl Future<Output = F::Output> + use<F> {
        CALL.scope(self.clone(), request)
    }
}

/// The SDK interceptor of every service client wsql builds (registered once per client):
/// counts each call made inside [`CallMetrics::counting`] into its metrics: the call, each
/// retry, and each attempt the SDK classifies as throttled (or answered HTTP 429). A call made
/// outside it (none in wsql) is not counted.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct CallCounter;

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "wsql::CallCounter"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let _ = CALL.try_with(|calls| calls.api_calls.add(1));
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg
            .load::<RequestAttempts>()
            .is_some_and(|a| a.attempts() > 1)
        {
            let _ = CALL.try_with(|calls| calls.retries.add(1));
        }
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if throttled(context, runtime_components) {
            let _ = CALL.try_with(|calls| calls.throttled.add(1));
        }
        Ok(())
    }
}

/// Whether an attempt was throttled: answered HTTP 429, or failed with an error the
/// operation's retry classifiers call throttling (its service's throttling codes, as the SDK's
/// retries and adaptive rate limiter see them).
fn throttled(context: &FinalizerInterceptorContextRef<'_>, components: &RuntimeComponents) -> bool {
    if context
        .response()
        .is_some_and(|r| r.status().as_u16() == 429)
    {
        return true;
    }
    if !matches!(context.output_or_error(), Some(Err(_))) {
        return false;
    }
    components.retry_classifiers().any(|classifier| {
        matches!(
            classifier.classify_retry(context.inner()),
            RetryAction::RetryIndicated(RetryReason::RetryableError {
                kind: ErrorKind::ThrottlingError,
                ..
            })
        )
    })
}
