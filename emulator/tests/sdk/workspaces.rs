//! The WorkSpaces operations through the SDK: every member of every answer, paging, filters,
//! errors, regions.

use aws_sdk_workspaces::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_workspaces::operation::describe_workspaces_pools::DescribeWorkspacesPoolsError;
use aws_sdk_workspaces::types::{
    DescribeWorkspaceDirectoriesFilter, DescribeWorkspaceDirectoriesFilterName,
    DescribeWorkspacesPoolsFilter, DescribeWorkspacesPoolsFilterName,
    DescribeWorkspacesPoolsFilterOperator,
};
use serde_json::json;
use wsql_emulator::shapes::PoolState;
use wsql_emulator::{Emulator, Faults, Fleet, UnknownPoolIds};

use crate::common::{REGION, clients, start};

fn seconds(time: Option<&aws_smithy_types::DateTime>) -> Option<f64> {
    time.map(|t| t.as_secs_f64())
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-3,
        (None, None) => true,
        _ => false,
    }
}

fn filter(
    operator: DescribeWorkspacesPoolsFilterOperator,
    values: &[&str],
) -> DescribeWorkspacesPoolsFilter {
    DescribeWorkspacesPoolsFilter::builder()
        .name(DescribeWorkspacesPoolsFilterName::Poolname)
        .operator(operator)
        .set_values(Some(values.iter().map(|v| v.to_string()).collect()))
        .build()
        .expect("filter has every required member")
}

