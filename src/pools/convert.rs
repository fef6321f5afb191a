//! The `workspaces_pools` schema, and conversion of a page of `WorkspacesPool`s (with their tags,
//! when the query reads them) into a `RecordBatch` holding only the projected columns.

use std::sync::{Arc, LazyLock};

use aws_sdk_workspaces::types::{Tag, WorkspacesPool};
use datafusion::arrow::array::{
    ArrayRef, Int32Builder, ListBuilder, MapBuilder, MapFieldNames, StringBuilder, StructBuilder,
    TimestampMicrosecondBuilder,
};
use datafusion::arrow::datatypes::{DataType, Field, Fields, Schema, SchemaRef, TimeUnit};
use datafusion::arrow::record_batch::{RecordBatch, RecordBatchOptions};

use crate::error::{Error, Result};

/// The fields of one element of the `errors` column.
fn error_fields() -> Fields {
    Fields::from(vec![
        Field::new("error_code", DataType::Utf8, true),
        Field::new("error_message", DataType::Utf8, true),
    ])
}

fn utc_micros() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
    let errors_item = Field::new("item", DataType::Struct(error_fields()), true);
    Arc::new(Schema::new(vec![
        Field::new("region", DataType::Utf8, false),
        Field::new("account_id", DataType::Utf8, true),
        Field::new("pool_id", DataType::Utf8, false),
        Field::new("pool_arn", DataType::Utf8, false),
        Field::new("pool_name", DataType::Utf8, false),
        Field::new("description", DataType::Utf8, true),
        Field::new("state", DataType::Utf8, false),
        Field::new("running_mode", DataType::Utf8, false),
        Field::new("created_at", utc_micros(), false),
        Field::new("bundle_id", DataType::Utf8, false),
        Field::new("directory_id", DataType::Utf8, false),
        Field::new("available_user_sessions", DataType::Int32, false),
        Field::new("desired_user_sessions", DataType::Int32, false),
        Field::new("actual_user_sessions", DataType::Int32, false),
        Field::new("active_user_sessions", DataType::Int32, false),
        Field::new("application_settings_status", DataType::Utf8, true),
        Field::new("application_settings_group", DataType::Utf8, true),
        Field::new("application_settings_s3_bucket_name", DataType::Utf8, true),
        Field::new("disconnect_timeout_in_seconds", DataType::Int32, true),
        Field::new("idle_disconnect_timeout_in_seconds", DataType::Int32, true),
        Field::new("max_user_duration_in_seconds", DataType::Int32, true),
        Field::new("errors", DataType::List(Arc::new(errors_item)), true),
        Field::new("tags", tags_type(), true),
    ]))
});

/// `Map<Utf8, Utf8>`: the entries of `DescribeTags`' `TagList`, keys unique.
fn tags_type() -> DataType {
    let entries = Fields::from(vec![
        Field::new("key", DataType::Utf8, false),
        Field::new("value", DataType::Utf8, true),
    ]);
    DataType::Map(
        Arc::new(Field::new("entries", DataType::Struct(entries), false)),
        false,
    )
}

/// The schema of `workspaces_pools`.
pub fn pools_schema() -> SchemaRef {
    Arc::clone(&SCHEMA)
}

/// Index of each column in [`pools_schema`], so conversion can match on them by name.
mod column {
    pub const REGION: usize = 0;
    pub const ACCOUNT_ID: usize = 1;
    pub const POOL_ID: usize = 2;
    pub const POOL_ARN: usize = 3;
    pub const POOL_NAME: usize = 4;
    pub const DESCRIPTION: usize = 5;
    pub const STATE: usize = 6;
    pub const RUNNING_MODE: usize = 7;
    pub const CREATED_AT: usize = 8;
    pub const BUNDLE_ID: usize = 9;
    pub const DIRECTORY_ID: usize = 10;
    pub const AVAILABLE: usize = 11;
    pub const DESIRED: usize = 12;
    pub const ACTUAL: usize = 13;
    pub const ACTIVE: usize = 14;
    pub const APP_STATUS: usize = 15;
    pub const APP_GROUP: usize = 16;
    pub const APP_BUCKET: usize = 17;
    pub const DISCONNECT: usize = 18;
    pub const IDLE_DISCONNECT: usize = 19;
    pub const MAX_DURATION: usize = 20;
    pub const ERRORS: usize = 21;
    pub const TAGS: usize = 22;
}

