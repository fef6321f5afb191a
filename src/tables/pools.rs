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
//!
//! Its pages are decoded by wsql instead of the SDK ([`crate::scan::own_decoding`]), into
//! [`Pool`], which reads every body as the SDK's `WorkspacesPool` does: the tests below hold the
//! two equal on every page of an emulated fleet and on pages the emulator never sends.

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::error::SdkError;
use aws_sdk_workspaces::operation::describe_workspaces_pools::DescribeWorkspacesPoolsError;
use aws_sdk_workspaces::types::{
    DescribeWorkspacesPoolsFilter, DescribeWorkspacesPoolsFilterName,
    DescribeWorkspacesPoolsFilterOperator, Tag,
};
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use datafusion::logical_expr::Expr;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use futures::{FutureExt, StreamExt, TryFutureExt, TryStreamExt};
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use crate::error::Result;
use crate::paging::Page;
use crate::scan::own_decoding::decoded;
use crate::scan::{
    ColumnDef, Columns, DescribeTable, Enrichment, Pushable, Restrictions, SdkResult, TargetApi,
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
    pub pool: Pool,
    pub tags: Option<Vec<Tag>>,
}

/// One page of `DescribeWorkspacesPools`, as wsql decodes it ([`crate::scan::own_decoding`]).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PoolsPage {
    workspaces_pools: Option<Vec<Pool>>,
    next_token: Option<String>,
}

/// The model's `WorkspacesPool`, decoded by wsql as the SDK decodes it: a member absent or null
/// is unset; an unset required string is empty, an unset `CreatedAt` the epoch, an unset count
/// of `CapacityStatus` 0 and an unset `RunningMode` `AUTO_STOP` (its default in the SDK's
/// model), as the SDK fills them; an unset `State` or `ApplicationSettings.Status` fails the
/// page, as in the SDK; unknown members are skipped and enum values kept as sent. One
/// difference: a member given twice fails the page, where the SDK keeps the last.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Pool {
    #[serde(default, deserialize_with = "unset_as_default")]
    pub pool_id: String,
    #[serde(default, deserialize_with = "unset_as_default")]
    pub pool_arn: String,
    pub capacity_status: Option<CapacityStatus>,
    #[serde(default, deserialize_with = "unset_as_default")]
    pub pool_name: String,
    pub description: Option<String>,
    pub state: String,
    #[serde(default = "epoch", deserialize_with = "epoch_seconds")]
    pub created_at: DateTime,
    #[serde(default, deserialize_with = "unset_as_default")]
    pub bundle_id: String,
    #[serde(default, deserialize_with = "unset_as_default")]
    pub directory_id: String,
    pub errors: Option<Vec<PoolError>>,
    pub application_settings: Option<ApplicationSettings>,
    pub timeout_settings: Option<TimeoutSettings>,
    #[serde(default = "auto_stop", deserialize_with = "unset_as_auto_stop")]
    pub running_mode: String,
}

/// The model's `CapacityStatus`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct CapacityStatus {
    #[serde(default, deserialize_with = "unset_as_default")]
    pub available_user_sessions: i32,
    #[serde(default, deserialize_with = "unset_as_default")]
    pub desired_user_sessions: i32,
    #[serde(default, deserialize_with = "unset_as_default")]
    pub actual_user_sessions: i32,
    #[serde(default, deserialize_with = "unset_as_default")]
    pub active_user_sessions: i32,
}

/// The model's `WorkspacesPoolError`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct PoolError {
    pub error_code: Option<String>,
    pub error_message: Option<String>,
}

/// The model's `ApplicationSettingsResponse`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ApplicationSettings {
    pub status: String,
    pub settings_group: Option<String>,
    pub s3_bucket_name: Option<String>,
}

/// The model's `TimeoutSettings`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct TimeoutSettings {
    pub disconnect_timeout_in_seconds: Option<i32>,
    pub idle_disconnect_timeout_in_seconds: Option<i32>,
    pub max_user_duration_in_seconds: Option<i32>,
}

