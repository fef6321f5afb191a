//! Many accounts through the real clients: STS `AssumeRole` (directly and through aws-config's
//! `AssumeRoleProvider`, as wsql uses it), `GetCallerIdentity`, Organizations `ListAccounts`, and
//! WorkSpaces calls reading the account of their credentials.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use aws_config::SdkConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_sdk_organizations::operation::list_accounts::ListAccountsError;
use aws_sdk_organizations::types::{AccountStatus as WireStatus, InvalidInputExceptionReason};
use aws_sdk_sts::error::ProvideErrorMetadata;
use aws_sdk_workspaces::config::{Credentials, SharedCredentialsProvider};
use wsql_emulator::{AccountStatus, Emulator, FaultedServices, Faults, Organization, RateLimit};

use crate::common::{REGION, sdk_config, static_credentials};

const ROLE: &str = "OrganizationAccountAccessRole";

fn role_arn(account_id: &str, role: &str) -> String {
    format!("arn:aws:iam::{account_id}:role/{role}")
}

/// Configuration with the tests' static credentials: the management account's.
async fn management_config(emulator: &Emulator) -> SdkConfig {
    sdk_config(
        emulator,
        REGION,
        SharedCredentialsProvider::new(static_credentials()),
    )
    .await
}

/// Configuration whose credentials come from assuming `role` in `account_id`, as wsql gets
/// them: `AssumeRoleProvider` configured with the management account's configuration (which
/// carries the emulator's endpoint URL).
async fn assumed_config(emulator: &Emulator, account_id: &str, role: &str) -> SdkConfig {
    let provider = AssumeRoleProvider::builder(role_arn(account_id, role))
        .session_name("wsql")
        .configure(&management_config(emulator).await)
        .build()
        .await;
    sdk_config(emulator, REGION, SharedCredentialsProvider::new(provider)).await
}

fn member_ids(organization: &Organization) -> Vec<String> {
    organization.accounts()[1..]
        .iter()
        .map(|a| a.id().to_string())
        .collect()
}

async fn pool_ids(config: &SdkConfig) -> Result<Vec<String>, String> {
    let out = aws_sdk_workspaces::Client::new(config)
        .describe_workspaces_pools()
        .send()
        .await
        .map_err(|e| format!("{:?}", e.into_service_error()))?;
    Ok(out
        .workspaces_pools()
        .iter()
        .map(|p| p.pool_id().to_string())
        .collect())
}

/// The code of an STS error, or why there is none.
fn sts_code<E: ProvideErrorMetadata + std::fmt::Debug, R: std::fmt::Debug>(
    err: aws_sdk_sts::error::SdkError<E, R>,
) -> String {
    match err.as_service_error().and_then(|e| e.code()) {
        Some(code) => code.to_string(),
        None => format!("no service error: {err:?}"),
    }
}

#[tokio::test]
async fn assumed_credentials_read_their_accounts_fleet() {
    let organization = Organization::seeded(31, 4, &[REGION], 6);
    let emulator = Emulator::start_organization(organization.clone())
        .await
        .expect("starts");

    for account in &organization.accounts()[1..] {
        let config = assumed_config(&emulator, account.id(), ROLE).await;
        let expected: Vec<String> = account
            .fleet
            .pools(REGION)
            .iter()
            .map(|p| p.pool_id.clone())
            .collect();
        assert_eq!(pool_ids(&config).await, Ok(expected), "{}", account.id());
    }
    let management = management_config(&emulator).await;
    let expected: Vec<String> = organization
        .management()
        .fleet
        .pools(REGION)
        .iter()
        .map(|p| p.pool_id.clone())
        .collect();
    assert_eq!(pool_ids(&management).await, Ok(expected));

    // The log says which account answered, through which service and operation.
    let calls: Vec<(String, String, String, u16)> = emulator
        .request_log()
        .into_iter()
        .map(|r| (r.service, r.operation, r.account, r.status))
        .collect();
    let mut expected = Vec::new();
    for id in member_ids(&organization) {
        expected.push(("sts".into(), "AssumeRole".into(), id.clone(), 200));
        expected.push((
            "workspaces".into(),
            "DescribeWorkspacesPools".into(),
            id,
            200,
        ));
    }
    expected.push((
        "workspaces".into(),
        "DescribeWorkspacesPools".into(),
        organization.management().id().to_string(),
        200,
    ));
    assert_eq!(calls, expected);
    let assume = &emulator.request_log()[0];
    assert_eq!(
        assume.body["RoleArn"],
        role_arn(&member_ids(&organization)[0], ROLE)
    );
    assert_eq!(assume.body["RoleSessionName"], "wsql");
}