#[tokio::test]
async fn pools_round_trip_with_every_field_and_paging() {
    let fleet = Fleet::seeded(21, &[REGION], 130);
    let expected = fleet.pools(REGION).to_vec();
    let (emulator, client) = start(fleet).await;

    let mut pools = Vec::new();
    let mut token = None;
    let mut pages = 0;
    loop {
        let page = client
            .describe_workspaces_pools()
            .limit(20)
            .set_next_token(token)
            .send()
            .await
            .expect("page");
        pages += 1;
        assert!(page.workspaces_pools().len() <= 20);
        pools.extend(page.workspaces_pools().iter().cloned());
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(pages, 7, "130 pools in pages of 20");
    assert_eq!(pools.len(), expected.len());
    for (got, want) in pools.iter().zip(&expected) {
        assert_eq!(got.pool_id(), want.pool_id);
        assert_eq!(got.pool_arn(), want.pool_arn);
        assert_eq!(got.pool_name(), want.pool_name);
        assert_eq!(got.description(), want.description.as_deref());
        assert_eq!(
            got.state().as_str(),
            serde_json::to_value(&want.state)
                .expect("state")
                .as_str()
                .unwrap_or_default()
        );
        assert!(close(
            Some(got.created_at().as_secs_f64()),
            Some(want.created_at)
        ));
        assert_eq!(got.bundle_id(), want.bundle_id);
        assert_eq!(got.directory_id(), want.directory_id);
        let capacity = got.capacity_status().expect("capacity");
        let c = want.capacity_status;
        assert_eq!(
            (
                capacity.available_user_sessions(),
                capacity.desired_user_sessions(),
                capacity.actual_user_sessions(),
                capacity.active_user_sessions()
            ),
            (
                c.available_user_sessions,
                c.desired_user_sessions,
                c.actual_user_sessions,
                c.active_user_sessions
            )
        );
        // Absent and empty error lists stay distinct through the SDK.
        assert_eq!(
            got.errors.is_none(),
            want.errors.is_none(),
            "{}",
            want.pool_id
        );
        let codes: Vec<&str> = got
            .errors()
            .iter()
            .filter_map(|e| e.error_code().map(|c| c.as_str()))
            .collect();
        let want_codes: Vec<&str> = want
            .errors
            .iter()
            .flatten()
            .filter_map(|e| e.error_code.as_deref())
            .collect();
        assert_eq!(codes, want_codes);
        let messages: Vec<Option<&str>> = got.errors().iter().map(|e| e.error_message()).collect();
        let want_messages: Vec<Option<&str>> = want
            .errors
            .iter()
            .flatten()
            .map(|e| e.error_message.as_deref())
            .collect();
        assert_eq!(messages, want_messages);
        match (got.application_settings(), &want.application_settings) {
            (Some(got), Some(want)) => {
                assert_eq!(got.status().as_str(), want.status);
                assert_eq!(got.settings_group(), want.settings_group.as_deref());
                assert_eq!(got.s3_bucket_name(), want.s3_bucket_name.as_deref());
            }
            (None, None) => {}
            other => panic!("application settings differ: {other:?}"),
        }
        match (got.timeout_settings(), &want.timeout_settings) {
            (Some(got), Some(want)) => {
                assert_eq!(
                    got.disconnect_timeout_in_seconds(),
                    want.disconnect_timeout_in_seconds
                );
                assert_eq!(
                    got.idle_disconnect_timeout_in_seconds(),
                    want.idle_disconnect_timeout_in_seconds
                );
                assert_eq!(
                    got.max_user_duration_in_seconds(),
                    want.max_user_duration_in_seconds
                );
            }
            (None, None) => {}
            other => panic!("timeout settings differ: {other:?}"),
        }
        assert_eq!(
            got.running_mode().as_str(),
            serde_json::to_value(&want.running_mode)
                .expect("mode")
                .as_str()
                .unwrap_or_default()
        );
    }

    let log = emulator.request_log();
    assert_eq!(log.len(), 7);
    assert!(log.iter().all(|r| r.operation == "DescribeWorkspacesPools"
        && r.region == REGION
        && r.status == 200));
    assert_eq!(log[0].body, json!({"Limit": 20}));
    assert!(log[1].body["NextToken"].is_string());
    let flat = serde_json::to_string(&log.iter().map(|r| r.body.clone()).collect::<Vec<_>>())
        .unwrap_or_default();
    assert!(
        !flat.contains("AKIDWSQLEMULATOR"),
        "credentials never reach the log"
    );
}

#[tokio::test]
async fn pool_filters_and_ids_through_the_sdk() {
    let names = [
        "finance-01",
        "Finance-01",
        "eng.build_farm-3",
        "sales-finance",
        "hr-02",
    ];
    let fleet = Fleet::with_pool_names(3, REGION, &names);
    let ids: Vec<String> = fleet
        .pools(REGION)
        .iter()
        .map(|p| p.pool_id.clone())
        .collect();
    let (_emulator, client) = start(fleet).await;
    let found = |out: aws_sdk_workspaces::operation::describe_workspaces_pools::DescribeWorkspacesPoolsOutput| {
        out.workspaces_pools().iter().map(|p| p.pool_name().to_string()).collect::<Vec<_>>()
    };
    use DescribeWorkspacesPoolsFilterOperator as Op;

    let out = client
        .describe_workspaces_pools()
        .filters(filter(Op::Contains, &["finance", "build"]))
        .filters(filter(Op::Notequals, &["sales-finance"]))
        .send()
        .await
        .expect("filtered");
    assert_eq!(found(out), vec!["finance-01", "eng.build_farm-3"]);

    let out = client
        .describe_workspaces_pools()
        .filters(filter(Op::Equals, &["Finance-01"]))
        .send()
        .await
        .expect("case-sensitive");
    assert_eq!(found(out), vec!["Finance-01"]);

    let out = client
        .describe_workspaces_pools()
        .filters(filter(Op::Notcontains, &["inance"]))
        .send()
        .await
        .expect("not contains");
    assert_eq!(found(out), vec!["eng.build_farm-3", "hr-02"]);

    let out = client
        .describe_workspaces_pools()
        .pool_ids(&ids[4])
        .pool_ids(&ids[0])
        .pool_ids("wspool-000000000")
        .send()
        .await
        .expect("by id");
    assert_eq!(
        found(out),
        vec!["finance-01", "hr-02"],
        "unknown ids are simply absent"
    );
}

/// Each way of answering `PoolIds` that name pools that do not exist, as the SDK sees it.
#[tokio::test]
async fn unknown_pool_ids_through_the_sdk() {
    let fleet = Fleet::seeded(4, &[REGION], 8);
    let known = fleet.pools(REGION)[3].pool_id.clone();
    let (emulator, client) = start(fleet).await;
    let gone = "wspool-000000000";
    let listed = |ids: &[&str]| {
        let request = client
            .describe_workspaces_pools()
            .set_pool_ids(Some(ids.iter().map(|id| id.to_string()).collect()));
        async move {
            request.send().await.map(|out| {
                out.workspaces_pools()
                    .iter()
                    .map(|p| p.pool_id().to_string())
                    .collect::<Vec<_>>()
            })
        }
    };
    /// The `ResourceId` and message of a `ResourceNotFoundException`.
    fn not_found(err: SdkError<DescribeWorkspacesPoolsError>) -> (String, String) {
        let service = err.into_service_error();
        let DescribeWorkspacesPoolsError::ResourceNotFoundException(e) = service else {
            panic!("not a ResourceNotFoundException: {service:?}");
        };
        (
            e.resource_id().unwrap_or_default().to_string(),
            e.message().unwrap_or_default().to_string(),
        )
    }

    // Omitted (the default): unknown ids are left out.
    assert_eq!(
        listed(&[gone, &known]).await.ok(),
        Some(vec![known.clone()])
    );
    assert_eq!(listed(&[gone]).await.ok(), Some(vec![]));

    emulator.set_faults(Faults {
        unknown_pool_ids: UnknownPoolIds::NotFoundWhenNoneExist,
        ..Faults::default()
    });
    assert_eq!(
        listed(&[gone, &known]).await.ok(),
        Some(vec![known.clone()])
    );
    let (resource_id, message) = not_found(listed(&[gone]).await.expect_err("none exists"));
    assert_eq!(resource_id, gone);
    assert!(message.contains(gone), "{message}");

    emulator.set_faults(Faults {
        unknown_pool_ids: UnknownPoolIds::NotFoundWhenAnyUnknown,
        ..Faults::default()
    });
    let (resource_id, message) = not_found(listed(&[&known, gone]).await.expect_err("one unknown"));
    assert_eq!(resource_id, gone);
    assert!(!message.contains(&known), "{message}");
    assert_eq!(listed(&[&known]).await.ok(), Some(vec![known.clone()]));
    let statuses: Vec<u16> = emulator.request_log().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![200, 200, 200, 400, 400, 200]);
}

