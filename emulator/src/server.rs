//! The HTTP side: accept connections, read a call, route it to its service, roll the fault dice,
//! answer in one write.
//!
//! Every call goes through [`respond`]: which service, protocol and operation
//! ([`Address::of_request`]), its body decoded into the JSON form ([`Protocol::decode`]), who
//! signed it and for which region (`auth.rs`), which account it reads (`credentials.rs`), then
//! the account's and region's rate limit (`rate_limit.rs`), faults, then the operation
//! ([`route`]). Answers and errors are encoded once, at the end, in
//! the request's protocol and the service's words.
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
use super::delay::delay;
use super::faults::{Injected, Roll, roll};
use super::in_flight::InFlight;
use super::operations::{AccountCall, Answer, Call, MetricsCall, Routed, route};
use super::organization::Organization;
use super::protocol::{Protocol, QUERY_ERROR, RPC_V2_CBOR, SMITHY_PROTOCOL};
use super::rate_limit::RateLimiter;
use super::seed::{SplitMix, mix64};
use super::service::{Address, Service};
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
    /// The token buckets of [`Faults::rate_limit`], full again at each `set_faults`.
    rate_limiter: RateLimiter,
    pub(crate) credentials: CredentialStore,
    /// The moment WorkSpaces answers are read at (connection states, snapshots), epoch seconds:
    /// the emulator's start, so that they do not change while it runs.
    pub(crate) now: i64,
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
            rate_limiter: RateLimiter::default(),
            credentials: CredentialStore::default(),
            now: now_epoch_seconds(),
        }
    }

    pub(crate) fn set_faults(&self, faults: Faults) {
        let mut current = self.faults.write().unwrap_or_else(|e| e.into_inner());
        *current = Arc::new(faults);
        self.calls.store(0, Ordering::SeqCst);
        self.rate_limiter.reset();
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
    let address = Address::of_request(
        parts.uri.path(),
        header("x-amz-target"),
        header("content-type"),
    );
    let (service, protocol) = (address.service, address.protocol);
    let received = Instant::now();
    let mut entry = LoggedRequest {
        region: String::new(),
        operation: String::new(),
        body: Value::Null,
        status: 0,
        error_code: None,
        account: String::new(),
        service: service.signing_name().to_string(),
        protocol,
        received,
        // Set when the answer is ready.
        answered: received,
    };
    let outcome = match Limited::new(body, MAX_BODY_BYTES).collect().await {
        Ok(collected) => {
            let bytes = collected.to_bytes();
            let body = protocol.decode(&bytes);
            entry.body = match &body {
                Ok(body) => body.clone(),
                Err(_) => Value::String(String::from_utf8_lossy(&bytes).into_owned()),
            };
            let request = Received {
                address: &address,
                parts: &parts,
                body: body.as_ref(),
                request_id: &request_id,
            };
            respond(&shared, &request, &mut entry).await
        }
        Err(_) => ApiError::serialization("The request body is unreadable or over 1 MiB").into(),
    };
    let response = match outcome {
        Outcome::Answer { status, body } => Some(response(protocol, status, body, &request_id)),
        Outcome::Error(error) => {
            let error = error.in_words_of(service);
            entry.error_code = Some(error.code);
            let body = protocol.encode_error(service, &error, &request_id);
            let mut answer = response(protocol, error.status, body, &request_id);
            if let Some(value) = protocol
                .query_error_header(service, &error)
                .and_then(|v| HeaderValue::from_str(&v).ok())
            {
                answer.headers_mut().insert(QUERY_ERROR, value);
            }
            Some(answer)
        }
        Outcome::Drop => None,
    };
    entry.status = response.as_ref().map_or(0, |r| r.status().as_u16());
    entry.answered = Instant::now();
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

/// A request as read off the wire: where it is addressed, its head, and its body in the JSON
/// form (or why it has none).
struct Received<'a> {
    address: &'a Address,
    parts: &'a Parts,
    body: Result<&'a Value, &'a ApiError>,
    request_id: &'a str,
}

/// What a call is known by once its request is read, before any fault: who signed it, for
/// which region and operation, and which account it is about.
struct Identified {
    signer: Signer,
    operation: String,
    caller: Caller,
    /// The caller's account, or for `AssumeRole` the role's: the log's and the in-flight counts'.
    account_id: String,
}

async fn respond(shared: &Shared, request: &Received<'_>, entry: &mut LoggedRequest) -> Outcome {
    let service = request.address.service;
    let call = match identify(shared, request, entry) {
        Ok(call) => call,
        Err(error) => return error.into(),
    };
    let _serving_account = shared.in_flight.enter_account(&call.account_id);
    let faults = shared.faults();
    // The bucket is read as the call arrives, as a service's front door does.
    let over_rate = service == Service::Workspaces
        && faults.rate_limit.is_some_and(|limit| {
            !shared
                .rate_limiter
                .admit(limit, &call.account_id, &call.signer.region, Instant::now())
        });
    let dice = roll(
        &faults,
        shared.calls.fetch_add(1, Ordering::SeqCst),
        service,
        &call.signer.region,
    );
    if !faults.latency.is_zero() {
        delay(faults.latency).await;
    }
    if over_rate {
        return ApiError::throttling().into();
    }
    match dice.injected {
        Injected::DropConnection => return Outcome::Drop,
        Injected::Error(error) => return error.into(),
        Injected::Nothing => {}
    }
    let body = match request.body {
        Ok(body) => body,
        Err(error) => return error.clone().into(),
    };
    let answered = answer(
        shared,
        service,
        &call,
        body,
        &faults,
        &dice,
        request.request_id,
    )
    .and_then(|answer| encode(request.address.protocol, service, &call.operation, answer));
    match answered {
        Ok(mut body) => {
            if dice.truncate_body {
                body.truncate(body.len() / 2);
            }
            Outcome::Answer { status: 200, body }
        }
        Err(error) => error.into(),
    }
}

