//! The SDK configuration of each account, made from the settings: retries, timeouts, the
//! endpoint, the first region, and the credentials (a named profile's, fixed ones, the default
//! chain, or a role assumed with those in one account). Loading a configuration calls nothing;
//! credentials are resolved by the first call that needs them.
//!
//! The settings' endpoint (`--endpoint-url`) is set on the configuration, which the SDK treats
//! as a client's own setting: its service clients would then ignore the service-specific
//! variables (`AWS_ENDPOINT_URL_CLOUDWATCH`, ...). Every client is built from [`for_service`],
//! which lets the service's own variable win for it, as the AWS CLI does.

use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_workspaces::config::Region;

use crate::settings::{AssumeRole, AwsSettings, RetryMode};

/// The configuration of `profile` (`None`: the default chain, or the settings' fixed
/// credentials).
pub(super) async fn base_config(settings: &AwsSettings, profile: Option<&str>) -> SdkConfig {
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
/// per account), and the role's ARN.
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