/// The index of the `tags` column, the last: only a projection holding it makes tag calls.
pub const TAGS_COLUMN: usize = column::TAGS;

/// The account field of an ARN (`arn:partition:service:region:account:resource`).
pub fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|a| !a.is_empty())
}

/// Converts one page of pools read from `region` into a batch of the `projection` columns of
/// [`pools_schema`] (all columns when `None`). `schema` must be that projection. `tags` is NULL.
pub fn pools_to_batch(
    region: &str,
    pools: &[WorkspacesPool],
    projection: Option<&[usize]>,
    schema: &SchemaRef,
) -> Result<RecordBatch> {
    pools_and_tags_to_batch(region, pools, None, projection, schema)
}

/// As [`pools_to_batch`], with each pool's tags (`None` for a pool whose tags are unknown)
/// when `tags` is given, one entry per pool.
pub fn pools_and_tags_to_batch(
    region: &str,
    pools: &[WorkspacesPool],
    tags: Option<&[Option<Vec<Tag>>]>,
    projection: Option<&[usize]>,
    schema: &SchemaRef,
) -> Result<RecordBatch> {
    let all: Vec<usize> = (0..SCHEMA.fields().len()).collect();
    let projection = projection.unwrap_or(&all);
    let columns = projection
        .iter()
        .map(|&index| match index {
            column::TAGS => Ok(tags_column(pools.len(), tags)),
            _ => build_column(index, region, pools),
        })
        .collect::<Result<Vec<_>>>()?;
    let options = RecordBatchOptions::new().with_row_count(Some(pools.len()));
    RecordBatch::try_new_with_options(Arc::clone(schema), columns, &options).map_err(|e| {
        Error::Api {
            operation: "DescribeWorkspacesPools",
            region: region.to_string(),
            message: format!("could not convert the response to Arrow: {e}"),
        }
    })
}

/// `tags`: a map per pool, NULL where unknown. A key repeated in a response keeps its last value.
fn tags_column(rows: usize, tags: Option<&[Option<Vec<Tag>>]>) -> ArrayRef {
    let names = MapFieldNames {
        entry: "entries".to_string(),
        key: "key".to_string(),
        value: "value".to_string(),
    };
    let mut builder = MapBuilder::new(Some(names), StringBuilder::new(), StringBuilder::new());
    for row in 0..rows {
        let Some(Some(list)) = tags.and_then(|t| t.get(row)) else {
            // A map builder's append only fails on mismatched key/value counts.
            let _ = builder.append(false);
            continue;
        };
        let mut unique: std::collections::BTreeMap<&str, Option<&str>> = Default::default();
        for tag in list {
            unique.insert(tag.key(), tag.value());
        }
        for (key, value) in unique {
            builder.keys().append_value(key);
            builder.values().append_option(value);
        }
        let _ = builder.append(true);
    }
    Arc::new(builder.finish())
}

fn strings<'a>(
    pools: &'a [WorkspacesPool],
    f: impl Fn(&'a WorkspacesPool) -> Option<&'a str>,
) -> ArrayRef {
    let mut builder = StringBuilder::with_capacity(pools.len(), pools.len() * 16);
    for pool in pools {
        builder.append_option(f(pool));
    }
    Arc::new(builder.finish())
}

fn ints(pools: &[WorkspacesPool], f: impl Fn(&WorkspacesPool) -> Option<i32>) -> ArrayRef {
    let mut builder = Int32Builder::with_capacity(pools.len());
    for pool in pools {
        builder.append_option(f(pool));
    }
    Arc::new(builder.finish())
}