#[tokio::test]
async fn errors_surface_as_the_right_sdk_errors() {
    let (_emulator, client) = start(Fleet::seeded(1, &[REGION], 60)).await;

    let err = client
        .describe_workspaces_pools()
        .limit(0)
        .send()
        .await
        .expect_err("limit 0");
    let service = err.as_service_error().expect("a service error");
    assert_eq!(service.code(), Some("ValidationException"));
    assert!(
        service.message().is_some_and(|m| m.contains("'limit'")),
        "{service:?}"
    );

    let err = client
        .describe_workspaces_pools()
        .pool_ids("not-a-pool")
        .send()
        .await
        .expect_err("bad id");
    assert_eq!(
        err.as_service_error().and_then(|e| e.code()),
        Some("ValidationException")
    );

    let err = client
        .describe_workspaces_pools()
        .filters(filter(
            DescribeWorkspacesPoolsFilterOperator::Equals,
            &["x"],
        ))
        .send()
        .await
        .expect_err("one-character filter value");
    assert_eq!(
        err.as_service_error().and_then(|e| e.code()),
        Some("ValidationException")
    );

    let first = client
        .describe_workspaces_pools()
        .limit(5)
        .send()
        .await
        .expect("first page");
    let token = first.next_token().expect("more pages").to_string();
    let err = client
        .describe_workspaces_pools()
        .filters(filter(
            DescribeWorkspacesPoolsFilterOperator::Contains,
            &["ab"],
        ))
        .next_token(token)
        .send()
        .await
        .expect_err("token of another request");
    assert!(
        err.as_service_error()
            .is_some_and(|e| e.is_invalid_parameter_values_exception()),
        "{err:?}"
    );

    let err = client
        .describe_workspaces_pool_sessions()
        .pool_id("wspool-000000000")
        .send()
        .await
        .expect_err("unknown pool");
    assert!(
        err.as_service_error()
            .is_some_and(|e| e.is_resource_not_found_exception()),
        "{err:?}"
    );

    let err = client
        .describe_workspaces_pool_sessions()
        .send()
        .await
        .expect_err("missing PoolId");
    assert_eq!(
        err.as_service_error().and_then(|e| e.code()),
        Some("ValidationException")
    );

    let err = client
        .describe_workspaces()
        .directory_id("d-1234567890")
        .bundle_id("wsb-12345678")
        .send()
        .await
        .expect_err("exclusive members");
    assert!(
        err.as_service_error()
            .is_some_and(|e| e.is_invalid_parameter_values_exception()),
        "{err:?}"
    );

    let err = client
        .describe_tags()
        .resource_id("wspool-000000000")
        .send()
        .await
        .expect_err("unknown");
    assert!(
        err.as_service_error()
            .is_some_and(|e| e.is_resource_not_found_exception()),
        "{err:?}"
    );
}

