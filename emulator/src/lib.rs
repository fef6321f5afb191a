//! An emulator of the WorkSpaces API (awsJson1_1 over HTTP) that the real SDK talks to.
//!
//! It serves the read-only `Describe*` operations wsql uses, from a [`Fleet`] generated from a
//! seed or read from a fixture, with the service's validation, error shapes and request-bound
//! NextTokens, for any number of regions on one endpoint (the region comes from the SigV4
//! credential scope). Faults (latency, throttling, 5xx, dropped connections, truncated bodies,
//! misbehaving NextTokens, denied regions) are injected on demand, deterministically.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use wsql_emulator::{Emulator, Fleet};
//!
//! let emulator = Emulator::start(Fleet::seeded(7, &["us-east-1"], 300)).await?;
//! // Point any AWS client at it, with any credentials and the region in its SigV4 scope:
//! println!("aws workspaces describe-workspaces-pools --endpoint-url {}", emulator.endpoint_url());
//! # Ok(()) }
//! ```
//!
//! Layout: `server.rs` (HTTP, faults, log), `auth.rs` (region from SigV4), `operations.rs`
//! (dispatch) with one file per operation, `validate.rs` (model constraints), `paging.rs`
//! (NextTokens), `faults.rs` (dice), `fleet.rs` (the data), `seed.rs` (generation),
//! `shapes.rs` (records in wire form).

use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

mod api_error;
mod auth;
mod bundles;
mod directories;
mod faults;
pub mod fleet;
mod operations;
mod paging;
mod pool_sessions;
mod pools;
mod seed;
mod server;
pub mod shapes;
mod tags;
mod validate;
mod workspaces;

pub use faults::{Faults, UnknownPoolIds};
pub use fleet::{FixtureError, Fleet, RegionFleet};
pub use shapes::{Bundle, Directory, Pool, PoolSession, Tag, Workspace};

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
    shared: Arc<server::Shared>,
    server: JoinHandle<()>,
}

impl Emulator {
    /// Starts on 127.0.0.1 with an OS-chosen port.
    pub async fn start(fleet: Fleet) -> std::io::Result<Emulator> {
        Self::start_on(SocketAddr::from(([127, 0, 0, 1], 0)), fleet).await
    }

    /// Starts on `addr`.
    pub async fn start_on(addr: SocketAddr, fleet: Fleet) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(server::Shared::new(fleet));
        let server = tokio::spawn(server::serve(listener, Arc::clone(&shared)));
        Ok(Emulator {
            addr,
            shared,
            server,
        })
    }

    /// `http://127.0.0.1:PORT`, for `--endpoint-url` and `AwsSettings::emulator`.
    pub fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the emulator listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The data the emulator serves.
    pub fn fleet(&self) -> &Fleet {
        &self.shared.fleet
    }

    /// The calls received so far, in order.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.shared.request_log()
    }

    /// Forgets the calls received so far.
    pub fn clear_request_log(&self) {
        self.shared.clear_request_log()
    }

    /// Replaces the faults injected from now on, and restarts the fault dice's sequence.
    pub fn set_faults(&self, faults: Faults) {
        self.shared.set_faults(faults)
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.server.abort();
    }
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("addr", &self.addr)
            .finish()
    }
}
