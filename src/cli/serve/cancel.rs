//! Cancel requests (psql's Ctrl-C, psycopg's `conn.cancel()`, JDBC's `Statement.cancel()`) for
//! the whole of a statement, its rows included.
//!
//! pgwire races a handler's `do_query` against a cancel request, but a statement's rows stream
//! after `do_query` has answered, while pgwire sends them. So a cancel request goes to both:
//! pgwire's connection manager (a statement still planning), and the connection's own
//! [`CancelSignal`], which the statement's row stream watches ([`super::rows`]). A request
//! names the connection by process id and secret key, as Postgres's does; one naming no open
//! connection does nothing.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use datafusion_postgres::pgwire::api::ConnectionManager;
use datafusion_postgres::pgwire::api::cancel::CancelHandler;
use datafusion_postgres::pgwire::messages::cancel::CancelRequest;
use datafusion_postgres::pgwire::messages::startup::SecretKey;
use tokio::sync::watch;

/// A connection as a cancel request names it: process id, and secret key as bytes.
type ConnectionKey = (i32, Vec<u8>);

/// Where cancel requests go.
#[derive(Debug)]
pub struct Cancels {
    manager: Arc<ConnectionManager>,
    /// By process id and secret key as bytes (a request's key decodes as bytes, whatever form
    /// it was handed out in).
    signals: Mutex<HashMap<ConnectionKey, watch::Sender<u64>>>,
}

impl Cancels {
    /// Cancels through pgwire's `manager` and each connection's signal.
    pub fn new(manager: Arc<ConnectionManager>) -> Self {
        Self {
            manager,
            signals: Mutex::new(HashMap::new()),
        }
    }

    /// A signal for the connection with process id `pid` and `key`, registered until dropped.
    pub fn signal(self: &Arc<Self>, pid: i32, key: SecretKey) -> CancelSignal {
        let (sender, _) = watch::channel(0);
        let registered = (pid, key.to_bytes().to_vec());
        if let Ok(mut signals) = self.signals.lock() {
            signals.insert(registered.clone(), sender.clone());
        }
        CancelSignal {
            sender,
            registered,
            cancels: Arc::clone(self),
        }
    }
}

#[async_trait]
impl CancelHandler for Cancels {
    async fn on_cancel_request(&self, request: CancelRequest) {
        self.manager.cancel(request.pid, &request.secret_key).await;
        let sender = self.signals.lock().ok().and_then(|signals| {
            let key = (request.pid, request.secret_key.to_bytes().to_vec());
            signals.get(&key).cloned()
        });
        if let Some(sender) = sender {
            sender.send_modify(|requests| *requests += 1);
        }
    }
}

/// One connection's cancel requests.
#[derive(Debug)]
pub struct CancelSignal {
    sender: watch::Sender<u64>,
    registered: ConnectionKey,
    cancels: Arc<Cancels>,
}

impl CancelSignal {
    /// What a statement starting now watches: the next cancel request, not an earlier one.
    pub fn watch(&self) -> Cancelled {
        let mut receiver = self.sender.subscribe();
        receiver.mark_unchanged();
        Cancelled(receiver)
    }
}

impl Drop for CancelSignal {
    fn drop(&mut self) {
        if let Ok(mut signals) = self.cancels.signals.lock() {
            signals.remove(&self.registered);
        }
    }
}

/// A statement's watch for a cancel request.
#[derive(Debug)]
pub struct Cancelled(watch::Receiver<u64>);

impl Cancelled {
    /// Resolves when the connection's client asks to cancel (never, once it is closed).
    pub async fn requested(&mut self) {
        if self.0.changed().await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_request_reaches_the_statements_of_its_connection_only() {
        let cancels = Arc::new(Cancels::new(Arc::new(ConnectionManager::new())));
        let ours = cancels.signal(7, SecretKey::I32(42));
        let theirs = cancels.signal(8, SecretKey::I32(43));
        let mut ours_running = ours.watch();
        let mut theirs_running = theirs.watch();
        // The key as the request decodes it (bytes) finds the connection given an i32 key.
        let as_bytes = SecretKey::Bytes(SecretKey::I32(43).to_bytes());
        cancels
            .on_cancel_request(CancelRequest::new(8, as_bytes))
            .await;
        tokio::time::timeout(Duration::from_secs(5), theirs_running.requested())
            .await
            .expect("cancelled by the same key as bytes");
        // A wrong key cancels nothing.
        let wrong = CancelRequest::new(7, SecretKey::I32(1));
        cancels.on_cancel_request(wrong).await;
        let wait = tokio::time::timeout(Duration::from_millis(50), ours_running.requested());
        assert!(wait.await.is_err());

        cancels
            .on_cancel_request(CancelRequest::new(7, SecretKey::I32(42)))
            .await;
        tokio::time::timeout(Duration::from_secs(5), ours_running.requested())
            .await
            .expect("cancelled");
        let mut theirs_next = theirs.watch();
        let wait = tokio::time::timeout(Duration::from_millis(50), theirs_next.requested());
        assert!(wait.await.is_err());
        // A statement started after the request does not see it.
        let mut next = ours.watch();
        let wait = tokio::time::timeout(Duration::from_millis(50), next.requested());
        assert!(wait.await.is_err());

        drop(ours);
        assert_eq!(cancels.signals.lock().unwrap().len(), 1);
    }
}
