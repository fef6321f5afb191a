//! `workspaces_client_properties`: `DescribeClientProperties` as a table, one row per
//! directory with its WorkSpaces client settings.
//!
//! The operation requires `ResourceIds` (1 to 25 directory ids) and answers them all at once,
//! so the directories come from a predicate or a join on `resource_id`, else from
//! `workspaces_directories`, listed first: one call per page of directories. When the service
//! answers a batch with `ResourceNotFoundException` (a directory is gone), the batch is asked
//! again in halves until the directories that exist are found.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `resource_id =`, `IN (...)`, OR-chains | `ResourceIds` (25 a request); without it, every parent is listed first | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `resource_id` (this table on the probe side) | the build side's values, as for `resource_id IN (...)` | exact |
//! | no predicate or join on `resource_id` | `DescribeWorkspaceDirectories` lists the parents first, then one request per page of parents |  |
//! | `LIMIT n` (when every filter is exact) | paging stops at n rows |  |

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::types::ClientPropertiesResult;
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, Parent, Pushable, Restrictions, TargetApi};
use crate::tables::directories::Directories;
use crate::tables::gone::split_when_gone;

const OPERATION: &str = "DescribeClientProperties";
/// Most directories one request may carry (`ResourceIdList`).
pub(crate) const MAX_RESOURCE_IDS: usize = 25;

const RESOURCE_ID: Pushable = Pushable::new(
    "resource_id",
    |s| !s.is_empty(),
    "`ResourceIds` (25 a request)",
    "d-1234567890",
);

/// `DescribeClientProperties`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct ClientProperties;

static COLUMNS: LazyLock<Columns<ClientPropertiesResult>> = LazyLock::new(|| {
    type C = ClientPropertiesResult;
    Columns::new(
        OPERATION,
        |c: &C| c.resource_id(),
        vec![
            ColumnDef::text("resource_id", |c: &C| c.resource_id()),
            ColumnDef::text("reconnect_enabled", |c: &C| {
                c.client_properties()
                    .and_then(|p| p.reconnect_enabled())
                    .map(|e| e.as_str())
            })
            .member("ClientProperties.ReconnectEnabled"),
            ColumnDef::text("log_upload_enabled", |c: &C| {
                c.client_properties()
                    .and_then(|p| p.log_upload_enabled())
                    .map(|e| e.as_str())
            })
            .member("ClientProperties.LogUploadEnabled"),
            ColumnDef::text("client_experience_policy", |c: &C| {
                c.client_properties()
                    .and_then(|p| p.client_experience_policy())
            })
            .member("ClientProperties.ClientExperiencePolicy"),
        ],
    )
});

/// The parameters of one `DescribeClientProperties` call: up to 25 directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClientPropertiesRequest {
    /// `ResourceIds`.
    pub resource_ids: Vec<String>,
}

impl fmt::Display for ClientPropertiesRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{ResourceIds: [{}]}}", self.resource_ids.join(", "))
    }
}

impl DescribeTable for ClientProperties {
    type Item = ClientPropertiesResult;
    type Request = ClientPropertiesRequest;
    const NAME: &'static str = "workspaces_client_properties";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "ClientPropertiesResult";
    const ROW: &'static str = "one row per directory: its WorkSpaces client settings";
    const PUSHABLE: &'static [Pushable] = &[RESOURCE_ID];
    const JOIN_KEYS: &'static [&'static str] = &["resource_id"];

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn parent() -> Option<Parent> {
        Some(Parent::rows_of::<Directories>(
            "resource_id",
            "directory_id",
        ))
    }

    fn requests(restrictions: &Restrictions) -> Vec<ClientPropertiesRequest> {
        let ids: Vec<String> = restrictions
            .values(RESOURCE_ID.column)
            .into_iter()
            .flatten()
            .cloned()
            .collect();
        ids.chunks(MAX_RESOURCE_IDS)
            .map(|chunk| ClientPropertiesRequest {
                resource_ids: chunk.to_vec(),
            })
            .collect()
    }

    fn pages(
        api: &TargetApi,
        request: ClientPropertiesRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        let api = api.clone();
        split_when_gone(request.resource_ids, move |resource_ids| {
            let parameters = ClientPropertiesRequest {
                resource_ids: resource_ids.clone(),
            }
            .to_string();
            // Not paged: the one answer is the chain's only page.
            api.paginate(OPERATION, parameters, move |client, counter, _| {
                client
                    .describe_client_properties()
                    .set_resource_ids(Some(resource_ids.clone()))
                    .customize()
                    .interceptor(counter)
                    .send()
                    .map_ok(|output| Page::from_response(output.client_properties_list, None))
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::describe_requests;
    use datafusion::logical_expr::{col, lit};
    use datafusion::prelude::Expr;

    #[test]
    fn directories_go_25_a_request() {
        let ids: Vec<Expr> = (0..30).map(|i| lit(format!("d-{i:010}"))).collect();
        let r = ClientProperties::rules().fold(&[col("resource_id").in_list(ids, false)], None);
        let sizes: Vec<usize> = ClientProperties::requests(&r)
            .iter()
            .map(|r| r.resource_ids.len())
            .collect();
        assert_eq!(sizes, [25, 5]);
        let listed =
            Restrictions::default().with_listed("resource_id", vec!["d-1".into(), "d-2".into()]);
        assert_eq!(
            ClientProperties::requests(&listed)[0].to_string(),
            "{ResourceIds: [d-1, d-2]}"
        );
    }

    #[test]
    fn the_rules_say_a_page_of_directories_is_one_request() {
        let rules = crate::scan::rules::of::<ClientProperties>();
        let listing = rules
            .iter()
            .find(|r| r.predicate.starts_with("no predicate"))
            .expect("a listing rule");
        assert!(
            listing.request.ends_with("one request per page of parents"),
            "{}",
            listing.request
        );
        let sessions = crate::scan::rules::of::<crate::tables::sessions::PoolSessions>();
        assert!(
            sessions
                .iter()
                .any(|r| r.request.ends_with("one request chain per parent"))
        );
    }

    #[test]
    fn without_directories_they_are_listed_first() {
        assert_eq!(
            describe_requests::<ClientProperties>(&Restrictions::default()),
            "[DescribeWorkspaceDirectories {Limit: 25}, then for each resource_id: {ResourceIds: [<each>]}]"
        );
        assert!(
            ClientProperties::rules()
                .fold(&[col("resource_id").eq(lit(""))], None)
                .matches_nothing
        );
    }
}
