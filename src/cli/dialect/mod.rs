//! wsql's SQL dialect: what every session speaks besides DataFusion's own SQL, so the REPL,
//! scripts and `wsql serve` answer the same statements the same way. It is what Postgres users
//! and clients write:
//!
//! - the PostgreSQL dialect of the parser (so `?` is an operator, `$1` a parameter);
//! - Postgres's json operators `->`, `->>`, `#>`, `#>>` and `?` on the nested columns ([`json`]);
//! - `version()`, `current_setting(...)` answering as a Postgres-compatible server
//!   ([`identity`], [`settings`]), and the catalog functions clients call while browsing
//!   ([`regtype`], [`catalog_functions`]);
//! - the column and table descriptions as comments (`pg_description`, `col_description`,
//!   `obj_description`), and the nested columns typed `json` in `pg_attribute` ([`catalog`]).
//!
//! [`install`] adds them to a session that already has `pg_catalog` ([`crate::cli::pg_catalog`]);
//! [`crate::cli::session::build`] calls it for every front end.

pub mod catalog;
pub mod catalog_functions;
pub mod identity;
pub mod json;
pub mod regtype;
pub mod settings;

use std::sync::Arc;

use datafusion::common::{Result, plan_datafusion_err};
use datafusion::prelude::SessionContext;

use catalog::{DescribedCatalog, OidNames, description_udfs};
use json::{JsonOperator, JsonOperators};

use crate::cli::session::SCHEMA;

/// The parser dialect every session uses.
pub const PARSER_DIALECT: &str = "PostgreSQL";

/// Adds the dialect to `ctx`, whose catalog `catalog` has a `pg_catalog` schema and the
/// session's tables (an error names what is missing).
pub fn install(ctx: &mut SessionContext, catalog: &str) -> Result<()> {
    datafusion::execution::FunctionRegistry::register_expr_planner(ctx, Arc::new(JsonOperators))?;
    for operator in JsonOperator::ALL {
        ctx.register_udf(operator.udf());
    }
    ctx.register_udf(identity::version_udf());
    ctx.register_udf(settings::current_setting_udf());
    for udf in catalog_functions::udfs() {
        ctx.register_udf(udf);
    }
    ctx.register_udf(regtype::to_regtype_udf());

    let names = Arc::new(OidNames::default());
    for udf in description_udfs(&names) {
        ctx.register_udf(udf);
    }
    // `pg_catalog` wrapped in place: the same schema, its descriptions added.
    let missing =
        |what: &str| plan_datafusion_err!("the dialect needs {what} in catalog {catalog}");
    let schemas = ctx
        .catalog(catalog)
        .ok_or_else(|| plan_datafusion_err!("the dialect needs catalog {catalog}"))?;
    let pg_catalog = schemas
        .schema("pg_catalog")
        .ok_or_else(|| missing("pg_catalog"))?;
    let tables = schemas.schema(SCHEMA).ok_or_else(|| missing(SCHEMA))?;
    schemas.register_schema(
        "pg_catalog",
        Arc::new(DescribedCatalog::new(pg_catalog, tables, names)),
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::session::CATALOG;

    /// Without `pg_catalog` to describe, the dialect says so instead of leaving the
    /// descriptions out.
    #[test]
    fn a_session_without_pg_catalog_is_refused() {
        let mut ctx = SessionContext::new_with_config(
            datafusion::prelude::SessionConfig::new()
                .with_default_catalog_and_schema(CATALOG, SCHEMA),
        );
        let error = install(&mut ctx, CATALOG).expect_err("no pg_catalog");
        assert!(
            error
                .to_string()
                .contains("the dialect needs pg_catalog in catalog datafusion"),
            "{error}"
        );
    }
}
