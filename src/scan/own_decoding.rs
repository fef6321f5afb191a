//! Answers wsql decodes itself instead of the SDK, for a call where the SDK's deserializer is the
//! largest part of the CPU: `DescribeWorkspacesPools` (in a profile of a 20,000-pool listing, the
//! SDK's decoding of `WorkspacesPool` took 18 % of wsql's CPU; wsql, DataFusion and Arrow
//! together 2.7 %). serde_json decodes the same page into the table's own type in about half
//! that time.
//!
//! The SDK lets no caller replace an operation's deserializer, and its interceptors are
//! synchronous and see the answer still streaming, so a call goes this way:
//! 1. [`decoded`] makes the call inside a task-local scope that names the page's type (as
//!    [`CallMetrics::counting`](super::metrics::CallMetrics::counting) does for the counters, and
//!    for the same reason: an interceptor attached per call makes the SDK rebuild the call's
//!    configuration).
//! 2. The client's [`OwnDecoder`] marks the request of a call in that scope before each attempt
//!    is sent ([`ReadWhole`]); the connectors of the HTTP client every target shares
//!    ([`reading_marked_answers_whole`]) read a marked request's answer whole before the SDK
//!    gets it (the SDK reads it whole anyway).
//! 3. Before the SDK deserializes a successful (2xx) answer, [`OwnDecoder`] decodes its body
//!    into the page's type and hands the SDK `{}` in its place; [`decoded`] returns the page
//!    beside the SDK's (empty) output.
//!
//! Errors, throttling and retries pass untouched: only a 2xx answer is decoded. A body that does
//! not decode fails the attempt as the SDK's deserializer would (a response error, with
//! serde_json's message), and is retried as the SDK retries an unreadable answer.
//!
//! A decoded type must read every body as the SDK's decoder reads it; each has a differential
//! test against the SDK's decoding (`tables::pools`).

use std::any::Any;
use std::cell::RefCell;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpConnector, HttpConnectorFuture, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextMut, BeforeTransmitInterceptorContextMut,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use aws_smithy_types::config_bag::ConfigBag;
use serde::de::DeserializeOwned;

/// The mark of a request whose answer the HTTP client reads whole before the SDK gets it.
#[derive(Debug, Clone, Copy)]
struct ReadWhole;

tokio::task_local! {
    /// The decoding of the call the task is making: set by [`decoded`] around one SDK call,
    /// used by the client's [`OwnDecoder`] from inside it.
    static DECODING: Decoding;
}

/// How the call in scope decodes its answer, and its page once decoded.
struct Decoding {
    decode: fn(&str) -> serde_json::Result<Box<dyn Any + Send>>,
    page: RefCell<Option<Box<dyn Any + Send>>>,
}

fn decode_as<P: DeserializeOwned + Send + 'static>(
    body: &str,
) -> serde_json::Result<Box<dyn Any + Send>> {
    serde_json::from_str::<P>(body).map(|page| Box::new(page) as Box<dyn Any + Send>)
}

/// `call`, one SDK call of a client with [`OwnDecoder`], with its successful answer decoded as
/// `P` by wsql instead of the SDK: the call's result, and the page (`None` when it failed).
pub(crate) async fn decoded<P, F>(call: F) -> (F::Output, Option<P>)
where
    P: DeserializeOwned + Send + 'static,
    F: Future,
{
    let decoding = Decoding {
        decode: decode_as::<P>,
        page: RefCell::new(None),
    };
    DECODING
        .scope(decoding, async move {
            let answer = call.await;
            let page = DECODING
                .with(|decoding| decoding.page.take())
                .and_then(|page| page.downcast::<P>().ok());
            (answer, page.map(|page| *page))
        })
        .await
}

/// The SDK interceptor that decodes the answer of a call made inside [`decoded`]; registered
/// once on each WorkSpaces client. Calls outside it pass untouched.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct OwnDecoder;

impl Intercept for OwnDecoder {
    fn name(&self) -> &'static str {
        "wsql::OwnDecoder"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        // At every attempt: a retried request is a copy without the first one's extensions.
        if DECODING.try_with(|_| ()).is_ok() {
            context.request_mut().add_extension(ReadWhole);
        }
        Ok(())
    }

    fn modify_before_deserialization(
        &self,
        context: &mut BeforeDeserializationInterceptorContextMut<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        DECODING
            .try_with(|decoding| decode_answer(decoding, context.response_mut()))
            .unwrap_or(Ok(()))
    }
}

/// Decodes a successful `response` into `decoding`'s page, and leaves the SDK `{}` to read.
fn decode_answer(decoding: &Decoding, response: &mut HttpResponse) -> Result<(), BoxError> {
    if !response.status().is_success() {
        return Ok(());
    }
    let Some(body) = response.body().bytes() else {
        return Err("the answer was not read whole: the call's HTTP client is not wsql's".into());
    };
    // One check of the whole body's UTF-8, then none per string (`from_str`): a fifth faster.
    let body = std::str::from_utf8(body).map_err(undecodable)?;
    // The SDK reads an empty body as an empty object.
    let body = if body.trim_ascii().is_empty() {
        "{}"
    } else {
        body
    };
    let page = (decoding.decode)(body).map_err(undecodable)?;
    *response.body_mut() = SdkBody::from("{}");
    decoding.page.replace(Some(page));
    Ok(())
}

/// Why a body is not a page: not UTF-8, or not the model's shape.
fn undecodable(cause: impl std::fmt::Display) -> String {
    format!("the answer does not decode as the model's shape: {cause}")
}

/// `connector`, reading the answer to a request [`OwnDecoder`] marked whole before the SDK gets
/// it; every other call passes through. The library's HTTP client puts it around each of its
/// connectors.
pub(crate) fn reading_marked_answers_whole(connector: SharedHttpConnector) -> SharedHttpConnector {
    SharedHttpConnector::new(ReadingConnector(connector))
}

#[derive(Debug)]
struct ReadingConnector(SharedHttpConnector);

impl HttpConnector for ReadingConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let marked = request.extension::<ReadWhole>().is_some();
        let answer = self.0.call(request);
        if !marked {
            return answer;
        }
        HttpConnectorFuture::new(async move {
            let mut response = answer.await?;
            let body = std::mem::replace(response.body_mut(), SdkBody::taken());
            let whole = ByteStream::new(body)
                .collect()
                .await
                .map_err(|e| ConnectorError::io(e.into()))?;
            *response.body_mut() = SdkBody::from(whole.into_bytes());
            Ok(response)
        })
    }
}
