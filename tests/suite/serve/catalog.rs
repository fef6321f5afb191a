//! Catalog queries of tools that cannot run here, sent as the tools send them: Grafana's table
//! picker (the tables of the schemas on `search_path`) and the table list with descriptions
//! that Metabase and DBeaver read. The clients that can run here are in [`super::clients`].

use crate::serve::support::{Server, emulator};

const REGIONS: &[&str] = &["us-east-1"];

/// The first column of every row `sql` answers, by the simple protocol.
async fn first_column(client: &tokio_postgres::Client, sql: &str) -> Vec<Option<String>> {
    client
        .simple_query(sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .filter_map(|message| match message {
            tokio_postgres::SimpleQueryMessage::Row(row) => Some(row.get(0).map(str::to_string)),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn grafanas_table_picker_lists_the_tables() {
    let emulator = emulator(REGIONS, 1).await;
    let server = Server::start(&emulator, REGIONS, &[], &[]);
    let connected = server.connect().await;
    let tables = first_column(
        &connected.client,
        r#"SELECT quote_ident(table_name) as "table" FROM information_schema.tables
    WHERE quote_ident(table_schema) NOT IN ('information_schema', 'pg_catalog', '_timescaledb_cache')
    AND table_type = 'BASE TABLE' AND quote_ident(table_schema) IN (SELECT
    CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
  FROM
    generate_series(
      array_lower(string_to_array(current_setting('search_path'),','),1),
      array_upper(string_to_array(current_setting('search_path'),','),1)
    ) as i,
    string_to_array(current_setting('search_path'),',') s) ORDER BY 1"#,
    )
    .await;
    let expected: Vec<Option<String>> = wsql::Table::all()
        .map(|t| Some(t.name().to_string()))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(tables, expected);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_and_views_come_with_their_descriptions() {
    let emulator = emulator(REGIONS, 1).await;
    let server = Server::start(&emulator, REGIONS, &[], &[]);
    let connected = server.connect().await;
    let described = first_column(
        &connected.client,
        "SELECT c.relname || ': ' || coalesce(obj_description(c.oid, 'pg_class'), '') \
         FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
         WHERE n.nspname = 'public' AND c.relkind IN ('r', 'v') ORDER BY c.relname",
    )
    .await;
    let described: Vec<String> = described.into_iter().flatten().collect();
    assert!(
        described.contains(
            &"workspaces_pools: One row per WorkSpaces Pool, from DescribeWorkspacesPools."
                .to_string()
        ),
        "{described:?}"
    );
    assert!(
        described.iter().all(|line| !line.ends_with(": ")),
        "every table and report is described: {described:?}"
    );
    let columns = first_column(
        &connected.client,
        "SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ': ' || d.description \
         FROM pg_catalog.pg_attribute a \
         JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
         LEFT JOIN pg_catalog.pg_description d ON d.objoid = a.attrelid AND d.objsubid = a.attnum \
         WHERE c.relname = 'workspaces_pools' AND a.attnum > 0 ORDER BY a.attnum",
    )
    .await;
    assert_eq!(
        columns.len(),
        wsql::Table::named("workspaces_pools")
            .unwrap()
            .schema()
            .fields()
            .len()
    );
    assert!(
        columns.iter().all(Option::is_some),
        "every column is described: {columns:?}"
    );
    assert!(
        columns.contains(&Some("tags json: The pool's tags (key to value), from DescribeTags: one call per pool, made only when the query reads this column.".to_string())),
        "{columns:?}"
    );
}
