//! The sibling tables of `workspaces_pools`: pool sessions, directories, bundles and WorkSpaces,
//! each a Describe operation behind the shared provider and plan of [`scan`].
//!
//! ```no_run
//! # async fn example() -> datafusion::error::Result<()> {
//! use datafusion::prelude::SessionContext;
//! use wsql::{AwsSettings, Library};
//!
//! let ctx = SessionContext::new();
//! let settings = AwsSettings { regions: vec!["us-east-1".into()], ..AwsSettings::default() };
//! Library::new(settings).register(&ctx)?;
//! // The join's build side (the matching pools) decides which pools' sessions are fetched.
//! let df = ctx
//!     .sql("SELECT s.user_id FROM workspaces_pools p JOIN workspaces_pool_sessions s \
//!           USING (pool_id) WHERE p.pool_name = 'finance'")
//!     .await?;
//! df.show().await?;
//! # Ok(())
//! # }
//! ```

pub mod bundles;
pub mod columns;
pub mod directories;
pub mod join_filter;
pub mod restrictions;
pub mod scan;
pub mod sessions;
pub mod tags;
pub mod workspaces;

pub use bundles::WorkspacesBundlesTable;
pub use directories::WorkspacesDirectoriesTable;
pub use scan::{ApiScanExec, ApiTable, DescribeTable};
pub use sessions::WorkspacesPoolSessionsTable;
pub use workspaces::WorkspacesTable;
