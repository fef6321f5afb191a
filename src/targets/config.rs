//! The SDK configuration of each account, made from the settings: retries, timeouts, the
//! endpoint, the first region, and the credentials (a named profile's, fixed ones, the default
//! chain, or a role assumed with those in one account). Loading a configuration calls nothing;
//! credentials are resolved by the first call that needs them.
//!
//! The settings' endpoint (`--endpoint-url`) is set on the configuration, which the SDK treats
//! as a client's own setting: its service clients would then ignore the service-specific
//! variables (`AWS_ENDPOINT_URL_CLOUDWATCH`, ...). Every client is built from [`for_service`],
//! which lets the service's own variable win for it, as the AWS CLI does.
//!
//! Two things the SDK makes per client are made once here, because an organization has
//! thousands of clients (an account's regions × services): the HTTP client ([`http_client`]:
//! one per library, so one connection pool and one TLS root store, where the SDK's default
//! builds both for every client), and each account's identity cache (the SDK's shared cache
//! keeps 64 credential partitions and evicts beyond, so a thousand accounts' roles would be
//! assumed again on almost every call).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};
use std::time::Duration;

use aws_config::identity::IdentityCache;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider, future};
use aws_sdk_workspaces::config::{Region, SharedAsyncSleep};
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Connector, ConnectorBuilder};
use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use tokio::sync::OnceCell;

use crate::scan::own_decoding::reading_marked_answers_whole;
use crate::settings::{AssumeRole, AwsSettings, RetryMode};

/// The HTTP client every configuration of one library shares, made once: hyper 1 as the SDK's
/// default makes it (rustls on aws-lc with the platform's roots, the proxy the environment
/// names, the settings' timeouts). Its connectors are made per connector settings and kept, so
/// every service client of every account reuses one connection pool per endpoint, and each
/// reads whole the answers of the calls wsql decodes itself
/// ([`reading_marked_answers_whole`]).
///
/// The TLS roots are loaded at the first `https://` call, not before: the SDK's default client
/// loads them as each service client is built (parsing them again for each of an
/// organization's thousands of clients was 15 % of a 1,000-account scan's CPU), and reading the
/// platform's store took 40–560 ms before the first call on this project's VM. An `http://`
/// endpoint (the emulator, a local gateway) is called without TLS and loads none, unless
/// `HTTP_PROXY` or `ALL_PROXY` names a proxy reached over TLS.
pub(crate) fn http_client() -> SharedHttpClient {
    SharedHttpClient::new(LibraryHttpClient {
        plain_http: !http_proxy_over_tls(),
        connectors: RwLock::default(),
    })
}

/// The library's HTTP client ([`http_client`]).
#[derive(Debug)]
struct LibraryHttpClient {
    /// Whether `http://` calls go without TLS (no proxy reached over TLS is named for them).
    plain_http: bool,
    /// One connector per connector settings, as the SDK's client keeps them.
    connectors: RwLock<HashMap<ConnectorKey, SharedHttpConnector>>,
}

/// What tells connector settings apart: the connect and the read timeouts.
type ConnectorKey = (Option<Duration>, Option<Duration>);

impl HttpClient for LibraryHttpClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        let key = (settings.connect_timeout(), settings.read_timeout());
        let kept = self
            .connectors
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(connector) = kept.get(&key) {
            return connector.clone();
        }
        drop(kept);
        let mut connectors = self
            .connectors
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let connector = connectors.entry(key).or_insert_with(|| {
            reading_marked_answers_whole(SharedHttpConnector::new(SchemeConnector::new(
                settings.clone(),
                components.sleep_impl(),
                self.plain_http,
            )))
        });
        connector.clone()
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        Some(ConnectorMetadata::new("hyper", Some(Cow::Borrowed("1.x"))))
    }
}

/// One connector settings' connectors: without TLS for `http://` calls (when allowed), with
/// TLS for the rest; each made at its first call.
#[derive(Debug)]
struct SchemeConnector {
    settings: HttpConnectorSettings,
    sleep: Option<SharedAsyncSleep>,
    plain_http: bool,
    plain: OnceLock<Connector>,
    tls: OnceLock<Connector>,
}

impl SchemeConnector {
    fn new(
        settings: HttpConnectorSettings,
        sleep: Option<SharedAsyncSleep>,
        plain_http: bool,
    ) -> Self {
        Self {
            settings,
            sleep,
            plain_http,
            plain: OnceLock::new(),
            tls: OnceLock::new(),
        }
    }

    /// Whether a call to `uri` goes without TLS: an `http://` one, unless its proxy is reached
    /// over TLS.
    fn goes_without_tls(&self, uri: &str) -> bool {
        self.plain_http && has_scheme(uri, "http")
    }

