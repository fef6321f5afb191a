//! `workspaces_pools`: `DescribeWorkspacesPools` as a table, one row per pool.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `pool_id =`, `IN (...)`, OR-chains | `PoolIds` (25 a request, 4 requests at a time) | exact |
//! | `pool_name =`, `IN (...)`, OR-chains | `Filters` `PoolName EQUALS` | inexact |
//! | `pool_name <>`, `NOT IN (...)` | `Filters` `PoolName NOTEQUALS` (ANDed exclusions merge) | inexact |
//! | `pool_name LIKE 'p'`, OR-chains of `LIKE` and `=` | `Filters` `PoolName CONTAINS` the longest literal run | inexact |
//! | `pool_name NOT LIKE '%lit%'` / `NOT LIKE 'lit'` | `Filters` `PoolName NOTCONTAINS` / `NOTEQUALS` | inexact |
//! | `pool_name =` a name that cannot be a pool name | no call: no rows | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `pool_id` (this table on the probe side) | the build side's values, as for `pool_id IN (...)` | exact |
//! | `LIMIT n` (when every filter is exact) | `Limit` up to 25; paging stops at n rows |  |
//! | reading `tags` | `DescribeTags per pool`, only when the query reads it |  |
//!
//! An id that cannot be valid (`^wspool-[0-9a-z]{9}$`) makes no call. A chunk of `PoolIds` the
//! service answers with `ResourceNotFoundException` (as real AWS may when an id no longer
//! exists) is split in halves until the pools that exist are found: a gone id answers no row,
//! and the query goes on. The `pool_name` forms are [`super::pool_names`]'s.

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::types::{
    DescribeWorkspacesPoolsFilter, DescribeWorkspacesPoolsFilterName,
    DescribeWorkspacesPoolsFilterOperator, Tag, WorkspacesPool,
};
use datafusion::logical_expr::Expr;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use futures::{FutureExt, StreamExt, TryFutureExt, TryStreamExt};

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{
    ColumnDef, Columns, DescribeTable, Enrichment, Pushable, Restrictions, TargetApi,
    TranslatedRule, Translation,
};
use crate::tables::gone::split_when_gone;
use crate::tables::patterns::is_pool_id;
use crate::tables::pool_names::{self, NameFilter};
use crate::tables::tags::resource_tags;

const OPERATION: &str = "DescribeWorkspacesPools";
/// Most pool ids one request may carry (`WorkspacesPoolIds` max).
pub(crate) const MAX_POOL_IDS: usize = 25;
/// Most rows one page may hold (`Limit` max).
pub(crate) const MAX_PAGE_SIZE: usize = 25;

const POOL_ID: Pushable = Pushable::new(
    "pool_id",
    is_pool_id,
    "`PoolIds` (25 a request, 4 requests at a time)",
    "wspool-abc123xyz",
);

/// The `pool_name` forms [`pool_names::translate`] sends.
const POOL_NAME_FORMS: &[TranslatedRule] = &[
    TranslatedRule {
        predicate: "`pool_name =`, `IN (...)`, OR-chains",
        sent_as: "`Filters` `PoolName EQUALS`",
        exact: false,
        example: "pool_name = 'finance-pool'",
        shows: "PoolName EQUALS [finance-pool]",
    },
    TranslatedRule {
        predicate: "`pool_name <>`, `NOT IN (...)`",
        sent_as: "`Filters` `PoolName NOTEQUALS` (ANDed exclusions merge)",
        exact: false,
        example: "pool_name NOT IN ('finance-pool', 'legal-pool')",
        shows: "PoolName NOTEQUALS [finance-pool, legal-pool]",
    },
    TranslatedRule {
        predicate: "`pool_name LIKE 'p'`, OR-chains of `LIKE` and `=`",
        sent_as: "`Filters` `PoolName CONTAINS` the longest literal run",
        exact: false,
        example: "pool_name LIKE 'fin%pool%'",
        shows: "PoolName CONTAINS [pool]",
    },
    TranslatedRule {
        predicate: "`pool_name NOT LIKE '%lit%'` / `NOT LIKE 'lit'`",
        sent_as: "`Filters` `PoolName NOTCONTAINS` / `NOTEQUALS`",
        exact: false,
        example: "pool_name NOT LIKE '%test%'",
        shows: "PoolName NOTCONTAINS [test]",
    },
    TranslatedRule {
        predicate: "`pool_name =` a name that cannot be a pool name",
        sent_as: "no call: no rows",
        exact: true,
        example: "pool_name = 'has space'",
        shows: "no requests",
    },
];

