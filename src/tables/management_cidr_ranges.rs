//! `workspaces_management_cidr_ranges`: `ListAvailableManagementCidrRanges` as a table, one row
//! per `/16` range an account could take as its BYOL management network in a region, within
//! the range searched.
//!
//! The operation cannot be called without `ManagementCidrRangeConstraint`, the range to search,
//! and nothing lists the constraints there are: a query must give
//! `management_cidr_range_constraint` (`=` or `IN`), and one without it fails at planning with
//! a line naming the column and an example, as Steampipe's required key columns do. Each row
//! carries the constraint it was listed for, so a query over several constraints tells them
//! apart. Even the table without pushdown sends it: it is the request.
//!
//! Only accounts with BYOL enabled may call the operation; the others are answered
//! `AccessDeniedException`. The scan then asks `DescribeAccount`: when it says BYOL is not
//! enabled, that account and region have no ranges to offer (no rows, no failure); otherwise the
//! denial stands, as any other.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `management_cidr_range_constraint =`, `IN (...)`, OR-chains | `ManagementCidrRangeConstraint`, one chain each; required: a query without it fails | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | `LIMIT n` (when every filter is exact) | `MaxResults` up to 5; paging stops at n rows |  |

use std::fmt;
use std::sync::LazyLock;

use futures::stream::BoxStream;
use futures::{StreamExt, TryFutureExt};

use crate::error::{Error, Result};
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, Pushable, Restrictions, TargetApi};
use crate::tables::account::byol_enabled;

const OPERATION: &str = "ListAvailableManagementCidrRanges";
/// Most ranges one page may hold (`ManagementCidrRangeMaxResults`).
pub(crate) const MAX_PAGE_SIZE: usize = 5;
/// The column a query must restrict.
const CONSTRAINT_COLUMN: &str = "management_cidr_range_constraint";

const CONSTRAINT: Pushable = Pushable::new(
    CONSTRAINT_COLUMN,
    is_cidr_block,
    "`ManagementCidrRangeConstraint`, one chain each",
    "10.0.0.0/8",
);

/// `^((octet)\.){3}(octet)(\/(3[0-2]|[1-2][0-9]|[0-9]))$` (`ManagementCidrRangeConstraint`),
/// an octet being 0 to 255 without leading zeros.
pub(crate) fn is_cidr_block(s: &str) -> bool {
    let canonical = |text: &str, max: u32| {
        !text.is_empty()
            && text.len() <= 3
            && text.bytes().all(|b| b.is_ascii_digit())
            && (text == "0" || !text.starts_with('0'))
            && text.parse::<u32>().is_ok_and(|n| n <= max)
    };
    let Some((address, prefix)) = s.split_once('/') else {
        return false;
    };
    let octets: Vec<&str> = address.split('.').collect();
    octets.len() == 4 && octets.iter().all(|o| canonical(o, 255)) && canonical(prefix, 32)
}

/// One available range, with the constraint it was listed for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ManagementCidrRange {
    /// The range searched.
    pub constraint: String,
    /// The available `/16`.
    pub range: String,
}

/// `ListAvailableManagementCidrRanges`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct ManagementCidrRanges;

static COLUMNS: LazyLock<Columns<ManagementCidrRange>> = LazyLock::new(|| {
    type R = ManagementCidrRange;
    Columns::new(
        OPERATION,
        |r: &R| Some(r.range.as_str()),
        vec![
            ColumnDef::text(CONSTRAINT_COLUMN, |r: &R| Some(r.constraint.as_str()))
                .not_null()
                .about("The IP address range searched: the request's ManagementCidrRangeConstraint, which a query must give."),
            ColumnDef::text("management_cidr_range", |r: &R| Some(r.range.as_str()))
                .not_null()
                .member("ManagementCidrRanges"),
        ],
    )
});

/// The parameters of one `ListAvailableManagementCidrRanges` chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RangesRequest {
    /// `ManagementCidrRangeConstraint`.
    pub constraint: String,
    /// `MaxResults`, 1 to 5.
    pub max_results: i32,
}

impl fmt::Display for RangesRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{ManagementCidrRangeConstraint: {}, MaxResults: {}}}",
            self.constraint, self.max_results
        )
    }
}