#[tokio::test]
async fn sessions_round_trip() {
    let fleet = Fleet::seeded(5, &[REGION], 40);
    let pool = fleet
        .pools(REGION)
        .iter()
        .max_by_key(|p| p.capacity_status.active_user_sessions)
        .expect("pools")
        .clone();
    let expected = fleet.sessions(REGION, &pool.pool_id);
    assert!(expected.len() > 3);
    let (_emulator, client) = start(fleet).await;

    let mut sessions = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .describe_workspaces_pool_sessions()
            .pool_id(&pool.pool_id)
            .limit(3)
            .set_next_token(token)
            .send()
            .await
            .expect("page");
        sessions.extend(page.sessions().iter().cloned());
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(sessions.len(), expected.len());
    for (got, want) in sessions.iter().zip(&expected) {
        assert_eq!(got.session_id(), want.session_id);
        assert_eq!(got.pool_id(), want.pool_id);
        assert_eq!(got.user_id(), want.user_id);
        assert_eq!(got.instance_id(), want.instance_id.as_deref());
        assert_eq!(
            got.authentication_type().map(|a| a.as_str()),
            want.authentication_type.as_deref()
        );
        assert_eq!(
            got.connection_state().is_some(),
            want.connection_state.is_some()
        );
        assert!(close(seconds(got.start_time()), want.start_time));
        assert!(close(seconds(got.expiration_time()), want.expiration_time));
        let network = got.network_access_configuration();
        let want_network = want.network_access_configuration.as_ref();
        assert_eq!(
            network.and_then(|n| n.eni_id()),
            want_network.and_then(|n| n.eni_id.as_deref())
        );
        assert_eq!(
            network.and_then(|n| n.eni_private_ip_address()),
            want_network.and_then(|n| n.eni_private_ip_address.as_deref())
        );
    }
    let user = &expected[1].user_id;
    let out = client
        .describe_workspaces_pool_sessions()
        .pool_id(&pool.pool_id)
        .user_id(user)
        .send()
        .await
        .expect("by user");
    assert_eq!(out.sessions().len(), 1);
    assert_eq!(out.sessions()[0].user_id(), user);
}