#[tokio::test]
async fn assume_role_answers_the_model_shapes() {
    let organization = Organization::seeded(32, 2, &[REGION], 1);
    let member = member_ids(&organization).remove(0);
    let emulator = Emulator::start_organization(organization)
        .await
        .expect("starts");
    let sts = aws_sdk_sts::Client::new(&management_config(&emulator).await);
    let out = sts
        .assume_role()
        .role_arn(role_arn(&member, ROLE))
        .role_session_name("bench-1")
        .duration_seconds(900)
        .send()
        .await
        .expect("assumed");
    let credentials = out.credentials().expect("credentials");
    assert_eq!(credentials.access_key_id().len(), 20);
    assert!(
        credentials
            .access_key_id()
            .starts_with(&format!("ASIA{member}"))
    );
    assert!(!credentials.secret_access_key().is_empty());
    assert!(!credentials.session_token().is_empty());
    let expires = credentials.expiration().secs();
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    assert!(
        (now + 900 - 60..=now + 900 + 60).contains(&expires),
        "expires {expires}, now {now}"
    );
    let user = out.assumed_role_user().expect("assumed role user");
    assert_eq!(
        user.arn(),
        format!("arn:aws:sts::{member}:assumed-role/{ROLE}/bench-1")
    );
    assert!(user.assumed_role_id().starts_with("AROA"));
    assert!(user.assumed_role_id().ends_with(":bench-1"));

    // The issued key without its session token is refused.
    let config = sdk_config(
        &emulator,
        REGION,
        SharedCredentialsProvider::new(Credentials::new(
            credentials.access_key_id(),
            credentials.secret_access_key(),
            None,
            None,
            "no-token",
        )),
    )
    .await;
    let err = pool_ids(&config).await.expect_err("token missing");
    assert!(err.contains("UnrecognizedClientException"), "{err}");
}

#[tokio::test]
async fn assume_role_is_denied_as_the_organization_says() {
    let organization = Organization::seeded(33, 6, &[REGION], 1);
    let ids = member_ids(&organization);
    let (denied, suspended, closing, good) = (&ids[0], &ids[1], &ids[2], &ids[3]);
    let organization = organization
        .with_role_denied(&[denied])
        .with_status(&[suspended], AccountStatus::Suspended)
        .with_status(&[closing], AccountStatus::PendingClosure);
    let management_id = organization.management().id().to_string();
    let emulator = Emulator::start_organization(organization)
        .await
        .expect("starts");
    let sts = aws_sdk_sts::Client::new(&management_config(&emulator).await);
    let cases = [
        role_arn(denied, ROLE),
        role_arn(suspended, ROLE),
        role_arn(closing, ROLE),
        role_arn(good, "ReadOnly"),
        role_arn(&management_id, ROLE),
        role_arn("999999999999", ROLE),
    ];
    for arn in &cases {
        let err = sts
            .assume_role()
            .role_arn(arn)
            .role_session_name("wsql")
            .send()
            .await
            .expect_err(arn);
        let service = err.as_service_error().expect("a service error");
        assert_eq!(service.code(), Some("AccessDenied"), "{arn}");
        assert!(
            service.message().is_some_and(|m| m.contains(arn)),
            "{service:?}"
        );
    }
    let statuses: Vec<u16> = emulator.request_log().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![403; cases.len()]);

    // Through AssumeRoleProvider the denial surfaces as a credentials error of the call.
    let config = assumed_config(&emulator, denied, ROLE).await;
    let err = pool_ids(&config).await.expect_err("no credentials");
    assert!(err.contains("AccessDenied"), "{err}");

    // A member's credentials may not assume the role elsewhere: it trusts the management account.
    let member = aws_sdk_sts::Client::new(&assumed_config(&emulator, good, ROLE).await);
    let err = member
        .assume_role()
        .role_arn(role_arn(good, ROLE))
        .role_session_name("chained")
        .send()
        .await
        .expect_err("chained");
    assert_eq!(sts_code(err), "AccessDenied");
}

