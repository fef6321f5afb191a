//! The HTTP side: accept connections, read a call, route it to its service, roll the fault dice,
//! answer in one write.
//!
//! Every call goes through [`respond`]: which service ([`Service::of_request`]), who signed it
//! and for which region (`auth.rs`), which account it reads (`credentials.rs`), then faults, then
//! the operation ([`route`]). Errors are rendered once, at the end, in the service's words and
//! protocol.
//!
//! Every accepted socket gets `TCP_NODELAY` and hyper writes head and body from one buffer
//! (`writev(false)`): with Nagle's algorithm and delayed ACKs a small answer written in two
//! pieces waits ~40 ms on loopback. Connections are kept alive.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

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
use super::auth::{Signer, signer};
use super::credentials::{Caller, CredentialStore};
use super::faults::{Injected, Roll, roll};
use super::in_flight::InFlight;
use super::operations::{AccountCall, Call, Routed, route};
use super::organization::Organization;
use super::query;
use super::seed::{SplitMix, mix64};
use super::service::{Protocol, Service};
use super::sts::role_account;
use super::{Faults, LoggedRequest};

/// Far above any Describe request; guards memory against a runaway client.
const MAX_BODY_BYTES: usize = 1 << 20;

/// State shared by the server's connections and the [`super::Emulator`] handle.
pub(crate) struct Shared {
    pub(crate) organization: Organization,
    faults: RwLock<Arc<Faults>>,
    /// Calls since the last `set_faults`: the fault dice's sequence number.
    calls: AtomicU64,
    /// For request ids.
    requests: AtomicU64,
    log: Mutex<Vec<LoggedRequest>>,
    in_flight: InFlight,
    pub(crate) credentials: CredentialStore,
}

