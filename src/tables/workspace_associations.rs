//! `workspaces_workspace_associations`: `DescribeWorkspaceAssociations` as a table, one row per
//! application associated with a personal WorkSpace, and how its deployment went: the same
//! associations as `workspaces_application_associations` shows with the `WORKSPACE` type, seen
//! from the WorkSpace.
//!
//! The operation needs a `WorkspaceId`, so a scan either calls the WorkSpaces its predicates (or
//! a join's build side) name, or lists the WorkSpaces first (`DescribeWorkspaces`) and makes one
//! call per WorkSpace. It also needs `AssociatedResourceTypes`: the types a predicate on
//! `associated_resource_type` allows, else every type the model lists (only `APPLICATION`). The
//! operation does not page. A WorkSpace that does not exist (named by a predicate, or gone since
//! it was listed) has no associations.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `workspace_id =`, `IN (...)`, OR-chains | `WorkspaceId`, one call each; without it, every parent is listed first | exact |
//! | `associated_resource_type =`, `IN (...)`, OR-chains | `AssociatedResourceTypes` (every type without it) | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `workspace_id` (this table on the probe side) | the build side's values, as for `workspace_id IN (...)` | exact |
//! | no predicate or join on `workspace_id` | `DescribeWorkspaces` lists the parents first, then one request chain per parent |  |
//! | `LIMIT n` (when every filter is exact) | paging stops at n rows |  |

use std::sync::LazyLock;

use aws_sdk_workspaces::types::{WorkSpaceAssociatedResourceType, WorkspaceResourceAssociation};
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::scan::{Columns, DescribeTable, Parent, Pushable, Restrictions, TargetApi};
use crate::tables::associations::{self, AssociationsRequest, association_columns};
use crate::tables::gone::none_when_gone;
use crate::tables::patterns::is_workspace_id;
use crate::tables::workspaces::Workspaces;

const OPERATION: &str = "DescribeWorkspaceAssociations";

const WORKSPACE_ID: Pushable = Pushable::new(
    "workspace_id",
    is_workspace_id,
    "`WorkspaceId`, one call each",
    "ws-abcdefgh1",
);
const RESOURCE_TYPE: Pushable = Pushable::new(
    "associated_resource_type",
    |s| WorkSpaceAssociatedResourceType::values().contains(&s),
    "`AssociatedResourceTypes` (every type without it)",
    "APPLICATION",
);

/// `DescribeWorkspaceAssociations`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct WorkspaceAssociations;

static COLUMNS: LazyLock<Columns<WorkspaceResourceAssociation>> = LazyLock::new(|| {
    type A = WorkspaceResourceAssociation;
    association_columns!(
        OPERATION,
        A,
        key: |a: &A| a.associated_resource_id(),
        "workspace_id" => |a: &A| a.workspace_id()
    )
});

impl DescribeTable for WorkspaceAssociations {
    type Item = WorkspaceResourceAssociation;
    type Request = AssociationsRequest;
    const NAME: &'static str = "workspaces_workspace_associations";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "WorkspaceResourceAssociation";
    const ROW: &'static str = "one row per application associated with a personal WorkSpace";
    const PUSHABLE: &'static [Pushable] = &[WORKSPACE_ID, RESOURCE_TYPE];
    const JOIN_KEYS: &'static [&'static str] = &["workspace_id"];

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn parent() -> Option<Parent> {
        Some(Parent::rows_of::<Workspaces>(
            "workspace_id",
            "workspace_id",
        ))
    }

    fn requests(restrictions: &Restrictions) -> Vec<AssociationsRequest> {
        associations::requests(
            restrictions,
            (WORKSPACE_ID.column, "WorkspaceId"),
            RESOURCE_TYPE.column,
            WorkSpaceAssociatedResourceType::values(),
            None,
        )
    }

    fn pages(
        api: &TargetApi,
        request: AssociationsRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        let types: Vec<WorkSpaceAssociatedResourceType> = request
            .types
            .iter()
            .map(|t| WorkSpaceAssociatedResourceType::from(*t))
            .collect();
        none_when_gone(api.single_page(OPERATION, &request.to_string(), |client| {
            client
                .describe_workspace_associations()
                .workspace_id(request.id)
                .set_associated_resource_types(Some(types))
                .send()
                .map_ok(|output| output.associations.unwrap_or_default())
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::describe_requests;
    use datafusion::logical_expr::{col, lit};

    #[test]
    fn one_call_per_workspace_with_every_type() {
        let r = WorkspaceAssociations::rules().fold(
            &[col("workspace_id").in_list(vec![lit("ws-bbbbbbbbb"), lit("ws-aaaaaaaaa")], false)],
            Some(2),
        );
        let got: Vec<String> = WorkspaceAssociations::requests(&r)
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "{WorkspaceId: ws-aaaaaaaaa, AssociatedResourceTypes: [APPLICATION]}",
                "{WorkspaceId: ws-bbbbbbbbb, AssociatedResourceTypes: [APPLICATION]}"
            ]
        );
    }

    #[test]
    fn without_a_workspace_every_workspace_is_listed_first() {
        let r = WorkspaceAssociations::rules().fold(&[], None);
        assert_eq!(
            describe_requests::<WorkspaceAssociations>(&r),
            "[DescribeWorkspaces {Limit: 25}, then for each workspace_id: {WorkspaceId: <each>, AssociatedResourceTypes: [APPLICATION]}]"
        );
    }

    #[test]
    fn impossible_values_match_nothing() {
        for filter in [
            col("workspace_id").eq(lit("ws-1")),
            col("associated_resource_type").eq(lit("WORKSPACE")),
        ] {
            assert!(
                WorkspaceAssociations::rules()
                    .fold(&[filter], None)
                    .matches_nothing
            );
        }
    }
}
