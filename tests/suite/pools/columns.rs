//! Every column round-trips from the wire: absent optional members are NULL, errors lists keep
//! NULL apart from empty, timestamps keep their fraction, unknown enum values keep their text.

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{Int32Type, TimestampMicrosecondType};
use serde_json::json;
use wsql_emulator::Fleet;

use crate::support::harness_with;

fn fixture() -> serde_json::Value {
    let arn = |id: &str| format!("arn:aws:workspaces:us-east-1:111122223333:workspacespool/{id}");
    json!({"account_id": "111122223333", "regions": {"us-east-1": {"pools": [
        {
            "PoolId": "wspool-full00001", "PoolArn": arn("wspool-full00001"),
            "PoolName": "full.pool-1", "Description": "Everything set",
            "State": "RUNNING", "RunningMode": "ALWAYS_ON", "CreatedAt": 1700000000.5,
            "BundleId": "wsb-12345678", "DirectoryId": "wsd-12345678",
            "CapacityStatus": {"AvailableUserSessions": 2, "DesiredUserSessions": 10,
                               "ActualUserSessions": 8, "ActiveUserSessions": 6},
            "ApplicationSettings": {"Status": "ENABLED", "SettingsGroup": "grp-1",
                                    "S3BucketName": "wsql-app-settings"},
            "TimeoutSettings": {"DisconnectTimeoutInSeconds": 900,
                                "IdleDisconnectTimeoutInSeconds": 600,
                                "MaxUserDurationInSeconds": 57600},
            "Errors": [
                {"ErrorCode": "BUNDLE_NOT_FOUND", "ErrorMessage": "The bundle is gone"},
                {"ErrorCode": "IGW_NOT_ATTACHED", "ErrorMessage": "No internet gateway"}
            ]
        },
        {
            "PoolId": "wspool-mini00002", "PoolArn": arn("wspool-mini00002"),
            "PoolName": "mi", "State": "STOPPED", "RunningMode": "AUTO_STOP",
            "CreatedAt": 1600000000,
            "BundleId": "wsb-12345678", "DirectoryId": "d-1234567890",
            "CapacityStatus": {"AvailableUserSessions": 0, "DesiredUserSessions": 0,
                               "ActualUserSessions": 0, "ActiveUserSessions": 0}
        },
        {
            "PoolId": "wspool-new000003", "PoolArn": arn("wspool-new000003"),
            "PoolName": "future", "State": "HIBERNATING", "RunningMode": "ON_DEMAND",
            "CreatedAt": 1750000000.123456,
            "BundleId": "wsb-12345678", "DirectoryId": "wsd-12345678",
            "CapacityStatus": {"AvailableUserSessions": 1, "DesiredUserSessions": 1,
                               "ActualUserSessions": 1, "ActiveUserSessions": 0},
            "ApplicationSettings": {"Status": "DISABLED"},
            "Errors": []
        }
    ]}}})
}

async fn fixture_harness() -> crate::support::Harness {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("fleet.json");
    std::fs::write(&path, fixture().to_string()).expect("fixture written");
    let fleet = Fleet::from_json_file(&path).expect("fixture loads");
    harness_with(fleet, &["us-east-1"], None).await
}

#[tokio::test]
async fn every_column_round_trips() {
    let h = fixture_harness().await;
    let batches = h
        .batches("SELECT * FROM workspaces_pools ORDER BY pool_id")
        .await;
    assert_eq!(batches.len(), 1);
    let batch = &batches[0];
    assert_eq!(batch.num_rows(), 3);
    let schema = batch.schema();
    let column = |name: &str| batch.column(schema.index_of(name).expect("column exists"));
    let text = |name: &str, row: usize| {
        let c = column(name).as_string::<i32>();
        (!c.is_null(row)).then(|| c.value(row).to_string())
    };
    let int = |name: &str, row: usize| {
        let c = column(name).as_primitive::<Int32Type>();
        (!c.is_null(row)).then(|| c.value(row))
    };
    // Rows by pool id: full, mini, new.
    assert_eq!(text("pool_id", 0).as_deref(), Some("wspool-full00001"));
    assert_eq!(text("region", 0).as_deref(), Some("us-east-1"));
    assert_eq!(text("account_id", 0).as_deref(), Some("111122223333"));
    assert_eq!(text("description", 0).as_deref(), Some("Everything set"));
    assert_eq!(text("description", 1), None);
    assert_eq!(text("state", 2).as_deref(), Some("HIBERNATING"));
    assert_eq!(text("running_mode", 2).as_deref(), Some("ON_DEMAND"));
    assert_eq!(text("running_mode", 1).as_deref(), Some("AUTO_STOP"));
    assert_eq!(text("directory_id", 1).as_deref(), Some("d-1234567890"));
    assert_eq!(int("available_user_sessions", 0), Some(2));
    assert_eq!(int("desired_user_sessions", 0), Some(10));
    assert_eq!(int("actual_user_sessions", 0), Some(8));
    assert_eq!(int("active_user_sessions", 0), Some(6));
    assert_eq!(
        text("application_settings_status", 0).as_deref(),
        Some("ENABLED")
    );
    assert_eq!(
        text("application_settings_group", 0).as_deref(),
        Some("grp-1")
    );
    assert_eq!(
        text("application_settings_s3_bucket_name", 0).as_deref(),
        Some("wsql-app-settings")
    );
    assert_eq!(text("application_settings_status", 1), None);
    assert_eq!(
        text("application_settings_status", 2).as_deref(),
        Some("DISABLED")
    );
    assert_eq!(text("application_settings_group", 2), None);
    assert_eq!(int("disconnect_timeout_in_seconds", 0), Some(900));
    assert_eq!(int("idle_disconnect_timeout_in_seconds", 0), Some(600));
    assert_eq!(int("max_user_duration_in_seconds", 0), Some(57600));
    assert_eq!(int("max_user_duration_in_seconds", 1), None);

    let created = column("created_at").as_primitive::<TimestampMicrosecondType>();
    assert_eq!(created.value(0), 1_700_000_000_500_000);
    assert_eq!(created.value(1), 1_600_000_000_000_000);
    assert_eq!(created.value(2), 1_750_000_000_123_456);

    let errors = column("errors").as_list::<i32>();
    assert!(!errors.is_null(0));
    assert_eq!(errors.value_length(0), 2);
    assert!(errors.is_null(1), "absent Errors is NULL");
    assert!(!errors.is_null(2), "empty Errors is an empty list");
    assert_eq!(errors.value_length(2), 0);
}

#[tokio::test]
async fn errors_unnest_one_row_per_error() {
    let h = fixture_harness().await;
    let rows = h
        .rows(
            "SELECT pool_id, e['error_code'], e['error_message'] \
             FROM (SELECT pool_id, unnest(errors) AS e FROM workspaces_pools)",
        )
        .await;
    assert_eq!(
        rows,
        vec![
            "wspool-full00001|BUNDLE_NOT_FOUND|The bundle is gone",
            "wspool-full00001|IGW_NOT_ATTACHED|No internet gateway",
        ]
    );
}

#[tokio::test]
async fn timestamps_compare_as_utc() {
    let h = fixture_harness().await;
    let ids = h
        .strings(
            "SELECT pool_id FROM workspaces_pools \
             WHERE created_at >= TIMESTAMP '2023-11-14T22:13:20Z' ORDER BY pool_id",
        )
        .await;
    assert_eq!(ids, vec!["wspool-full00001", "wspool-new000003"]);
}
