//! The saved reports as views of every session, each planned by the first statement that reads
//! it. Planning all nineteen when a session was built took 13 of the 21 ms of CPU that
//! `wsql -c 'SELECT 1'` spent; most statements read none of them.
//!
//! [`install`] puts [`ReportViews`] in place of the session's own schema. Until a report is
//! planned it is listed, it exists and it is a view, so `information_schema`, `pg_catalog` and
//! `CREATE`/`DROP` see what they saw when every report was planned at once. Reading it plans
//! `CREATE VIEW <name> AS <report>` once, as DataFusion plans any view, into the schema
//! underneath. A report dropped or replaced before it is read is never planned.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_trait::async_trait;
use datafusion::catalog::{
    CatalogProvider, CatalogProviderList, MemoryCatalogProvider, MemoryCatalogProviderList,
    SchemaProvider, TableProvider,
};
use datafusion::common::{DataFusionError, Result, exec_err};
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::context::SessionState;
use datafusion::logical_expr::TableType;
use datafusion::prelude::SessionContext;

use crate::cli::reports::{REPORTS, Report};

/// The session's own schema (`catalog`.`schema` of `ctx`) with the saved reports in it, planned
/// at first use. Call it once the tables are registered: the reports are planned with the
/// session's functions, rules and settings as they are now.
pub fn install(ctx: &SessionContext, catalog: &str, schema: &str) -> Result<()> {
    let missing = || DataFusionError::Internal(format!("no schema {catalog}.{schema}"));
    let session_catalog = ctx.catalog(catalog).ok_or_else(missing)?;
    let tables = session_catalog.schema(schema).ok_or_else(missing)?;
    // The planner reaches the tables' schema alone, so that it holds nothing that holds it.
    let planning_catalog = MemoryCatalogProvider::new();
    planning_catalog.register_schema(schema, Arc::clone(&tables))?;
    let planning_catalogs = MemoryCatalogProviderList::new();
    planning_catalogs.register_catalog(catalog.to_string(), Arc::new(planning_catalog));
    let planner = SessionStateBuilder::new_from_existing(ctx.state())
        .with_catalog_list(Arc::new(planning_catalogs))
        .build();
    let views = ReportViews {
        tables,
        unplanned: Mutex::new(REPORTS.iter().collect()),
        planner,
        planning: tokio::sync::Mutex::new(()),
    };
    session_catalog.register_schema(schema, Arc::new(views))?;
    Ok(())
}

/// A schema of tables and views, with the saved reports not yet planned beside them.
#[derive(Debug)]
pub(crate) struct ReportViews {
    /// The tables, and the views planned or created so far.
    tables: Arc<dyn SchemaProvider>,
    /// The reports not yet planned, dropped or replaced.
    unplanned: Mutex<Vec<&'static Report>>,
    /// A session whose one schema is `tables`, with the functions, rules and settings of the
    /// session the views were installed in.
    planner: SessionState,
    /// Held while a report is planned, so that each is planned once.
    planning: tokio::sync::Mutex<()>,
}

impl ReportViews {
    fn unplanned(&self) -> MutexGuard<'_, Vec<&'static Report>> {
        self.unplanned
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn unplanned_report(&self, name: &str) -> Option<&'static Report> {
        self.unplanned().iter().copied().find(|r| r.name == name)
    }

    /// Plans `report` into `tables`, unless another statement did meanwhile.
    async fn plan(&self, report: &Report) -> Result<()> {
        let _planning = self.planning.lock().await;
        if self.unplanned_report(report.name).is_none() {
            return Ok(());
        }
        let Some(statement) = report.view_statement() else {
            return Err(DataFusionError::Internal(format!(
                "report {} is not one statement",
                report.name
            )));
        };
        SessionContext::new_with_state(self.planner.clone())
            .sql(&statement)
            .await
            .map_err(|e| e.context(format!("report {}", report.name)))?;
        self.unplanned().retain(|r| r.name != report.name);
        Ok(())
    }
}

#[async_trait]
impl SchemaProvider for ReportViews {
    fn owner_name(&self) -> Option<&str> {
        self.tables.owner_name()
    }

    fn table_names(&self) -> Vec<String> {
        let mut names = self.tables.table_names();
        for report in self.unplanned().iter() {
            if !names.iter().any(|n| n == report.name) {
                names.push(report.name.to_string());
            }
        }
        names
    }

    async fn table(&self, name: &str) -> Result<Option<Arc<dyn TableProvider>>> {
        if let Some(report) = self.unplanned_report(name) {
            self.plan(report).await?;
        }
        self.tables.table(name).await
    }

    async fn table_type(&self, name: &str) -> Result<Option<TableType>> {
        match self.unplanned_report(name) {
            Some(_) => Ok(Some(TableType::View)),
            None => self.tables.table_type(name).await,
        }
    }

    fn register_table(
        &self,
        name: String,
        table: Arc<dyn TableProvider>,
    ) -> Result<Option<Arc<dyn TableProvider>>> {
        if self.unplanned_report(&name).is_some() {
            return exec_err!("The table {name} already exists");
        }
        self.tables.register_table(name, table)
    }

