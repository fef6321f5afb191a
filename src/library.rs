//! The library: every table of [`crate::tables`] over one set of settings, sharing one set of
//! targets (clients, resolved on the first scan) and one response cache.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::prelude::SessionContext;

use crate::cache::ApiCache;
use crate::scan::null_lists::NullsOutOfInLists;
use crate::scan::{ApiTable, ColumnSource, PushdownRule, ScanTable};
use crate::settings::AwsSettings;
use crate::tables::TABLES;
use crate::targets::Targets;

/// A table of the library: what it is called, which operation it reads, and how its
/// predicates push down.
#[derive(Clone, Copy)]
pub struct Table(&'static dyn ScanTable);

impl Table {
    /// Every table, in the order `\d` lists them.
    pub fn all() -> impl Iterator<Item = Table> {
        TABLES.iter().map(|definition| Table(*definition))
    }

    /// The table called `name` (its SQL name), if there is one.
    pub fn named(name: &str) -> Option<Table> {
        Self::all().find(|t| t.name() == name)
    }

    /// The table's SQL name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// The API operation whose items are its rows.
    pub fn operation(self) -> &'static str {
        self.0.operation()
    }

    /// What one row is: "one row per pool".
    pub fn row(self) -> &'static str {
        self.0.row()
    }

    /// The table's columns.
    pub fn schema(self) -> SchemaRef {
        self.0.schema()
    }

    /// The service model's shape of one row (`WorkspacesPool`), in which each column's
    /// [`ColumnSource::member`] is: where a column's description is.
    pub fn shape(self) -> &'static str {
        self.0.shape()
    }

    /// What each column is, in schema order, for its description.
    pub fn column_sources(self) -> Vec<ColumnSource> {
        self.0.column_sources()
    }

    /// The operation that lists the parents first, for a table whose operation needs a
    /// parent's id (`DescribeWorkspacesPools` for the pools' sessions) when no predicate names
    /// them.
    pub fn parent_operation(self) -> Option<&'static str> {
        self.0.parent_operation()
    }

    /// The condition every query of the table must hold, with example values
    /// (`management_cidr_range_constraint = '10.0.0.0/8'`), for a table whose operation needs a
    /// value no listing can supply; `None` for the others. A query without it fails at planning.
    pub fn required_condition(self) -> Option<String> {
        self.0.required_condition()
    }

    /// The columns whose `=` / `IN` / OR-chain predicates push down (besides `region` and
    /// `account_id`, which every table pushes as the targets to call).
    pub fn pushed_columns(self) -> Vec<&'static str> {
        self.0
            .pushdown()
            .pushable
            .iter()
            .map(|p| p.column)
            .collect()
    }

    /// Every form of predicate or clause the table sends to the API (what `\d TABLE` shows).
    pub fn pushdown(self) -> Vec<PushdownRule> {
        self.0.rules()
    }

    pub(crate) fn definition(self) -> &'static dyn ScanTable {
        self.0
    }
}

impl fmt::Debug for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl PartialEq for Table {
    fn eq(&self, other: &Self) -> bool {
        self.name() == other.name()
    }
}

impl Eq for Table {}

/// The WorkSpaces tables over one set of settings.
#[derive(Debug, Clone)]
pub struct Library {
    targets: Arc<Targets>,
    cache: Arc<ApiCache>,
}

impl Library {
    /// A library over `settings`. Nothing is resolved or called until a query scans a table.
    pub fn new(settings: AwsSettings) -> Self {
        Self {
            targets: Arc::new(Targets::new(settings)),
            cache: Arc::new(ApiCache::default()),
        }
    }

    /// Keeps API responses for `ttl` and answers repeated calls from them; `None` (the default)
    /// leaves the cache off. Either way [`Library::cache`] can switch it later.
    pub fn with_cache_ttl(self, ttl: Option<Duration>) -> Self {
        Self {
            cache: Arc::new(ApiCache::new(ttl)),
            ..self
        }
    }

    /// The settings the library reads with.
    pub fn settings(&self) -> &AwsSettings {
        self.targets.settings()
    }

    /// `table` as a DataFusion table, sharing the library's targets and cache.
    pub fn table(&self, table: Table) -> ApiTable {
        ApiTable::new(
            table.definition(),
            Arc::clone(&self.targets),
            Arc::clone(&self.cache),
        )
    }

    /// Registers every table of the library into `ctx` under its SQL name, and the analyzer
    /// rule that keeps DataFusion's simplifier right about NULLs in `IN` lists
    /// (the module `scan::null_lists`), without which pushdown could change an answer.
    pub fn register(&self, ctx: &SessionContext) -> datafusion::error::Result<()> {
        NullsOutOfInLists::add_to(ctx);
        for table in Table::all() {
            ctx.register_table(table.name(), Arc::new(self.table(table)))?;
        }
        Ok(())
    }

