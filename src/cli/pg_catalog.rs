//! `pg_catalog` for every session: datafusion-pg-catalog's schema and functions, as its
//! `setup_pg_catalog` installs them, except that the static tables (Postgres's own catalog
//! rows, `pg_type`, `pg_proc` and some sixty more, decoded from compressed Arrow files) are
//! decoded once per process, when a statement first reads one, and shared by every session.
//! `setup_pg_catalog` decodes them for each session it sets up: 6 ms of CPU and 18 MiB at
//! every start of `wsql -c` and of the REPL, for tables that only Postgres clients browsing the
//! catalog read (`wsql serve` builds its session once and clones it for each connection).
//!
//! The schema's tables other than the static ones (`pg_class`, `pg_attribute`, ...) are the
//! session's own, read from its catalog as before.

use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use datafusion::catalog::{
    CatalogProviderList, SchemaProvider, TableFunctionArgs, TableFunctionImpl,
};
use datafusion::datasource::TableProvider;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::session_state::SessionStateBuilder;
use datafusion::prelude::SessionContext;
use datafusion_postgres::datafusion_pg_catalog::pg_catalog::context::EmptyContextProvider;
use datafusion_postgres::datafusion_pg_catalog::pg_catalog::generate_series_arg_coercion::CoerceIntArgsToBigInt;
use datafusion_postgres::datafusion_pg_catalog::pg_catalog::oid_type_planner::PgOidTypePlanner;
use datafusion_postgres::datafusion_pg_catalog::pg_catalog::{
    self as upstream, PG_CATALOG_TABLES, PgCatalogSchemaProvider, PgCatalogStaticTables,
    array_bounds_udf, format_type, has_privilege_udf, pg_get_expr_udf, quote_ident_udf,
};

/// The static tables of the process, decoded at the first call. Decoding tables compiled into
/// the binary fails only if the binary is broken.
pub fn static_tables() -> Result<Arc<PgCatalogStaticTables>> {
    static TABLES: OnceLock<Arc<PgCatalogStaticTables>> = OnceLock::new();
    get_or_try_init(&TABLES, || {
        PgCatalogStaticTables::try_new()
            .map(Arc::new)
            .map_err(|e| e.context("pg_catalog's static tables"))
    })
    .cloned()
}

/// The value of `cell`, made by `make` when it has none yet; a failure leaves it empty, so the
/// next call tries again (`OnceLock::get_or_try_init`, not stable yet). Every value this module
/// and the dialect make at first use is made so.
pub(crate) fn get_or_try_init<T>(
    cell: &OnceLock<T>,
    make: impl FnOnce() -> Result<T>,
) -> Result<&T> {
    if let Some(value) = cell.get() {
        return Ok(value);
    }
    let value = make()?;
    Ok(cell.get_or_init(|| value))
}

/// Registers `pg_catalog` in the catalog `catalog` of `ctx`, with the functions Postgres
/// clients call: what `setup_pg_catalog` registers, in its order (a test compares the two).
pub fn install(ctx: &SessionContext, catalog: &str) -> Result<()> {
    let schema = LazyPgCatalog {
        catalog_list: Arc::clone(ctx.state().catalog_list()),
        provider: OnceLock::new(),
    };
    ctx.catalog(catalog)
        .ok_or_else(|| {
            DataFusionError::Configuration(format!(
                "catalog {catalog} not found when registering pg_catalog"
            ))
        })?
        .register_schema("pg_catalog", Arc::new(schema))?;

    ctx.register_udf(upstream::create_current_database_udf(catalog));
    ctx.register_udf(upstream::create_current_schema_udf());
    ctx.register_udf(upstream::create_current_schemas_udf());
    ctx.register_udf(upstream::create_pg_get_userbyid_udf());
    for privilege in [
        "has_table_privilege",
        "has_schema_privilege",
        "has_database_privilege",
        "has_any_column_privilege",
    ] {
        ctx.register_udf(has_privilege_udf::create_has_privilege_udf(privilege));
    }
    ctx.register_udf(upstream::create_pg_table_is_visible());
    ctx.register_udf(format_type::create_format_type_udf());
    ctx.register_udf(upstream::create_session_user_udf());
    ctx.register_udtf("pg_get_keywords", Arc::new(Keywords));
    ctx.register_udf(pg_get_expr_udf::create_pg_get_expr_udf());
    ctx.register_udf(upstream::create_pg_get_partkeydef_udf());
    ctx.register_udf(upstream::create_pg_relation_is_publishable_udf());
    ctx.register_udf(upstream::create_pg_get_statisticsobjdef_columns_udf());
    ctx.register_udf(upstream::create_pg_encoding_to_char_udf());
    ctx.register_udf(upstream::create_pg_backend_pid_udf());
    ctx.register_udf(upstream::create_pg_relation_size_udf());
    ctx.register_udf(upstream::create_pg_total_relation_size_udf());
    ctx.register_udf(upstream::create_pg_stat_get_numscans());
    ctx.register_udf(upstream::create_pg_get_constraintdef());
    ctx.register_udf(upstream::create_pg_get_partition_ancestors_udf());
    ctx.register_udf(quote_ident_udf::create_quote_ident_udf());
    ctx.register_udf(quote_ident_udf::create_parse_ident_udf());
    ctx.register_udf(array_bounds_udf::create_array_upper_udf());
    ctx.register_udf(array_bounds_udf::create_array_lower_udf());

    // Postgres's oid alias types (`regclass`, ...) parse as int4, and generate_series takes
    // int4 bounds.
    let state = ctx.state_ref();
    let existing = state.read().clone();
    *state.write() = SessionStateBuilder::new_from_existing(existing)
        .with_type_planner(Arc::new(PgOidTypePlanner))
        .build();
    CoerceIntArgsToBigInt::widen(ctx);
    Ok(())
}

