//! Page → Arrow conversion throughput: a 25-row page (what one response holds) and 100k pools in
//! 25-row pages, all columns and a two-column projection. Reported as rows/s.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use serde_json::{Value, json};
use wsql::bench_internals::{PoolPages, Projection};

/// Pool `i` as `DescribeWorkspacesPools` answers it: every member set, one in five with an error.
fn pool(i: usize) -> Value {
    let id = format!("wspool-{i:09}");
    let mut pool = json!({
        "PoolId": id,
        "PoolArn": format!("arn:aws:workspaces:us-east-1:123456789012:workspacespool/{id}"),
        "PoolName": format!("team-{}-pool.{i}", i % 97),
        "Description": "Analysts' pool",
        "State": "RUNNING",
        "RunningMode": "AUTO_STOP",
        "CreatedAt": 1_700_000_000 + i,
        "BundleId": "wsb-12345678",
        "DirectoryId": "wsd-12345678",
        "CapacityStatus": {
            "AvailableUserSessions": 3,
            "DesiredUserSessions": 10,
            "ActualUserSessions": 8,
            "ActiveUserSessions": 5
        },
        "ApplicationSettings": {
            "Status": "ENABLED",
            "SettingsGroup": "group-a",
            "S3BucketName": "wsql-settings"
        },
        "TimeoutSettings": {
            "DisconnectTimeoutInSeconds": 900,
            "IdleDisconnectTimeoutInSeconds": 600,
            "MaxUserDurationInSeconds": 36000
        }
    });
    if i.is_multiple_of(5) {
        pool["Errors"] = json!([{
            "ErrorCode": "IGW_NOT_ATTACHED",
            "ErrorMessage": "No internet gateway attached"
        }]);
    }
    pool
}

fn conversion(c: &mut Criterion) {
    let all = Projection::new(None);
    let id_and_name = Projection::new(Some(&[2, 4]));
    let mut group = c.benchmark_group("pools_to_batch");
    for total in [25usize, 100_000] {
        let pools = PoolPages::from_json(&Value::from_iter((0..total).map(pool)).to_string());
        group.throughput(Throughput::Elements(total as u64));
        group.bench_with_input(
            BenchmarkId::new("all_columns", total),
            &pools,
            |b, pools| b.iter(|| pools.convert(25, &all)),
        );
        group.bench_with_input(
            BenchmarkId::new("id_and_name", total),
            &pools,
            |b, pools| b.iter(|| pools.convert(25, &id_and_name)),
        );
    }
    group.finish();
}

criterion_group!(benches, conversion);
criterion_main!(benches);
