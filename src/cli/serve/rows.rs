//! A statement's rows as pgwire sends them: each batch is encoded and sent as the scans produce
//! it, so the first row reaches the client while later pages are still being fetched, and the
//! server holds one batch of a result at a time (its memory stays flat however large the
//! result).
//!
//! The stream is the statement: whatever stops it drops the plan's streams, which stops their
//! paging and API calls. It stops at the client's cancel request ([`super::cancel`]), at its
//! `statement_timeout`, when the client goes away ([`peer_closed`]; while rows are being written
//! a closed socket fails the write, and pgwire drops the stream), or when the server stops.
//!
//! A statement's warnings are known only once its scans end, after its last row: they are left
//! in the connection's [`Notices`], which the connection sends as NOTICEs right after the
//! statement's `CommandComplete` (before `ReadyForQuery`, where every client reads them: psql
//! prints them, psycopg keeps them in `conn.notices`, JDBC in `getWarnings()`). A NOTICE may go
//! anywhere in the protocol; after `CommandComplete` it goes the same way in both protocols
//! (pgwire's simple-query sending puts a result's rows and its `CommandComplete` in one call).

use std::io;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use datafusion::execution::SendableRecordBatchStream;
use datafusion::physical_plan::EmptyRecordBatchStream;
use datafusion_postgres::pgwire::api::results::FieldInfo;
use datafusion_postgres::pgwire::error::{PgWireError, PgWireResult};
use datafusion_postgres::pgwire::messages::data::DataRow;
use futures::{Stream, StreamExt};
use tokio::io::Interest;
use tokio::net::TcpStream;

use super::cancel::Cancelled;
use super::errors::{cancelled, client_error, user_error};
use super::types::data_rows;
use crate::cli::statement::Statement;

/// Warnings of finished statements not yet sent to the client.
pub type Notices = Arc<Mutex<Vec<String>>>;

/// Rows encoded from one batch, waiting to be sent.
type Encoded = Box<dyn Iterator<Item = PgWireResult<DataRow>> + Send>;

/// A started statement and what may stop it.
pub struct Running {
    /// The statement (its plan holds its progress and warnings).
    pub statement: Statement,
    /// Its batches.
    pub batches: SendableRecordBatchStream,
    /// The result's Postgres fields.
    pub fields: Arc<Vec<FieldInfo>>,
    /// When `statement_timeout` runs out.
    pub deadline: Option<Instant>,
    /// The client's cancel requests.
    pub cancelled: Cancelled,
    /// The client's socket, to notice it closing.
    pub peer: Arc<TcpStream>,
    /// Where the warnings go once the statement completes.
    pub notices: Notices,
    /// `--debug`: the statement's report on stderr when it ends.
    pub debug: bool,
}

/// What ended a wait for the next batch.
enum Next {
    Batch(Option<datafusion::error::Result<datafusion::arrow::record_batch::RecordBatch>>),
    Stopped(PgWireError),
}

/// The rows of `running`, as the client receives them.
pub fn stream(running: Running) -> impl Stream<Item = PgWireResult<DataRow>> + Send + 'static {
    let state = State {
        running,
        encoded: None,
        ended: false,
    };
    futures::stream::unfold(state, |mut state| async move {
        let row = state.next_row().await?;
        Some((row, state))
    })
}

struct State {
    running: Running,
    encoded: Option<Encoded>,
    ended: bool,
}

impl State {
    async fn next_row(&mut self) -> Option<PgWireResult<DataRow>> {
        loop {
            if let Some(row) = self.encoded.as_mut().and_then(Iterator::next) {
                return Some(row);
            }
            self.encoded = None;
            if self.ended {
                return None;
            }
            let running = &mut self.running;
            let next = tokio::select! {
                batch = running.batches.next() => Next::Batch(batch),
                () = expiry(running.deadline) => Next::Stopped(cancelled("statement timeout")),
                () = running.cancelled.requested() => Next::Stopped(cancelled("user request")),
                () = peer_closed(&running.peer) => Next::Stopped(user_error(
                    "FATAL",
                    "08006",
                    "the client closed the connection".to_string(),
                )),
            };
            let failure = match next {
                Next::Batch(Some(Ok(batch))) => match data_rows(&self.running.fields, &batch) {
                    Ok(rows) => {
                        self.encoded = Some(Box::new(rows));
                        continue;
                    }
                    Err(error) => error,
                },
                Next::Batch(Some(Err(error))) => client_error(&error),
                Next::Batch(None) => {
                    self.end(true);
                    return None;
                }
                Next::Stopped(error) => error,
            };
            self.end(false);
            return Some(Err(failure));
        }
    }

    /// Ends the statement: its scans stop, its report goes to stderr under `--debug`, and, when
    /// it `completed`, its warnings to the client.
    fn end(&mut self, completed: bool) {
        self.ended = true;
        let schema = self.running.batches.schema();
        self.running.batches = Box::pin(EmptyRecordBatchStream::new(schema));
        if self.running.debug {
            eprint!("{}", self.running.statement.debug_report());
        }
        if completed && let Ok(mut notices) = self.running.notices.lock() {
            notices.extend(self.running.statement.warnings());
        }
    }
}

impl Drop for State {
    fn drop(&mut self) {
        // Dropped before its end (the client went away mid-write, the server stopped): the
        // debug report still says what it did.
        if !self.ended && self.running.debug {
            eprint!("{}", self.running.statement.debug_report());
        }
    }
}

/// Resolves at `deadline`, or never.
async fn expiry(deadline: Option<Instant>) {
    match deadline {
        Some(deadline) => {
            tokio::time::sleep_until(tokio::time::Instant::from_std(deadline)).await;
        }
        None => std::future::pending().await,
    }
}

/// When a statement started now must end, under `timeout`.
pub fn deadline(timeout: Option<Duration>) -> Option<Instant> {
    timeout.map(|timeout| Instant::now() + timeout)
}

/// Resolves once the client has closed its end of the connection (or the socket failed).
///
/// The socket reports that even while unread messages wait in it (a client that closes sends
/// Terminate first): epoll's `RDHUP`, which tokio shows as read-closed. Readiness without it is
/// a message pgwire will read after the statement, so it is cleared and waited past.
pub async fn peer_closed(peer: &TcpStream) {
    loop {
        match peer.ready(Interest::READABLE).await {
            Ok(ready) if ready.is_read_closed() || ready.is_error() => return,
            Ok(_) => {
                let _ = peer.try_io(Interest::READABLE, || {
                    Err::<(), _>(io::Error::from(io::ErrorKind::WouldBlock))
                });
            }
            Err(_) => return,
        }
    }
}