#[tokio::test]
async fn another_role_name_and_an_external_id_can_be_required() {
    let organization = Organization::seeded(34, 2, &[REGION], 2)
        .with_role_name("WsqlReader")
        .with_external_id("wsql-ext-1");
    let member = member_ids(&organization).remove(0);
    let emulator = Emulator::start_organization(organization)
        .await
        .expect("starts");
    let sts = aws_sdk_sts::Client::new(&management_config(&emulator).await);
    let assume = |role: &'static str, external_id: Option<&'static str>| {
        sts.assume_role()
            .role_arn(role_arn(&member, role))
            .role_session_name("wsql")
            .set_external_id(external_id.map(str::to_string))
            .send()
    };
    assert_eq!(
        sts_code(
            assume(ROLE, Some("wsql-ext-1"))
                .await
                .expect_err("default role")
        ),
        "AccessDenied"
    );
    assert_eq!(
        sts_code(assume("WsqlReader", None).await.expect_err("no id")),
        "AccessDenied"
    );
    assert_eq!(
        sts_code(
            assume("WsqlReader", Some("wsql-ext-2"))
                .await
                .expect_err("wrong id")
        ),
        "AccessDenied"
    );
    assert!(assume("WsqlReader", Some("wsql-ext-1")).await.is_ok());

    let provider = AssumeRoleProvider::builder(role_arn(&member, "WsqlReader"))
        .session_name("wsql")
        .external_id("wsql-ext-1")
        .configure(&management_config(&emulator).await)
        .build()
        .await;
    let config = sdk_config(&emulator, REGION, SharedCredentialsProvider::new(provider)).await;
    assert_eq!(pool_ids(&config).await.map(|ids| ids.len()), Ok(2));
}

#[tokio::test]
async fn caller_identity_of_static_and_assumed_credentials() {
    let organization = Organization::seeded(35, 3, &[REGION], 1);
    let management = organization.management().id().to_string();
    let member = member_ids(&organization).remove(1);
    let emulator = Emulator::start_organization(organization)
        .await
        .expect("starts");

    let identity = aws_sdk_sts::Client::new(&management_config(&emulator).await)
        .get_caller_identity()
        .send()
        .await
        .expect("static identity");
    assert_eq!(identity.account(), Some(management.as_str()));
    assert_eq!(
        identity.arn(),
        Some(format!("arn:aws:iam::{management}:user/wsql-emulator").as_str())
    );
    assert!(identity.user_id().is_some_and(|u| u.starts_with("AIDA")));

    let identity = aws_sdk_sts::Client::new(&assumed_config(&emulator, &member, ROLE).await)
        .get_caller_identity()
        .send()
        .await
        .expect("assumed identity");
    assert_eq!(identity.account(), Some(member.as_str()));
    assert_eq!(
        identity.arn(),
        Some(format!("arn:aws:sts::{member}:assumed-role/{ROLE}/wsql").as_str())
    );
    assert!(identity.user_id().is_some_and(|u| u.ends_with(":wsql")));
    let accounts: Vec<String> = emulator
        .request_log()
        .into_iter()
        .filter(|r| r.operation == "GetCallerIdentity")
        .map(|r| r.account)
        .collect();
    assert_eq!(accounts, vec![management, member]);
}