    /// The response cache shared by every table (for `\cache on|off|clear`).
    pub fn cache(&self) -> Arc<ApiCache> {
        Arc::clone(&self.cache)
    }
}

#[cfg(test)]
mod tests {
    use std::pin::pin;

    use datafusion::physical_plan::displayable;
    use wsql_emulator::{DEFAULT_ROLE_NAME, Emulator, Faults, Fleet, Organization};

    use super::*;
    use crate::settings::{Accounts, AssumeRole};

    /// The physical plan of `sql` in `ctx`, as EXPLAIN shows it.
    async fn explain(ctx: &SessionContext, sql: &str) -> String {
        let frame = ctx.sql(sql).await.expect("plans");
        let plan = frame.create_physical_plan().await.expect("plans");
        displayable(plan.as_ref()).indent(false).to_string()
    }

    // On the test's one thread, the emulator answers, and a listing's task runs, only while the
    // test awaits: the second page, asked for as the first is read, is still under way.
    #[tokio::test(flavor = "current_thread")]
    async fn explain_shows_the_accounts_listed_so_far_while_another_scan_lists() {
        let organization = Organization::seeded(41, 25, &["us-east-1"], 0);
        let emulator = Emulator::start_organization(organization)
            .await
            .expect("emulator starts");
        let ids: Vec<&str> = emulator
            .organization()
            .accounts()
            .iter()
            .map(|a| a.id())
            .collect();
        let settings = AwsSettings {
            assume_role: Some(AssumeRole {
                role_name: DEFAULT_ROLE_NAME.to_string(),
                accounts: Accounts::Organization,
                external_id: None,
            }),
            ..AwsSettings::emulator(emulator.endpoint_url(), &["us-east-1"])
        };
        let library = Library::new(settings);
        let ctx = SessionContext::new();
        library.register(&ctx).expect("tables register");
        let sql = "SELECT pool_id FROM workspaces_pools";
        assert!(
            explain(&ctx, sql)
                .await
                .contains("accounts=listed as the scan starts, ")
        );

        // Another scan has read the first page (20 accounts) and is waiting for the second.
        let list = Arc::clone(&library.targets.get().await.expect("resolves").accounts);
        assert!(matches!(list.get(0).await, Some(Ok(_))));
        let mut scan = pin!(list.get(20));
        assert!(futures::poll!(scan.as_mut()).is_pending());
        let during = explain(&ctx, sql).await;
        let first_page = ids[..20].join(", ");
        assert!(
            during.contains(&format!(
                "accounts=[{first_page}] and those listed as the scan runs, "
            )),
            "{during}"
        );

        assert!(matches!(scan.await, Some(Ok(_))));
        assert!(matches!(list.get(24).await, Some(Ok(_))));
        let after = explain(&ctx, sql).await;
        assert!(
            after.contains(&format!("accounts=[{}], ", ids.join(", "))),
            "{after}"
        );
        let one = explain(&ctx, &format!("{sql} WHERE account_id = '{}'", ids[3])).await;
        assert!(one.contains(&format!("accounts=[{}], ", ids[3])), "{one}");
    }

    #[tokio::test]
    async fn the_page_limit_of_the_settings_bounds_every_table() {
        let emulator = Emulator::start(Fleet::seeded(3, &["us-east-1"], 30))
            .await
            .expect("emulator starts");
        emulator.set_faults(Faults {
            endless_pages: true,
            ..Faults::default()
        });
        let settings = AwsSettings {
            max_pages: 4,
            ..AwsSettings::emulator(emulator.endpoint_url(), &["us-east-1"])
        };
        let ctx = SessionContext::new();
        Library::new(settings)
            .register(&ctx)
            .expect("tables register");
        for name in ["workspaces_pools", "workspaces_directories", "workspaces"] {
            let table = Table::named(name).expect("a table");
            emulator.clear_request_log();
            let frame = ctx.sql(&format!("SELECT * FROM {name}")).await;
            let error = match frame.expect("plans").collect().await {
                Ok(_) => panic!("{name}: an endless chain must fail"),
                Err(error) => error.to_string(),
            };
            assert!(error.contains("still paging after 4 pages"), "{error}");
            let log = emulator.request_log();
            let pages = log.iter().filter(|r| r.operation == table.operation());
            assert_eq!(pages.count(), 4, "{name}");
        }
    }
}