#[tokio::test]
async fn directories_round_trip_with_nested_members() {
    let fleet = Fleet::seeded(8, &[REGION], 700);
    let expected = fleet.directories(REGION).to_vec();
    let (_emulator, client) = start(fleet).await;
    let out = client
        .describe_workspace_directories()
        .send()
        .await
        .expect("directories");
    let got = out.directories();
    assert_eq!(got.len(), expected.len());
    for (got, want) in got.iter().zip(&expected) {
        assert_eq!(got.directory_id(), Some(want.directory_id.as_str()));
        assert_eq!(
            got.ip_group_ids.clone(),
            want.ip_group_ids,
            "ipGroupIds survives the SDK"
        );
        assert_eq!(got.alias(), want.alias.as_deref());
        assert_eq!(got.subnet_ids.clone(), want.subnet_ids);
        assert_eq!(
            got.workspace_type().map(|t| t.as_str()),
            want.workspace_type.map(|t| t.as_str())
        );
        assert_eq!(
            got.user_identity_type().map(|t| t.as_str()),
            want.user_identity_type.map(|t| t.as_str())
        );
        assert_eq!(
            got.idc_config().and_then(|c| c.instance_arn()),
            want.idc_config
                .as_ref()
                .and_then(|c| c.instance_arn.as_deref())
        );
        assert_eq!(
            got.streaming_properties().map(|s| s.user_settings().len()),
            want.streaming_properties
                .as_ref()
                .map(|s| s.user_settings.as_ref().map_or(0, Vec::len))
        );
        assert_eq!(
            got.workspace_creation_properties()
                .and_then(|p| p.default_ou()),
            want.workspace_creation_properties
                .as_ref()
                .and_then(|p| p.default_ou.as_deref())
        );
        assert_eq!(
            got.active_directory_config().map(|c| c.domain_name()),
            want.active_directory_config
                .as_ref()
                .map(|c| c.domain_name.as_str())
        );
    }
    let pools_only = client
        .describe_workspace_directories()
        .filters(
            DescribeWorkspaceDirectoriesFilter::builder()
                .name(DescribeWorkspaceDirectoriesFilterName::WorkspaceType)
                .values("POOLS")
                .build()
                .expect("filter"),
        )
        .send()
        .await
        .expect("pools directories");
    assert!(!pools_only.directories().is_empty());
    assert!(
        pools_only
            .directories()
            .iter()
            .all(|d| d.workspace_type().map(|t| t.as_str()) == Some("POOLS"))
    );
    assert!(pools_only.directories().len() < expected.len());
}

#[tokio::test]
async fn bundles_own_and_amazon_with_paging() {
    let fleet = Fleet::seeded(2, &[REGION], 3000);
    let account = fleet.account_id().to_string();
    let own_count = fleet
        .bundles(REGION)
        .iter()
        .filter(|b| b.owner.as_deref() == Some(&account))
        .count();
    assert!(own_count > 25);
    let first_bundle = fleet.bundles(REGION)[0].clone();
    let (_emulator, client) = start(fleet).await;

    let mut own = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .describe_workspace_bundles()
            .set_next_token(token)
            .send()
            .await
            .expect("page");
        assert!(page.bundles().len() <= 25);
        own.extend(page.bundles().iter().cloned());
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    assert_eq!(own.len(), own_count);
    assert!(own.iter().all(|b| b.owner() == Some(account.as_str())));
    let got = &own[0];
    assert_eq!(got.bundle_id(), Some(first_bundle.bundle_id.as_str()));
    assert!(close(
        seconds(got.creation_time()),
        first_bundle.creation_time
    ));
    assert!(close(
        seconds(got.last_updated_time()),
        first_bundle.last_updated_time
    ));
    assert_eq!(
        got.compute_type()
            .and_then(|c| c.name())
            .map(|n| n.as_str()),
        first_bundle
            .compute_type
            .as_ref()
            .and_then(|c| c.name.as_deref())
    );
    assert_eq!(
        got.user_storage().map(|s| s.capacity()),
        first_bundle
            .user_storage
            .as_ref()
            .map(|s| s.capacity.as_str())
    );

    let amazon = client
        .describe_workspace_bundles()
        .owner("AMAZON")
        .send()
        .await
        .expect("amazon");
    assert_eq!(amazon.bundles().len(), 6);
    assert!(amazon.bundles().iter().all(|b| b.owner() == Some("AMAZON")));
}