/// datafusion-pg-catalog's schema over a session's catalogs.
type PgCatalog = PgCatalogSchemaProvider<Arc<dyn CatalogProviderList>, EmptyContextProvider>;

/// The `pg_catalog` schema, made at its first table: the same tables by the same names.
#[derive(Debug)]
struct LazyPgCatalog {
    catalog_list: Arc<dyn CatalogProviderList>,
    provider: OnceLock<PgCatalog>,
}

impl LazyPgCatalog {
    fn provider(&self) -> Result<&PgCatalog> {
        get_or_try_init(&self.provider, || {
            PgCatalogSchemaProvider::try_new(
                Arc::clone(&self.catalog_list),
                static_tables()?,
                EmptyContextProvider,
            )
        })
    }
}

#[async_trait]
impl SchemaProvider for LazyPgCatalog {
    fn table_names(&self) -> Vec<String> {
        PG_CATALOG_TABLES.iter().map(ToString::to_string).collect()
    }

    async fn table(&self, name: &str) -> Result<Option<Arc<dyn TableProvider>>> {
        if !self.table_exist(name) {
            return Ok(None);
        }
        self.provider()?.table(name).await
    }

    fn table_exist(&self, name: &str) -> bool {
        PG_CATALOG_TABLES.contains(&name.to_ascii_lowercase().as_str())
    }
}

/// `pg_get_keywords()`, Postgres's keywords: a static table.
#[derive(Debug)]
struct Keywords;

impl TableFunctionImpl for Keywords {
    fn call_with_args(&self, args: TableFunctionArgs) -> Result<Arc<dyn TableProvider>> {
        static_tables()?.pg_get_keywords.call_with_args(args)
    }
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::util::pretty::pretty_format_batches;
    use datafusion::prelude::SessionConfig;
    use datafusion_postgres::datafusion_pg_catalog::setup_pg_catalog;

    use super::*;

    fn session() -> SessionContext {
        SessionContext::new_with_config(
            SessionConfig::new()
                .with_information_schema(true)
                .with_default_catalog_and_schema("wsql", "public"),
        )
    }

    fn sorted<T: Ord>(mut items: Vec<T>) -> Vec<T> {
        items.sort();
        items
    }

    async fn text(ctx: &SessionContext, sql: &str) -> String {
        let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
        pretty_format_batches(&batches).unwrap().to_string()
    }

    /// Installed here or by datafusion-pg-catalog, a session has the same functions and
    /// tables, and answers Postgres clients' catalog queries alike.
    #[tokio::test]
    async fn the_same_catalog_as_setup_pg_catalog() {
        let (ours, theirs) = (session(), session());
        install(&ours, "wsql").unwrap();
        setup_pg_catalog(&theirs, "wsql", EmptyContextProvider).unwrap();
        let functions = |ctx: &SessionContext| {
            let state = ctx.state();
            (
                sorted(state.scalar_functions().keys().cloned().collect::<Vec<_>>()),
                sorted(state.table_functions().keys().cloned().collect::<Vec<_>>()),
            )
        };
        assert_eq!(functions(&ours), functions(&theirs));
        for sql in [
            "SELECT count(*) FROM pg_catalog.pg_type",
            "SELECT typname FROM pg_catalog.pg_type WHERE oid = 23",
            "SELECT count(*) FROM pg_get_keywords()",
            "SELECT relname FROM pg_catalog.pg_class WHERE relname = 'pg_type'",
            "SELECT 23::regtype::int4 AS oid_alias",
            "SELECT count(*) FROM generate_series(1, array_upper(make_array(1, 2, 3), 1))",
            "SELECT table_name FROM information_schema.tables \
             WHERE table_schema = 'pg_catalog' AND table_name = 'pg_proc'",
        ] {
            assert_eq!(text(&ours, sql).await, text(&theirs, sql).await, "{sql}");
        }
    }

    /// Sessions share the process's static tables: decoded once, not per session.
    #[test]
    fn the_static_tables_are_decoded_once() {
        let first = static_tables().unwrap();
        assert!(Arc::ptr_eq(&first, &static_tables().unwrap()));
        assert!(!first.pg_type.data().is_empty());
    }
}