impl DescribeTable for ManagementCidrRanges {
    type Item = ManagementCidrRange;
    type Request = RangesRequest;
    const NAME: &'static str = "workspaces_management_cidr_ranges";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "ListAvailableManagementCidrRangesResult";
    const ROW: &'static str = "one row per /16 range an account could take as its BYOL management network, per range searched";
    const PUSHABLE: &'static [Pushable] = &[CONSTRAINT];
    const REQUIRED_COLUMNS: &'static [&'static str] = &[CONSTRAINT_COLUMN];
    const PAGE_LIMIT: Option<(&'static str, usize)> = Some(("MaxResults", MAX_PAGE_SIZE));

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn requests(restrictions: &Restrictions) -> Vec<RangesRequest> {
        let max_results = restrictions.page_size(MAX_PAGE_SIZE);
        let constraints = restrictions.values(CONSTRAINT_COLUMN).into_iter().flatten();
        constraints
            .map(|constraint| RangesRequest {
                constraint: constraint.clone(),
                max_results,
            })
            .collect()
    }

    fn pages(
        api: &TargetApi,
        request: RangesRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        let check = api.clone();
        ranges(api, request)
            .enumerate()
            .flat_map(move |(page, result)| match result {
                Err(denied @ Error::AccessDenied { .. }) if page == 0 => {
                    let api = check.clone();
                    futures::stream::once(async move {
                        match byol_enabled(&api).await {
                            Ok(false) => None,
                            Ok(true) | Err(_) => Some(Err(denied)),
                        }
                    })
                    .filter_map(futures::future::ready)
                    .boxed()
                }
                other => futures::stream::once(futures::future::ready(other)).boxed(),
            })
            .boxed()
    }
}

/// The pages of one chain, each range with the constraint it was listed for.
fn ranges(
    api: &TargetApi,
    request: RangesRequest,
) -> BoxStream<'static, Result<Vec<ManagementCidrRange>>> {
    api.paginate(OPERATION, request.to_string(), move |client, token| {
        let constraint = request.constraint.clone();
        client
            .list_available_management_cidr_ranges()
            .management_cidr_range_constraint(&request.constraint)
            .max_results(request.max_results)
            .set_next_token(token)
            .send()
            .map_ok(move |output| {
                let ranges = output.management_cidr_ranges.map(|ranges| {
                    ranges
                        .into_iter()
                        .map(|range| ManagementCidrRange {
                            constraint: constraint.clone(),
                            range,
                        })
                        .collect()
                });
                Page::from_response(ranges, output.next_token)
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{col, lit};

    #[test]
    fn one_chain_per_constraint_with_max_results_from_the_limit() {
        let r =
            ManagementCidrRanges::rules().fold(
                &[col(CONSTRAINT_COLUMN)
                    .in_list(vec![lit("172.16.0.0/12"), lit("10.0.0.0/8")], false)],
                Some(2),
            );
        let got: Vec<String> = ManagementCidrRanges::requests(&r)
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "{ManagementCidrRangeConstraint: 10.0.0.0/8, MaxResults: 2}",
                "{ManagementCidrRangeConstraint: 172.16.0.0/12, MaxResults: 2}"
            ]
        );
    }

    #[test]
    fn the_constraint_is_required_and_impossible_ones_match_nothing() {
        let rules = ManagementCidrRanges::rules();
        let without = rules.fold(&[col("region").eq(lit("us-east-1"))], None);
        assert_eq!(
            without.missing_required(rules.required),
            Some(CONSTRAINT_COLUMN)
        );
        let impossible = rules.fold(&[col(CONSTRAINT_COLUMN).eq(lit("10.0.0.0"))], None);
        assert!(impossible.matches_nothing);
        assert_eq!(impossible.missing_required(rules.required), None);
    }

    #[test]
    fn cidr_blocks_follow_the_pattern() {
        for good in [
            "10.0.0.0/8",
            "0.0.0.0/0",
            "255.255.255.255/32",
            "192.168.1.7/24",
        ] {
            assert!(is_cidr_block(good), "{good}");
        }
        for bad in [
            "10.0.0.0",
            "10.0.0/8",
            "10.0.0.0/33",
            "010.0.0.0/8",
            "10.0.0.0/08",
            "256.0.0.0/8",
            "10.0.0.0/8 ",
            "a.b.c.d/8",
            "",
        ] {
            assert!(!is_cidr_block(bad), "{bad}");
        }
    }
}