/// A required capacity figure; the service always sends `CapacityStatus`, and a response without
/// it is reported rather than filled with a made-up number.
fn capacity(
    region: &str,
    pools: &[WorkspacesPool],
    f: impl Fn(&aws_sdk_workspaces::types::CapacityStatus) -> i32,
) -> Result<ArrayRef> {
    let mut builder = Int32Builder::with_capacity(pools.len());
    for pool in pools {
        let status = pool.capacity_status().ok_or_else(|| Error::Api {
            operation: "DescribeWorkspacesPools",
            region: region.to_string(),
            message: format!(
                "pool {} has no CapacityStatus in the response",
                pool.pool_id()
            ),
        })?;
        builder.append_value(f(status));
    }
    Ok(Arc::new(builder.finish()))
}

fn build_column(index: usize, region: &str, pools: &[WorkspacesPool]) -> Result<ArrayRef> {
    use column::*;
    let array = match index {
        REGION => strings(pools, |_| Some(region)),
        ACCOUNT_ID => strings(pools, |p| arn_account(p.pool_arn())),
        POOL_ID => strings(pools, |p| Some(p.pool_id())),
        POOL_ARN => strings(pools, |p| Some(p.pool_arn())),
        POOL_NAME => strings(pools, |p| Some(p.pool_name())),
        DESCRIPTION => strings(pools, |p| p.description()),
        STATE => strings(pools, |p| Some(p.state().as_str())),
        RUNNING_MODE => strings(pools, |p| Some(p.running_mode().as_str())),
        CREATED_AT => {
            let mut builder = TimestampMicrosecondBuilder::with_capacity(pools.len());
            for pool in pools {
                let t = pool.created_at();
                builder.append_value(t.secs() * 1_000_000 + i64::from(t.subsec_nanos() / 1_000));
            }
            Arc::new(builder.finish().with_timezone("UTC"))
        }
        BUNDLE_ID => strings(pools, |p| Some(p.bundle_id())),
        DIRECTORY_ID => strings(pools, |p| Some(p.directory_id())),
        AVAILABLE => capacity(region, pools, |c| c.available_user_sessions())?,
        DESIRED => capacity(region, pools, |c| c.desired_user_sessions())?,
        ACTUAL => capacity(region, pools, |c| c.actual_user_sessions())?,
        ACTIVE => capacity(region, pools, |c| c.active_user_sessions())?,
        APP_STATUS => strings(pools, |p| {
            p.application_settings().map(|a| a.status().as_str())
        }),
        APP_GROUP => strings(pools, |p| {
            p.application_settings().and_then(|a| a.settings_group())
        }),
        APP_BUCKET => strings(pools, |p| {
            p.application_settings().and_then(|a| a.s3_bucket_name())
        }),
        DISCONNECT => ints(pools, |p| {
            p.timeout_settings()
                .and_then(|t| t.disconnect_timeout_in_seconds())
        }),
        IDLE_DISCONNECT => ints(pools, |p| {
            p.timeout_settings()
                .and_then(|t| t.idle_disconnect_timeout_in_seconds())
        }),
        MAX_DURATION => ints(pools, |p| {
            p.timeout_settings()
                .and_then(|t| t.max_user_duration_in_seconds())
        }),
        ERRORS => errors_column(pools),
        _ => {
            return Err(Error::Config(format!(
                "workspaces_pools has no column number {index}"
            )));
        }
    };
    Ok(array)
}

