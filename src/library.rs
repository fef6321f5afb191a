//! The library: every WorkSpaces table over one set of settings, sharing one set of targets
//! (clients, resolved on the first scan) and one response cache.

use std::sync::Arc;
use std::time::Duration;

use datafusion::prelude::SessionContext;

use crate::cache::ApiCache;
use crate::scan::{ApiTable, Describe, ScanTable};
use crate::settings::AwsSettings;
use crate::tables::bundles::Bundles;
use crate::tables::directories::Directories;
use crate::tables::pools::Pools;
use crate::tables::sessions::PoolSessions;
use crate::tables::workspaces::Workspaces;
use crate::targets::Targets;

/// A table of the library.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    /// `workspaces_pools`: `DescribeWorkspacesPools`, one row per pool.
    Pools,
    /// `workspaces_pool_sessions`: `DescribeWorkspacesPoolSessions`, one row per session.
    PoolSessions,
    /// `workspaces_directories`: `DescribeWorkspaceDirectories`, one row per directory.
    Directories,
    /// `workspaces_bundles`: `DescribeWorkspaceBundles`, one row per bundle.
    Bundles,
    /// `workspaces`: `DescribeWorkspaces`, one row per WorkSpace.
    Workspaces,
}

impl Table {
    /// Every table, in the order they are listed.
    pub const ALL: [Table; 5] = [
        Table::Pools,
        Table::PoolSessions,
        Table::Directories,
        Table::Bundles,
        Table::Workspaces,
    ];

    /// The table's SQL name.
    pub fn name(self) -> &'static str {
        self.definition().name()
    }

    /// The API operation behind it.
    pub fn operation(self) -> &'static str {
        match self {
            Table::Pools => "DescribeWorkspacesPools",
            Table::PoolSessions => "DescribeWorkspacesPoolSessions",
            Table::Directories => "DescribeWorkspaceDirectories",
            Table::Bundles => "DescribeWorkspaceBundles",
            Table::Workspaces => "DescribeWorkspaces",
        }
    }

    /// One line per predicate form pushed into the API call (what `\d TABLE` shows).
    pub fn pushdown(self) -> &'static [&'static str] {
        match self {
            Table::Pools => &[
                "pool_id = 'x', pool_id IN (...), OR-chains of them -> PoolIds (exact)",
                "pool_name = / IN -> Filter PoolName EQUALS; <> / NOT IN -> NOTEQUALS (re-checked)",
                "pool_name LIKE -> CONTAINS longest literal; NOT LIKE '%lit%' -> NOTCONTAINS (re-checked)",
                "region = / IN -> only those regions are called (exact)",
                "JOIN ... USING (pool_id) -> only the build side's pools are called (dynamic filter)",
                "LIMIT n (when every filter is exact) -> Limit, paging stops at n rows",
                "tags (last column) -> DescribeTags per pool, only when the query reads it",
            ],
            Table::PoolSessions => &[
                "pool_id = / IN / OR-chains -> one PoolId chain per pool (exact); else every pool is listed first",
                "user_id = 'x' -> UserId (exact)",
                "region = / IN -> only those regions are called (exact)",
                "JOIN ... USING (pool_id) -> only the build side's pools are called (dynamic filter)",
                "LIMIT n (when every filter is exact) -> Limit (up to 50), paging stops at n rows",
            ],
            Table::Directories => &[
                "directory_id = / IN / OR-chains -> DirectoryIds, 25 a request (exact)",
                "workspace_directory_name = / IN -> WorkspaceDirectoryNames (exact)",
                "user_identity_type, workspace_type = / IN -> Filters (exact)",
                "region = / IN -> only those regions are called (exact)",
                "JOIN ON directory_id -> only the build side's directories are called (dynamic filter)",
            ],
            Table::Bundles => &[
                "bundle_id = / IN / OR-chains -> BundleIds, 25 a request (exact)",
                "owner = 'AMAZON' -> Owner=AMAZON only; other owners -> the account's list only (exact)",
                "region = / IN -> only those regions are called (exact)",
                "JOIN ON bundle_id -> only the build side's bundles are called (dynamic filter)",
            ],
            Table::Workspaces => &[
                "workspace_id = / IN / OR-chains -> WorkspaceIds, 25 a request (exact)",
                "directory_id = / IN -> DirectoryId per value, with UserName for user_name = 'x' (exact)",
                "bundle_id = / IN -> BundleId per value; workspace_name = / IN -> WorkspaceName (exact)",
                "region = / IN -> only those regions are called (exact)",
                "JOIN ON workspace_id / directory_id / bundle_id -> as the IN form (dynamic filter)",
            ],
        }
    }

    fn definition(self) -> &'static dyn ScanTable {
        static POOLS: Describe<Pools> = Describe::TABLE;
        static SESSIONS: Describe<PoolSessions> = Describe::TABLE;
        static DIRECTORIES: Describe<Directories> = Describe::TABLE;
        static BUNDLES: Describe<Bundles> = Describe::TABLE;
        static WORKSPACES: Describe<Workspaces> = Describe::TABLE;
        match self {
            Table::Pools => &POOLS,
            Table::PoolSessions => &SESSIONS,
            Table::Directories => &DIRECTORIES,
            Table::Bundles => &BUNDLES,
            Table::Workspaces => &WORKSPACES,
        }
    }
}

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

    /// Registers every table of the library into `ctx` under its SQL name.
    pub fn register(&self, ctx: &SessionContext) -> datafusion::error::Result<()> {
        for table in Table::ALL {
            ctx.register_table(table.name(), Arc::new(self.table(table)))?;
        }
        Ok(())
    }

    /// The response cache shared by every table (for `\cache on|off|clear`).
    pub fn cache(&self) -> Arc<ApiCache> {
        Arc::clone(&self.cache)
    }
}
