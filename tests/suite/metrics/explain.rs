//! What `\d` and EXPLAIN say of the metrics tables: the default window (the 24 hours before the
//! current hour) and the default period, the calls a query makes, the reference reading every
//! period, and the columns' sources in the model.

use std::time::{SystemTime, UNIX_EPOCH};

use datafusion::arrow::datatypes::{DataType, TimeUnit};
use wsql::Table;
use wsql_emulator::Fleet;

use crate::support::{REGION, harness_with};

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

fn instant(seconds: i64) -> String {
    aws_smithy_types::DateTime::from_secs(seconds)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .expect("formats")
}

#[tokio::test]
async fn explain_states_the_default_window_and_period() {
    let h = harness_with(Fleet::seeded(3, &[REGION], 3), &[REGION], None).await;
    for (table, metric) in [
        ("workspaces_pool_metrics", "InsufficientCapacityError"),
        ("workspaces_metrics", "UserConnected"),
    ] {
        let before = now() / 3600 * 3600;
        let text = h
            .rows(&format!("EXPLAIN SELECT * FROM {table}"))
            .await
            .join("\n");
        let after = now() / 3600 * 3600;
        let window = |hour: i64| {
            format!(
                "Period: 3600 (default), StartTime: {}, EndTime: {} (the default window)",
                instant(hour - 86_400),
                instant(hour)
            )
        };
        assert!(
            text.contains(&window(before)) || text.contains(&window(after)),
            "{table}:\n{text}"
        );
        let parent = Table::named(table)
            .and_then(Table::parent_operation)
            .expect("a parent");
        assert!(
            text.contains(&format!("[{parent} {{Limit: 25}}, then for each 500 ")),
            "{text}"
        );

        let week = h
            .rows(&format!("EXPLAIN SELECT * FROM {table} WHERE timestamp >= now() - INTERVAL '14 days' AND metric_name = '{metric}'"))
            .await
            .join("\n");
        assert!(week.contains("Period: 86400 (default)"), "{week}");
        assert!(!week.contains("default window"), "{week}");

        let reference = h
            .rows(&format!("EXPLAIN SELECT * FROM {table}_reference"))
            .await
            .join("\n");
        for period in [
            "Period: 60,",
            "Period: 300,",
            "Period: 3600,",
            "Period: 86400,",
        ] {
            assert!(
                reference.contains(period),
                "{table}_reference reads {period}\n{reference}"
            );
        }
        assert!(!reference.contains("default"), "{reference}");
    }
    assert_eq!(h.all_calls(), 0, "EXPLAIN makes no call");
}

#[tokio::test]
async fn backslash_d_states_the_defaults_and_the_columns() {
    for (name, id, parent) in [
        (
            "workspaces_pool_metrics",
            "pool_id",
            "DescribeWorkspacesPools",
        ),
        ("workspaces_metrics", "workspace_id", "DescribeWorkspaces"),
    ] {
        let table = Table::named(name).expect("registered");
        assert_eq!(table.operation(), "GetMetricData");
        assert_eq!(table.parent_operation(), Some(parent));
        assert_eq!(table.shape(), "Datapoint");
        let rules = table.pushdown();
        let find = |predicate: &str| {
            rules
                .iter()
                .find(|r| r.predicate == predicate)
                .unwrap_or_else(|| panic!("{name} has no rule {predicate}: {rules:?}"))
        };
        assert_eq!(
            find("no `timestamp` range").request,
            "the 24 hours before the current hour"
        );
        assert!(
            find("no `period_seconds`")
                .request
                .contains("201 datapoints")
        );
        assert_eq!(
            find(&format!("`{id} =`, `IN (...)`, OR-chains")).pushdown,
            "exact"
        );
        assert_eq!(
            find("`metric_name =`, `IN (...)`, OR-chains").pushdown,
            "exact"
        );

        let schema = table.schema();
        let columns: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(
            columns,
            [
                "region",
                "account_id",
                id,
                "metric_name",
                "timestamp",
                "period_seconds",
                "unit",
                "average",
                "minimum",
                "maximum",
                "sum",
                "sample_count"
            ]
        );
        let type_of = |c: &str| {
            schema
                .field_with_name(c)
                .expect("a column")
                .data_type()
                .clone()
        };
        assert_eq!(
            type_of("timestamp"),
            DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
        );
        assert_eq!(type_of("period_seconds"), DataType::Int32);
        assert_eq!(type_of("maximum"), DataType::Float64);

        let sources = table.column_sources();
        let source = |c: &str| {
            sources
                .iter()
                .find(|s| s.name == c)
                .expect("a source")
                .clone()
        };
        assert_eq!(source("timestamp").member.as_deref(), Some("Timestamp"));
        assert_eq!(
            source("sample_count").member.as_deref(),
            Some("SampleCount")
        );
        assert_eq!(source("unit").member.as_deref(), Some("Unit"));
        for about in [id, "metric_name", "period_seconds"] {
            assert!(
                source(about).member.is_none() && source(about).about.is_some(),
                "{about}"
            );
        }
    }
}
