//! `workspaces_application_associations`: `DescribeApplicationAssociations` as a table, one row
//! per association of an application with a WorkSpace, a bundle or an image, and how its
//! deployment went.
//!
//! The operation needs an `ApplicationId`, so a scan either calls the applications its
//! predicates (or a join's build side) name, or lists the applications first
//! (`DescribeApplications`) and makes one chain per application. It also needs
//! `AssociatedResourceTypes`: the types a predicate on `associated_resource_type` allows, else
//! every type the model lists (`WORKSPACE`, `BUNDLE`, `IMAGE`). An application that does not
//! exist (named by a predicate, or gone since it was listed) has no associations.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `application_id =`, `IN (...)`, OR-chains | `ApplicationId`, one chain each; without it, every parent is listed first | exact |
//! | `associated_resource_type =`, `IN (...)`, OR-chains | `AssociatedResourceTypes` (every type without it) | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `application_id` (this table on the probe side) | the build side's values, as for `application_id IN (...)` | exact |
//! | no predicate or join on `application_id` | `DescribeApplications` lists the parents first, then one request chain per parent |  |
//! | `LIMIT n` (when every filter is exact) | `MaxResults` up to 25; paging stops at n rows |  |

use std::sync::LazyLock;

use aws_sdk_workspaces::types::{
    ApplicationAssociatedResourceType, ApplicationResourceAssociation,
};
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{Columns, DescribeTable, Parent, Pushable, Restrictions, TargetApi};
use crate::tables::applications::Applications;
use crate::tables::associations::{self, AssociationsRequest, association_columns};
use crate::tables::gone::none_when_gone;
use crate::tables::patterns::is_application_id;

const OPERATION: &str = "DescribeApplicationAssociations";
/// Most associations one page may hold (`Limit`).
pub(crate) const MAX_PAGE_SIZE: usize = 25;

const APPLICATION_ID: Pushable = Pushable::new(
    "application_id",
    is_application_id,
    "`ApplicationId`, one chain each",
    "wsa-abc123xyz",
);
const RESOURCE_TYPE: Pushable = Pushable::new(
    "associated_resource_type",
    |s| ApplicationAssociatedResourceType::values().contains(&s),
    "`AssociatedResourceTypes` (every type without it)",
    "WORKSPACE",
);

/// `DescribeApplicationAssociations`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct ApplicationAssociations;

static COLUMNS: LazyLock<Columns<ApplicationResourceAssociation>> = LazyLock::new(|| {
    type A = ApplicationResourceAssociation;
    association_columns!(
        OPERATION,
        A,
        key: |a: &A| a.associated_resource_id(),
        "application_id" => |a: &A| a.application_id()
    )
});

impl DescribeTable for ApplicationAssociations {
    type Item = ApplicationResourceAssociation;
    type Request = AssociationsRequest;
    const NAME: &'static str = "workspaces_application_associations";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "ApplicationResourceAssociation";
    const ROW: &'static str =
        "one row per association of an application with a WorkSpace, a bundle or an image";
    const PUSHABLE: &'static [Pushable] = &[APPLICATION_ID, RESOURCE_TYPE];
    const JOIN_KEYS: &'static [&'static str] = &["application_id"];
    const PAGE_LIMIT: Option<(&'static str, usize)> = Some(("MaxResults", MAX_PAGE_SIZE));

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn parent() -> Option<Parent> {
        Some(Parent::rows_of::<Applications>(
            "application_id",
            "application_id",
        ))
    }

    fn requests(restrictions: &Restrictions) -> Vec<AssociationsRequest> {
        associations::requests(
            restrictions,
            (APPLICATION_ID.column, "ApplicationId"),
            RESOURCE_TYPE.column,
            ApplicationAssociatedResourceType::values(),
            Some(restrictions.page_size(MAX_PAGE_SIZE)),
        )
    }

    fn pages(
        api: &TargetApi,
        request: AssociationsRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        let types: Vec<ApplicationAssociatedResourceType> = request
            .types
            .iter()
            .map(|t| ApplicationAssociatedResourceType::from(*t))
            .collect();
        none_when_gone(
            api.paginate(OPERATION, request.to_string(), move |client, token| {
                client
                    .describe_application_associations()
                    .application_id(request.id.clone())
                    .set_associated_resource_types(Some(types.clone()))
                    .set_max_results(request.max_results)
                    .set_next_token(token)
                    .send()
                    .map_ok(|output| Page::from_response(output.associations, output.next_token))
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
    fn each_application_is_a_chain_for_every_type_unless_restricted() {
        let r = ApplicationAssociations::rules().fold(
            &[col("application_id")
                .in_list(vec![lit("wsa-bbbbbbbbb"), lit("wsa-aaaaaaaaa")], false)],
            None,
        );
        let got: Vec<String> = ApplicationAssociations::requests(&r)
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "{ApplicationId: wsa-aaaaaaaaa, AssociatedResourceTypes: [BUNDLE, IMAGE, WORKSPACE], MaxResults: 25}",
                "{ApplicationId: wsa-bbbbbbbbb, AssociatedResourceTypes: [BUNDLE, IMAGE, WORKSPACE], MaxResults: 25}"
            ]
        );
        let r = ApplicationAssociations::rules().fold(
            &[
                col("application_id").eq(lit("wsa-aaaaaaaaa")),
                col("associated_resource_type").in_list(vec![lit("IMAGE"), lit("BUNDLE")], false),
            ],
            Some(3),
        );
        assert_eq!(
            ApplicationAssociations::requests(&r)[0].to_string(),
            "{ApplicationId: wsa-aaaaaaaaa, AssociatedResourceTypes: [BUNDLE, IMAGE], MaxResults: 3}"
        );
    }

    #[test]
    fn without_an_application_every_application_is_listed_first() {
        let r = ApplicationAssociations::rules().fold(&[], None);
        assert_eq!(
            describe_requests::<ApplicationAssociations>(&r),
            "[DescribeApplications {MaxResults: 25}, then for each application_id: {ApplicationId: <each>, AssociatedResourceTypes: [BUNDLE, IMAGE, WORKSPACE], MaxResults: 25}]"
        );
    }

    #[test]
    fn impossible_values_match_nothing() {
        for filter in [
            col("application_id").eq(lit("wsa-x")),
            col("associated_resource_type").eq(lit("APPLICATION")),
        ] {
            assert!(
                ApplicationAssociations::rules()
                    .fold(&[filter], None)
                    .matches_nothing
            );
        }
    }
}
