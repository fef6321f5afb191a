//! `workspaces_bundle_associations`: `DescribeBundleAssociations` as a table, one row per
//! application (or other resource) associated with a bundle.
//!
//! The operation needs a `BundleId` and the `AssociatedResourceTypes` to answer (both required),
//! and has no paging: a scan makes one call per bundle its predicates (or a join's build side)
//! name, or lists the target's bundles first (the account's and Amazon's, as
//! `workspaces_bundles` does) and calls each, asking for the types an `associated_resource_type`
//! predicate allows, else for every type the model lists. A bundle that does not exist, or is
//! gone, answers `ResourceNotFoundException`: no rows.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `bundle_id =`, `IN (...)`, OR-chains | `BundleId`, one call each; without it, every parent is listed first | exact |
//! | `associated_resource_type =`, `IN (...)`, OR-chains | `AssociatedResourceTypes`: those values (every type the model lists without it) | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `bundle_id` (this table on the probe side) | the build side's values, as for `bundle_id IN (...)` | exact |
//! | no predicate or join on `bundle_id` | `DescribeWorkspaceBundles` lists the parents first, then one request chain per parent |  |
//! | `LIMIT n` (when every filter is exact) | paging stops at n rows |  |

use std::sync::LazyLock;

use aws_sdk_workspaces::types::{BundleAssociatedResourceType, BundleResourceAssociation};
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{Columns, DescribeTable, Parent, Pushable, Restrictions, TargetApi};
use crate::tables::associations::{self, AssociationsRequest, association_columns};
use crate::tables::bundles::Bundles;
use crate::tables::gone::none_when_gone;
use crate::tables::patterns::is_bundle_id;

const OPERATION: &str = "DescribeBundleAssociations";

const BUNDLE_ID: Pushable = Pushable::new(
    "bundle_id",
    is_bundle_id,
    "`BundleId`, one call each",
    "wsb-12345678",
);
const ASSOCIATED_RESOURCE_TYPE: Pushable = Pushable::new(
    "associated_resource_type",
    |s| BundleAssociatedResourceType::values().contains(&s),
    "`AssociatedResourceTypes`: those values (every type the model lists without it)",
    "APPLICATION",
);

/// `DescribeBundleAssociations`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct BundleAssociations;

static COLUMNS: LazyLock<Columns<BundleResourceAssociation>> = LazyLock::new(|| {
    type A = BundleResourceAssociation;
    association_columns!(
        OPERATION,
        A,
        key: |a: &A| a.bundle_id(),
        "bundle_id" => |a: &A| a.bundle_id()
    )
});

impl DescribeTable for BundleAssociations {
    type Item = BundleResourceAssociation;
    type Request = AssociationsRequest;
    const NAME: &'static str = "workspaces_bundle_associations";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "BundleResourceAssociation";
    const ROW: &'static str = "one row per resource (an application) associated with a bundle";
    const PUSHABLE: &'static [Pushable] = &[BUNDLE_ID, ASSOCIATED_RESOURCE_TYPE];
    const JOIN_KEYS: &'static [&'static str] = &["bundle_id"];

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn parent() -> Option<Parent> {
        Some(Parent::rows_of::<Bundles>("bundle_id", "bundle_id"))
    }

    fn requests(restrictions: &Restrictions) -> Vec<AssociationsRequest> {
        associations::requests(
            restrictions,
            (BUNDLE_ID.column, "BundleId"),
            ASSOCIATED_RESOURCE_TYPE.column,
            BundleAssociatedResourceType::values(),
            None,
        )
    }

    fn pages(
        api: &TargetApi,
        request: AssociationsRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        none_when_gone(
            api.paginate(OPERATION, request.to_string(), move |client, _no_token| {
                let types = request
                    .types
                    .iter()
                    .map(|t| BundleAssociatedResourceType::from(*t))
                    .collect();
                client
                    .describe_bundle_associations()
                    .bundle_id(request.id.clone())
                    .set_associated_resource_types(Some(types))
                    .send()
                    .map_ok(|output| Page::from_response(output.associations, None))
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::describe_requests;
    use datafusion::logical_expr::{col, lit};

    #[test]
    fn named_bundles_are_called_with_every_type_else_bundles_are_listed() {
        let r = BundleAssociations::rules().fold(
            &[col("bundle_id").in_list(vec![lit("wsb-bbbbbbbb"), lit("wsb-aaaaaaaa")], false)],
            None,
        );
        assert_eq!(
            describe_requests::<BundleAssociations>(&r),
            "[{BundleId: wsb-aaaaaaaa, AssociatedResourceTypes: [APPLICATION]}, \
             {BundleId: wsb-bbbbbbbb, AssociatedResourceTypes: [APPLICATION]}]"
        );
        let r = BundleAssociations::rules().fold(&[], None);
        assert_eq!(
            describe_requests::<BundleAssociations>(&r),
            "[DescribeWorkspaceBundles {} + {Owner: AMAZON}, \
             then for each bundle_id: {BundleId: <each>, AssociatedResourceTypes: [APPLICATION]}]"
        );
    }

    #[test]
    fn impossible_values_match_nothing() {
        for filter in [
            col("associated_resource_type").eq(lit("IMAGE")),
            col("bundle_id").eq(lit("wsi-abc123xyz")),
        ] {
            assert!(
                BundleAssociations::rules()
                    .fold(&[filter], None)
                    .matches_nothing
            );
        }
    }
}