    /// A connector builder as the SDK's default client starts one: these settings, this
    /// sleep, the proxy the environment names.
    fn builder(&self) -> ConnectorBuilder {
        let mut builder = ConnectorBuilder::default();
        builder.set_connector_settings(Some(self.settings.clone()));
        builder.set_sleep_impl(self.sleep.clone());
        builder.set_proxy_config(Some(ProxyConfig::from_env()));
        builder
    }
}

impl HttpConnector for SchemeConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let connector = if self.goes_without_tls(request.uri()) {
            self.plain.get_or_init(|| self.builder().build_http())
        } else {
            self.tls.get_or_init(|| {
                self.builder()
                    .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
                    .build()
            })
        };
        connector.call(request)
    }
}

/// Whether `HTTP_PROXY` or `ALL_PROXY` (the proxies of `http://` calls) names a proxy reached
/// over TLS: then those calls need the TLS connector too.
fn http_proxy_over_tls() -> bool {
    ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"]
        .iter()
        .filter_map(|name| std::env::var(name).ok())
        .any(|proxy| is_over_tls(&proxy))
}

/// Whether the proxy URL `proxy` is reached over TLS (`https://`).
fn is_over_tls(proxy: &str) -> bool {
    has_scheme(proxy, "https")
}

/// Whether `url` (blanks around it ignored) starts with `scheme` and `://`, in any case.
fn has_scheme(url: &str, scheme: &str) -> bool {
    url.trim()
        .split_once("://")
        .is_some_and(|(its, _)| its.eq_ignore_ascii_case(scheme))
}

/// The configuration of `profile` (`None`: the default chain, or the settings' fixed
/// credentials), calling through `http`.
pub(super) async fn base_config(
    settings: &AwsSettings,
    profile: Option<&str>,
    http: SharedHttpClient,
) -> SdkConfig {
    let mut retry = match settings.retry_mode {
        RetryMode::Standard => RetryConfig::standard(),
        RetryMode::Adaptive => RetryConfig::adaptive(),
    };
    if let Some(attempts) = settings.max_attempts {
        retry = retry.with_max_attempts(attempts.max(1));
    }
    if let Some(backoff) = settings.retry_backoff {
        retry = retry.with_initial_backoff(backoff);
    }
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(settings.connect_timeout)
        .operation_attempt_timeout(settings.attempt_timeout)
        .build();
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http)
        .retry_config(retry)
        .timeout_config(timeouts);
    if let Some(profile) = profile {
        // A profile named on purpose is the credentials to use, as with the AWS CLI: not the
        // environment's keys, which the default chain would try first.
        let credentials = ProfileFileCredentialsProvider::builder()
            .profile_name(profile)
            .build();
        loader = loader
            .profile_name(profile)
            .credentials_provider(credentials);
    }
    if let Some(url) = &settings.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(credentials) = &settings.credentials {
        loader = loader.credentials_provider(credentials.clone());
    }
    if let Some(first) = settings.regions.first() {
        loader = loader.region(Region::new(first.clone()));
    }
    loader.load().await
}

/// The configuration reading account `account` through `role`, assumed with the `base`
/// credentials ([`RoleCredentials`], their credentials cached and refreshed in the account's
/// own identity cache, shared by its regions and services), and the role's ARN. `sts` is
/// `base` for STS (`for_service(base, "STS")`), made once and shared by all the accounts. Made without a
/// call and without an STS client: an organization's listing makes 20 of these for each page.
pub(super) fn role_config(
    base: &SdkConfig,
    sts: &Arc<SdkConfig>,
    role: &AssumeRole,
    account: &str,
) -> (SdkConfig, String) {
    let role_arn = format!("arn:aws:iam::{account}:role/{}", role.role_name);
    let credentials = RoleCredentials {
        role_arn: role_arn.clone(),
        external_id: role.external_id.clone(),
        sts: Arc::clone(sts),
        provider: OnceCell::new(),
    };
    let config = base
        .clone()
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(credentials))
        .identity_cache(IdentityCache::lazy().build())
        .build();
    (config, role_arn)
}

/// A role's credentials, assumed with the base credentials by aws-config's own
/// `AssumeRoleProvider`, made at the first call that needs them. The provider is an STS client
/// of its own; made with each account's configuration, 20 of them for each page of an
/// organization's accounts were on the listing's critical path (no account is read before its
/// page is listed), where now the first call of each account makes its own.
#[derive(Debug)]
struct RoleCredentials {
    role_arn: String,
    external_id: Option<String>,
    /// The base configuration for STS, which the role is assumed with (every account's).
    sts: Arc<SdkConfig>,
    provider: OnceCell<AssumeRoleProvider>,
}

impl RoleCredentials {
    async fn provider(&self) -> &AssumeRoleProvider {
        self.provider
            .get_or_init(|| {
                let mut provider = AssumeRoleProvider::builder(self.role_arn.clone())
                    .session_name("wsql")
                    .configure(&self.sts);
                if let Some(external_id) = &self.external_id {
                    provider = provider.external_id(external_id);
                }
                provider.build()
            })
            .await
    }
}