/// `DescribeWorkspacesPools`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct Pools;

/// A pool with its tags, once fetched (`None`: not fetched, or the pool is gone).
#[derive(Debug, Clone)]
pub(crate) struct TaggedPool {
    pub pool: WorkspacesPool,
    pub tags: Option<Vec<Tag>>,
}

static COLUMNS: LazyLock<Columns<TaggedPool>> = LazyLock::new(|| {
    type P = TaggedPool;
    Columns::new(
        OPERATION,
        |p: &P| Some(p.pool.pool_id()),
        vec![
            ColumnDef::text("pool_id", |p: &P| Some(p.pool.pool_id())).not_null(),
            ColumnDef::text("pool_arn", |p: &P| Some(p.pool.pool_arn())).not_null(),
            ColumnDef::text("pool_name", |p: &P| Some(p.pool.pool_name())).not_null(),
            ColumnDef::text("description", |p: &P| p.pool.description()),
            ColumnDef::text("state", |p: &P| Some(p.pool.state().as_str())).not_null(),
            ColumnDef::text("running_mode", |p: &P| Some(p.pool.running_mode().as_str()))
                .not_null(),
            ColumnDef::time("created_at", |p: &P| Some(p.pool.created_at())).not_null(),
            ColumnDef::text("bundle_id", |p: &P| Some(p.pool.bundle_id())).not_null(),
            ColumnDef::text("directory_id", |p: &P| Some(p.pool.directory_id())).not_null(),
            ColumnDef::int("available_user_sessions", |p: &P| {
                p.pool
                    .capacity_status()
                    .map(|c| c.available_user_sessions())
            })
            .member("CapacityStatus.AvailableUserSessions")
            .required("CapacityStatus"),
            ColumnDef::int("desired_user_sessions", |p: &P| {
                p.pool.capacity_status().map(|c| c.desired_user_sessions())
            })
            .member("CapacityStatus.DesiredUserSessions")
            .required("CapacityStatus"),
            ColumnDef::int("actual_user_sessions", |p: &P| {
                p.pool.capacity_status().map(|c| c.actual_user_sessions())
            })
            .member("CapacityStatus.ActualUserSessions")
            .required("CapacityStatus"),
            ColumnDef::int("active_user_sessions", |p: &P| {
                p.pool.capacity_status().map(|c| c.active_user_sessions())
            })
            .member("CapacityStatus.ActiveUserSessions")
            .required("CapacityStatus"),
            ColumnDef::text("application_settings_status", |p: &P| {
                p.pool.application_settings().map(|a| a.status().as_str())
            })
            .member("ApplicationSettings.Status"),
            ColumnDef::text("application_settings_group", |p: &P| {
                p.pool
                    .application_settings()
                    .and_then(|a| a.settings_group())
            })
            .member("ApplicationSettings.SettingsGroup"),
            ColumnDef::text("application_settings_s3_bucket_name", |p: &P| {
                p.pool
                    .application_settings()
                    .and_then(|a| a.s3_bucket_name())
            })
            .member("ApplicationSettings.S3BucketName"),
            ColumnDef::int("disconnect_timeout_in_seconds", |p: &P| {
                p.pool
                    .timeout_settings()
                    .and_then(|t| t.disconnect_timeout_in_seconds())
            })
            .member("TimeoutSettings.DisconnectTimeoutInSeconds"),
            ColumnDef::int("idle_disconnect_timeout_in_seconds", |p: &P| {
                p.pool
                    .timeout_settings()
                    .and_then(|t| t.idle_disconnect_timeout_in_seconds())
            })
            .member("TimeoutSettings.IdleDisconnectTimeoutInSeconds"),
            ColumnDef::int("max_user_duration_in_seconds", |p: &P| {
                p.pool
                    .timeout_settings()
                    .and_then(|t| t.max_user_duration_in_seconds())
            })
            .member("TimeoutSettings.MaxUserDurationInSeconds"),
            ColumnDef::records("errors", &["error_code", "error_message"], |p: &P| {
                p.pool.errors.as_ref().map(|errors| {
                    errors
                        .iter()
                        .map(|e| vec![e.error_code().map(|c| c.as_str()), e.error_message()])
                        .collect()
                })
            }),
            ColumnDef::map("tags", |p: &P| {
                p.tags
                    .as_ref()
                    .map(|tags| tags.iter().map(|t| (t.key(), t.value())).collect())
            })
            .about("The pool's tags (key to value), from DescribeTags: one call per pool, made only when the query reads this column."),
        ],
    )
});

