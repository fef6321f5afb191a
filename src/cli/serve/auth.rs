//! Who may connect: nobody is asked anything on loopback without a password; with one, every
//! client proves it, whatever user name it gives.
//!
//! The proof is pgwire's: SCRAM-SHA-256 (the default: the password never crosses the wire),
//! MD5 (for old clients), or the password itself (`--auth password`, only over TLS, and only
//! from a client that is on TLS). The check is wsql's own [`PasswordSource`]: one password, any
//! user name, unlike datafusion-postgres's `AuthManager`, which lets a known user in with any
//! password.

use std::fmt::Debug;
use std::path::Path;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion_postgres::pgwire::api::auth::cleartext::CleartextPasswordAuthStartupHandler;
use datafusion_postgres::pgwire::api::auth::md5pass::{
    Md5PasswordAuthStartupHandler, hash_md5_password,
};
use datafusion_postgres::pgwire::api::auth::sasl::SASLAuthStartupHandler;
use datafusion_postgres::pgwire::api::auth::sasl::scram::{
    SCRAM_ITERATIONS, ScramAuth, gen_salted_password,
};
use datafusion_postgres::pgwire::api::auth::{
    AuthSource, DefaultServerParameterProvider, LoginInfo, Password, StartupHandler,
    finish_authentication, protocol_negotiation, save_startup_parameters_to_metadata,
};
use datafusion_postgres::pgwire::api::{
    ClientInfo, ConnectionHandle, ConnectionManager, PidSecretKeyGenerator,
    RandomPidSecretKeyGenerator,
};
use datafusion_postgres::pgwire::error::{PgWireError, PgWireResult};
use datafusion_postgres::pgwire::messages::{PgWireBackendMessage, PgWireFrontendMessage};
use futures::Sink;

use super::errors::user_error;
use crate::cli::args::AuthMethod;
use crate::cli::dialect::settings;
use crate::cli::errors::Error;

/// The environment variable holding the password.
pub const PASSWORD_VARIABLE: &str = "WSQL_PASSWORD";

/// The password clients must give: `--password-file` (its first line) if given, else
/// `WSQL_PASSWORD`, else none.
pub fn load_password(
    file: Option<&Path>,
    variable: Option<String>,
) -> Result<Option<String>, Error> {
    let (password, from) = match (file, variable) {
        (Some(path), _) => {
            let text = std::fs::read_to_string(path).map_err(|source| Error::PasswordFile {
                path: path.to_path_buf(),
                source,
            })?;
            let first_line = text.lines().next().unwrap_or_default().to_string();
            (first_line, "--password-file")
        }
        (None, Some(value)) => (value, PASSWORD_VARIABLE),
        (None, None) => return Ok(None),
    };
    if password.is_empty() {
        return Err(Error::EmptyPassword(from));
    }
    Ok(Some(password))
}

/// The one password, in the form each method checks.
#[derive(Clone)]
pub struct PasswordSource {
    password: Arc<str>,
    method: AuthMethod,
}

impl Debug for PasswordSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PasswordSource")
            .field("method", &self.method)
            .finish_non_exhaustive()
    }
}

#[async_trait]
impl AuthSource for PasswordSource {
    async fn get_password(&self, login: &LoginInfo) -> PgWireResult<Password> {
        Ok(match self.method {
            AuthMethod::ScramSha256 => {
                let salt: [u8; 16] = rand::random();
                let salted = gen_salted_password(&self.password, &salt, SCRAM_ITERATIONS);
                Password::new(Some(salt.to_vec()), salted)
            }
            AuthMethod::Md5 => {
                let salt: [u8; 4] = rand::random();
                let user = login.user().unwrap_or_default();
                let hashed = hash_md5_password(user, &self.password, &salt);
                Password::new(Some(salt.to_vec()), hashed.into_bytes())
            }
            AuthMethod::Password => Password::new(None, self.password.as_bytes().to_vec()),
        })
    }
}

/// How the server authenticates, decided once at start.
#[derive(Clone)]
pub struct Authentication {
    source: Option<PasswordSource>,
    connections: Arc<ConnectionManager>,
    /// Process ids and cancel keys for connections let in without a password.
    keys: Arc<RandomPidSecretKeyGenerator>,
}

impl Authentication {
    /// Clients prove `password` with `method`; none are asked when there is no password.
    /// `connections` learns every authenticated connection, for cancel requests.
    pub fn new(
        password: Option<String>,
        method: AuthMethod,
        connections: Arc<ConnectionManager>,
    ) -> Self {
        let source = password.map(|password| PasswordSource {
            password: password.into(),
            method,
        });
        Self {
            source,
            connections,
            keys: Arc::new(RandomPidSecretKeyGenerator::default()),
        }
    }

    /// Whether clients must give a password.
    pub fn requires_password(&self) -> bool {
        self.source.is_some()
    }

    /// A handler for one connection's start-up (it keeps that connection's exchange).
    pub fn startup(&self) -> Startup {
        let parameters = Arc::new(server_parameters());
        let connections = Arc::clone(&self.connections);
        let Some(source) = &self.source else {
            return Startup::Trust(Trust {
                connections,
                keys: Arc::clone(&self.keys),
            });
        };
        match source.method {
            AuthMethod::ScramSha256 => Startup::Scram(
                SASLAuthStartupHandler::new(parameters)
                    .with_scram(ScramAuth::new(Arc::new(source.clone())))
                    .with_connection_manager(connections),
            ),
            AuthMethod::Md5 => Startup::Md5(
                Md5PasswordAuthStartupHandler::new(Arc::new(source.clone()), parameters)
                    .with_connection_manager(connections),
            ),
            AuthMethod::Password => Startup::Cleartext(
                CleartextPasswordAuthStartupHandler::new(source.clone(), server_parameters())
                    .with_connection_manager(connections),
            ),
        }
    }
}