impl ProvideCredentials for RoleCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::new(
            async move { self.provider().await.provide_credentials().await },
        )
    }
}

/// `config` for the service whose SDK id is `service_id` (`WorkSpaces`, `CloudWatch`, `STS`,
/// `Organizations`): with the endpoint the environment names for it, when it names one
/// (`AWS_ENDPOINT_URL_` and the id in capitals, spaces as underscores), which wins over the
/// settings' endpoint.
pub(super) fn for_service(config: &SdkConfig, service_id: &str) -> SdkConfig {
    let name = format!(
        "AWS_ENDPOINT_URL_{}",
        service_id.to_ascii_uppercase().replace(' ', "_")
    );
    match std::env::var(name).ok().filter(|url| !url.is_empty()) {
        Some(url) => config.clone().into_builder().endpoint_url(url).build(),
        None => config.clone(),
    }
}

#[cfg(test)]
mod tests {
    use wsql_emulator::{DEFAULT_ROLE_NAME, Emulator, Fleet, Organization};

    use super::*;
    use crate::settings::Accounts;

    fn connector(plain_http: bool) -> SchemeConnector {
        SchemeConnector::new(HttpConnectorSettings::builder().build(), None, plain_http)
    }

    #[tokio::test]
    async fn an_http_endpoint_is_called_without_tls_and_loads_no_roots() {
        let emulator = Emulator::start(Fleet::seeded(7, &["us-east-1"], 1))
            .await
            .expect("emulator starts");
        let connector = connector(true);
        let request = HttpRequest::get(emulator.endpoint_url()).expect("a request");
        let answer = connector.call(request).await.expect("an answer");
        assert!(answer.status().as_u16() > 0);
        assert!(connector.plain.get().is_some(), "called without TLS");
        assert!(connector.tls.get().is_none(), "no TLS connector, no roots");
    }

    #[test]
    fn only_http_calls_go_without_tls_and_not_through_a_proxy_reached_over_tls() {
        let direct = connector(true);
        assert!(direct.goes_without_tls("http://127.0.0.1:4566/"));
        assert!(direct.goes_without_tls("HTTP://localhost:4566"));
        assert!(!direct.goes_without_tls("https://workspaces.us-east-1.amazonaws.com/"));
        assert!(!direct.goes_without_tls("HTTPS://127.0.0.1:4566/"));
        assert!(!direct.goes_without_tls("127.0.0.1:4566"));
        let proxied = connector(false);
        assert!(!proxied.goes_without_tls("http://127.0.0.1:4566/"));
        assert!(!proxied.goes_without_tls("https://workspaces.us-east-1.amazonaws.com/"));
    }

    #[test]
    fn a_proxy_is_over_tls_when_its_url_says_https() {
        assert!(is_over_tls("https://proxy.example.com:3128"));
        assert!(is_over_tls(" HTTPS://proxy:443 "));
        assert!(!is_over_tls("http://proxy.example.com:3128"));
        assert!(!is_over_tls("proxy.example.com:3128"));
        assert!(!is_over_tls("socks5://proxy:1080"));
        assert!(!is_over_tls(""));
    }

    #[tokio::test]
    async fn a_role_is_assumed_as_configured_at_the_first_call_for_its_credentials() {
        let organization = Organization::seeded(31, 2, &["us-east-1"], 0);
        let member = organization.accounts()[1].id().to_string();
        let emulator = Emulator::start_organization(organization)
            .await
            .expect("emulator starts");
        let settings = AwsSettings::emulator(emulator.endpoint_url(), &["us-east-1"]);
        let base = base_config(&settings, None, http_client()).await;
        let role = AssumeRole {
            role_name: DEFAULT_ROLE_NAME.to_string(),
            accounts: Accounts::Organization,
            external_id: Some("wsql-external".to_string()),
        };
        let (config, role_arn) =
            role_config(&base, &Arc::new(for_service(&base, "STS")), &role, &member);
        assert_eq!(
            role_arn,
            format!("arn:aws:iam::{member}:role/{DEFAULT_ROLE_NAME}")
        );
        assert!(emulator.request_log().is_empty(), "made without a call");

        let provider = config.credentials_provider().expect("the role's provider");
        let credentials = provider.provide_credentials().await.expect("assumed");
        assert!(credentials.session_token().is_some(), "a role's session");
        let log = emulator.request_log();
        let [call] = &log[..] else {
            panic!("one call, AssumeRole: {log:?}");
        };
        assert_eq!(call.operation, "AssumeRole");
        assert_eq!(call.account, member, "the member's role");
        assert_eq!(call.body["RoleArn"], role_arn.as_str());
        assert_eq!(call.body["RoleSessionName"], "wsql");
        assert_eq!(call.body["ExternalId"], "wsql-external");
    }
}