/// A required member the SDK fills when unset: null reads as unset.
fn unset_as_default<'de, D, T>(deserializer: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Option::<T>::deserialize(deserializer).map(Option::unwrap_or_default)
}

fn auto_stop() -> String {
    "AUTO_STOP".to_string()
}

fn unset_as_auto_stop<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<String, D::Error> {
    Option::<String>::deserialize(deserializer).map(|mode| mode.unwrap_or_else(auto_stop))
}

fn epoch() -> DateTime {
    DateTime::from_secs(0)
}

/// An epoch-seconds timestamp (awsJson's), read as the SDK reads it: a whole number exactly, a
/// fraction or an exponent as the nearest `f64`, a string as an RFC 3339 date-time; null as
/// unset (the epoch).
fn epoch_seconds<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> std::result::Result<DateTime, D::Error> {
    struct Seconds;
    impl Visitor<'_> for Seconds {
        type Value = DateTime;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("epoch seconds")
        }

        fn visit_i64<E: de::Error>(self, seconds: i64) -> std::result::Result<DateTime, E> {
            Ok(DateTime::from_secs(seconds))
        }

        fn visit_u64<E: de::Error>(self, seconds: u64) -> std::result::Result<DateTime, E> {
            i64::try_from(seconds)
                .map(DateTime::from_secs)
                .map_err(|_| E::custom(format!("epoch-seconds value {seconds} overflows i64")))
        }

        fn visit_f64<E: de::Error>(self, seconds: f64) -> std::result::Result<DateTime, E> {
            Ok(DateTime::from_secs_f64(seconds))
        }

        fn visit_str<E: de::Error>(self, date_time: &str) -> std::result::Result<DateTime, E> {
            DateTime::from_str(date_time, Format::DateTimeWithOffset)
                .map_err(|e| E::custom(format!("invalid timestamp string: {e}")))
        }

        fn visit_unit<E: de::Error>(self) -> std::result::Result<DateTime, E> {
            Ok(epoch())
        }
    }
    deserializer.deserialize_any(Seconds)
}

