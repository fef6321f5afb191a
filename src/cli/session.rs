//! The one session builder: every front end (`-c`, `-f`, `--report`, the REPL and `wsql serve`)
//! queries a session made by [`build`], so each has the same tables, the saved reports as views
//! (`SELECT * FROM fleet_summary`), `information_schema`, the `pg_catalog` Postgres clients
//! read, wsql's SQL dialect ([`crate::cli::dialect`]: Postgres's json operators, `version()`,
//! `current_setting`, the columns' descriptions as comments), and the same settings. The one difference is what a session may reach besides the API
//! ([`Access`]): the command line's own user may read and write local files (`CREATE EXTERNAL
//! TABLE`, `COPY ... TO`); a remote client of `wsql serve` may not.

use std::collections::HashMap;

use datafusion::error::Result;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::disk_manager::{DiskManagerBuilder, DiskManagerMode};
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::Library;
use crate::cli::{dialect, pg_catalog, report_views};

/// The catalog DataFusion puts tables in, which Postgres clients see as the database.
pub const CATALOG: &str = "datafusion";
/// The schema of the tables and report views.
pub const SCHEMA: &str = "public";

/// What a session may reach besides the WorkSpaces API.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Local files too, as in any DataFusion session: the command line's user is the machine's.
    LocalFiles,
    /// Nothing else: no file formats (so no `COPY ... TO` or listing table can be planned), no
    /// table factories (no `CREATE EXTERNAL TABLE`), no disk manager (nothing spills to a
    /// temporary directory). For `wsql serve`, whose clients are not the machine's user.
    ApiOnly,
}

/// A session over `library`'s tables, the saved reports as views, `information_schema` and
/// `pg_catalog`, reaching what `access` allows. Nothing is called: targets resolve on the first
/// scan.
pub async fn build(library: &Library, access: Access) -> Result<SessionContext> {
    let config = SessionConfig::new()
        .with_information_schema(true)
        .with_default_catalog_and_schema(CATALOG, SCHEMA)
        .set_str("datafusion.sql_parser.dialect", dialect::PARSER_DIALECT);
    let builder = SessionStateBuilder::new()
        .with_config(config)
        .with_default_features();
    let state = match access {
        Access::LocalFiles => builder.build(),
        Access::ApiOnly => {
            let runtime = RuntimeEnvBuilder::new()
                .with_disk_manager_builder(
                    DiskManagerBuilder::default().with_mode(DiskManagerMode::Disabled),
                )
                .build_arc()?;
            builder
                .with_runtime_env(runtime)
                .with_file_formats(Vec::new())
                .with_table_factories(HashMap::new())
                .build()
        }
    };
    let mut ctx = SessionContext::new_with_state(state);
    library.register(&ctx)?;
    report_views::install(&ctx, CATALOG, SCHEMA)?;
    pg_catalog::install(&ctx, CATALOG)?;
    dialect::install(&mut ctx, CATALOG)?;
    Ok(ctx)
}

/// The names of a session's tables and columns, for completion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogNames {
    /// Every table and view name of the session's own schema.
    pub tables: Vec<String>,
    /// Every column name of those, once each.
    pub columns: Vec<String>,
}

/// The tables, views and columns a user queries in `ctx` (not `information_schema` nor
/// `pg_catalog`, which are for clients), sorted.
pub async fn catalog_names(ctx: &SessionContext) -> CatalogNames {
    let mut names = CatalogNames::default();
    for catalog_name in ctx.catalog_names() {
        let Some(catalog) = ctx.catalog(&catalog_name) else {
            continue;
        };
        for schema_name in catalog.schema_names() {
            if ["information_schema", "pg_catalog"].contains(&schema_name.as_str()) {
                continue;
            }
            let Some(schema) = catalog.schema(&schema_name) else {
                continue;
            };
            for table_name in schema.table_names() {
                if let Ok(Some(table)) = schema.table(&table_name).await {
                    for field in table.schema().fields() {
                        if !names.columns.contains(field.name()) {
                            names.columns.push(field.name().clone());
                        }
                    }
                }
                names.tables.push(table_name);
            }
        }
    }
    names.tables.sort();
    names.columns.sort();
    names
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::util::pretty::pretty_format_batches;

    use super::*;
    use crate::AwsSettings;

    /// Nothing listens on port 9: building and planning must not call the API.
    fn library() -> Library {
        Library::new(AwsSettings::emulator("http://127.0.0.1:9", &["us-east-1"]))
    }

    async fn text(ctx: &SessionContext, sql: &str) -> String {
        let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
        pretty_format_batches(&batches).unwrap().to_string()
    }

    #[tokio::test]
    async fn every_front_end_gets_tables_reports_and_pg_catalog_without_a_call() {
        for access in [Access::LocalFiles, Access::ApiOnly] {
            let ctx = build(&library(), access).await.expect("builds");
            let names = text(
                &ctx,
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
            )
            .await;
            for name in ["workspaces_pools", "fleet_summary", "timeout_audit"] {
                assert!(names.contains(name), "{access:?}: {name} missing:\n{names}");
            }
            let relations = text(&ctx, "SELECT count(*) > 0 AS any FROM pg_catalog.pg_class").await;
            assert!(relations.contains("true"), "{relations}");
            let catalog = catalog_names(&ctx).await;
            assert!(catalog.tables.contains(&"fleet_summary".to_string()));
            assert!(!catalog.tables.iter().any(|t| t.starts_with("pg_")));
        }
    }

    #[tokio::test]
    async fn every_front_end_speaks_the_same_dialect() {
        for access in [Access::LocalFiles, Access::ApiOnly] {
            let ctx = build(&library(), access).await.expect("builds");
            let answer = text(
                &ctx,
                "SELECT map(['owner'], ['alice']) ->> 'owner' AS owner, \
                 current_setting('server_version_num') AS num, version() AS version",
            )
            .await;
            assert!(answer.contains("| alice "), "{access:?}: {answer}");
            assert!(answer.contains("| 160006 "), "{access:?}: {answer}");
            assert!(
                answer.contains("PostgreSQL 16.6 (wsql "),
                "{access:?}: {answer}"
            );
            let comment = text(
                &ctx,
                "SELECT col_description(c.oid, 3) AS d FROM pg_catalog.pg_class c \
                 WHERE c.relname = 'workspaces_pools'",
            )
            .await;
            assert!(
                comment.contains("The identifier of a pool."),
                "{access:?}: {comment}"
            );
        }
    }

    #[tokio::test]
    async fn only_the_command_line_reaches_local_files() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.csv");
        let copy = format!("COPY (SELECT 1 AS one) TO '{}'", target.display());
        let served = build(&library(), Access::ApiOnly).await.unwrap();
        let copied = match served.sql(&copy).await {
            Ok(frame) => frame.collect().await.map(|_| ()),
            Err(error) => Err(error),
        };
        assert!(copied.is_err());
        let create = "CREATE EXTERNAL TABLE t STORED AS CSV LOCATION '/etc/hosts'";
        assert!(served.sql(create).await.is_err());
        assert!(!target.exists());
        assert!(text(&served, "SELECT 1 + 1 AS two").await.contains('2'));

        let local = build(&library(), Access::LocalFiles).await.unwrap();
        local.sql(&copy).await.unwrap().collect().await.unwrap();
        assert!(target.exists());
    }
}
