//! `workspaces_bundles`: `DescribeWorkspaceBundles` as a table, one row per bundle.
//!
//! The operation lists either the account's bundles (no `Owner`) or Amazon's (`Owner=AMAZON`),
//! and `BundleIds` cannot be combined with `Owner`; with no predicate both lists are read.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `bundle_id =`, `IN (...)`, OR-chains | `BundleIds` (25 a request) | exact |
//! | `owner =`, `IN (...)`, OR-chains | `Owner=AMAZON` for `'AMAZON'`; the account's own list for any other owner | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `bundle_id` (this table on the probe side) | the build side's values, as for `bundle_id IN (...)` | exact |
//! | `LIMIT n` (when every filter is exact) | paging stops at n rows |  |

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::types::WorkspaceBundle;
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, Pushable, Restrictions, TargetApi};
use crate::tables::patterns::is_bundle_id;

const OPERATION: &str = "DescribeWorkspaceBundles";
/// Most ids one request may carry.
pub(crate) const MAX_BUNDLE_IDS: usize = 25;
/// The `Owner` of the bundles Amazon provides.
pub(crate) const AMAZON: &str = "AMAZON";

const BUNDLE_ID: Pushable = Pushable::new(
    "bundle_id",
    is_bundle_id,
    "`BundleIds` (25 a request)",
    "wsb-12345678",
);
const OWNER: Pushable = Pushable::new(
    "owner",
    |s| !s.is_empty(),
    "`Owner=AMAZON` for `'AMAZON'`; the account's own list for any other owner",
    "AMAZON",
);

/// `DescribeWorkspaceBundles`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct Bundles;

static COLUMNS: LazyLock<Columns<WorkspaceBundle>> = LazyLock::new(|| {
    type B = WorkspaceBundle;
    Columns::new(
        OPERATION,
        |b: &WorkspaceBundle| b.bundle_id(),
        vec![
            ColumnDef::text("bundle_id", |b: &B| b.bundle_id()),
            ColumnDef::text("name", |b: &B| b.name()),
            ColumnDef::text("owner", |b: &B| b.owner()),
            ColumnDef::text("description", |b: &B| b.description()),
            ColumnDef::text("bundle_type", |b: &B| b.bundle_type().map(|t| t.as_str())),
            ColumnDef::text("state", |b: &B| b.state().map(|s| s.as_str())),
            ColumnDef::text("compute_type", |b: &B| {
                b.compute_type().and_then(|c| c.name()).map(|n| n.as_str())
            })
            .member("ComputeType.Name"),
            ColumnDef::text("root_storage_capacity", |b: &B| {
                b.root_storage().map(|s| s.capacity())
            })
            .member("RootStorage.Capacity"),
            ColumnDef::text("user_storage_capacity", |b: &B| {
                b.user_storage().map(|s| s.capacity())
            })
            .member("UserStorage.Capacity"),
            ColumnDef::text("image_id", |b: &B| b.image_id()),
            ColumnDef::time("creation_time", |b: &B| b.creation_time()),
            ColumnDef::time("last_updated_time", |b: &B| b.last_updated_time()),
        ],
    )
});

/// The parameters of one `DescribeWorkspaceBundles` chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum BundlesRequest {
    /// `BundleIds`, at most 25, of any owner.
    Ids(Vec<String>),
    /// The account's bundles (no parameter).
    Account,
    /// `Owner=AMAZON`.
    Amazon,
}

impl fmt::Display for BundlesRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BundlesRequest::Ids(ids) => write!(f, "{{BundleIds: [{}]}}", ids.join(", ")),
            BundlesRequest::Account => write!(f, "{{}}"),
            BundlesRequest::Amazon => write!(f, "{{Owner: {AMAZON}}}"),
        }
    }
}

impl DescribeTable for Bundles {
    type Item = WorkspaceBundle;
    type Request = BundlesRequest;
    const NAME: &'static str = "workspaces_bundles";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "WorkspaceBundle";
    const ROW: &'static str = "one row per bundle, the account's own and Amazon's";
    const PUSHABLE: &'static [Pushable] = &[BUNDLE_ID, OWNER];
    const JOIN_KEYS: &'static [&'static str] = &["bundle_id"];

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn requests(restrictions: &Restrictions) -> Vec<BundlesRequest> {
        if let Some(ids) = restrictions.values(BUNDLE_ID.column) {
            let ids: Vec<String> = ids.iter().cloned().collect();
            return ids
                .chunks(MAX_BUNDLE_IDS)
                .map(|chunk| BundlesRequest::Ids(chunk.to_vec()))
                .collect();
        }
        let Some(owners) = restrictions.values(OWNER.column) else {
            return vec![BundlesRequest::Account, BundlesRequest::Amazon];
        };
        let mut requests = Vec::new();
        if owners.iter().any(|o| o != AMAZON) {
            requests.push(BundlesRequest::Account);
        }
        if owners.contains(AMAZON) {
            requests.push(BundlesRequest::Amazon);
        }
        requests
    }

    fn pages(
        api: &TargetApi,
        request: BundlesRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        api.paginate(OPERATION, request.to_string(), move |client, token| {
            let call = client.describe_workspace_bundles().set_next_token(token);
            let call = match &request {
                BundlesRequest::Ids(ids) => call.set_bundle_ids(Some(ids.clone())),
                BundlesRequest::Account => call,
                BundlesRequest::Amazon => call.owner(AMAZON),
            };
            call.send()
                .map_ok(|output| Page::from_response(output.bundles, output.next_token))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{col, lit};
    use datafusion::prelude::Expr;

    fn requests(filters: &[Expr]) -> Vec<BundlesRequest> {
        let r = Bundles::rules().fold(filters, None);
        Bundles::requests(&r)
    }

    #[test]
    fn no_owner_reads_both_lists() {
        assert_eq!(
            requests(&[]),
            vec![BundlesRequest::Account, BundlesRequest::Amazon]
        );
    }

    #[test]
    fn owner_picks_the_list() {
        assert_eq!(
            requests(&[col("owner").eq(lit("AMAZON"))]),
            vec![BundlesRequest::Amazon]
        );
        assert_eq!(
            requests(&[col("owner").eq(lit("123456789012"))]),
            vec![BundlesRequest::Account]
        );
    }

    #[test]
    fn ids_are_sent_alone_in_chunks() {
        let ids: Vec<Expr> = (0..26).map(|i| lit(format!("wsb-{i:08}"))).collect();
        let got = requests(&[
            col("bundle_id").in_list(ids, false),
            col("owner").eq(lit("AMAZON")),
        ]);
        assert_eq!(got.len(), 2);
        assert!(matches!(&got[1], BundlesRequest::Ids(ids) if ids.len() == 1));
        assert_eq!(
            BundlesRequest::Ids(vec!["wsb-00000001".into()]).to_string(),
            "{BundleIds: [wsb-00000001]}"
        );
    }
}