/// `errors`: NULL when the response has no `Errors`, an empty list when it is empty.
fn errors_column(pools: &[WorkspacesPool]) -> ArrayRef {
    let fields = error_fields();
    let values = StructBuilder::new(
        fields.clone(),
        vec![
            Box::new(StringBuilder::new()),
            Box::new(StringBuilder::new()),
        ],
    );
    let item = Field::new("item", DataType::Struct(fields), true);
    let mut builder = ListBuilder::new(values).with_field(Arc::new(item));
    for pool in pools {
        let Some(errors) = &pool.errors else {
            builder.append_null();
            continue;
        };
        let entries = builder.values();
        for error in errors {
            entries
                .field_builder::<StringBuilder>(0)
                .expect("field 0 is a StringBuilder")
                .append_option(error.error_code().map(|c| c.as_str()));
            entries
                .field_builder::<StringBuilder>(1)
                .expect("field 1 is a StringBuilder")
                .append_option(error.error_message());
            entries.append(true);
        }
        builder.append(true);
    }
    Arc::new(builder.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_workspaces::types::{
        ApplicationSettingsResponse, ApplicationSettingsStatusEnum, CapacityStatus,
        PoolsRunningMode, TimeoutSettings, WorkspacesPoolError, WorkspacesPoolErrorCode,
        WorkspacesPoolState,
    };
    use aws_smithy_types::DateTime;
    use datafusion::arrow::array::{Array, AsArray};
    use datafusion::arrow::datatypes::{Int32Type, TimestampMicrosecondType};

    fn pool(id: &str, errors: Option<Vec<WorkspacesPoolError>>) -> WorkspacesPool {
        WorkspacesPool::builder()
            .pool_id(id)
            .pool_arn(format!(
                "arn:aws:workspaces:us-east-1:123456789012:workspacespool/{id}"
            ))
            .pool_name("finance-01")
            .state(WorkspacesPoolState::from("HIBERNATING"))
            .running_mode(PoolsRunningMode::AlwaysOn)
            .created_at(DateTime::from_fractional_secs(1_700_000_000, 0.25))
            .bundle_id("wsb-12345678")
            .directory_id("wsd-12345678")
            .capacity_status(
                CapacityStatus::builder()
                    .available_user_sessions(3)
                    .desired_user_sessions(10)
                    .actual_user_sessions(8)
                    .active_user_sessions(5)
                    .build()
                    .expect("all capacity members set"),
            )
            .set_errors(errors)
            .build()
            .expect("all required members set")
    }

    #[test]
    fn converts_every_column_with_nulls_and_unknown_enums() {
        let error = WorkspacesPoolError::builder()
            .error_code(WorkspacesPoolErrorCode::BundleNotFound)
            .error_message("bundle gone")
            .build();
        let mut with_settings = pool("wspool-000000001", Some(vec![error]));
        with_settings.application_settings = Some(
            ApplicationSettingsResponse::builder()
                .status(ApplicationSettingsStatusEnum::Enabled)
                .settings_group("grp")
                .build()
                .expect("status set"),
        );
        with_settings.timeout_settings = Some(
            TimeoutSettings::builder()
                .disconnect_timeout_in_seconds(900)
                .build(),
        );
        let pools = vec![with_settings, pool("wspool-000000002", None)];
        let schema = pools_schema();
        let batch = pools_to_batch("us-east-1", &pools, None, &schema).expect("converts");
        assert_eq!(batch.num_rows(), 2);
        assert_eq!(batch.num_columns(), 23);
        let col = |name: &str| batch.column(schema.index_of(name).expect("column exists"));
        assert!(col("tags").is_null(0), "tags are NULL unless fetched");
        assert_eq!(
            col("account_id").as_string::<i32>().value(0),
            "123456789012"
        );
        assert_eq!(col("state").as_string::<i32>().value(1), "HIBERNATING");
        assert_eq!(col("running_mode").as_string::<i32>().value(0), "ALWAYS_ON");
        assert_eq!(
            col("created_at")
                .as_primitive::<TimestampMicrosecondType>()
                .value(0),
            1_700_000_000_250_000
        );
        assert_eq!(
            col("desired_user_sessions")
                .as_primitive::<Int32Type>()
                .value(1),
            10
        );
        assert_eq!(
            col("application_settings_group")
                .as_string::<i32>()
                .value(0),
            "grp"
        );
        assert!(col("application_settings_status").is_null(1));
        assert!(col("application_settings_s3_bucket_name").is_null(0));
        assert_eq!(
            col("disconnect_timeout_in_seconds")
                .as_primitive::<Int32Type>()
                .value(0),
            900
        );
        assert!(col("idle_disconnect_timeout_in_seconds").is_null(0));
        let errors = col("errors").as_list::<i32>();
        assert!(errors.is_null(1));
        let first = errors.value(0);
        let first = first.as_struct();
        assert_eq!(first.len(), 1);
        assert_eq!(
            first.column(0).as_string::<i32>().value(0),
            "BUNDLE_NOT_FOUND"
        );
        assert_eq!(first.column(1).as_string::<i32>().value(0), "bundle gone");
    }

    #[test]
    fn empty_errors_list_is_not_null() {
        let pools = vec![pool("wspool-000000003", Some(vec![]))];
        let batch = pools_to_batch("eu-west-1", &pools, None, &pools_schema()).expect("converts");
        let errors = batch.column(21).as_list::<i32>();
        assert!(!errors.is_null(0));
        assert_eq!(errors.value_length(0), 0);
    }

    #[test]
    fn builds_only_projected_columns() {
        let projection = [4usize, 0];
        let schema = Arc::new(
            pools_schema()
                .project(&projection)
                .expect("valid projection"),
        );
        let pools = vec![pool("wspool-000000004", None)];
        let batch =
            pools_to_batch("ap-south-1", &pools, Some(&projection), &schema).expect("converts");
        assert_eq!(batch.num_columns(), 2);
        assert_eq!(batch.column(0).as_string::<i32>().value(0), "finance-01");
        assert_eq!(batch.column(1).as_string::<i32>().value(0), "ap-south-1");
    }

    #[test]
    fn empty_projection_keeps_row_count() {
        let schema = Arc::new(pools_schema().project(&[]).expect("valid projection"));
        let pools = vec![
            pool("wspool-000000005", None),
            pool("wspool-000000006", None),
        ];
        let batch = pools_to_batch("us-east-1", &pools, Some(&[]), &schema).expect("converts");
        assert_eq!(batch.num_rows(), 2);
    }

    #[test]
    fn tags_become_a_map_with_unique_keys() {
        let tag = |k: &str, v: Option<&str>| {
            Tag::builder()
                .key(k)
                .set_value(v.map(String::from))
                .build()
                .expect("key set")
        };
        let pools = vec![
            pool("wspool-000000007", None),
            pool("wspool-000000008", None),
            pool("wspool-000000009", None),
        ];
        let tags = vec![
            Some(vec![
                tag("owner", Some("a")),
                tag("cost", None),
                tag("owner", Some("b")),
            ]),
            Some(vec![]),
            None,
        ];
        let projection = [TAGS_COLUMN];
        let schema = Arc::new(
            pools_schema()
                .project(&projection)
                .expect("valid projection"),
        );
        let batch =
            pools_and_tags_to_batch("us-east-1", &pools, Some(&tags), Some(&projection), &schema)
                .expect("converts");
        let map = batch.column(0).as_map();
        assert_eq!(map.value_length(0), 2);
        let first = map.value(0);
        assert_eq!(first.column(0).as_string::<i32>().value(0), "cost");
        assert!(first.column(1).is_null(0));
        assert_eq!(first.column(1).as_string::<i32>().value(1), "b");
        assert!(!map.is_null(1));
        assert_eq!(map.value_length(1), 0);
        assert!(map.is_null(2));
    }

    #[test]
    fn arn_account_is_the_fifth_field() {
        assert_eq!(
            arn_account("arn:aws:workspaces:us-east-1:123456789012:workspacespool/wspool-1"),
            Some("123456789012")
        );
        assert_eq!(arn_account("garbage"), None);
    }
}