/// The parameters of one `DescribeWorkspacesPools` chain (its pages differ only by NextToken).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PoolsRequest {
    /// `PoolIds`, at most 25.
    pub pool_ids: Option<Vec<String>>,
    /// `Filters`, at most 25.
    pub filters: Vec<NameFilter>,
    /// `Limit`, 1 to 25.
    pub limit: i32,
}

impl PoolsRequest {
    /// This request for `pool_ids` instead.
    fn with_pool_ids(&self, pool_ids: &[String]) -> Self {
        Self {
            pool_ids: Some(pool_ids.to_vec()),
            ..self.clone()
        }
    }
}

impl fmt::Display for PoolsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        if let Some(ids) = &self.pool_ids {
            write!(f, "PoolIds: [{}], ", ids.join(", "))?;
        }
        if !self.filters.is_empty() {
            let filters: Vec<String> = self.filters.iter().map(|x| x.to_string()).collect();
            write!(f, "Filters: [{}], ", filters.join("; "))?;
        }
        write!(f, "Limit: {}}}", self.limit)
    }
}

impl DescribeTable for Pools {
    type Item = TaggedPool;
    type Request = PoolsRequest;
    const NAME: &'static str = "workspaces_pools";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "WorkspacesPool";
    const ROW: &'static str = "one row per WorkSpaces Pool";
    const PUSHABLE: &'static [Pushable] = &[POOL_ID];
    const TRANSLATED: &'static [TranslatedRule] = POOL_NAME_FORMS;
    const JOIN_KEYS: &'static [&'static str] = &["pool_id"];
    const PAGE_LIMIT: Option<(&'static str, usize)> = Some(("Limit", MAX_PAGE_SIZE));

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn translate(predicate: &Expr) -> Option<Translation> {
        pool_names::translate(predicate)
    }

    fn requests(restrictions: &Restrictions) -> Vec<PoolsRequest> {
        let base = PoolsRequest {
            pool_ids: None,
            filters: pool_names::name_filters(restrictions.translated()),
            limit: restrictions.page_size(MAX_PAGE_SIZE),
        };
        let Some(ids) = restrictions.values(POOL_ID.column) else {
            return vec![base];
        };
        let ids: Vec<String> = ids.iter().cloned().collect();
        ids.chunks(MAX_POOL_IDS)
            .map(|chunk| base.with_pool_ids(chunk))
            .collect()
    }

    fn pages(
        api: &TargetApi,
        request: PoolsRequest,
    ) -> BoxStream<'static, Result<Vec<TaggedPool>>> {
        pool_pages(api, request)
            .map_ok(|pools| {
                pools
                    .into_iter()
                    .map(|pool| TaggedPool { pool, tags: None })
                    .collect()
            })
            .boxed()
    }

    fn enrichment() -> Option<Enrichment<TaggedPool>> {
        Some(Enrichment {
            column: "tags",
            explain: "DescribeTags per pool",
            fetch: fetch_tags,
        })
    }
}

