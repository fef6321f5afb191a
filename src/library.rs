//! The library: every WorkSpaces table, sharing one set of clients, registered together.

use std::sync::Arc;

use datafusion::prelude::SessionContext;

use crate::aws::{AwsSettings, Clients};
use crate::pools::WorkspacesPoolsTable;
use crate::progress::ScanProgress;

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
pub const TABLES: &[TableDoc] = &[TableDoc {
    name: "workspaces_pools",
    operation: "DescribeWorkspacesPools",
    pushdown: &[
        "pool_id = 'x', pool_id IN (...), OR-chains of them -> PoolIds (exact)",
        "pool_name = / IN -> Filter PoolName EQUALS; <> / NOT IN -> NOTEQUALS (re-checked)",
        "pool_name LIKE -> CONTAINS longest literal; NOT LIKE '%lit%' -> NOTCONTAINS (re-checked)",
        "region = / IN -> only those regions are called (exact)",
        "LIMIT n (when every filter is exact) -> Limit, paging stops at n rows",
    ],
}];

/// The WorkSpaces tables over one set of settings.
#[derive(Debug, Clone)]
pub struct Library {
    clients: Arc<Clients>,
    progress: Arc<ScanProgress>,
}

impl Library {
    /// A library over `settings`. Nothing is resolved or called until a query scans a table.
    pub fn new(settings: AwsSettings) -> Self {
        Self {
            clients: Arc::new(Clients::new(settings)),
            progress: Arc::new(ScanProgress::default()),
        }
    }

    /// Registers every table of the library into `ctx`.
    pub fn register(&self, ctx: &SessionContext) -> datafusion::error::Result<()> {
        let pools = WorkspacesPoolsTable::new(self.clients(), self.progress());
        ctx.register_table("workspaces_pools", Arc::new(pools))?;
        Ok(())
    }

    /// Pages and rows fetched by this library's scans.
    pub fn progress(&self) -> Arc<ScanProgress> {
        Arc::clone(&self.progress)
    }

    /// The shared clients.
    pub fn clients(&self) -> Arc<Clients> {
        Arc::clone(&self.clients)
    }
}
