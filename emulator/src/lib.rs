//! An emulator of the AWS APIs wsql calls, over HTTP, that the real SDKs talk to: the WorkSpaces
//! `Describe*` operations in awsJson1_1 and Smithy RPCv2 CBOR alike; CloudWatch `ListMetrics` and
//! `GetMetricData` over the fleet's WorkSpaces metrics (namespace `AWS/WorkSpaces`, pools by
//! `WorkSpaces pool ID`, personal WorkSpaces by `WorkspaceId` and `DirectoryId`) in awsJson1_0 and
//! RPCv2 CBOR, with CloudWatch's awsQuery error codes in `x-amzn-query-error`; and for reading
//! many accounts, STS `AssumeRole` and `GetCallerIdentity` (awsQuery) and Organizations
//! `ListAccounts` (awsJson1_1).
//!
//! It is built from the services' models (`models/`, compiled in): every request of a service
//! with a model is validated against its operation's input shape before the operation runs, and
//! violations are answered as the service answers them; CBOR answers are encoded along the
//! operation's output shape. [`answered_operations`] lists what is answered, in which protocols.
//!
//! It serves an [`Organization`] of accounts, each with its own [`Fleet`] generated from a seed
//! or read from a fixture, with the services' error shapes and request-bound NextTokens, for any
//! number of regions on one endpoint. A call is routed to its service by its RPCv2 path
//! (`/service/<Service>/operation/<Operation>`), else by `X-Amz-Target` (or a form body, for
//! STS); its region comes from the SigV4 credential scope, and its account from the access key
//! id: credentials `AssumeRole` issued name their account, any other key is the management
//! account's. Faults (latency, throttling, 5xx, dropped connections, truncated bodies,
//! misbehaving NextTokens, denied regions, unknown pool ids) and a rate limit per account and
//! region are injected on demand,
//! deterministically, in every protocol. The request log and the in-flight peaks show what a
//! client did: which calls, in which protocol, for which account, how many at once.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use wsql_emulator::{Emulator, Fleet, Organization};
//!
//! let emulator = Emulator::start(Fleet::seeded(7, &["us-east-1"], 300)).await?;
//! // Point any AWS client at it, with any credentials and the region in its SigV4 scope:
//! println!("aws workspaces describe-workspaces-pools --endpoint-url {}", emulator.endpoint_url());
//! // The pools' and WorkSpaces' metrics, as of the clock's now:
//! println!(
//!     "aws cloudwatch list-metrics --namespace AWS/WorkSpaces --endpoint-url {}",
//!     emulator.endpoint_url()
//! );
//!
//! // Five accounts; the members' OrganizationAccountAccessRole can be assumed from the first.
//! let organization = Organization::seeded(7, 5, &["us-east-1", "eu-west-1"], 100);
//! let member = organization.accounts()[1].id().to_string();
//! let emulator = Emulator::start_organization(organization).await?;
//! println!(
//!     "aws sts assume-role --role-arn arn:aws:iam::{member}:role/OrganizationAccountAccessRole \
//!      --role-session-name me --endpoint-url {}",
//!     emulator.endpoint_url()
//! );
//! # Ok(()) }
//! ```
//!
//! Layout: `server.rs` (HTTP, faults, log) with `delay.rs` (injected latency), `service.rs` (the
//! services, their protocols, and where a request is addressed), `protocol.rs` (decoding requests
//! into one JSON form, encoding answers and errors in the request's protocol) with `cbor.rs` (RPCv2
//! CBOR) and `query.rs` (awsQuery), `model.rs` (the service models), `validate.rs` (requests
//! checked against them), `request.rs` (reading a decoded body), `auth.rs` (signer and region from
//! SigV4), `credentials.rs` (the account of an access key, the credentials STS issues),
//! `in_flight.rs` (calls served at once), `api_error.rs` (errors in each service's words),
//! `operations.rs` (the router) with one file per operation (`pools.rs`, ..., `sts.rs`,
//! `list_accounts.rs`; the images behind the bundles, who they are shared with, their imports and
//! associated applications, with their five operations, in `images/`) and `cloudwatch/` for
//! CloudWatch's metrics (over `usage.rs`, how the fleet is used over time), `paging.rs`
//! (NextTokens), `faults.rs` (what can go wrong, and the dice), `rate_limit.rs` (a token bucket per
//! account and region, as AWS throttles), `organization.rs` and `fleet.rs` (the data), `seed.rs`
//! (generation), `shapes.rs` (records in wire form); derived from the data rather than stored:
//! `byol.rs` (BYOL, management ranges and account links across the organization), `applications.rs`
//! (the application catalogue) and `associations.rs` (applications on WorkSpaces, bundles and
//! images).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Instant;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

mod account_links;
mod api_error;
mod applications;
mod associations;
mod auth;
mod bundles;
mod byol;
mod cbor;
pub mod client_branding;
pub mod client_properties;
mod cloudwatch;
pub mod connect_client_add_ins;
mod connection_alias_permissions;
pub mod connection_aliases;
pub mod connection_status;
mod credentials;
mod delay;
mod describe_account;
mod directories;
mod faults;
pub mod fleet;
pub mod images;
mod in_flight;
pub mod ip_groups;
mod list_accounts;
mod management_cidr_ranges;
mod model;
mod operations;
mod organization;
mod paging;
mod pool_sessions;
mod pools;
mod protocol;
mod query;
mod rate_limit;
mod request;
mod seed;
mod server;
mod service;
pub mod shapes;
pub mod snapshots;
mod sts;
mod tags;
mod usage;
mod validate;
mod workspaces;