#[tokio::test]
async fn list_accounts_pages_with_statuses_for_the_management_account_only() {
    let organization = Organization::seeded(36, 45, &[REGION], 0);
    let ids: Vec<String> = organization
        .accounts()
        .iter()
        .map(|a| a.id().to_string())
        .collect();
    let organization = organization
        .with_status(&[&ids[4], &ids[40]], AccountStatus::Suspended)
        .with_status(&[&ids[7]], AccountStatus::PendingClosure);
    let emulator = Emulator::start_organization(organization)
        .await
        .expect("starts");
    let organizations = aws_sdk_organizations::Client::new(&management_config(&emulator).await);

    let mut pages = organizations
        .list_accounts()
        .max_results(7)
        .into_paginator()
        .send();
    let mut listed = Vec::new();
    let mut page_sizes = Vec::new();
    while let Some(page) = pages.next().await {
        let page = page.expect("page");
        page_sizes.push(page.accounts().len());
        listed.extend(page.accounts().iter().cloned());
    }
    assert_eq!(page_sizes, vec![7, 7, 7, 7, 7, 7, 3]);
    let listed_ids: Vec<&str> = listed.iter().filter_map(|a| a.id()).collect();
    assert_eq!(
        listed_ids,
        ids.iter().map(String::as_str).collect::<Vec<_>>()
    );
    let status = |i: usize| listed[i].status().cloned();
    assert_eq!(status(4), Some(WireStatus::Suspended));
    assert_eq!(status(40), Some(WireStatus::Suspended));
    assert_eq!(status(7), Some(WireStatus::PendingClosure));
    assert_eq!(status(5), Some(WireStatus::Active));
    assert!(
        listed
            .iter()
            .all(|a| a.name().is_some() && a.email().is_some())
    );
    let log = emulator.request_log();
    assert_eq!(log.len(), 7);
    assert!(log.iter().all(|r| r.service == "organizations"
        && r.operation == "ListAccounts"
        && r.account == ids[0]));
    assert_eq!(log[0].body["MaxResults"], 7);

    let err = organizations
        .list_accounts()
        .max_results(21)
        .send()
        .await
        .expect_err("over the model's bound");
    let ListAccountsError::InvalidInputException(invalid) = err.into_service_error() else {
        panic!("not InvalidInputException");
    };
    assert_eq!(
        invalid.reason(),
        Some(&InvalidInputExceptionReason::MaxValueExceeded)
    );

    let member =
        aws_sdk_organizations::Client::new(&assumed_config(&emulator, &ids[1], ROLE).await);
    let err = member.list_accounts().send().await.expect_err("a member");
    assert!(
        err.into_service_error().is_access_denied_exception(),
        "members may not list the organization"
    );
}

#[tokio::test]
async fn next_tokens_belong_to_their_account() {
    let organization = Organization::seeded(37, 2, &[REGION], 30);
    let member = member_ids(&organization).remove(0);
    let emulator = Emulator::start_organization(organization)
        .await
        .expect("starts");
    let member_client =
        aws_sdk_workspaces::Client::new(&assumed_config(&emulator, &member, ROLE).await);
    let first = member_client
        .describe_workspaces_pools()
        .limit(5)
        .send()
        .await
        .expect("member page");
    let token = first.next_token().expect("more pages").to_string();
    assert!(
        member_client
            .describe_workspaces_pools()
            .next_token(&token)
            .send()
            .await
            .is_ok()
    );
    let management = aws_sdk_workspaces::Client::new(&management_config(&emulator).await);
    let err = management
        .describe_workspaces_pools()
        .next_token(&token)
        .send()
        .await
        .expect_err("another account's token");
    assert!(
        err.into_service_error()
            .is_invalid_parameter_values_exception()
    );
}

