//! `workspaces_connect_client_add_ins`: `DescribeConnectClientAddIns` as a table, one row per
//! Amazon Connect client add-in of a directory.
//!
//! The operation answers one directory (its required `ResourceId`), so the directories come
//! from a predicate or a join on `resource_id`, else from `workspaces_directories`, listed
//! first; one chain each, a few at a time. A directory that is gone has no add-ins.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `resource_id =`, `IN (...)`, OR-chains | `ResourceId`, one chain each; without it, every parent is listed first | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `resource_id` (this table on the probe side) | the build side's values, as for `resource_id IN (...)` | exact |
//! | no predicate or join on `resource_id` | `DescribeWorkspaceDirectories` lists the parents first, then one request chain per parent |  |
//! | `LIMIT n` (when every filter is exact) | `MaxResults` up to 25; paging stops at n rows |  |

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::types::ConnectClientAddIn;
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, Parent, Pushable, Restrictions, TargetApi};
use crate::tables::directories::Directories;
use crate::tables::gone::none_when_gone;
use crate::tables::patterns::is_directory_id;

const OPERATION: &str = "DescribeConnectClientAddIns";
/// Most add-ins one page may hold (`MaxResults`).
pub(crate) const MAX_PAGE_SIZE: usize = 25;

const RESOURCE_ID: Pushable = Pushable::new(
    "resource_id",
    is_directory_id,
    "`ResourceId`, one chain each",
    "d-1234567890",
);

/// `DescribeConnectClientAddIns`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct ConnectClientAddIns;

static COLUMNS: LazyLock<Columns<ConnectClientAddIn>> = LazyLock::new(|| {
    type A = ConnectClientAddIn;
    Columns::new(
        OPERATION,
        |a: &A| a.add_in_id(),
        vec![
            ColumnDef::text("add_in_id", |a: &A| a.add_in_id()),
            ColumnDef::text("resource_id", |a: &A| a.resource_id()),
            ColumnDef::text("name", |a: &A| a.name()),
            ColumnDef::text("url", |a: &A| a.url()).member("URL"),
        ],
    )
});

/// The parameters of one `DescribeConnectClientAddIns` chain: one directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AddInsRequest {
    /// `ResourceId`.
    pub resource_id: String,
    /// `MaxResults`, 1 to 25.
    pub max_results: i32,
}

impl fmt::Display for AddInsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{ResourceId: {}, MaxResults: {}}}",
            self.resource_id, self.max_results
        )
    }
}

impl DescribeTable for ConnectClientAddIns {
    type Item = ConnectClientAddIn;
    type Request = AddInsRequest;
    const NAME: &'static str = "workspaces_connect_client_add_ins";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "ConnectClientAddIn";
    const ROW: &'static str = "one row per Amazon Connect client add-in of a directory";
    const PUSHABLE: &'static [Pushable] = &[RESOURCE_ID];
    const JOIN_KEYS: &'static [&'static str] = &["resource_id"];
    const PAGE_LIMIT: Option<(&'static str, usize)> = Some(("MaxResults", MAX_PAGE_SIZE));

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn parent() -> Option<Parent> {
        Some(Parent::rows_of::<Directories>(
            "resource_id",
            "directory_id",
        ))
    }

    fn requests(restrictions: &Restrictions) -> Vec<AddInsRequest> {
        let max_results = restrictions.page_size(MAX_PAGE_SIZE);
        let ids = restrictions
            .values(RESOURCE_ID.column)
            .into_iter()
            .flatten();
        ids.map(|resource_id| AddInsRequest {
            resource_id: resource_id.clone(),
            max_results,
        })
        .collect()
    }

    fn pages(
        api: &TargetApi,
        request: AddInsRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        let parameters = request.to_string();
        none_when_gone(api.paginate(OPERATION, parameters, move |client, token| {
            client
                .describe_connect_client_add_ins()
                .resource_id(&request.resource_id)
                .max_results(request.max_results)
                .set_next_token(token)
                .send()
                .map_ok(|output| Page::from_response(output.add_ins, output.next_token))
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::describe_requests;
    use datafusion::logical_expr::{col, lit};

    #[test]
    fn one_chain_per_directory_or_every_directory_listed_first() {
        let r = ConnectClientAddIns::rules().fold(
            &[col("resource_id").in_list(vec![lit("wsd-bbbbbbbb"), lit("d-aaaaaaaaaa")], false)],
            Some(5),
        );
        let got: Vec<String> = ConnectClientAddIns::requests(&r)
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "{ResourceId: d-aaaaaaaaaa, MaxResults: 5}",
                "{ResourceId: wsd-bbbbbbbb, MaxResults: 5}"
            ]
        );
        assert_eq!(
            describe_requests::<ConnectClientAddIns>(&Restrictions::default()),
            "[DescribeWorkspaceDirectories {Limit: 25}, then for each resource_id: {ResourceId: <each>, MaxResults: 25}]"
        );
        assert!(
            ConnectClientAddIns::rules()
                .fold(&[col("resource_id").eq(lit("d-1"))], None)
                .matches_nothing
        );
    }
}
