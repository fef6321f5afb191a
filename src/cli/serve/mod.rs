//! `wsql serve`: the library's tables over the Postgres wire protocol, for psql, Grafana,
//! Metabase, DBeaver, psycopg, SQLAlchemy, JDBC and anything else that speaks Postgres.
//!
//! The protocol is pgwire's, the Arrow-to-Postgres encoding arrow-pg's and `pg_catalog`
//! datafusion-pg-catalog's, all through `datafusion-postgres` (which pins them to one set of
//! versions, on DataFusion 55), whose `SET`/`SHOW`/transaction hooks answer what clients send on
//! connect. The handlers are wsql's ([`connection`]): each connection gets its own copy of the
//! session every front end builds ([`crate::cli::session`], without access to local files, and
//! with wsql's SQL dialect: [`crate::cli::dialect`]), client catalog queries DataFusion cannot
//! plan are rewritten to what they answer ([`catalog_rewrites`]), statements are checked
//! read-only ([`readonly`], savepoints answered as no-ops: [`savepoints`]) and run by the one
//! statement runner ([`crate::cli::statement`]), their rows streamed as the scans produce them
//! ([`rows`]). Passwords are wsql's own ([`auth`], which also says what the server is:
//! `server_version`), errors are worded as the command line words them ([`errors`]), warnings
//! go to the client that caused them as NOTICEs ([`notices`]), and a cancel request
//! ([`cancel`]), a closed connection, `statement_timeout` or a shutdown stops the statement's
//! API calls.

mod auth;
mod cancel;
mod catalog_rewrites;
mod connection;
mod errors;
mod notices;
mod readonly;
mod rows;
mod savepoints;
mod tls;
mod types;

use std::net::SocketAddr;
use std::sync::Arc;

use datafusion_postgres::QueryHook;
use datafusion_postgres::datafusion_pg_catalog::sql::PostgresCompatibilityParser;
use datafusion_postgres::hooks::set_show::SetShowHook;
use datafusion_postgres::hooks::transactions::TransactionStatementHook;
use datafusion_postgres::pgwire::api::ConnectionManager;
use datafusion_postgres::pgwire::tokio::{TlsAcceptor, process_socket};
use tokio::net::TcpListener;
use tokio::runtime::Runtime;
use tokio::task::JoinSet;

use crate::Library;
use crate::cli::args::{Args, AuthMethod, ServeArgs};
use crate::cli::demo::Demo;
use crate::cli::errors::Error;
use crate::cli::session::{self, Access};
use auth::Authentication;
use cancel::Cancels;
use connection::{Handlers, Server};
use savepoints::Savepoints;

/// Serves until SIGINT or SIGTERM. Open connections are then closed, which stops their
/// statements and their API calls.
pub fn run(runtime: &Runtime, args: &Args, serve: &ServeArgs) -> Result<(), Error> {
    let _context = runtime.enter();
    let password = auth::load_password(
        serve.password_file.as_deref(),
        std::env::var(auth::PASSWORD_VARIABLE).ok(),
    )?;
    check_security(serve, password.is_some())?;
    let tls = match (&serve.tls_cert, &serve.tls_key) {
        (Some(cert), Some(key)) => Some(tls::acceptor(cert, key)?),
        _ => None,
    };
    runtime.block_on(async {
        let (settings, _demo) = Demo::settings_for(args).await.map_err(Error::Demo)?;
        let library = Library::new(settings).with_cache_ttl(args.cache_ttl(true));
        let connections = Arc::new(ConnectionManager::new());
        let hooks: Vec<Arc<dyn QueryHook>> = vec![
            Arc::new(Savepoints),
            Arc::new(TransactionStatementHook),
            Arc::new(SetShowHook),
        ];
        let session = session::build(&library, Access::ApiOnly).await?;
        let server = Arc::new(Server {
            template: session.state(),
            parser: PostgresCompatibilityParser::new(),
            hooks,
            authentication: Authentication::new(password, serve.auth, Arc::clone(&connections)),
            cancels: Arc::new(Cancels::new(connections)),
            debug: args.debug,
        });
        let listener = TcpListener::bind(serve.listen)
            .await
            .map_err(|source| Error::Listen {
                addr: serve.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| Error::Listen {
            addr: serve.listen,
            source,
        })?;
        eprintln!(
            "{}",
            listening_line(addr, &server, tls.is_some(), serve.auth)
        );
        accept_until_stopped(listener, server, tls).await;
        Ok(())
    })
}

/// Refuses set-ups that would let a stranger in or put a password on the wire in clear.
fn check_security(serve: &ServeArgs, has_password: bool) -> Result<(), Error> {
    let tls = serve.tls_cert.is_some();
    if !has_password && !serve.listen.ip().is_loopback() {
        return Err(Error::PasswordRequired(serve.listen));
    }
    if !has_password && serve.auth != AuthMethod::ScramSha256 {
        return Err(Error::AuthWithoutPassword);
    }
    if serve.auth == AuthMethod::Password && !tls {
        return Err(Error::CleartextWithoutTls);
    }
    Ok(())
}

/// The one line saying where the server listens and how to connect.
fn listening_line(addr: SocketAddr, server: &Server, tls: bool, method: AuthMethod) -> String {
    let security = match (server.authentication.requires_password(), tls) {
        (false, _) => "no password (loopback only)".to_string(),
        (true, false) => format!("password required ({})", method_name(method)),
        (true, true) => format!("TLS, password required ({})", method_name(method)),
    };
    // Listening on every address (0.0.0.0, ::), this machine is reached through loopback.
    let host = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_string(),
        ip if ip.is_unspecified() => "::1".to_string(),
        ip => ip.to_string(),
    };
    format!(
        "wsql serve: listening on {addr}, {security}; try: psql -h {host} -p {} -U wsql wsql",
        addr.port()
    )
}

