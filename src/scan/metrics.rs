//! What one scan counts for each of its targets, as DataFusion metrics of its plan node, so that
//! `EXPLAIN ANALYZE` shows them and a front end can read a running statement's progress: API calls
//! made (the cache's answers are not calls), pages received, retries, throttled attempts, rows
//! handed on, and when the target's scan started and ended.
//!
//! Calls are counted by an SDK interceptor attached to each call ([`CallCounter`]), so retries and
//! throttling inside the SDK's own retry loop are seen too.

use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicBool, Ordering};

use aws_sdk_workspaces::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
    FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use datafusion::common::format::MetricType;
use datafusion::physical_plan::metrics::{
    Count, ExecutionPlanMetricsSet, MetricBuilder, Timestamp,
};

use crate::error::is_throttling;
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

/// An SDK interceptor counting one call of an operation whose errors are `E`: the call, each
/// retry, and each attempt answered with a throttling error.
pub(crate) struct CallCounter<E> {
    metrics: CallMetrics,
    attempted: AtomicBool,
    error: PhantomData<fn() -> E>,
}

impl<E> CallCounter<E> {
    /// A counter of one call into `metrics`.
    pub fn new(metrics: CallMetrics) -> Self {
        Self {
            metrics,
            attempted: AtomicBool::new(false),
            error: PhantomData,
        }
    }
}

impl<E> fmt::Debug for CallCounter<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallCounter").finish_non_exhaustive()
    }
}

impl<E> Intercept for CallCounter<E>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    fn name(&self) -> &'static str {
        "wsql::CallCounter"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.metrics.api_calls.add(1);
        Ok(())
    }

    fn read_before_attempt(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if self.attempted.swap(true, Ordering::Relaxed) {
            self.metrics.retries.add(1);
        }
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let throttled = context
            .output_or_error()
            .and_then(Result::err)
            .and_then(|e| e.as_operation_error())
            .and_then(|e| e.downcast_ref::<E>())
            .and_then(|e| e.code())
            .is_some_and(is_throttling);
        let too_many = context
            .response()
            .is_some_and(|r| r.status().as_u16() == 429);
        if throttled || too_many {
            self.metrics.throttled.add(1);
        }
        Ok(())
    }
}
