//! wsql: SQL over AWS WorkSpaces, as Apache DataFusion tables.
//!
//! A [`Library`] registers one table per read operation of the WorkSpaces API into a DataFusion
//! `SessionContext` (`workspaces_pools`, `workspaces`, `workspaces_directories`, ...:
//! [`Table::all`] lists them with their operations and pushdown rules), and the pools' and
//! personal WorkSpaces' CloudWatch metrics over time (`workspaces_pool_metrics`,
//! `workspaces_metrics`, from `GetMetricData`). Predicates on ids, names
//! and filters become request parameters, `LIMIT` becomes the page size, every (account, region)
//! is read in parallel, and pages stream out as Arrow batches as they arrive. Only read-only
//! operations are called.
//!
//! ```
//! use datafusion::prelude::SessionContext;
//! use wsql::{AwsSettings, Library, ScanReport};
//! # use wsql_emulator::{Emulator, Fleet};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let emulator = Emulator::start(Fleet::seeded(7, &["us-east-1"], 60)).await?;
//! // Against AWS: `AwsSettings { regions: vec!["us-east-1".into()], ..AwsSettings::default() }`,
//! // with credentials from the usual chain. Here, the emulator the tests run on.
//! let settings = AwsSettings::emulator(emulator.endpoint_url(), &["us-east-1"]);
//! let ctx = SessionContext::new();
//! Library::new(settings).register(&ctx)?;
//!
//! let frame = ctx
//!     .sql("SELECT pool_name, state FROM workspaces_pools WHERE pool_id = 'wspool-000000000'")
//!     .await?;
//! let plan = frame.create_physical_plan().await?;
//! let batches = datafusion::physical_plan::collect(plan.clone(), ctx.task_ctx()).await?;
//! assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 0);
//! // The id is pushed into `PoolIds`: one call, not a listing of every pool.
//! assert_eq!(ScanReport::of(&plan).api_calls(), 1);
//! # Ok(()) }
//! ```
//!
//! Errors are [`Error`]s inside DataFusion's `External` error: kinds a caller can match
//! (throttled, timed out, access denied, ...), each naming the operation and the region.

/// The `wsql` command line (feature `cli`, on by default): a library too, so that its tests and
/// tools use the modules the binary runs.
#[cfg(feature = "cli")]
pub mod cli;

mod cache;
mod error;
mod library;
mod paging;
mod report;
mod scan;
mod settings;
mod tables;
mod targets;

pub use aws_credential_types::Credentials;
pub use cache::{ApiCache, CacheStats, DEFAULT_TTL};
pub use error::{CallSite, Cause, Error, ErrorKind, Result, Waiting};
pub use library::{Library, Table};
pub use report::{AccountsProgress, ScanReport, TargetProgress, TargetWarning};
pub use scan::{ApiTable, ColumnSource, PushdownRule};
pub use settings::{
    Accounts, AssumeRole, AwsSettings, DEFAULT_MAX_IN_FLIGHT, DEFAULT_MAX_IN_FLIGHT_PER_ACCOUNT,
    DEFAULT_MAX_PAGES, RegionErrorPolicy, RetryMode,
};

/// Entry points of wsql's own benchmarks (feature `bench-internals`); not part of the API.
#[cfg(feature = "bench-internals")]
#[doc(hidden)]
pub mod bench_internals {
    use datafusion::arrow::datatypes::SchemaRef;

    use crate::scan::DescribeTable;
    use crate::tables::pools::{Pool, Pools, TaggedPool};
    use crate::targets::Place;

    /// The schema of `workspaces_pools`.
    pub fn pools_schema() -> SchemaRef {
        Pools::columns().schema()
    }

    /// Which columns a conversion builds, with their schema, prepared once.
    pub struct Projection {
        indices: Option<Vec<usize>>,
        schema: SchemaRef,
    }

    impl Projection {
        /// The columns `indices` of `workspaces_pools` (all when `None`).
        pub fn new(indices: Option<&[usize]>) -> Self {
            let schema = match indices {
                Some(p) => std::sync::Arc::new(pools_schema().project(p).expect("projects")),
                None => pools_schema(),
            };
            Self {
                indices: indices.map(<[usize]>::to_vec),
                schema,
            }
        }
    }

    /// Pools as the scan holds them, for converting pages to batches.
    pub struct PoolPages(Vec<TaggedPool>, Place);

    impl PoolPages {
        /// The pools of `json`, an array of the model's `WorkspacesPool`s, decoded as a
        /// `DescribeWorkspacesPools` page is; without tags.
        pub fn from_json(json: &str) -> Self {
            let place = Place {
                region: "us-east-1".to_string(),
                account: Some("123456789012".to_string()),
                names_account: false,
            };
            let pools: Vec<Pool> = serde_json::from_str(json).expect("the model's WorkspacesPools");
            Self(
                pools
                    .into_iter()
                    .map(|pool| TaggedPool { pool, tags: None })
                    .collect(),
                place,
            )
        }

        /// Converts every page of `page_size` pools to a batch of `projection`; returns the
        /// rows converted.
        pub fn convert(&self, page_size: usize, projection: &Projection) -> usize {
            self.0
                .chunks(page_size)
                .map(|page| {
                    Pools::columns()
                        .to_batch(
                            &self.1,
                            page,
                            projection.indices.as_deref(),
                            &projection.schema,
                        )
                        .expect("converts")
                        .num_rows()
                })
                .sum()
        }
    }
}
