//! `workspaces_account_modifications`: `DescribeAccountModifications` as a table, one row per
//! change of an account's BYOL (dedicated tenancy) configuration in a region: what was asked
//! (enable or disable, which management range), when, and whether it completed or failed.
//!
//! The operation takes only a `NextToken`: the service picks the page size, and a scan pages
//! through the whole history of each target.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | `LIMIT n` (when every filter is exact) | paging stops at n rows |  |

use std::sync::LazyLock;

use aws_sdk_workspaces::types::AccountModification;
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, NoParameters, Restrictions, TargetApi};

const OPERATION: &str = "DescribeAccountModifications";

/// `DescribeAccountModifications`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct AccountModifications;

static COLUMNS: LazyLock<Columns<AccountModification>> = LazyLock::new(|| {
    type M = AccountModification;
    Columns::new(
        OPERATION,
        |_: &M| None,
        vec![
            ColumnDef::text("modification_state", |m: &M| {
                m.modification_state().map(|s| s.as_str())
            }),
            ColumnDef::text("dedicated_tenancy_support", |m: &M| {
                m.dedicated_tenancy_support().map(|s| s.as_str())
            }),
            ColumnDef::text("dedicated_tenancy_management_cidr_range", |m: &M| {
                m.dedicated_tenancy_management_cidr_range()
            }),
            ColumnDef::time("start_time", |m: &M| m.start_time()),
            ColumnDef::text("error_code", |m: &M| m.error_code()),
            ColumnDef::text("error_message", |m: &M| m.error_message()),
        ],
    )
});

impl DescribeTable for AccountModifications {
    type Item = AccountModification;
    type Request = NoParameters;
    const NAME: &'static str = "workspaces_account_modifications";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "AccountModification";
    const ROW: &'static str =
        "one row per change of an account's BYOL configuration in a region, newest first";

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn requests(_restrictions: &Restrictions) -> Vec<NoParameters> {
        vec![NoParameters]
    }

    fn pages(
        api: &TargetApi,
        request: NoParameters,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        api.paginate(OPERATION, request.to_string(), move |client, token| {
            client
                .describe_account_modifications()
                .set_next_token(token)
                .send()
                .map_ok(|output| {
                    Page::from_response(output.account_modifications, output.next_token)
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::Place;
    use aws_sdk_workspaces::types::{
        DedicatedTenancyModificationStateEnum, DedicatedTenancySupportResultEnum,
    };
    use aws_smithy_types::DateTime;
    use datafusion::arrow::array::{Array, AsArray};
    use datafusion::arrow::datatypes::TimestampMicrosecondType;

    #[test]
    fn one_chain_per_target() {
        let r = AccountModifications::rules().fold(&[], Some(2));
        assert_eq!(AccountModifications::requests(&r), vec![NoParameters]);
    }

    #[test]
    fn converts_a_failed_and_a_completed_modification() {
        let failed = AccountModification::builder()
            .modification_state(DedicatedTenancyModificationStateEnum::Failed)
            .dedicated_tenancy_support(DedicatedTenancySupportResultEnum::Enabled)
            .start_time(DateTime::from_secs(1_750_000_000))
            .error_code("ManagementCidrRangeUnavailable")
            .error_message("not available")
            .build();
        let completed = AccountModification::builder()
            .modification_state(DedicatedTenancyModificationStateEnum::Completed)
            .dedicated_tenancy_management_cidr_range("10.7.0.0/16")
            .build();
        let batch = COLUMNS
            .to_batch(
                &Place::in_region("eu-west-1"),
                &[failed, completed],
                None,
                &COLUMNS.schema(),
            )
            .expect("converts");
        let schema = COLUMNS.schema();
        let column = |name: &str| batch.column(schema.index_of(name).expect("a column"));
        assert_eq!(
            column("modification_state").as_string::<i32>().value(0),
            "FAILED"
        );
        assert_eq!(
            column("start_time")
                .as_primitive::<TimestampMicrosecondType>()
                .value(0),
            1_750_000_000_000_000
        );
        assert!(column("start_time").is_null(1));
        assert!(column("error_code").is_null(1));
    }
}