/// What the server tells every client once it is in (`ParameterStatus`): pgwire's defaults
/// with wsql's `server_version` ([`crate::cli::dialect::identity`]), and the truth that every
/// transaction is read-only and no client is a superuser.
fn server_parameters() -> DefaultServerParameterProvider {
    let mut parameters = DefaultServerParameterProvider::default();
    let value = |name: &str| settings::setting(name, &Default::default()).unwrap_or_default();
    parameters.server_version = value("server_version");
    parameters.default_transaction_read_only = value("default_transaction_read_only") == "on";
    parameters.is_superuser = value("is_superuser") == "on";
    parameters
}

/// No password: everyone on loopback is let in (pgwire's no-op start-up, with wsql's
/// [`server_parameters`]).
pub struct Trust {
    connections: Arc<ConnectionManager>,
    keys: Arc<RandomPidSecretKeyGenerator>,
}

#[async_trait]
impl StartupHandler for Trust {
    async fn on_startup<C>(
        &self,
        client: &mut C,
        message: PgWireFrontendMessage,
    ) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        let PgWireFrontendMessage::Startup(startup) = message else {
            return Ok(());
        };
        protocol_negotiation(client, &startup).await?;
        save_startup_parameters_to_metadata(client, &startup);
        let (pid, key) = self.keys.generate(client);
        client.set_pid_and_secret_key(pid, key.clone());
        // Cancel requests find the connection through the manager, as pgwire's own handlers do.
        let (handle, guard) = self.connections.register(pid, key);
        client
            .session_extensions()
            .insert::<Arc<ConnectionHandle>>(handle);
        client.session_extensions().insert(guard);
        finish_authentication(client, &server_parameters()).await
    }
}

/// The start-up of one connection, by method.
pub enum Startup {
    /// No password set.
    Trust(Trust),
    /// SCRAM-SHA-256.
    Scram(SASLAuthStartupHandler<DefaultServerParameterProvider>),
    /// MD5.
    Md5(Md5PasswordAuthStartupHandler<PasswordSource, DefaultServerParameterProvider>),
    /// The password itself, over TLS.
    Cleartext(CleartextPasswordAuthStartupHandler<PasswordSource, DefaultServerParameterProvider>),
}

#[async_trait]
impl StartupHandler for Startup {
    async fn on_startup<C>(
        &self,
        client: &mut C,
        message: PgWireFrontendMessage,
    ) -> PgWireResult<()>
    where
        C: ClientInfo + Sink<PgWireBackendMessage> + Unpin + Send + Sync,
        C::Error: Debug,
        PgWireError: From<<C as Sink<PgWireBackendMessage>>::Error>,
    {
        match self {
            Startup::Trust(handler) => handler.on_startup(client, message).await,
            Startup::Scram(handler) => handler.on_startup(client, message).await,
            Startup::Md5(handler) => handler.on_startup(client, message).await,
            Startup::Cleartext(_) if !client.is_secure() => Err(user_error(
                "FATAL",
                "28000",
                "this server takes the password only over TLS: connect with sslmode=require"
                    .to_string(),
            )),
            Startup::Cleartext(handler) => handler.on_startup(client, message).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_wins_over_the_variable_and_keeps_its_first_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("password");
        std::fs::write(&path, "s3cret phrase\nignored\n").unwrap();
        assert_eq!(
            load_password(Some(&path), Some("other".into())).unwrap(),
            Some("s3cret phrase".to_string())
        );
        assert_eq!(
            load_password(None, Some("other".into())).unwrap(),
            Some("other".to_string())
        );
        assert_eq!(load_password(None, None).unwrap(), None);
    }

    #[test]
    fn empty_or_missing_passwords_are_errors() {
        let error = load_password(None, Some(String::new())).unwrap_err();
        assert_eq!(
            error.to_string(),
            "the password from WSQL_PASSWORD is empty"
        );
        let missing = Path::new("/nonexistent/wsql-password");
        let error = load_password(Some(missing), None).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot read --password-file /nonexistent/wsql-password:"),
            "{error}"
        );
    }

    #[test]
    fn the_password_never_shows_in_debug_output() {
        let source = PasswordSource {
            password: "hunter2".into(),
            method: AuthMethod::Md5,
        };
        assert!(!format!("{source:?}").contains("hunter2"));
    }

    #[tokio::test]
    async fn md5_answers_depend_on_user_salt_and_password() {
        let source = PasswordSource {
            password: "hunter2".into(),
            method: AuthMethod::Md5,
        };
        let login = LoginInfo::new(Some("alice"), None, "127.0.0.1".into());
        let expected = source.get_password(&login).await.unwrap();
        let salt = expected.salt().unwrap();
        assert_eq!(salt.len(), 4);
        assert_eq!(
            expected.password(),
            hash_md5_password("alice", "hunter2", salt).as_bytes()
        );
        assert_ne!(
            expected.password(),
            hash_md5_password("alice", "hunter3", salt).as_bytes()
        );
    }
}