static COLUMNS: LazyLock<Columns<TaggedPool>> = LazyLock::new(|| {
    type P = TaggedPool;
    Columns::new(
        OPERATION,
        |p: &P| Some(&p.pool.pool_id),
        vec![
            ColumnDef::text("pool_id", |p: &P| Some(&p.pool.pool_id)).not_null(),
            ColumnDef::text("pool_arn", |p: &P| Some(&p.pool.pool_arn)).not_null(),
            ColumnDef::text("pool_name", |p: &P| Some(&p.pool.pool_name)).not_null(),
            ColumnDef::text("description", |p: &P| p.pool.description.as_deref()),
            ColumnDef::text("state", |p: &P| Some(&p.pool.state)).not_null(),
            ColumnDef::text("running_mode", |p: &P| Some(&p.pool.running_mode))
                .not_null(),
            ColumnDef::time("created_at", |p: &P| Some(&p.pool.created_at)).not_null(),
            ColumnDef::text("bundle_id", |p: &P| Some(&p.pool.bundle_id)).not_null(),
            ColumnDef::text("directory_id", |p: &P| Some(&p.pool.directory_id)).not_null(),
            ColumnDef::int("available_user_sessions", |p: &P| {
                p.pool
                    .capacity_status
                    .as_ref()
                    .map(|c| c.available_user_sessions)
            })
            .member("CapacityStatus.AvailableUserSessions")
            .required("CapacityStatus"),
            ColumnDef::int("desired_user_sessions", |p: &P| {
                p.pool.capacity_status.as_ref().map(|c| c.desired_user_sessions)
            })
            .member("CapacityStatus.DesiredUserSessions")
            .required("CapacityStatus"),
            ColumnDef::int("actual_user_sessions", |p: &P| {
                p.pool.capacity_status.as_ref().map(|c| c.actual_user_sessions)
            })
            .member("CapacityStatus.ActualUserSessions")
            .required("CapacityStatus"),
            ColumnDef::int("active_user_sessions", |p: &P| {
                p.pool.capacity_status.as_ref().map(|c| c.active_user_sessions)
            })
            .member("CapacityStatus.ActiveUserSessions")
            .required("CapacityStatus"),
            ColumnDef::text("application_settings_status", |p: &P| {
                p.pool.application_settings.as_ref().map(|a| a.status.as_str())
            })
            .member("ApplicationSettings.Status"),
            ColumnDef::text("application_settings_group", |p: &P| {
                p.pool
                    .application_settings
                    .as_ref()
                    .and_then(|a| a.settings_group.as_deref())
            })
            .member("ApplicationSettings.SettingsGroup"),
            ColumnDef::text("application_settings_s3_bucket_name", |p: &P| {
                p.pool
                    .application_settings
                    .as_ref()
                    .and_then(|a| a.s3_bucket_name.as_deref())
            })
            .member("ApplicationSettings.S3BucketName"),
            ColumnDef::int("disconnect_timeout_in_seconds", |p: &P| {
                p.pool
                    .timeout_settings
                    .as_ref()
                    .and_then(|t| t.disconnect_timeout_in_seconds)
            })
            .member("TimeoutSettings.DisconnectTimeoutInSeconds"),
            ColumnDef::int("idle_disconnect_timeout_in_seconds", |p: &P| {
                p.pool
                    .timeout_settings
                    .as_ref()
                    .and_then(|t| t.idle_disconnect_timeout_in_seconds)
            })
            .member("TimeoutSettings.IdleDisconnectTimeoutInSeconds"),
            ColumnDef::int("max_user_duration_in_seconds", |p: &P| {
                p.pool
                    .timeout_settings
                    .as_ref()
                    .and_then(|t| t.max_user_duration_in_seconds)
            })
            .member("TimeoutSettings.MaxUserDurationInSeconds"),
            ColumnDef::records("errors", &["error_code", "error_message"], |p: &P| {
                p.pool.errors.as_ref().map(|errors| {
                    errors
                        .iter()
                        .map(|e| vec![e.error_code.as_deref(), e.error_message.as_deref()])
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
    let ids = pools.iter().map(|p| p.pool.pool_id.clone()).collect();
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
fn pool_pages(api: &TargetApi, request: PoolsRequest) -> BoxStream<'static, Result<Vec<Pool>>> {
    let Some(ids) = request.pool_ids.clone() else {
        return request_chain(api, request);
    };
    let api = api.clone();
    split_when_gone(ids, move |ids| {
        request_chain(&api, request.with_pool_ids(&ids))
    })
}

fn request_chain(api: &TargetApi, request: PoolsRequest) -> BoxStream<'static, Result<Vec<Pool>>> {
    api.paginate(OPERATION, request.to_string(), move |client, token| {
        describe_page(client, &request, token)
    })
}

/// The page of `request` after `token`, decoded by wsql ([`decoded`]), not by the SDK.
#[expect(
    clippy::result_large_err,
    reason = "the SDK's error, which every call answers with"
)]
fn describe_page(
    client: &aws_sdk_workspaces::Client,
    request: &PoolsRequest,
    token: Option<String>,
) -> impl Future<Output = SdkResult<Page<Pool>, DescribeWorkspacesPoolsError>> + Send + use<> {
    let call = client
        .describe_workspaces_pools()
        .set_pool_ids(request.pool_ids.clone())
        .set_filters(sdk_filters(&request.filters))
        .limit(request.limit)
        .set_next_token(token)
        .send();
    decoded::<PoolsPage, _>(call).map(|(answer, page)| {
        answer?;
        let page = page
            .ok_or_else(|| SdkError::construction_failure("the answer was not decoded by wsql"))?;
        Ok(Page::from_response(page.workspaces_pools, page.next_token))
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

    /// A pool decoded from its model's JSON, with `errors` as its `Errors`.
    fn pool(id: &str, errors: serde_json::Value) -> TaggedPool {
        let pool = serde_json::from_value(serde_json::json!({
            "PoolId": id,
            "PoolArn": format!("arn:aws:workspaces:us-east-1:123456789012:workspacespool/{id}"),
            "PoolName": "finance-01",
            "State": "HIBERNATING",
            "RunningMode": "ALWAYS_ON",
            "CreatedAt": 1_700_000_000.25,
            "BundleId": "wsb-12345678",
            "DirectoryId": "wsd-12345678",
            "CapacityStatus": {
                "AvailableUserSessions": 3,
                "DesiredUserSessions": 10,
                "ActualUserSessions": 8,
                "ActiveUserSessions": 5
            },
            "Errors": errors
        }))
        .expect("the model's WorkspacesPool");
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
        let error =
            serde_json::json!([{"ErrorCode": "BUNDLE_NOT_FOUND", "ErrorMessage": "bundle gone"}]);
        let mut with_settings = pool("wspool-000000001", error);
        with_settings.pool.application_settings = Some(ApplicationSettings {
            status: "ENABLED".to_string(),
            settings_group: Some("grp".to_string()),
            s3_bucket_name: None,
        });
        with_settings.pool.timeout_settings = Some(TimeoutSettings {
            disconnect_timeout_in_seconds: Some(900),
            idle_disconnect_timeout_in_seconds: None,
            max_user_duration_in_seconds: None,
        });
        let mut tagged = pool("wspool-000000002", serde_json::json!([]));
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
        let mut broken = pool("wspool-00000000b", serde_json::Value::Null);
        broken.pool.capacity_status = None;
        let error = convert(&[pool("wspool-00000000a", serde_json::Value::Null), broken])
            .expect_err("required");
        assert_eq!(
            error.to_string(),
            "DescribeWorkspacesPools in us-east-1 failed: unreadable response: wspool-00000000b has no CapacityStatus in the response"
        );
    }

    /// wsql's decoding of `DescribeWorkspacesPools` against the SDK's, on the same bytes: every
    /// page of an emulated fleet, and pages the emulator never sends (unknown members, nulls,
    /// absent members, escapes, unknown enum values, every timestamp form, malformed bodies).
    mod decoding_against_the_sdk {
        use aws_sdk_workspaces::config::retry::RetryConfig;
        use aws_sdk_workspaces::config::{BehaviorVersion, Credentials, Region};
        use aws_sdk_workspaces::error::DisplayErrorContext;
        use aws_smithy_runtime_api::client::http::{
            HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings,
            SharedHttpClient, SharedHttpConnector,
        };
        use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
        use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
        use aws_smithy_types::body::SdkBody;
        use wsql_emulator::{Emulator, Fleet};

        use super::*;
        use crate::scan::own_decoding::{OwnDecoder, reading_marked_answers_whole};

        /// Answers every request `200` with one body, its connector wrapped as the library's
        /// client wraps its own.
        #[derive(Debug, Clone)]
        struct Answering(&'static str);

        impl HttpConnector for Answering {
            fn call(&self, _: HttpRequest) -> HttpConnectorFuture {
                let status = 200.try_into().expect("a status");
                HttpConnectorFuture::ready(Ok(HttpResponse::new(status, SdkBody::from(self.0))))
            }
        }

        impl HttpClient for Answering {
            fn http_connector(
                &self,
                _: &HttpConnectorSettings,
                _: &RuntimeComponents,
            ) -> SharedHttpConnector {
                reading_marked_answers_whole(SharedHttpConnector::new(self.clone()))
            }
        }

        /// A client calling `endpoint` through `http` with wsql's decoder, without retries.
        fn client(http: SharedHttpClient, endpoint: &str) -> aws_sdk_workspaces::Client {
            let config = aws_sdk_workspaces::Config::builder()
                .behavior_version(BehaviorVersion::latest())
                .http_client(http)
                .credentials_provider(Credentials::new("AKIDTEST", "test", None, None, "test"))
                .region(Region::new("us-east-1"))
                .endpoint_url(endpoint)
                .retry_config(RetryConfig::disabled())
                .interceptor(OwnDecoder)
                .build();
            aws_sdk_workspaces::Client::from_conf(config)
        }

        fn answering(body: &'static str) -> aws_sdk_workspaces::Client {
            client(SharedHttpClient::new(Answering(body)), "http://127.0.0.1:1")
        }

        /// A page's pools and next token, or why it did not decode.
        type Decoded = std::result::Result<(Vec<Pool>, Option<String>), String>;

        async fn by_sdk(client: &aws_sdk_workspaces::Client, token: Option<String>) -> Decoded {
            let output = client
                .describe_workspaces_pools()
                .limit(25)
                .set_next_token(token)
                .send()
                .await
                .map_err(|e| DisplayErrorContext(e).to_string())?;
            let pools = output
                .workspaces_pools
                .map(|pools| pools.iter().map(from_sdk).collect());
            let page = Page::from_response(pools, output.next_token);
            Ok((page.items, page.next_token))
        }

        async fn by_wsql(client: &aws_sdk_workspaces::Client, token: Option<String>) -> Decoded {
            let request = PoolsRequest {
                pool_ids: None,
                filters: Vec::new(),
                limit: 25,
            };
            let page = describe_page(client, &request, token)
                .await
                .map_err(|e| DisplayErrorContext(e).to_string())?;
            Ok((page.items, page.next_token))
        }

        /// The SDK's pool, member by member.
        fn from_sdk(pool: &aws_sdk_workspaces::types::WorkspacesPool) -> Pool {
            Pool {
                pool_id: pool.pool_id.clone(),
                pool_arn: pool.pool_arn.clone(),
                capacity_status: pool.capacity_status.as_ref().map(|c| CapacityStatus {
                    available_user_sessions: c.available_user_sessions,
                    desired_user_sessions: c.desired_user_sessions,
                    actual_user_sessions: c.actual_user_sessions,
                    active_user_sessions: c.active_user_sessions,
                }),
                pool_name: pool.pool_name.clone(),
                description: pool.description.clone(),
                state: pool.state.as_str().to_string(),
                created_at: pool.created_at,
                bundle_id: pool.bundle_id.clone(),
                directory_id: pool.directory_id.clone(),
                errors: pool.errors.as_ref().map(|errors| {
                    errors
                        .iter()
                        .map(|e| PoolError {
                            error_code: e.error_code.as_ref().map(|c| c.as_str().to_string()),
                            error_message: e.error_message.clone(),
                        })
                        .collect()
                }),
                application_settings: pool.application_settings.as_ref().map(|a| {
                    ApplicationSettings {
                        status: a.status.as_str().to_string(),
                        settings_group: a.settings_group.clone(),
                        s3_bucket_name: a.s3_bucket_name.clone(),
                    }
                }),
                timeout_settings: pool.timeout_settings.as_ref().map(|t| TimeoutSettings {
                    disconnect_timeout_in_seconds: t.disconnect_timeout_in_seconds,
                    idle_disconnect_timeout_in_seconds: t.idle_disconnect_timeout_in_seconds,
                    max_user_duration_in_seconds: t.max_user_duration_in_seconds,
                }),
                running_mode: pool.running_mode.as_str().to_string(),
            }
        }

        const FULL: &str = r#"{
            "WorkspacesPools":[
              {
                "PoolId":"wspool-000000001",
                "PoolArn":"arn:aws:workspaces:us-east-1:123456789012:workspacespool/wspool-000000001",
                "CapacityStatus":{
                  "AvailableUserSessions":3,
                  "DesiredUserSessions":10,
                  "ActualUserSessions":8,
                  "ActiveUserSessions":5
                },
                "PoolName":"finance",
                "Description":"Analysts",
                "State":"RUNNING",
                "CreatedAt":1700000000.123456,
                "BundleId":"wsb-12345678",
                "DirectoryId":"wsd-12345678",
                "Errors":[{"ErrorCode":"IGW_NOT_ATTACHED","ErrorMessage":"No gateway"},{}],
                "ApplicationSettings":{"Status":"ENABLED","SettingsGroup":"g","S3BucketName":"b"},
                "TimeoutSettings":{
                  "DisconnectTimeoutInSeconds":900,
                  "IdleDisconnectTimeoutInSeconds":600,
                  "MaxUserDurationInSeconds":36000
                },
                "RunningMode":"AUTO_STOP"
              }
            ],
            "NextToken":"t-2"
        }"#;

        /// Pages both decoders must read alike.
        const ALIKE: &[(&str, &str)] = &[
            ("every member", FULL),
            (
                "unknown members at every depth",
                r#"{
                    "__type":"x",
                    "Extra":{"a":[1,{"b":null}]},
                    "WorkspacesPools":[
                      {
                        "New":[true,false,"s",1500.0],
                        "PoolId":"wspool-000000002",
                        "PoolName":"p",
                        "State":"RUNNING",
                        "RunningMode":"ALWAYS_ON",
                        "CreatedAt":1,
                        "CapacityStatus":{"Future":1,"ActiveUserSessions":2},
                        "ApplicationSettings":{"Status":"DISABLED","Other":{}},
                        "TimeoutSettings":{"X":"y"},
                        "Errors":[{"Z":1,"ErrorCode":"NEW_CODE"}]
                      }
                    ]
                }"#,
            ),
            (
                "null members",
                r#"{
                    "WorkspacesPools":[
                      {
                        "PoolId":null,
                        "PoolArn":null,
                        "CapacityStatus":{
                          "AvailableUserSessions":null,
                          "DesiredUserSessions":null,
                          "ActualUserSessions":null,
                          "ActiveUserSessions":null
                        },
                        "PoolName":null,
                        "Description":null,
                        "State":"STOPPED",
                        "CreatedAt":null,
                        "BundleId":null,
                        "DirectoryId":null,
                        "Errors":null,
                        "ApplicationSettings":{
                          "Status":"ENABLED",
                          "SettingsGroup":null,
                          "S3BucketName":null
                        },
                        "TimeoutSettings":{
                          "DisconnectTimeoutInSeconds":null,
                          "IdleDisconnectTimeoutInSeconds":null,
                          "MaxUserDurationInSeconds":null
                        },
                        "RunningMode":"AUTO_STOP"
                      },
                      {
                        "State":"RUNNING",
                        "RunningMode":"AUTO_STOP",
                        "CapacityStatus":null,
                        "ApplicationSettings":null,
                        "TimeoutSettings":null
                      }
                    ],
                    "NextToken":null
                }"#,
            ),
            (
                "absent members",
                r#"{
                    "WorkspacesPools":[
                      {
                        "State":"UPDATING",
                        "RunningMode":"ALWAYS_ON",
                        "CapacityStatus":{},
                        "ApplicationSettings":{"Status":"ENABLED"},
                        "TimeoutSettings":{},
                        "Errors":[]
                      }
                    ]
                }"#,
            ),
            (
                "escapes and unicode",
                r#"{
                    "WorkspacesPools":[
                      {
                        "PoolId":"wspool-000000003",
                        "PoolName":"caf\u00e9 \ud83d\ude00 \"q\" \\ \/ \b\f\n\r\t",
                        "Description":"日本語 — ünïcødé 🚀",
                        "State":"RUNNING",
                        "RunningMode":"AUTO_STOP",
                        "CreatedAt":1700000000,
                        "Errors":[{"ErrorMessage":"line\nbreak \u0000 nul"}]
                      }
                    ],
                    "NextToken":"tök\u00e9n"
                }"#,
            ),
            (
                "unknown enum values",
                r#"{
                    "WorkspacesPools":[
                      {
                        "PoolId":"wspool-000000004",
                        "State":"MIGRATING",
                        "RunningMode":"SOMETIMES",
                        "CreatedAt":0,
                        "ApplicationSettings":{"Status":"PAUSED"},
                        "Errors":[{"ErrorCode":"SOMETHING_NEW"}]
                      }
                    ]
                }"#,
            ),
            (
                "timestamps",
                r#"{
                    "WorkspacesPools":[
                      {"State":"RUNNING","RunningMode":"AUTO_STOP","CreatedAt":1700000000.999999},
                      {"State":"RUNNING","RunningMode":"AUTO_STOP","CreatedAt":1700000000.0},
                      {"State":"RUNNING","RunningMode":"AUTO_STOP","CreatedAt":-1},
                      {"State":"RUNNING","RunningMode":"AUTO_STOP","CreatedAt":-1.5},
                      {"State":"RUNNING","RunningMode":"AUTO_STOP","CreatedAt":1e-06},
                      {"State":"RUNNING","RunningMode":"AUTO_STOP","CreatedAt":0.001},
                      {"State":"RUNNING","RunningMode":"AUTO_STOP","CreatedAt":253402300799}
                    ]
                }"#,
            ),
            (
                "RunningMode null or absent",
                r#"{"WorkspacesPools":[{"State":"RUNNING","RunningMode":null},{"State":"RUNNING"}]}"#,
            ),
            (
                "timestamps as dates",
                r#"{
                    "WorkspacesPools":[
                      {"State":"RUNNING","CreatedAt":"2024-01-01T00:00:00Z"},
                      {"State":"RUNNING","CreatedAt":"2024-02-29T23:59:59.123456+02:00"}
                    ]
                }"#,
            ),
            ("no pools", r#"{"WorkspacesPools":[]}"#),
            ("an empty object", "{}"),
            ("an empty body", ""),
            (
                "whitespace",
                " \n\t{ \"WorkspacesPools\" : [ ] , \"NextToken\" : \"\" } \n",
            ),
            ("pools null", r#"{"WorkspacesPools":null,"NextToken":"t"}"#),
            (
                "largest counts",
                r#"{
                    "WorkspacesPools":[
                      {
                        "State":"RUNNING",
                        "RunningMode":"AUTO_STOP",
                        "CapacityStatus":{
                          "AvailableUserSessions":2147483647,
                          "ActiveUserSessions":-2147483648
                        },
                        "TimeoutSettings":{"MaxUserDurationInSeconds":0}
                      }
                    ]
                }"#,
            ),
        ];

        /// Pages both decoders refuse.
        const REFUSED: &[(&str, &str)] = &[
            (
                "no State",
                r#"{"WorkspacesPools":[{"RunningMode":"AUTO_STOP"}]}"#,
            ),
            (
                "State null",
                r#"{"WorkspacesPools":[{"State":null,"RunningMode":"AUTO_STOP"}]}"#,
            ),
            (
                "ApplicationSettings without Status",
                r#"{"WorkspacesPools":[{"State":"RUNNING","RunningMode":"AUTO_STOP","ApplicationSettings":{"SettingsGroup":"g"}}]}"#,
            ),
            (
                "a string for an object",
                r#"{"WorkspacesPools":[{"State":"RUNNING","RunningMode":"AUTO_STOP","CapacityStatus":"full"}]}"#,
            ),
            (
                "an object for a list",
                r#"{"WorkspacesPools":{"PoolId":"x"}}"#,
            ),
            (
                "a number for a string",
                r#"{"WorkspacesPools":[{"PoolId":7,"State":"RUNNING","RunningMode":"AUTO_STOP"}]}"#,
            ),
            (
                "a fraction for a count",
                r#"{"WorkspacesPools":[{"State":"RUNNING","RunningMode":"AUTO_STOP","CapacityStatus":{"ActiveUserSessions":3.5}}]}"#,
            ),
            (
                "a count past i32",
                r#"{"WorkspacesPools":[{"State":"RUNNING","RunningMode":"AUTO_STOP","TimeoutSettings":{"MaxUserDurationInSeconds":2147483648}}]}"#,
            ),
            ("a null pool", r#"{"WorkspacesPools":[null]}"#),
            (
                "a null error",
                r#"{"WorkspacesPools":[{"State":"RUNNING","RunningMode":"AUTO_STOP","Errors":[null]}]}"#,
            ),
            ("truncated", r#"{"WorkspacesPools":[{"State":"RUNNING""#),
            ("not JSON", "<html>gateway</html>"),
            ("a list", "[]"),
            (
                "a timestamp as a string",
                r#"{"WorkspacesPools":[{"State":"RUNNING","CreatedAt":"1700000000"}]}"#,
            ),
            (
                "a timestamp as a date",
                r#"{"WorkspacesPools":[{"State":"RUNNING","CreatedAt":"2024-13-01T00:00:00Z"}]}"#,
            ),
        ];

        #[tokio::test]
        async fn odd_pages_decode_as_the_sdk_decodes_them() {
            for (case, body) in ALIKE {
                let client = answering(body);
                let sdk = by_sdk(&client, None).await;
                assert!(sdk.is_ok(), "{case}: the SDK reads it: {sdk:?}");
                assert_eq!(by_wsql(&client, None).await, sdk, "{case}");
            }
            for (case, body) in REFUSED {
                let client = answering(body);
                let sdk = by_sdk(&client, None).await;
                assert!(sdk.is_err(), "{case}: the SDK refuses it: {sdk:?}");
                let wsql = by_wsql(&client, None).await;
                assert!(wsql.is_err(), "{case}: wsql refuses it: {wsql:?}");
            }
        }

        #[tokio::test]
        async fn a_page_that_does_not_decode_is_an_error_saying_so() {
            let error = by_wsql(&answering("<html>gateway</html>"), None)
                .await
                .expect_err("not a page");
            assert!(
                error.contains("the answer does not decode as the model's shape"),
                "{error}"
            );
        }

        #[tokio::test]
        async fn a_member_given_twice_is_refused_where_the_sdk_keeps_the_last() {
            let client = answering(
                r#"{"WorkspacesPools":[{"State":"RUNNING","State":"STOPPED","RunningMode":"AUTO_STOP"}]}"#,
            );
            let (pools, _) = by_sdk(&client, None).await.expect("the SDK reads it");
            assert_eq!(pools[0].state, "STOPPED");
            let error = by_wsql(&client, None).await.expect_err("refused");
            assert!(error.contains("duplicate field `State`"), "{error}");
        }

        #[tokio::test]
        async fn every_page_of_an_emulated_fleet_decodes_as_the_sdk_decodes_it() {
            let emulator = Emulator::start(Fleet::seeded(7, &["us-east-1"], 260))
                .await
                .expect("emulator starts");
            let client = client(crate::targets::http_client(), &emulator.endpoint_url());
            let (mut token, mut pages, mut pools) = (None, 0, 0);
            loop {
                let sdk = by_sdk(&client, token.clone()).await.expect("a page");
                assert_eq!(
                    by_wsql(&client, token).await.as_ref(),
                    Ok(&sdk),
                    "page {pages}"
                );
                pages += 1;
                pools += sdk.0.len();
                token = sdk.1;
                if token.is_none() {
                    break;
                }
            }
            assert_eq!((pages, pools), (11, 260));
        }
    }
}