pub use applications::{Application, application_catalogue, application_id};
pub use associations::{ApplicationAssociation, ResourceType, associations_of};
pub use byol::{AccountLink, AccountModification, AccountSettings, Byol, LINK_STATUS_CYCLE};
pub use faults::{FaultedServices, Faults, UnknownPoolIds};
pub use fleet::{FixtureError, Fleet, RegionFleet};
pub use organization::{Account, AccountStatus, DEFAULT_ROLE_NAME, Organization};
pub use protocol::Protocol;
pub use rate_limit::RateLimit;
pub use service::{AnsweredOperation, InputMember, answered_operations};
pub use shapes::{Bundle, Directory, Pool, PoolSession, Tag, Workspace};
/// How each pool and personal WorkSpace behaves over time (what its CloudWatch metrics show),
/// for tests that check an answer against what the profiles imply.
pub use usage::{PoolProfile, WorkspaceProfile};

/// One call the emulator received, as the tests see it. Credentials are never in it: not the
/// signature, the session token nor anything an answer carried.
#[derive(Debug, Clone)]
pub struct LoggedRequest {
    /// Region from the SigV4 credential scope.
    pub region: String,
    /// Operation from the RPCv2 path, `X-Amz-Target`, or STS's `Action`
    /// (`DescribeWorkspacesPools`, `GetMetricData`, `AssumeRole`, `ListAccounts`, ...).
    pub operation: String,
    /// The request body in its JSON form, whatever its encoding (a CBOR body decoded as the
    /// emulator reads it: tag-1 timestamps as epoch seconds, byte strings as base64); for STS,
    /// the form's parameters as an object of strings. A body that could not be decoded is kept
    /// as text.
    pub body: serde_json::Value,
    /// HTTP status answered (0 when the connection was dropped).
    pub status: u16,
    /// The error code answered, in the service's words (`ThrottlingException`, CloudWatch's
    /// `Throttling`, ...); `None` for an answer that is not an error, or a dropped connection.
    pub error_code: Option<&'static str>,
    /// The account whose data answered: the caller's, or for `AssumeRole` the role's (when the
    /// organization has that account). Empty when the call failed before its credentials were
    /// read.
    pub account: String,
    /// The service's signing name: `workspaces`, `monitoring`, `sts` or `organizations`.
    pub service: String,
    /// The protocol the request came in on, which its answer went out on too.
    pub protocol: Protocol,
    /// When its head was read.
    pub received: Instant,
    /// When its answer (or its dropped connection) was ready, after any injected latency.
    pub answered: Instant,
}

const LOCALHOST_ANY_PORT: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 0);

/// A running emulator; stops when dropped.
pub struct Emulator {
    addr: SocketAddr,
    shared: Arc<server::Shared>,
    server: JoinHandle<()>,
}

impl Emulator {
    /// Starts on 127.0.0.1 with an OS-chosen port, serving an organization of one account that
    /// owns `fleet`.
    pub async fn start(fleet: Fleet) -> std::io::Result<Emulator> {
        Self::start_on(LOCALHOST_ANY_PORT, fleet).await
    }

    /// Starts on `addr`, serving an organization of one account that owns `fleet`.
    pub async fn start_on(addr: SocketAddr, fleet: Fleet) -> std::io::Result<Emulator> {
        Self::start_organization_on(addr, Organization::of_fleet(fleet)).await
    }

    /// Starts on 127.0.0.1 with an OS-chosen port, serving `organization`.
    pub async fn start_organization(organization: Organization) -> std::io::Result<Emulator> {
        Self::start_organization_on(LOCALHOST_ANY_PORT, organization).await
    }

    /// Starts on `addr`, serving `organization`.
    pub async fn start_organization_on(
        addr: SocketAddr,
        organization: Organization,
    ) -> std::io::Result<Emulator> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(server::Shared::new(organization));
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

    /// The management account's data: what static credentials read.
    pub fn fleet(&self) -> &Fleet {
        &self.shared.organization.management().fleet
    }

    /// The organization the emulator serves.
    pub fn organization(&self) -> &Organization {
        &self.shared.organization
    }

    /// The moment its WorkSpaces answers are read at (connection states, snapshots), in epoch
    /// seconds: when it started.
    pub fn now(&self) -> i64 {
        self.shared.now
    }

    /// The calls received so far, in order.
    pub fn request_log(&self) -> Vec<LoggedRequest> {
        self.shared.request_log()
    }

    /// Forgets the calls received so far, and starts the in-flight peaks again from the calls
    /// being served now.
    pub fn clear_request_log(&self) {
        self.shared.clear_request_log()
    }

    /// The most calls served at once, of every service, since the start or the last
    /// [`Emulator::clear_request_log`]. A call counts from its request head until its answer is
    /// ready, injected latency included.
    pub fn peak_in_flight(&self) -> usize {
        self.shared.peak_in_flight()
    }

    /// [`Emulator::peak_in_flight`] for each account that was called: the account of each call as
    /// [`LoggedRequest::account`] names it, counted once its credentials are read.
    pub fn peak_in_flight_by_account(&self) -> BTreeMap<String, usize> {
        self.shared.peak_in_flight_by_account()
    }

    /// The secret access key and session token of every session `AssumeRole` issued so far:
    /// what a client must never print or log.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.shared.credentials.secrets()
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
