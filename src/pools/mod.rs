//! The `workspaces_pools` table: `DescribeWorkspacesPools` as a DataFusion table.
//!
//! ```no_run
//! # async fn example() -> datafusion::error::Result<()> {
//! use datafusion::prelude::SessionContext;
//! use wsql::{AwsSettings, Library};
//!
//! let ctx = SessionContext::new();
//! let settings = AwsSettings { regions: vec!["us-east-1".into()], ..AwsSettings::default() };
//! Library::new(settings).register(&ctx)?;
//! let df = ctx
//!     .sql("SELECT pool_name, available_user_sessions FROM workspaces_pools WHERE pool_name LIKE 'fin%'")
//!     .await?;
//! df.show().await?;
//! # Ok(())
//! # }
//! ```

pub mod convert;
pub mod exec;
pub mod provider;
pub mod pushdown;

pub use convert::{pools_schema, pools_to_batch};
pub use exec::WorkspacesPoolsExec;
pub use provider::WorkspacesPoolsTable;
pub use pushdown::{PoolsQuery, PoolsRequest};