fn method_name(method: AuthMethod) -> &'static str {
    match method {
        AuthMethod::ScramSha256 => "SCRAM-SHA-256",
        AuthMethod::Md5 => "MD5",
        AuthMethod::Password => "password",
    }
}

/// Accepts connections, each served on its own task, until SIGINT or SIGTERM; then drops them
/// all.
async fn accept_until_stopped(
    listener: TcpListener,
    server: Arc<Server>,
    tls: Option<TlsAcceptor>,
) {
    let mut connections = JoinSet::new();
    let stop = stop_signal();
    tokio::pin!(stop);
    loop {
        tokio::select! {
            () = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((socket, _)) => match Handlers::accept(&server, socket) {
                    Ok((handlers, socket)) => {
                        connections.spawn(process_socket(socket, tls.clone(), handlers));
                    }
                    Err(error) => eprintln!("wsql serve: cannot serve a connection: {error}"),
                },
                Err(error) => {
                    // Out of file descriptors, say: wait a moment rather than spin.
                    eprintln!("wsql serve: cannot accept a connection: {error}");
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
            },
            Some(_) = connections.join_next() => {}
        }
    }
    let open = connections.len();
    connections.shutdown().await;
    eprintln!("wsql serve: stopped ({open} open connection(s) closed)");
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
async fn stop_signal() {
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        () = terminate => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serve(listen: &str) -> ServeArgs {
        ServeArgs {
            listen: listen.parse().unwrap(),
            password_file: None,
            auth: AuthMethod::ScramSha256,
            tls_cert: None,
            tls_key: None,
        }
    }

    #[test]
    fn other_machines_need_a_password() {
        let error = check_security(&serve("0.0.0.0:5433"), false).unwrap_err();
        let line = error.to_string();
        assert!(
            line.contains("WSQL_PASSWORD") && line.contains("--password-file"),
            "{line}"
        );
        assert!(check_security(&serve("0.0.0.0:5433"), true).is_ok());
        assert!(check_security(&serve("127.0.0.1:5433"), false).is_ok());
        assert!(check_security(&serve("[::1]:5433"), false).is_ok());
    }

    #[test]
    fn the_password_itself_only_travels_over_tls() {
        let mut args = serve("127.0.0.1:5433");
        args.auth = AuthMethod::Password;
        assert!(matches!(
            check_security(&args, true),
            Err(Error::CleartextWithoutTls)
        ));
        args.tls_cert = Some("cert.pem".into());
        args.tls_key = Some("key.pem".into());
        assert!(check_security(&args, true).is_ok());
        assert!(matches!(
            check_security(&args, false),
            Err(Error::AuthWithoutPassword)
        ));
    }
}