impl Shared {
    pub(crate) fn new(organization: Organization) -> Shared {
        Shared {
            organization,
            faults: RwLock::new(Arc::new(Faults::default())),
            calls: AtomicU64::new(0),
            requests: AtomicU64::new(0),
            log: Mutex::new(Vec::new()),
            in_flight: InFlight::default(),
            credentials: CredentialStore::default(),
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

    /// Forgets the calls received so far, and starts the in-flight peaks again.
    pub(crate) fn clear_request_log(&self) {
        self.log.lock().unwrap_or_else(|e| e.into_inner()).clear();
        self.in_flight.reset_peaks();
    }

    pub(crate) fn peak_in_flight(&self) -> usize {
        self.in_flight.peak()
    }

    pub(crate) fn peak_in_flight_by_account(&self) -> BTreeMap<String, usize> {
        self.in_flight.peak_by_account()
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
    let _serving = shared.in_flight.enter();
    let request_id = request_id(shared.requests.fetch_add(1, Ordering::Relaxed));
    let (parts, body) = request.into_parts();
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let service = Service::of_request(header("x-amz-target"), header("content-type"));
    let mut entry = LoggedRequest {
        region: String::new(),
        operation: String::new(),
        body: Value::Null,
        status: 0,
        account: String::new(),
        service: service.signing_name().to_string(),
    };
    let outcome = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => {
            let bytes = collected.to_bytes();
            let body = parse_body(service, &bytes);
            entry.body = body
                .clone()
                .unwrap_or_else(|| Value::String(String::from_utf8_lossy(&bytes).into_owned()));
            respond(
                &shared,
                service,
                &parts,
                body.as_ref(),
                &request_id,
                &mut entry,
            )
            .await
        }
        Err(_) => ApiError::serialization("The request body is unreadable or over 1 MiB").into(),
    };
    let response = match outcome {
        Outcome::Answer { status, body } => Some(response(service, status, body, &request_id)),
        Outcome::Error(error) => {
            let error = error.in_words_of(service);
            let body = error.render(service, &request_id);
            Some(response(service, error.status, body, &request_id))
        }
        Outcome::Drop => None,
    };
    entry.status = response.as_ref().map_or(0, |r| r.status().as_u16());
    shared.record(entry);
    response.ok_or(DroppedConnection)
}

enum Outcome {
    Answer { status: u16, body: Vec<u8> },
    Error(ApiError),
    Drop,
}

impl From<ApiError> for Outcome {
    fn from(error: ApiError) -> Outcome {
        Outcome::Error(error)
    }
}

/// A JSON body (an empty one reads as `{}`), or the parameters of a form; `None` when a JSON
/// service's body is not JSON.
fn parse_body(service: Service, bytes: &[u8]) -> Option<Value> {
    if service.protocol() == Protocol::Query {
        return Some(query::parameters(bytes));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Some(Value::Object(Default::default()));
    }
    serde_json::from_slice(bytes).ok()
}

/// What a call is known by once its request is read, before any fault: who signed it, for
/// which region and operation, and which account it is about.
struct Identified<'a> {
    signer: Signer,
    operation: &'a str,
    caller: Caller,
    /// The caller's account, or for `AssumeRole` the role's: the log's and the in-flight counts'.
    account_id: String,
}

async fn respond(
    shared: &Shared,
    service: Service,
    parts: &Parts,
    body: Option<&Value>,
    request_id: &str,
    entry: &mut LoggedRequest,
) -> Outcome {
    let call = match identify(shared, service, parts, body, entry) {
        Ok(call) => call,
        Err(error) => return error.into(),
    };
    let _serving_account = shared.in_flight.enter_account(&call.account_id);
    let faults = shared.faults();
    let dice = roll(
        &faults,
        shared.calls.fetch_add(1, Ordering::SeqCst),
        service,
        &call.signer.region,
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
    match answer(shared, service, &call, body, &faults, &dice, request_id) {
        Ok(mut body) => {
            if dice.truncate_body {
                body.truncate(body.len() / 2);
            }
            Outcome::Answer { status: 200, body }
        }
        Err(error) => error.into(),
    }
}

/// Reads who calls what, filling in the log entry as each part becomes known.
fn identify<'a>(
    shared: &Shared,
    service: Service,
    parts: &'a Parts,
    body: Option<&'a Value>,
    entry: &mut LoggedRequest,
) -> Result<Identified<'a>, ApiError> {
    if parts.method != Method::POST || parts.uri.path() != "/" {
        return Err(ApiError::unknown_operation(&format!(
            "{} {}",
            parts.method,
            parts.uri.path()
        )));
    }
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    // A header that is present but not visible ASCII is garbled, not missing.
    let authorization = parts
        .headers
        .get("authorization")
        .map(|v| v.to_str().unwrap_or_default());
    let signer = signer(authorization, service)?;
    entry.region.clone_from(&signer.region);
    let operation = match service.target_prefix() {
        Some(prefix) => {
            let target = header("x-amz-target").unwrap_or_default();
            target.strip_prefix(prefix).unwrap_or(target)
        }
        None => body
            .and_then(|b| b.get("Action"))
            .and_then(Value::as_str)
            .unwrap_or_default(),
    };
    entry.operation = operation.to_string();
    if !service.operations().contains(&operation) {
        return Err(ApiError::unknown_operation(operation));
    }
    let content_type = header("content-type").unwrap_or_default();
    if service.protocol() != Protocol::Query
        && !content_type.starts_with("application/x-amz-json-1.")
    {
        return Err(ApiError::serialization(format!(
            "Content-Type must be {}",
            service.content_type()
        )));
    }
    let organization = &shared.organization;
    let caller = shared.credentials.caller(
        organization,
        &signer.access_key_id,
        header("x-amz-security-token"),
        now_epoch_seconds(),
    )?;
    let role_account = match service {
        Service::Sts => body
            .and_then(role_account)
            .filter(|id| organization.account(id).is_some()),
        _ => None,
    };
    let account_id = role_account.unwrap_or(&caller.account_id).to_string();
    entry.account.clone_from(&account_id);
    Ok(Identified {
        signer,
        operation,
        caller,
        account_id,
    })
}

/// The operation's answer to an identified call.
fn answer(
    shared: &Shared,
    service: Service,
    call: &Identified<'_>,
    body: &Value,
    faults: &Faults,
    dice: &Roll,
    request_id: &str,
) -> Result<Vec<u8>, ApiError> {
    let organization = &shared.organization;
    let account_call = || AccountCall {
        operation: call.operation,
        region: &call.signer.region,
        body,
        caller: &call.caller,
        organization,
        credentials: &shared.credentials,
        token_fault: dice.token_fault,
        request_id,
        now: now_epoch_seconds(),
    };
    let routed = match service {
        Service::Workspaces => {
            let account = organization
                .account(&call.caller.account_id)
                .ok_or_else(ApiError::invalid_client_token)?;
            Routed::Workspaces(Call {
                token_fault: dice.token_fault,
                unknown_pool_ids: faults.unknown_pool_ids,
                ..Call::new(&call.signer.region, call.operation, body, &account.fleet)
            })
        }
        Service::Sts => Routed::Sts(account_call()),
        Service::Organizations => Routed::Organizations(account_call()),
    };
    route(&routed)
}

fn now_epoch_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
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

fn response(
    service: Service,
    status: u16,
    body: Vec<u8>,
    request_id: &str,
) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static(service.content_type()),
    );
    if let Ok(value) = HeaderValue::from_str(request_id) {
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