fn fetch_tags(
    api: TargetApi,
    pools: Vec<TaggedPool>,
) -> BoxFuture<'static, Result<Vec<TaggedPool>>> {
    let ids = pools.iter().map(|p| p.pool.pool_id().to_string()).collect();
    resource_tags(api, ids)
        .map_ok(move |tags| {
            pools
                .into_iter()
                .zip(tags)
                .map(|(pool, tags)| TaggedPool { tags, ..pool })
                .collect()
        })
        .boxed()
}

/// The pages of one request chain. When the service answers a chunk of `PoolIds` with
/// `ResourceNotFoundException` on its first page, the chunk is asked again in halves
/// ([`split_when_gone`]), down to single ids, which then answer no pool.
pub(crate) fn pool_pages(
    api: &TargetApi,
    request: PoolsRequest,
) -> BoxStream<'static, Result<Vec<WorkspacesPool>>> {
    let Some(ids) = request.pool_ids.clone() else {
        return request_chain(api, request);
    };
    let api = api.clone();
    split_when_gone(ids, move |ids| {
        request_chain(&api, request.with_pool_ids(&ids))
    })
}

fn request_chain(
    api: &TargetApi,
    request: PoolsRequest,
) -> BoxStream<'static, Result<Vec<WorkspacesPool>>> {
    let filters = sdk_filters(&request.filters);
    api.paginate(OPERATION, request.to_string(), move |client, token| {
        client
            .describe_workspaces_pools()
            .set_pool_ids(request.pool_ids.clone())
            .set_filters(filters.clone())
            .limit(request.limit)
            .set_next_token(token)
            .send()
            .map_ok(|output| Page::from_response(output.workspaces_pools, output.next_token))
    })
}