#[tokio::test]
async fn faults_speak_each_services_words() {
    let organization = Organization::seeded(38, 2, &[REGION], 1);
    let member = member_ids(&organization).remove(0);
    let emulator = Emulator::start_organization(organization)
        .await
        .expect("starts");
    let config = management_config(&emulator).await;
    let sts = aws_sdk_sts::Client::new(&config);
    let organizations = aws_sdk_organizations::Client::new(&config);

    emulator.set_faults(Faults {
        throttle_rate: 1.0,
        faulted_services: FaultedServices::All,
        ..Faults::default()
    });
    let err = sts
        .get_caller_identity()
        .send()
        .await
        .expect_err("throttled");
    assert_eq!(sts_code(err), "Throttling");
    let err = organizations
        .list_accounts()
        .send()
        .await
        .expect_err("throttled");
    assert!(
        err.into_service_error().is_too_many_requests_exception(),
        "Organizations' own throttling error"
    );

    // Denied regions deny WorkSpaces calls only, in every account.
    emulator.set_faults(Faults {
        access_denied_regions: vec![REGION.into()],
        ..Faults::default()
    });
    assert!(sts.get_caller_identity().send().await.is_ok());
    assert!(organizations.list_accounts().send().await.is_ok());
    let member_config = assumed_config(&emulator, &member, ROLE).await;
    let err = pool_ids(&member_config).await.expect_err("denied");
    assert!(err.contains("AccessDeniedException"), "{err}");
    let statuses: Vec<(String, u16)> = emulator
        .request_log()
        .into_iter()
        .map(|r| (r.service, r.status))
        .collect();
    assert_eq!(
        &statuses[statuses.len() - 4..],
        &[
            ("sts".to_string(), 200),
            ("organizations".to_string(), 200),
            ("sts".to_string(), 200),
            ("workspaces".to_string(), 400),
        ]
    );
}

/// A rate limit is a token bucket per (account, region), as AWS throttles: once one account's
/// bucket in one region is empty its calls there are throttled, while its other region, another
/// account in the same region and STS still answer; the log names the error of each throttled
/// call, and new faults fill every bucket again.
#[tokio::test]
async fn a_rate_limit_throttles_each_account_and_region_alone() {
    let organization = Organization::seeded(42, 2, &[REGION, "eu-west-1"], 1);
    let management_id = organization.management().id().to_string();
    let member = member_ids(&organization).remove(0);
    let emulator = Emulator::start_organization(organization)
        .await
        .expect("starts");
    // So slow a rate that no token comes back while the test runs.
    let limited = || Faults {
        rate_limit: Some(RateLimit {
            per_second: 0.001,
            burst: 2,
        }),
        ..Faults::default()
    };
    emulator.set_faults(limited());
    let management = management_config(&emulator).await;
    let mut answers = Vec::new();
    for _ in 0..4 {
        answers.push(pool_ids(&management).await.map(|_| ()));
    }
    assert!(answers[..2].iter().all(Result::is_ok), "{answers:?}");
    for refused in &answers[2..] {
        let err = refused.as_ref().expect_err("over the rate");
        assert!(err.contains("ThrottlingException"), "{err}");
    }
    let west = sdk_config(
        &emulator,
        "eu-west-1",
        SharedCredentialsProvider::new(static_credentials()),
    )
    .await;
    assert!(pool_ids(&west).await.is_ok(), "another region's bucket");
    let member_config = assumed_config(&emulator, &member, ROLE).await;
    assert!(
        pool_ids(&member_config).await.is_ok(),
        "another account's bucket, through AssumeRole, which is not limited"
    );
    let log = emulator.request_log();
    let throttled: Vec<(&str, &str, u16)> = log
        .iter()
        .filter(|r| r.error_code == Some("ThrottlingException"))
        .map(|r| (r.account.as_str(), r.region.as_str(), r.status))
        .collect();
    assert_eq!(
        throttled,
        [(management_id.as_str(), REGION, 400); 2],
        "only the emptied bucket's calls"
    );
    assert!(
        log.iter()
            .filter(|r| r.status == 200)
            .all(|r| r.error_code.is_none())
    );

    emulator.set_faults(limited());
    assert!(
        pool_ids(&management).await.is_ok(),
        "buckets start full again"
    );
}

