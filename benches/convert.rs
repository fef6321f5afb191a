//! Page → Arrow conversion throughput: a 25-row page (what one response holds) and 100k pools in
//! 25-row pages, all columns and a two-column projection. Reported as rows/s.

use aws_sdk_workspaces::types::{
    ApplicationSettingsResponse, ApplicationSettingsStatusEnum, CapacityStatus, PoolsRunningMode,
    TimeoutSettings, WorkspacesPool, WorkspacesPoolError, WorkspacesPoolErrorCode,
    WorkspacesPoolState,
};
use aws_smithy_types::DateTime;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use wsql::bench_internals::{PoolPages, Projection};

fn pool(i: usize) -> WorkspacesPool {
    let id = format!("wspool-{i:09}");
    let mut pool = WorkspacesPool::builder()
        .pool_arn(format!(
            "arn:aws:workspaces:us-east-1:123456789012:workspacespool/{id}"
        ))
        .pool_id(id)
        .pool_name(format!("team-{}-pool.{i}", i % 97))
        .description("Analysts' pool")
        .state(WorkspacesPoolState::Running)
        .running_mode(PoolsRunningMode::AutoStop)
        .created_at(DateTime::from_secs(1_700_000_000 + i as i64))
        .bundle_id("wsb-12345678")
        .directory_id("wsd-12345678")
        .capacity_status(
            CapacityStatus::builder()
                .available_user_sessions(3)
                .desired_user_sessions(10)
                .actual_user_sessions(8)
                .active_user_sessions(5)
                .build()
                .expect("capacity complete"),
        )
        .application_settings(
            ApplicationSettingsResponse::builder()
                .status(ApplicationSettingsStatusEnum::Enabled)
                .settings_group("group-a")
                .s3_bucket_name("wsql-settings")
                .build()
                .expect("status set"),
        )
        .timeout_settings(
            TimeoutSettings::builder()
                .disconnect_timeout_in_seconds(900)
                .idle_disconnect_timeout_in_seconds(600)
                .max_user_duration_in_seconds(36000)
                .build(),
        )
        .build()
        .expect("pool complete");
    if i.is_multiple_of(5) {
        pool.errors = Some(vec![
            WorkspacesPoolError::builder()
                .error_code(WorkspacesPoolErrorCode::IgwNotAttached)
                .error_message("No internet gateway attached")
                .build(),
        ]);
    }
    pool
}

fn conversion(c: &mut Criterion) {
    let all = Projection::new(None);
    let id_and_name = Projection::new(Some(&[2, 4]));
    let mut group = c.benchmark_group("pools_to_batch");
    for total in [25usize, 100_000] {
        let pools = PoolPages::new((0..total).map(pool).collect());
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