fn sdk_filters(filters: &[NameFilter]) -> Option<Vec<DescribeWorkspacesPoolsFilter>> {
    if filters.is_empty() {
        return None;
    }
    let built = filters
        .iter()
        .filter_map(|f| {
            DescribeWorkspacesPoolsFilter::builder()
                .name(DescribeWorkspacesPoolsFilterName::Poolname)
                .operator(DescribeWorkspacesPoolsFilterOperator::from(
                    f.operator.as_str(),
                ))
                .set_values(Some(f.values.clone()))
                .build()
                .ok()
        })
        .collect();
    Some(built)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tables::pool_names::NameOperator;
    use crate::targets::Place;
    use aws_sdk_workspaces::types::{
        ApplicationSettingsResponse, ApplicationSettingsStatusEnum, CapacityStatus,
        PoolsRunningMode, TimeoutSettings, WorkspacesPoolError, WorkspacesPoolErrorCode,
        WorkspacesPoolState,
    };
    use aws_smithy_types::DateTime;
    use datafusion::arrow::array::{Array, AsArray};
    use datafusion::arrow::datatypes::{Int32Type, TimestampMicrosecondType};
    use datafusion::logical_expr::{TableProviderFilterPushDown, col, lit};

    const A: &str = "wspool-abc123xyz";
    const B: &str = "wspool-000000009";

    fn restrictions(filters: &[Expr], limit: Option<usize>) -> Restrictions {
        Pools::rules().fold(filters, limit)
    }

    fn requests(filters: &[Expr], limit: Option<usize>) -> Vec<PoolsRequest> {
        Pools::requests(&restrictions(filters, limit))
    }

    #[test]
    fn pool_id_forms_push_exactly() {
        let rules = Pools::rules();
        for expr in [
            col("pool_id").eq(lit(A)),
            lit(A).eq(col("pool_id")),
            col("pool_id").in_list(vec![lit(A), lit(B)], false),
            col("pool_id").eq(lit(A)).or(col("pool_id").eq(lit(B))),
        ] {
            assert_eq!(rules.classify(&expr), TableProviderFilterPushDown::Exact);
        }
        let got = requests(&[col("pool_id").in_list(vec![lit(B), lit(A)], false)], None);
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].pool_ids, Some(vec![B.to_string(), A.to_string()]));
        assert_eq!(
            got[0].to_string(),
            "{PoolIds: [wspool-000000009, wspool-abc123xyz], Limit: 25}"
        );
    }

    #[test]
    fn invalid_or_contradicting_pool_ids_match_nothing() {
        let invalid = col("pool_id").in_list(vec![lit("wspool-UPPER1234"), lit("x")], false);
        assert!(restrictions(&[invalid], None).matches_nothing);
        let both = [col("pool_id").eq(lit(A)), col("pool_id").eq(lit(B))];
        let r = restrictions(&both, None);
        assert!(r.matches_nothing);
        assert!(!r.wants(&Place::in_region("us-east-1")));
    }

    #[test]
    fn negated_or_mixed_pool_id_forms_do_not_push() {
        let rules = Pools::rules();
        for expr in [
            col("pool_id").not_eq(lit(A)),
            col("pool_id").in_list(vec![lit(A)], true),
            col("pool_id").eq(lit(A)).or(col("pool_name").eq(lit("ab"))),
            col("pool_id").like(lit("wspool-%")),
            col("state").eq(lit("RUNNING")),
        ] {
            assert_eq!(
                rules.classify(&expr),
                TableProviderFilterPushDown::Unsupported,
                "{expr}"
            );
        }
    }

    #[test]
    fn more_than_25_ids_are_chunked() {
        let list: Vec<Expr> = (0..60).map(|i| lit(format!("wspool-{i:09}"))).collect();
        let got = requests(&[col("pool_id").in_list(list, false)], None);
        let sizes: Vec<usize> = got
            .iter()
            .map(|r| r.pool_ids.as_ref().map_or(0, Vec::len))
            .collect();
        assert_eq!(sizes, vec![25, 25, 10]);
        assert!(got.iter().all(|r| r.limit == 25));
    }

    #[test]
    fn name_predicates_become_filters_of_every_request() {
        let got = requests(
            &[
                col("pool_id").eq(lit(A)),
                col("pool_name").like(lit("%fin%")),
                col("pool_name").not_eq(lit("ab")),
            ],
            None,
        );
        assert_eq!(
            got[0].to_string(),
            "{PoolIds: [wspool-abc123xyz], Filters: [PoolName CONTAINS [fin]; PoolName NOTEQUALS [ab]], Limit: 25}"
        );
        assert_eq!(got[0].filters[0].operator, NameOperator::Contains);
        assert!(restrictions(&[col("pool_name").eq(lit("has space"))], None).matches_nothing);
    }

    #[test]
    fn region_predicates_prune_regions() {
        let r = restrictions(
            &[col("region").in_list(vec![lit("us-east-1"), lit("eu-west-1")], false)],
            None,
        );
        assert!(r.wants(&Place::in_region("us-east-1")));
        assert!(!r.wants(&Place::in_region("ap-south-1")));
    }

    #[test]
    fn limit_sets_page_size() {
        assert_eq!(requests(&[], Some(5))[0].limit, 5);
        assert_eq!(requests(&[], Some(500))[0].limit, 25);
        assert_eq!(requests(&[], None)[0].limit, 25);
        assert!(restrictions(&[], Some(0)).matches_nothing);
    }

    #[test]
    fn constant_predicates_are_exact() {
        use datafusion::scalar::ScalarValue;
        assert!(restrictions(&[lit(ScalarValue::Boolean(None))], None).matches_nothing);
        assert!(restrictions(&[lit(false)], None).matches_nothing);
        let r = restrictions(&[lit(true)], None);
        assert!(!r.matches_nothing);
        assert!(Pools::requests(&r)[0].filters.is_empty());
    }

    fn pool(id: &str, errors: Option<Vec<WorkspacesPoolError>>) -> TaggedPool {
        let pool = WorkspacesPool::builder()
            .pool_id(id)
            .pool_arn(format!(
                "arn:aws:workspaces:us-east-1:123456789012:workspacespool/{id}"
            ))
            .pool_name("finance-01")
            .state(WorkspacesPoolState::from("HIBERNATING"))
            .running_mode(PoolsRunningMode::AlwaysOn)
            .created_at(DateTime::from_fractional_secs(1_700_000_000, 0.25))
            .bundle_id("wsb-12345678")
            .directory_id("wsd-12345678")
            .capacity_status(
                CapacityStatus::builder()
                    .available_user_sessions(3)
                    .desired_user_sessions(10)
                    .actual_user_sessions(8)
                    .active_user_sessions(5)
                    .build()
                    .expect("all capacity members set"),
            )
            .set_errors(errors)
            .build()
            .expect("all required members set");
        TaggedPool { pool, tags: None }
    }

    fn convert(pools: &[TaggedPool]) -> Result<datafusion::arrow::record_batch::RecordBatch> {
        COLUMNS.to_batch(
            &Place::in_region("us-east-1"),
            pools,
            None,
            &COLUMNS.schema(),
        )
    }

    #[test]
    fn converts_every_column_with_nulls_and_unknown_enums() {
        let error = WorkspacesPoolError::builder()
            .error_code(WorkspacesPoolErrorCode::BundleNotFound)
            .error_message("bundle gone")
            .build();
        let mut with_settings = pool("wspool-000000001", Some(vec![error]));
        with_settings.pool.application_settings = Some(
            ApplicationSettingsResponse::builder()
                .status(ApplicationSettingsStatusEnum::Enabled)
                .settings_group("grp")
                .build()
                .expect("status set"),
        );
        with_settings.pool.timeout_settings = Some(
            TimeoutSettings::builder()
                .disconnect_timeout_in_seconds(900)
                .build(),
        );
        let mut tagged = pool("wspool-000000002", Some(vec![]));
        tagged.tags = Some(vec![
            Tag::builder().key("owner").value("a").build().expect("key"),
        ]);
        let batch = convert(&[with_settings, tagged]).expect("converts");
        let schema = COLUMNS.schema();
        assert_eq!(batch.num_columns(), 23);
        let col = |name: &str| batch.column(schema.index_of(name).expect("column exists"));
        assert_eq!(col("region").as_string::<i32>().value(0), "us-east-1");
        assert_eq!(
            col("account_id").as_string::<i32>().value(0),
            "123456789012"
        );
        assert_eq!(col("state").as_string::<i32>().value(1), "HIBERNATING");
        assert_eq!(col("running_mode").as_string::<i32>().value(0), "ALWAYS_ON");
        assert_eq!(
            col("created_at")
                .as_primitive::<TimestampMicrosecondType>()
                .value(0),
            1_700_000_000_250_000
        );
        assert_eq!(
            col("desired_user_sessions")
                .as_primitive::<Int32Type>()
                .value(1),
            10
        );
        assert_eq!(
            col("application_settings_group")
                .as_string::<i32>()
                .value(0),
            "grp"
        );
        assert!(col("application_settings_status").is_null(1));
        assert!(col("application_settings_s3_bucket_name").is_null(0));
        assert_eq!(
            col("disconnect_timeout_in_seconds")
                .as_primitive::<Int32Type>()
                .value(0),
            900
        );
        assert!(col("idle_disconnect_timeout_in_seconds").is_null(0));
        let errors = col("errors").as_list::<i32>();
        let first = errors.value(0);
        let first = first.as_struct();
        assert_eq!(first.len(), 1);
        assert_eq!(
            first.column(0).as_string::<i32>().value(0),
            "BUNDLE_NOT_FOUND"
        );
        assert_eq!(first.column(1).as_string::<i32>().value(0), "bundle gone");
        assert!(!errors.is_null(1), "an empty Errors list is not NULL");
        assert_eq!(errors.value_length(1), 0);
        let tags = col("tags").as_map();
        assert!(tags.is_null(0), "tags are NULL unless fetched");
        assert_eq!(tags.value_length(1), 1);
    }

    #[test]
    fn a_pool_without_capacity_status_is_an_error_naming_it() {
        let mut broken = pool("wspool-00000000b", None);
        broken.pool.capacity_status = None;
        let error = convert(&[pool("wspool-00000000a", None), broken]).expect_err("required");
        assert_eq!(
            error.to_string(),
            "DescribeWorkspacesPools in us-east-1 failed: unreadable response: wspool-00000000b has no CapacityStatus in the response"
        );
    }
}
