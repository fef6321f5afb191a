//! An emulator of the WorkSpaces API (awsJson1_1 over HTTP) that the real SDK talks to.
//!
//! SKELETON: signatures agreed between modules; bodies are being written.

use std::net::SocketAddr;
use std::time::Duration;

pub mod fleet;

pub use fleet::Fleet;

/// Faults the emulator injects into its answers.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Added before every answer.
    pub latency: Duration,
    /// Fraction (0..=1) of calls answered with `ThrottlingException`.
    pub throttle_rate: f64,
    /// Fraction (0..=1) of calls answered with HTTP 500/503.
    pub server_error_rate: f64,
    /// Fraction (0..=1) of calls whose connection is closed without an answer.
    pub drop_connection_rate: f64,
    /// Fraction (0..=1) of calls answered with a truncated JSON body.
    pub malformed_json_rate: f64,
    /// Every page of a paginated answer carries the same NextToken.
    pub repeat_next_token: bool,
    /// Paginated answers never end: every page carries a fresh NextToken.
    pub endless_pages: bool,
    /// Regions whose every call is answered with `AccessDeniedException`.
    pub access_denied_regions: Vec<String>,
    /// Seed of the fault dice, so a faulty run can be repeated.
    pub seed: u64,
}

/// One call the emulator received, as the tests see it.
#[derive(Debug, Clone)]
pub struct LoggedRequest {
    /// Region from the SigV4 credential scope.
    pub region: String,
    /// Operation from `X-Amz-Target` (`DescribeWorkspacesPools`, ...).
    pub operation: String,
    /// The JSON request body.
    pub body: serde_json::Value,
    /// HTTP status answered (0 when the connection was dropped).
    pub status: u16,
}

/// A running emulator; stops when dropped.
pub struct Emulator {
    addr: SocketAddr,
}

impl Emulator {
    /// Starts on 127.0.0.1 with an OS-chosen port.
    pub async fn start(fleet: Fleet) -> std::io::Result<Emulator> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), fleet).await
    }

    /// Starts on `addr`.
    pub async fn start_on(_addr: SocketAddr, _fleet: Fleet) -> std::io::Result<Emulator> {
        todo!()
    }

    /// `http://127.0.0.1:PORT`, for `--endpoint-url` and `AwsSettings::emulator`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The calls received so far, in order.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        todo!()
    }

    /// Forgets the calls received so far.
    pub fn clear_request_log(&self) {
        todo!()
    }

    /// Replaces the faults injected from now on.
    pub fn set_faults(&self, _faults: Faults) {
        todo!()
    }
}
