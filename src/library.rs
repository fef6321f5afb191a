//! The library: every WorkSpaces table, sharing one set of clients, registered together.

use std::sync::Arc;
use std::time::Duration;

use datafusion::prelude::SessionContext;

use crate::aws::{AwsSettings, Clients};
use crate::cache::ApiCache;
use crate::pools::WorkspacesPoolsTable;
use crate::progress::ScanProgress;
use crate::tables::{
    WorkspacesBundlesTable, WorkspacesDirectoriesTable, WorkspacesPoolSessionsTable,
    WorkspacesTable,
};
use crate::warnings::Warnings;

/// A table of the library, with what the REPL's `\d TABLE` says of it.
#[derive(Debug, Clone, Copy)]
pub struct TableDoc {
    /// SQL name.
    pub name: &'static str,
    /// The API operation behind it.
    pub operation: &'static str,
    /// One line per predicate form that is pushed into the API call.
    pub pushdown: &'static [&'static str],
}

/// The tables of the library.
pub const TABLES: &[TableDoc] = &[
    TableDoc {
        name: "workspaces_pools",
        operation: "DescribeWorkspacesPools",
        pushdown: &[
            "pool_id = 'x', pool_id IN (...), OR-chains of them -> PoolIds (exact)",
            "pool_name = / IN -> Filter PoolName EQUALS; <> / NOT IN -> NOTEQUALS (re-checked)",
            "pool_name LIKE -> CONTAINS longest literal; NOT LIKE '%lit%' -> NOTCONTAINS (re-checked)",
            "region = / IN -> only those regions are called (exact)",
            "LIMIT n (when every filter is exact) -> Limit, paging stops at n rows",
            "tags (last column) -> DescribeTags per pool, only when the query reads it",
        ],
    },
    TableDoc {
        name: "workspaces_pool_sessions",
        operation: "DescribeWorkspacesPoolSessions",
        pushdown: &[
            "pool_id = / IN / OR-chains -> one PoolId chain per pool (exact); else every pool is listed first",
            "user_id = 'x' -> UserId (exact)",
            "region = / IN -> only those regions are called (exact)",
            "JOIN ... USING (pool_id) -> only the build side's pools are called (dynamic filter)",
            "LIMIT n (when every filter is exact) -> Limit (up to 50), paging stops at n rows",
        ],
    },
    TableDoc {
        name: "workspaces_directories",
        operation: "DescribeWorkspaceDirectories",
        pushdown: &[
            "directory_id = / IN / OR-chains -> DirectoryIds, 25 a request (exact)",
            "workspace_directory_name = / IN -> WorkspaceDirectoryNames (exact)",
            "user_identity_type, workspace_type = / IN -> Filters (exact)",
            "region = / IN -> only those regions are called (exact)",
            "JOIN ON directory_id -> only the build side's directories are called (dynamic filter)",
        ],
    },
    TableDoc {
        name: "workspaces_bundles",
        operation: "DescribeWorkspaceBundles",
        pushdown: &[
            "bundle_id = / IN / OR-chains -> BundleIds, 25 a request (exact)",
            "owner = 'AMAZON' -> Owner=AMAZON only; other owners -> the account's list only (exact)",
            "region = / IN -> only those regions are called (exact)",
            "JOIN ON bundle_id -> only the build side's bundles are called (dynamic filter)",
        ],
    },
    TableDoc {
        name: "workspaces",
        operation: "DescribeWorkspaces",
        pushdown: &[
            "workspace_id = / IN / OR-chains -> WorkspaceIds, 25 a request (exact)",
            "directory_id = / IN -> DirectoryId per value, with UserName for user_name = 'x' (exact)",
            "bundle_id = / IN -> BundleId per value; workspace_name = / IN -> WorkspaceName (exact)",
            "region = / IN -> only those regions are called (exact)",
            "JOIN ON workspace_id / directory_id / bundle_id -> as the IN form (dynamic filter)",
        ],
    },
];

/// The WorkSpaces tables over one set of settings.
#[derive(Debug, Clone)]
pub struct Library {
    clients: Arc<Clients>,
    progress: Arc<ScanProgress>,
    cache: Arc<ApiCache>,
    warnings: Arc<Warnings>,
}

impl Library {
    /// A library over `settings`. Nothing is resolved or called until a query scans a table.
    pub fn new(settings: AwsSettings) -> Self {
        Self {
            clients: Arc::new(Clients::new(settings)),
            progress: Arc::new(ScanProgress::default()),
            cache: Arc::new(ApiCache::default()),
            warnings: Arc::new(Warnings::default()),
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

    /// Registers every table of the library into `ctx`.
    pub fn register(&self, ctx: &SessionContext) -> datafusion::error::Result<()> {
        let (clients, progress, cache) = (self.clients(), self.progress(), self.cache());
        let warnings = self.warnings();
        let pools = WorkspacesPoolsTable::new(clients.clone(), progress.clone())
            .with_cache(cache.clone())
            .with_warnings(warnings.clone());
        ctx.register_table("workspaces_pools", Arc::new(pools))?;
        let sessions = WorkspacesPoolSessionsTable::new(clients.clone(), progress.clone())
            .with_cache(cache.clone())
            .with_warnings(warnings.clone());
        ctx.register_table("workspaces_pool_sessions", Arc::new(sessions))?;
        let directories = WorkspacesDirectoriesTable::new(clients.clone(), progress.clone())
            .with_cache(cache.clone())
            .with_warnings(warnings.clone());
        ctx.register_table("workspaces_directories", Arc::new(directories))?;
        let bundles = WorkspacesBundlesTable::new(clients.clone(), progress.clone())
            .with_cache(cache.clone())
            .with_warnings(warnings.clone());
        ctx.register_table("workspaces_bundles", Arc::new(bundles))?;
        let workspaces = WorkspacesTable::new(clients, progress)
            .with_cache(cache)
            .with_warnings(warnings);
        ctx.register_table("workspaces", Arc::new(workspaces))?;
        Ok(())
    }

    /// Pages and rows fetched by this library's scans.
    pub fn progress(&self) -> Arc<ScanProgress> {
        Arc::clone(&self.progress)
    }

    /// The response cache shared by every table (for `\cache on|off|clear`).
    pub fn cache(&self) -> Arc<ApiCache> {
        Arc::clone(&self.cache)
    }

    /// Regions that failed under `--on-region-error warn` since the last
    /// [`Warnings::take`]: the CLI prints and clears them after each statement.
    pub fn warnings(&self) -> Arc<Warnings> {
        Arc::clone(&self.warnings)
    }

    /// The shared clients.
    pub fn clients(&self) -> Arc<Clients> {
        Arc::clone(&self.clients)
    }
}