/// Injected latency holds STS and Organizations answers too: both calls are served at once and
/// neither is answered (so neither is logged) while it lasts.
#[tokio::test]
async fn latency_holds_sts_and_organizations_calls_too() {
    let organization = Organization::seeded(41, 2, &[REGION], 1);
    let management = organization.management().id().to_string();
    let emulator = Emulator::start_organization(organization)
        .await
        .expect("starts");
    let config = management_config(&emulator).await;
    emulator.set_faults(Faults {
        latency: Duration::from_secs(120),
        ..Faults::default()
    });
    let sts = aws_sdk_sts::Client::new(&config);
    let organizations = aws_sdk_organizations::Client::new(&config);
    let identity = tokio::spawn(async move { sts.get_caller_identity().send().await });
    let accounts = tokio::spawn(async move { organizations.list_accounts().send().await });
    let mut polls = 0;
    while emulator.peak_in_flight_by_account().get(&management) != Some(&2) {
        polls += 1;
        assert!(polls < 3000, "never both in flight");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(emulator.request_log().is_empty(), "answers are held");
    identity.abort();
    accounts.abort();
}

#[tokio::test]
async fn secrets_never_reach_the_log() {
    let organization = Organization::seeded(39, 2, &[REGION], 1).with_external_id("ext-secret-ish");
    let member = member_ids(&organization).remove(0);
    let emulator = Emulator::start_organization(organization)
        .await
        .expect("starts");
    let sts = aws_sdk_sts::Client::new(&management_config(&emulator).await);
    let out = sts
        .assume_role()
        .role_arn(role_arn(&member, ROLE))
        .role_session_name("wsql")
        .external_id("ext-secret-ish")
        .send()
        .await
        .expect("assumed");
    let credentials = out.credentials().expect("credentials");
    let config = sdk_config(
        &emulator,
        REGION,
        SharedCredentialsProvider::new(Credentials::new(
            credentials.access_key_id(),
            credentials.secret_access_key(),
            Some(credentials.session_token().to_string()),
            None,
            "issued",
        )),
    )
    .await;
    assert!(pool_ids(&config).await.is_ok());
    let log = format!("{:?}", emulator.request_log());
    for secret in [
        credentials.secret_access_key(),
        credentials.session_token(),
        credentials.access_key_id(),
        "emulator-secret",
        "AKIDEMULATORTEST",
    ] {
        assert!(!log.contains(secret), "{secret} is in the log");
    }
    assert!(log.contains(&member), "the account is");
}

#[tokio::test]
async fn peak_in_flight_counts_calls_served_at_once() {
    let organization = Organization::seeded(40, 3, &[REGION], 2);
    let ids = member_ids(&organization);
    let emulator = Emulator::start_organization(organization.clone())
        .await
        .expect("starts");
    let first = aws_sdk_workspaces::Client::new(&assumed_config(&emulator, &ids[0], ROLE).await);
    let second = aws_sdk_workspaces::Client::new(&assumed_config(&emulator, &ids[1], ROLE).await);
    let management = aws_sdk_workspaces::Client::new(&management_config(&emulator).await);
    for client in [&first, &second, &management] {
        client
            .describe_workspaces_pools()
            .send()
            .await
            .expect("sequential");
    }
    // One call at a time (the AssumeRole calls included) never overlap.
    assert_eq!(emulator.peak_in_flight(), 1);
    let mut expected = BTreeMap::from([
        (ids[0].clone(), 1),
        (ids[1].clone(), 1),
        (organization.management().id().to_string(), 1),
    ]);
    assert_eq!(emulator.peak_in_flight_by_account(), expected);

    emulator.clear_request_log();
    assert_eq!(emulator.peak_in_flight(), 0);
    assert!(emulator.peak_in_flight_by_account().is_empty());

    // The calls are held (far longer than the test lasts) until all six are served at once;
    // the test waits for the counts rather than for a time, and ends the calls by aborting them.
    emulator.set_faults(Faults {
        latency: Duration::from_secs(120),
        ..Faults::default()
    });
    let mut calls = Vec::new();
    for (client, count) in [(&first, 3), (&second, 2), (&management, 1)] {
        for _ in 0..count {
            let client = client.clone();
            calls.push(tokio::spawn(async move {
                client.describe_workspaces_pools().send().await
            }));
        }
    }
    expected.insert(ids[0].clone(), 3);
    expected.insert(ids[1].clone(), 2);
    let mut polls = 0;
    while emulator.peak_in_flight_by_account() != expected {
        polls += 1;
        assert!(
            polls < 3000,
            "never all in flight: {:?}",
            emulator.peak_in_flight_by_account()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(emulator.peak_in_flight(), 6);
    for call in calls {
        call.abort();
    }
}
