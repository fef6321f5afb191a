//! A client gets read-only SQL: statements that write, or that would read or write the
//! server's files, are refused with a Postgres error and touch nothing.

use crate::serve::support::{Server, db_error, emulator};

const REGIONS: &[&str] = &["us-east-1"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_to_and_create_external_table_are_refused_and_create_no_file() {
    let emulator = emulator(REGIONS, 3).await;
    let server = Server::start(&emulator, REGIONS, &[], &[]);
    let connected = server.connect().await;
    let client = &connected.client;
    let dir = tempfile::tempdir().unwrap();
    let copied = dir.path().join("pools.csv");
    let external = dir.path().join("external.csv");
    let statements = [
        format!(
            "COPY (SELECT * FROM workspaces_pools) TO '{}'",
            copied.display()
        ),
        format!("COPY workspaces_pools TO '{}'", copied.display()),
        format!(
            "CREATE EXTERNAL TABLE stolen STORED AS CSV LOCATION '{}'",
            external.display()
        ),
        "CREATE EXTERNAL TABLE hosts STORED AS CSV LOCATION '/etc/hosts'".to_string(),
        "CREATE TABLE t AS SELECT 1".to_string(),
        "CREATE VIEW v AS SELECT 1".to_string(),
        "INSERT INTO workspaces_pools SELECT * FROM workspaces_pools".to_string(),
        "DROP VIEW fleet_summary".to_string(),
        format!("EXPLAIN COPY (SELECT 1) TO '{}'", copied.display()),
    ];
    for sql in &statements {
        // Both protocols: psql's simple query, and the extended one of drivers.
        let simple = client.simple_query(sql).await.expect_err("refused");
        let extended = client.query(sql.as_str(), &[]).await.expect_err("refused");
        for error in [simple, extended] {
            let (code, message) = db_error(&error);
            assert_eq!(code, "25006", "{sql}: {message}");
            assert!(
                message.starts_with("wsql serve is read-only: "),
                "{message}"
            );
        }
    }
    assert!(!copied.exists() && !external.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);

    // The session goes on, and nothing was created in it.
    let views = client
        .query_one("SELECT count(*) FROM fleet_summary", &[])
        .await
        .expect("the report is still there");
    assert!(views.get::<_, i64>(0) > 0);
    let missing = client
        .query("SELECT * FROM t", &[])
        .await
        .expect_err("no table t");
    assert!(db_error(&missing).1.contains("not found"), "{missing}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_that_reach_the_servers_files_are_refused() {
    let emulator = emulator(REGIONS, 1).await;
    let server = Server::start(&emulator, REGIONS, &[], &[]);
    let connected = server.connect().await;
    let error = connected
        .client
        .simple_query("SET datafusion.runtime.temp_directory = '/etc'")
        .await
        .expect_err("refused");
    assert_eq!(db_error(&error).0, "42501");
    // What clients send on connect is fine.
    connected
        .client
        .batch_execute(
            "SET extra_float_digits = 3; SET application_name = 'test'; BEGIN; SELECT 1; COMMIT",
        )
        .await
        .expect("client settings and transactions are accepted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_reach_no_client() {
    let emulator = emulator(REGIONS, 3).await;
    let server = Server::start(&emulator, REGIONS, &[], &[]);
    let connected = server.connect().await;
    let mut seen = String::new();
    for sql in [
        "EXPLAIN SELECT * FROM workspaces_pools WHERE pool_name = 'x'",
        "SHOW ALL",
        "SELECT * FROM pg_catalog.pg_settings",
    ] {
        for message in connected.client.simple_query(sql).await.expect(sql) {
            if let tokio_postgres::SimpleQueryMessage::Row(row) = message {
                for column in 0..row.len() {
                    seen.push_str(row.get(column).unwrap_or_default());
                    seen.push('\n');
                }
            }
        }
    }
    assert!(
        seen.contains("WorkspacesPoolsExec"),
        "EXPLAIN shows the requests"
    );
    let failure = connected
        .client
        .simple_query("SELECT * FROM no_such_table")
        .await
        .expect_err("fails");
    seen.push_str(&db_error(&failure).1);
    for secret in ["test-secret", "AKIDTEST"] {
        assert!(!seen.contains(secret), "{secret} reached a client:\n{seen}");
    }
}
