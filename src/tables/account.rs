//! `workspaces_account`: `DescribeAccount` as a table, one row per account and region: whether
//! Bring Your Own License (BYOL, dedicated tenancy) is enabled there, its management network
//! range, and whether the account is the source or a target of a BYOL account link.
//!
//! The operation takes no parameter and answers one record, so a scan makes one call per
//! (account, region) and nothing narrows it but the target columns.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | `LIMIT n` (when every filter is exact) | paging stops at n rows |  |

use std::sync::LazyLock;

use aws_sdk_workspaces::operation::describe_account::DescribeAccountOutput;
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::scan::{ColumnDef, Columns, DescribeTable, NoParameters, Restrictions, TargetApi};

const OPERATION: &str = "DescribeAccount";

/// `DescribeAccount`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct Account;

static COLUMNS: LazyLock<Columns<DescribeAccountOutput>> = LazyLock::new(|| {
    type A = DescribeAccountOutput;
    Columns::new(
        OPERATION,
        |_: &A| None,
        vec![
            ColumnDef::text("dedicated_tenancy_support", |a: &A| {
                a.dedicated_tenancy_support().map(|s| s.as_str())
            }),
            ColumnDef::text("dedicated_tenancy_management_cidr_range", |a: &A| {
                a.dedicated_tenancy_management_cidr_range()
            }),
            ColumnDef::text("dedicated_tenancy_account_type", |a: &A| {
                a.dedicated_tenancy_account_type().map(|t| t.as_str())
            }),
            ColumnDef::text("message", |a: &A| a.message()),
        ],
    )
});

impl DescribeTable for Account {
    type Item = DescribeAccountOutput;
    type Request = NoParameters;
    const NAME: &'static str = "workspaces_account";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "DescribeAccountResult";
    const ROW: &'static str =
        "one row per account and region: its BYOL (dedicated tenancy) configuration";

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
        api.single_page(OPERATION, &request.to_string(), |client| {
            client
                .describe_account()
                .send()
                .map_ok(|output| vec![output])
        })
    }
}

/// Whether BYOL is enabled in the target: `DescribeAccount` says `ENABLED`.
pub(crate) async fn byol_enabled(api: &TargetApi) -> Result<bool> {
    use aws_sdk_workspaces::types::DedicatedTenancySupportResultEnum;
    let parameters = NoParameters.to_string();
    let output = api
        .call(OPERATION, &parameters, None, |client| {
            client.describe_account().send()
        })
        .await?;
    Ok(output.dedicated_tenancy_support() == Some(&DedicatedTenancySupportResultEnum::Enabled))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::targets::Place;
    use aws_sdk_workspaces::types::{
        DedicatedTenancyAccountType, DedicatedTenancySupportResultEnum,
    };
    use datafusion::arrow::array::{Array, AsArray};
    use datafusion::logical_expr::{col, lit};

    #[test]
    fn one_request_whatever_the_predicates() {
        let r = Account::rules().fold(&[col("region").eq(lit("us-east-1"))], Some(1));
        assert_eq!(Account::requests(&r), vec![NoParameters]);
        assert_eq!(NoParameters.to_string(), "{}");
    }

    #[test]
    fn converts_the_record_with_absent_members_as_nulls() {
        let enabled = DescribeAccountOutput::builder()
            .dedicated_tenancy_support(DedicatedTenancySupportResultEnum::Enabled)
            .dedicated_tenancy_management_cidr_range("10.12.0.0/16")
            .dedicated_tenancy_account_type(DedicatedTenancyAccountType::SourceAccount)
            .build();
        let disabled = DescribeAccountOutput::builder()
            .dedicated_tenancy_support(DedicatedTenancySupportResultEnum::Disabled)
            .build();
        let batch = COLUMNS
            .to_batch(
                &Place::in_region("us-east-1"),
                &[enabled, disabled],
                None,
                &COLUMNS.schema(),
            )
            .expect("converts");
        let schema = COLUMNS.schema();
        let column = |name: &str| batch.column(schema.index_of(name).expect("a column"));
        assert_eq!(
            column("dedicated_tenancy_account_type")
                .as_string::<i32>()
                .value(0),
            "SOURCE_ACCOUNT"
        );
        assert_eq!(
            column("dedicated_tenancy_support")
                .as_string::<i32>()
                .value(1),
            "DISABLED"
        );
        assert!(column("dedicated_tenancy_management_cidr_range").is_null(1));
    }
}
