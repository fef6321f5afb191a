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

use aws_config::identity::IdentityCache;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_workspaces::config::Region;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_http_client::{Builder as HttpClientBuilder, ConnectorBuilder};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

use crate::scan::own_decoding::ReadingHttpClient;
use crate::settings::{AssumeRole, AwsSettings, RetryMode};

/// The HTTP client every configuration of one library shares: the SDK's default (hyper 1 with
/// rustls on aws-lc, the platform's roots, the proxy the environment names), made once. Its
/// connectors are made per connector settings and kept, so every service client of every
/// account reuses one connection pool per endpoint.
///
/// The SDK also asks for a connector, without settings, each time a service client is built,
/// only to load the TLS roots early, and drops it. Done for each of an organization's thousands
/// of clients, parsing the roots again each time was 15 % of a 1,000-account scan's CPU; here
/// every such check gets a connector without TLS, as soon dropped, and the roots are loaded
/// once per connector settings, by the first connector that calls.
///
/// It reads whole the answers of the calls wsql decodes itself ([`ReadingHttpClient`]).
pub(super) fn http_client() -> SharedHttpClient {
    let sdk_default = HttpClientBuilder::new().build_with_connector_fn(|settings, components| {
        if settings.is_none() && components.is_none() {
            return ConnectorBuilder::default().build_http();
        }
        let mut connector =
            ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    });
    SharedHttpClient::new(ReadingHttpClient(sdk_default))
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
/// credentials by aws-config's own `AssumeRoleProvider` (its credentials cached and refreshed
/// in the account's own identity cache, shared by its regions and services), and the role's
/// ARN.
pub(super) async fn role_config(
    base: &SdkConfig,
    role: &AssumeRole,
    account: &str,
) -> (SdkConfig, String) {
    let role_arn = format!("arn:aws:iam::{account}:role/{}", role.role_name);
    let mut provider = AssumeRoleProvider::builder(role_arn.clone())
        .session_name("wsql")
        .configure(&for_service(base, "STS"));
    if let Some(external_id) = &role.external_id {
        provider = provider.external_id(external_id);
    }
    let provider = provider.build().await;
    let config = base
        .clone()
        .into_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .identity_cache(IdentityCache::lazy().build())
        .build();
    (config, role_arn)
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