#[tokio::test]
async fn workspaces_and_tags_round_trip() {
    let fleet = Fleet::seeded(4, &[REGION], 100);
    let workspace = fleet.workspaces(REGION)[0].clone();
    let pool = fleet
        .pools(REGION)
        .iter()
        .find(|p| fleet.tags(REGION, &p.pool_id).is_some_and(|t| t.len() >= 3))
        .expect("a tagged pool")
        .clone();
    let tags = fleet.tags(REGION, &pool.pool_id).unwrap_or_default();
    let untagged = fleet
        .pools(REGION)
        .iter()
        .find(|p| fleet.tags(REGION, &p.pool_id).is_some_and(|t| t.is_empty()))
        .expect("an untagged pool")
        .pool_id
        .clone();
    let (_emulator, client) = start(fleet).await;

    let out = client
        .describe_workspaces()
        .workspace_ids(&workspace.workspace_id)
        .send()
        .await
        .expect("by id");
    let got = &out.workspaces()[0];
    assert_eq!(got.workspace_id(), Some(workspace.workspace_id.as_str()));
    assert_eq!(got.user_name(), workspace.user_name.as_deref());
    assert_eq!(got.state().map(|s| s.as_str()), workspace.state.as_deref());
    let properties = got.workspace_properties().expect("properties");
    let want = workspace.workspace_properties.as_ref().expect("properties");
    assert_eq!(properties.root_volume_size_gib(), want.root_volume_size_gib);
    assert_eq!(
        properties.protocols().len(),
        want.protocols.as_ref().map_or(0, Vec::len)
    );
    let directory = workspace.directory_id.clone().expect("directory");
    let by_directory = client
        .describe_workspaces()
        .directory_id(&directory)
        .send()
        .await
        .expect("dir");
    assert!(
        by_directory
            .workspaces()
            .iter()
            .all(|w| w.directory_id() == Some(directory.as_str()))
    );
    assert!(!by_directory.workspaces().is_empty());

    let out = client
        .describe_tags()
        .resource_id(&pool.pool_id)
        .send()
        .await
        .expect("tags");
    let got: Vec<(String, Option<String>)> = out
        .tag_list()
        .iter()
        .map(|t| (t.key().to_string(), t.value().map(str::to_string)))
        .collect();
    let want: Vec<(String, Option<String>)> = tags
        .iter()
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect();
    assert_eq!(got, want);
    let out = client
        .describe_tags()
        .resource_id(&untagged)
        .send()
        .await
        .expect("untagged");
    assert!(out.tag_list().is_empty());
}

#[tokio::test]
async fn one_endpoint_serves_many_regions() {
    let fleet = Fleet::seeded(6, &["us-east-1", "eu-west-1"], 10);
    let emulator = Emulator::start(fleet).await.expect("starts");
    let clients = clients(&emulator, &["us-east-1", "eu-west-1", "ap-south-1"]).await;
    for (client, region) in clients.iter().zip(["us-east-1", "eu-west-1"]) {
        let out = client
            .describe_workspaces_pools()
            .send()
            .await
            .expect("pools");
        assert_eq!(out.workspaces_pools().len(), 10);
        assert!(
            out.workspaces_pools()
                .iter()
                .all(|p| p.pool_arn().contains(&format!(":{region}:")))
        );
    }
    let empty = clients[2]
        .describe_workspaces_pools()
        .send()
        .await
        .expect("unknown region");
    assert!(
        empty.workspaces_pools().is_empty(),
        "a region without pools answers with none"
    );
    let regions: Vec<String> = emulator
        .request_log()
        .into_iter()
        .map(|r| r.region)
        .collect();
    assert_eq!(regions, vec!["us-east-1", "eu-west-1", "ap-south-1"]);
    emulator.clear_request_log();
    assert!(emulator.request_log().is_empty());
}

#[test]
fn fleet_states_cover_the_model() {
    let fleet = Fleet::seeded(1, &[REGION], 20);
    let states: std::collections::HashSet<PoolState> = fleet
        .pools(REGION)
        .iter()
        .map(|p| p.state.clone())
        .collect();
    assert_eq!(states.len(), PoolState::ALL.len());
}
