//! The HTTP side: accept connections, read a call, roll the fault dice, answer in one write.
//!
//! Every accepted socket gets `TCP_NODELAY` and hyper writes head and body from one buffer
//! (`writev(false)`): with Nagle's algorithm and delayed ACKs a small answer written in two
//! pieces waits ~40 ms on loopback. Connections are kept alive.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_TYPE, HeaderValue};
use hyper::http::request::Parts;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use super::api_error::ApiError;
use super::auth::region_from_authorization;
use super::faults::{Injected, roll};
use super::operations::{Call, OPERATIONS, answer};
use super::seed::{SplitMix, mix64};
use super::{Faults, Fleet, LoggedRequest};

const CONTENT_TYPE_JSON: &str = "application/x-amz-json-1.1";
const TARGET_PREFIX: &str = "WorkspacesService.";
/// Far above any Describe request; guards memory against a runaway client.
const MAX_BODY_BYTES: usize = 1 << 20;

/// State shared by the server's connections and the [`super::Emulator`] handle.
pub(crate) struct Shared {
    pub(crate) fleet: Fleet,
    faults: RwLock<Arc<Faults>>,
    /// Calls since the last `set_faults`: the fault dice's sequence number.
    calls: AtomicU64,
    /// For request ids.
    requests: AtomicU64,
    log: Mutex<Vec<LoggedRequest>>,
}

impl Shared {
    pub(crate) fn new(fleet: Fleet) -> Shared {
        Shared {
            fleet,
            faults: RwLock::new(Arc::new(Faults::default())),
            calls: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            log: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn set_faults(&self, faults: Faults) {
        let mut current = self.faults.write().unwrap_or_else(|e| e.into_inner());
        *current = Arc::new(faults);
        self.calls.store(0, Ordering::SeqCst);
    }

    fn faults(&self) -> Arc<Faults> {
        Arc::clone(&self.faults.read().unwrap_or_else(|e| e.into_inner()))
    }

    pub(crate) fn request_log(&self) -> Vec<LoggedRequest> {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn clear_request_log(&self) {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }

    fn record(&self, entry: LoggedRequest) {
        self.log
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(entry);
    }
}

/// Accepts connections until the task is aborted; aborting drops the `JoinSet`, which aborts
/// every connection too.
pub(crate) async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    // Without it a response waits for the client's delayed ACK.
                    let _ = stream.set_nodelay(true);
                    connections.spawn(serve_connection(stream, Arc::clone(&shared)));
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

async fn serve_connection(stream: tokio::net::TcpStream, shared: Arc<Shared>) {
    let service = service_fn(move |request| handle(Arc::clone(&shared), request));
    // Errors here are clients going away (or our own dropped-connection fault).
    let _ = http1::Builder::new()
        .keep_alive(true)
        .writev(false)
        .serve_connection(TokioIo::new(stream), service)
        .await;
}

/// Returned to hyper to close the connection without an answer.
#[derive(Debug, thiserror::Error)]
#[error("connection dropped by fault injection")]
struct DroppedConnection;

async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, DroppedConnection> {
    let (parts, body) = request.into_parts();
    let bytes = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(_) => {
            let error = ApiError::serialization("The request body is unreadable or over 1 MiB");
            shared.record(LoggedRequest {
                region: String::new(),
                operation: String::new(),
                body: Value::Null,
                status: error.status,
            });
            return Ok(response(&shared, error.status, error.body()));
        }
    };
    let body = parse_body(&bytes);
    let mut entry = LoggedRequest {
        region: String::new(),
        operation: String::new(),
        body: body
            .clone()
            .unwrap_or_else(|| Value::String(String::from_utf8_lossy(&bytes).into_owned())),
        status: 0,
    };
    let outcome = respond(&shared, &parts, body.as_ref(), &mut entry).await;
    let response = match outcome {
        Outcome::Answer { status, body } => Some(response(&shared, status, body)),
        Outcome::Drop => None,
    };
    entry.status = response.as_ref().map_or(0, |r| r.status().as_u16());
    shared.record(entry);
    response.ok_or(DroppedConnection)
}

enum Outcome {
    Answer { status: u16, body: Vec<u8> },
    Drop,
}

impl From<ApiError> for Outcome {
    fn from(error: ApiError) -> Outcome {
        Outcome::Answer {
            status: error.status,
            body: error.body(),
        }
    }
}

/// An empty body reads as `{}`; anything else must be JSON.
fn parse_body(bytes: &[u8]) -> Option<Value> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Some(Value::Object(Default::default()));
    }
    serde_json::from_slice(bytes).ok()
}

