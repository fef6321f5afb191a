//! Every column of `workspaces_pools` reaches a client with the value the library holds, in a
//! type the client decodes: text, int4, timestamptz, json; NULL as NULL. The oracle is the same
//! query run in-process through the library against the same emulator.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Int32Type, TimestampMicrosecondType};
use datafusion::prelude::{SessionConfig, SessionContext};
use serde_json::Value;
use tokio_postgres::types::Type;
use wsql::{AwsSettings, Library};

use crate::serve::support::{Server, emulator};

const REGIONS: &[&str] = &["us-east-1", "eu-west-1"];
const QUERY: &str = "SELECT * FROM workspaces_pools ORDER BY pool_id";

/// The answer of `sql` in-process, straight from the library.
async fn in_process(url: &str, sql: &str) -> Vec<RecordBatch> {
    let library = Library::new(AwsSettings::emulator(url, REGIONS));
    let ctx = SessionContext::new_with_config(SessionConfig::new());
    library.register(&ctx).unwrap();
    ctx.sql(sql).await.unwrap().collect().await.unwrap()
}

/// Each row of `batches` as JSON, the way arrow writes nested values.
fn json_rows(batches: &[RecordBatch]) -> Vec<serde_json::Map<String, Value>> {
    let mut writer = datafusion::arrow::json::WriterBuilder::new()
        .with_explicit_nulls(true)
        .build::<_, datafusion::arrow::json::writer::JsonArray>(Vec::new());
    for batch in batches {
        writer.write(batch).unwrap();
    }
    writer.finish().unwrap();
    serde_json::from_slice(&writer.into_inner()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_column_of_workspaces_pools_round_trips() {
    let emulator = emulator(REGIONS, 30).await;
    let server = Server::start(&emulator, REGIONS, &[], &[]);
    let expected = in_process(&emulator.endpoint_url(), QUERY).await;
    let expected_json = json_rows(&expected);
    let schema = expected[0].schema();

    let connected = server.connect().await;
    // tokio-postgres uses the extended protocol and binary results.
    let rows = connected
        .client
        .query(QUERY, &[])
        .await
        .expect("query runs");
    assert_eq!(rows.len(), 60);
    assert_eq!(rows[0].columns().len(), schema.fields().len());

    let mut checked_nulls = 0;
    let mut row_index = 0;
    for batch in &expected {
        for in_batch in 0..batch.num_rows() {
            let row = &rows[row_index];
            for (column, field) in schema.fields().iter().enumerate() {
                let array = batch.column(column);
                let name = field.name();
                checked_nulls += usize::from(array.is_null(in_batch));
                match field.data_type() {
                    DataType::Utf8 => {
                        assert_eq!(row.columns()[column].type_(), &Type::TEXT, "{name}");
                        let strings = array.as_string::<i32>();
                        let expected = (!array.is_null(in_batch)).then(|| strings.value(in_batch));
                        assert_eq!(row.get::<_, Option<&str>>(column), expected, "{name}");
                    }
                    DataType::Int32 => {
                        assert_eq!(row.columns()[column].type_(), &Type::INT4, "{name}");
                        let ints = array.as_primitive::<Int32Type>();
                        let expected = (!array.is_null(in_batch)).then(|| ints.value(in_batch));
                        assert_eq!(row.get::<_, Option<i32>>(column), expected, "{name}");
                    }
                    DataType::Timestamp(_, Some(_)) => {
                        assert_eq!(row.columns()[column].type_(), &Type::TIMESTAMPTZ, "{name}");
                        let micros = array.as_primitive::<TimestampMicrosecondType>();
                        let expected = (!array.is_null(in_batch)).then(|| {
                            UNIX_EPOCH + Duration::from_micros(micros.value(in_batch) as u64)
                        });
                        assert_eq!(row.get::<_, Option<SystemTime>>(column), expected, "{name}");
                    }
                    nested if nested.is_nested() => {
                        assert_eq!(row.columns()[column].type_(), &Type::JSON, "{name}");
                        let value = row.get::<_, Option<Value>>(column).unwrap_or(Value::Null);
                        assert_eq!(value, expected_json[row_index][name.as_str()], "{name}");
                    }
                    other => panic!("a column of a type the test does not know: {name} {other}"),
                }
            }
            row_index += 1;
        }
    }
    assert!(checked_nulls > 0, "the fleet should have NULLs to send");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_text_protocol_sends_what_psql_prints() {
    let emulator = emulator(REGIONS, 5).await;
    let server = Server::start(&emulator, REGIONS, &[], &[]);
    let connected = server.connect().await;
    let messages = connected
        .client
        .simple_query(
            "SELECT pool_id, created_at, desired_user_sessions, errors, tags, description \
             FROM workspaces_pools ORDER BY pool_id LIMIT 1",
        )
        .await
        .expect("query runs");
    let row = messages
        .iter()
        .find_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(row) => Some(row),
            _ => None,
        })
        .expect("a row");
    assert!(row.get(0).unwrap().starts_with("wspool-"));
    let created_at = row.get(1).unwrap();
    assert!(
        created_at.len() >= 19 && created_at.as_bytes()[10] == b' ',
        "timestamptz as text: {created_at}"
    );
    assert!(row.get(2).unwrap().parse::<i32>().is_ok());
    for json in [row.get(3), row.get(4)].into_iter().flatten() {
        serde_json::from_str::<Value>(json).expect("json text");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn saved_reports_are_views() {
    let emulator = emulator(REGIONS, 30).await;
    let server = Server::start(&emulator, REGIONS, &[], &[]);
    let connected = server.connect().await;
    let rows = connected
        .client
        .query("SELECT region, pools FROM fleet_summary", &[])
        .await
        .expect("the report runs");
    let total: i64 = rows.iter().map(|row| row.get::<_, i64>("pools")).sum();
    assert_eq!(total, 60);
    let regions: std::collections::BTreeSet<String> = rows.iter().map(|row| row.get(0)).collect();
    assert_eq!(regions.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parameters_are_bound_by_type() {
    let emulator = emulator(REGIONS, 5).await;
    let server = Server::start(&emulator, REGIONS, &[], &[]);
    let connected = server.connect().await;
    let pool = &emulator.fleet().pools("eu-west-1")[0];
    let row = connected
        .client
        .query_one(
            "SELECT pool_name, region FROM workspaces_pools WHERE pool_id = $1",
            &[&pool.pool_id],
        )
        .await
        .expect("a string parameter compared with a column");
    assert_eq!(row.get::<_, &str>(0), pool.pool_name);
    assert_eq!(row.get::<_, &str>(1), "eu-west-1");
    let row = connected
        .client
        .query_one("SELECT $1::INT + 1, $2::TEXT", &[&41i32, &"text"])
        .await
        .expect("parameters typed by their casts");
    assert_eq!(row.get::<_, i64>(0), 42);
    assert_eq!(row.get::<_, &str>(1), "text");
}