    /// The table or view `name`, taken out. A report not planned yet is taken out too, though
    /// there is no view to hand back (`DROP VIEW` reads a view before it drops it, which plans
    /// it).
    fn deregister_table(&self, name: &str) -> Result<Option<Arc<dyn TableProvider>>> {
        self.unplanned().retain(|r| r.name != name);
        self.tables.deregister_table(name)
    }

    fn table_exist(&self, name: &str) -> bool {
        self.unplanned_report(name).is_some() || self.tables.table_exist(name)
    }
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::util::pretty::pretty_format_batches;

    use super::*;
    use datafusion::prelude::SessionConfig;

    use crate::cli::dialect;
    use crate::cli::session::{self, Access, CATALOG, SCHEMA};
    use crate::{AwsSettings, Library};

    /// Nothing listens on port 9: planning must not call the API.
    fn library() -> Library {
        Library::new(AwsSettings::emulator("http://127.0.0.1:9", &["us-east-1"]))
    }

    fn unplanned(ctx: &SessionContext) -> usize {
        let schema = ctx.catalog(CATALOG).unwrap().schema(SCHEMA).unwrap();
        schema
            .downcast_ref::<ReportViews>()
            .expect("the session's schema holds the reports")
            .unplanned()
            .len()
    }

    async fn text(ctx: &SessionContext, sql: &str) -> Result<String> {
        let batches = ctx.sql(sql).await?.collect().await?;
        Ok(pretty_format_batches(&batches)?.to_string())
    }

    /// The views `information_schema` lists in the session's own schema.
    async fn views(ctx: &SessionContext) -> usize {
        let batches = ctx
            .sql(
                "SELECT table_name FROM information_schema.tables \
                 WHERE table_schema = 'public' AND table_type = 'VIEW'",
            )
            .await
            .unwrap()
            .collect()
            .await
            .unwrap();
        batches.iter().map(|b| b.num_rows()).sum()
    }

    /// Each report planned at first use is the view `CREATE VIEW` makes in a session of the same
    /// library: the same columns, types and definition.
    #[tokio::test]
    async fn a_report_read_is_the_view_planned_at_once() {
        let library = library();
        let ctx = session::build(&library, Access::LocalFiles).await.unwrap();
        assert_eq!(
            unplanned(&ctx),
            REPORTS.len(),
            "nothing planned by building"
        );
        let eager = SessionContext::new_with_config(
            SessionConfig::new().set_str("datafusion.sql_parser.dialect", dialect::PARSER_DIALECT),
        );
        library.register(&eager).unwrap();
        for (read, report) in REPORTS.iter().enumerate() {
            let lazy = ctx.table_provider(report.name).await.unwrap();
            assert_eq!(unplanned(&ctx), REPORTS.len() - read - 1, "{}", report.name);
            let statement = report.view_statement().expect("one statement");
            eager.sql(&statement).await.unwrap();
            let at_once = eager.table_provider(report.name).await.unwrap();
            assert_eq!(lazy.schema(), at_once.schema(), "{}", report.name);
            assert_eq!(lazy.table_type(), TableType::View);
            assert_eq!(
                lazy.get_table_definition(),
                at_once.get_table_definition(),
                "{}",
                report.name
            );
        }
    }

    #[tokio::test]
    async fn reports_are_listed_as_views_without_being_planned() {
        let ctx = session::build(&library(), Access::ApiOnly).await.unwrap();
        assert_eq!(views(&ctx).await, REPORTS.len());
        assert!(ctx.table_exist("fleet_summary").unwrap());
        assert_eq!(unplanned(&ctx), REPORTS.len());
    }

    #[tokio::test]
    async fn a_report_is_dropped_and_replaced_as_any_view() {
        let ctx = session::build(&library(), Access::LocalFiles)
            .await
            .unwrap();
        let exists = text(&ctx, "CREATE VIEW idle_capacity AS SELECT 1 AS one").await;
        assert!(
            exists.unwrap_err().to_string().contains("already exists"),
            "a report is there before it is read"
        );

        text(&ctx, "DROP VIEW fleet_summary").await.unwrap();
        let gone = text(&ctx, "SELECT * FROM fleet_summary").await.unwrap_err();
        assert!(gone.to_string().contains("not found"), "{gone}");
        text(&ctx, "CREATE VIEW fleet_summary AS SELECT 1 AS one")
            .await
            .unwrap();
        let mine = text(&ctx, "SELECT one FROM fleet_summary").await.unwrap();
        assert!(mine.contains("| 1 "), "{mine}");

        text(
            &ctx,
            "CREATE OR REPLACE VIEW timeout_audit AS SELECT 2 AS two",
        )
        .await
        .unwrap();
        let replaced = text(&ctx, "SELECT two FROM timeout_audit").await.unwrap();
        assert!(replaced.contains("| 2 "), "{replaced}");
        // Each statement above read its report first, as DataFusion reads a view it replaces.
        assert_eq!(unplanned(&ctx), REPORTS.len() - 3);

        assert_eq!(views(&ctx).await, REPORTS.len(), "each name a view once");
    }
}