/// The body of a 200: the operation's output in the request's protocol.
fn encode(
    protocol: Protocol,
    service: Service,
    operation: &str,
    answer: Answer,
) -> Result<Vec<u8>, ApiError> {
    match answer {
        Answer::Structure(output) => protocol.encode_output(service.model(), operation, &output),
        Answer::Xml(body) => Ok(body),
    }
}

/// Reads who calls what, filling in the log entry as each part becomes known.
fn identify(
    shared: &Shared,
    request: &Received<'_>,
    entry: &mut LoggedRequest,
) -> Result<Identified, ApiError> {
    let Received {
        address,
        parts,
        body,
        ..
    } = request;
    let (service, protocol) = (address.service, address.protocol);
    let at_root = parts.uri.path() == "/";
    if parts.method != Method::POST || (protocol != Protocol::RpcV2Cbor && !at_root) {
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
    let operation = match &address.operation {
        Some(operation) => operation.clone(),
        None => body
            .ok()
            .and_then(|b| b.get("Action"))
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
    };
    entry.operation.clone_from(&operation);
    if !service.operations().contains(&operation.as_str()) {
        return Err(ApiError::unknown_operation(&operation));
    }
    check_protocol_headers(protocol, parts)?;
    let organization = &shared.organization;
    let caller = shared.credentials.caller(
        organization,
        &signer.access_key_id,
        header("x-amz-security-token"),
        now_epoch_seconds(),
    )?;
    let role_account = match service {
        Service::Sts => body
            .ok()
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

/// The headers the request's protocol requires: a JSON `Content-Type` for awsJson; for RPCv2
/// CBOR `smithy-protocol: rpc-v2-cbor`, no `X-Amz-Target` (the specification makes servers
/// refuse one) and `application/cbor` for a body.
fn check_protocol_headers(protocol: Protocol, parts: &Parts) -> Result<(), ApiError> {
    let header = |name: &str| parts.headers.get(name).and_then(|v| v.to_str().ok());
    let content_type = header("content-type");
    if protocol == Protocol::RpcV2Cbor {
        if header(SMITHY_PROTOCOL) != Some(RPC_V2_CBOR) {
            return Err(ApiError::serialization(format!(
                "An RPCv2 CBOR request must carry the header {SMITHY_PROTOCOL}: {RPC_V2_CBOR}"
            )));
        }
        if parts.headers.contains_key("x-amz-target") || parts.headers.contains_key("x-amzn-target")
        {
            return Err(ApiError::serialization(
                "An RPCv2 CBOR request must not carry X-Amz-Target",
            ));
        }
        let has_body = parts
            .headers
            .get("content-length")
            .and_then(|v| v.to_str().ok())
            .is_none_or(|length| length.trim() != "0");
        if has_body && !content_type.is_some_and(|c| protocol.accepts_content_type(c)) {
            return Err(ApiError::serialization(format!(
                "Content-Type must be {}",
                protocol.content_type()
            )));
        }
        return Ok(());
    }
    if !content_type.is_some_and(|c| protocol.accepts_content_type(c)) {
        return Err(ApiError::serialization(format!(
            "Content-Type must be {}",
            protocol.content_type()
        )));
    }
    Ok(())
}

/// The operation's answer to an identified call.
fn answer<'a>(
    shared: &'a Shared,
    service: Service,
    call: &'a Identified,
    body: &'a Value,
    faults: &Faults,
    dice: &Roll,
    request_id: &'a str,
) -> Result<Answer<'a>, ApiError> {
    let organization = &shared.organization;
    let account_call = || AccountCall {
        operation: &call.operation,
        region: &call.signer.region,
        body,
        caller: &call.caller,
        organization,
        credentials: &shared.credentials,
        token_fault: dice.token_fault,
        request_id,
        now: now_epoch_seconds(),
    };
    // The data of the caller's account, which WorkSpaces and CloudWatch calls read.
    let fleet = || {
        organization
            .account(&call.caller.account_id)
            .map(|account| &account.fleet)
            .ok_or_else(ApiError::invalid_client_token)
    };
    let region = call.signer.region.as_str();
    let routed = match service {
        Service::Workspaces => Routed::Workspaces(Call {
            token_fault: dice.token_fault,
            unknown_pool_ids: faults.unknown_pool_ids,
            organization: Some(organization),
            now: shared.now,
            ..Call::new(region, &call.operation, body, fleet()?)
        }),
        Service::CloudWatch => Routed::CloudWatch(MetricsCall {
            operation: &call.operation,
            region,
            body,
            fleet: fleet()?,
            // The same instant as the WorkSpaces answers: the metrics end where the fleet is.
            now: shared.now,
        }),
        Service::Sts => Routed::Sts(account_call()),
        Service::Organizations => Routed::Organizations(account_call()),
    };
    route(&routed)
}

/// The wall clock, epoch seconds.
pub(crate) fn now_epoch_seconds() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn response(
    protocol: Protocol,
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
        HeaderValue::from_static(protocol.content_type()),
    );
    if protocol == Protocol::RpcV2Cbor {
        headers.insert(SMITHY_PROTOCOL, HeaderValue::from_static(RPC_V2_CBOR));
    }
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