async fn respond(
    shared: &Shared,
    parts: &Parts,
    body: Option<&Value>,
    entry: &mut LoggedRequest,
) -> Outcome {
    if parts.method != Method::POST || parts.uri.path() != "/" {
        return ApiError::unknown_operation(&format!("{} {}", parts.method, parts.uri.path()))
            .into();
    }
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    // A header that is present but not visible ASCII is garbled, not missing.
    let authorization = parts
        .headers
        .get("authorization")
        .map(|v| v.to_str().unwrap_or_default());
    let region = match region_from_authorization(authorization) {
        Ok(region) => region,
        Err(error) => return error.into(),
    };
    entry.region.clone_from(&region);
    let target = header("x-amz-target").unwrap_or_default();
    let operation = target.strip_prefix(TARGET_PREFIX).unwrap_or(target);
    entry.operation = operation.to_string();
    if !target.starts_with(TARGET_PREFIX) || !OPERATIONS.contains(&operation) {
        return ApiError::unknown_operation(target).into();
    }
    let content_type = header("content-type").unwrap_or_default();
    if !content_type.starts_with("application/x-amz-json-1.") {
        return ApiError::serialization(format!("Content-Type must be {CONTENT_TYPE_JSON}")).into();
    }

    let faults = shared.faults();
    let dice = roll(
        &faults,
        shared.calls.fetch_add(1, Ordering::SeqCst),
        &region,
    );
    if !faults.latency.is_zero() {
        delay(faults.latency).await;
    }
    match dice.injected {
        Injected::DropConnection => return Outcome::Drop,
        Injected::Error(error) => return error.into(),
        Injected::Nothing => {}
    }
    let Some(body) = body else {
        return ApiError::serialization("The request body is not valid JSON").into();
    };
    let call = Call {
        token_fault: dice.token_fault,
        unknown_pool_ids: faults.unknown_pool_ids,
        ..Call::new(&region, operation, body, &shared.fleet)
    };
    match answer(&call) {
        Ok(mut body) => {
            if dice.truncate_body {
                body.truncate(body.len() / 2);
            }
            Outcome::Answer { status: 200, body }
        }
        Err(error) => error.into(),
    }
}

/// The last part of an injected delay, slept on a blocking thread instead of tokio's timer.
const PRECISE_TAIL: Duration = Duration::from_millis(3);

/// Waits `latency`, to within a fraction of a millisecond. Tokio's timer fires on whole
/// milliseconds and after the deadline (a 20 ms sleep takes 21–22 ms), which latency benches
/// would read as client overhead; a thread's sleep is precise, so the last few milliseconds
/// are slept there. The bulk stays on tokio's timer so that a long delay holds no thread.
async fn delay(latency: Duration) {
    let deadline = Instant::now() + latency;
    if let Some(coarse) = latency.checked_sub(PRECISE_TAIL) {
        tokio::time::sleep(coarse).await;
    }
    let tail = tokio::task::spawn_blocking(move || {
        std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
    });
    // Fails only when the runtime is shutting down, and then nobody waits for the answer.
    let _ = tail.await;
}

fn response(shared: &Shared, status: u16, body: Vec<u8>) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE_JSON));
    let id = request_id(shared.requests.fetch_add(1, Ordering::Relaxed));
    if let Ok(value) = HeaderValue::from_str(&id) {
        headers.insert("x-amzn-requestid", value);
    }
    response
}

fn request_id(n: u64) -> String {
    let mut rng = SplitMix::new(mix64(n ^ 0x1D));
    let a = rng.next_u64();
    let b = rng.next_u64();
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        a >> 32,
        (a >> 16) & 0xffff,
        a & 0xffff,
        b >> 48,
        b & 0xffff_ffff_ffff
    )
}
