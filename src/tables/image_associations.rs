//! `workspaces_image_associations`: `DescribeImageAssociations` as a table, one row per
//! application (or other resource) associated with an image.
//!
//! The operation needs an `ImageId` and the `AssociatedResourceTypes` to answer (both required),
//! and has no paging: a scan makes one call per image its predicates (or a join's build side)
//! name, or lists the target's images first and calls each, asking for the types an
//! `associated_resource_type` predicate allows, else for every type the model lists. An image
//! that is not the account's, or is gone, answers `ResourceNotFoundException`: no rows.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `image_id =`, `IN (...)`, OR-chains | `ImageId`, one call each; without it, every parent is listed first | exact |
//! | `associated_resource_type =`, `IN (...)`, OR-chains | `AssociatedResourceTypes`: those values (every type the model lists without it) | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `image_id` (this table on the probe side) | the build side's values, as for `image_id IN (...)` | exact |
//! | no predicate or join on `image_id` | `DescribeWorkspaceImages` lists the parents with `image_type = 'OWNED'` first, then one request chain per parent |  |
//! | `LIMIT n` (when every filter is exact) | paging stops at n rows |  |

use std::sync::LazyLock;

use aws_sdk_workspaces::types::{ImageAssociatedResourceType, ImageResourceAssociation};
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{Columns, DescribeTable, Parent, Pushable, Restrictions, TargetApi};
use crate::tables::associations::{self, AssociationsRequest, association_columns};
use crate::tables::gone::none_when_gone;
use crate::tables::images::{Images, OWN_IMAGES};
use crate::tables::patterns::is_image_id;

const OPERATION: &str = "DescribeImageAssociations";

const IMAGE_ID: Pushable = Pushable::new(
    "image_id",
    is_image_id,
    "`ImageId`, one call each",
    "wsi-abc123xyz",
);
const ASSOCIATED_RESOURCE_TYPE: Pushable = Pushable::new(
    "associated_resource_type",
    |s| ImageAssociatedResourceType::values().contains(&s),
    "`AssociatedResourceTypes`: those values (every type the model lists without it)",
    "APPLICATION",
);

/// `DescribeImageAssociations`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct ImageAssociations;

static COLUMNS: LazyLock<Columns<ImageResourceAssociation>> = LazyLock::new(|| {
    type A = ImageResourceAssociation;
    association_columns!(
        OPERATION,
        A,
        key: |a: &A| a.image_id(),
        "image_id" => |a: &A| a.image_id()
    )
});

impl DescribeTable for ImageAssociations {
    type Item = ImageResourceAssociation;
    type Request = AssociationsRequest;
    const NAME: &'static str = "workspaces_image_associations";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "ImageResourceAssociation";
    const ROW: &'static str = "one row per resource (an application) associated with an image";
    const PUSHABLE: &'static [Pushable] = &[IMAGE_ID, ASSOCIATED_RESOURCE_TYPE];
    const JOIN_KEYS: &'static [&'static str] = &["image_id"];

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn parent() -> Option<Parent> {
        Some(Parent::rows_of::<Images>("image_id", "image_id").only(OWN_IMAGES))
    }

    fn requests(restrictions: &Restrictions) -> Vec<AssociationsRequest> {
        associations::requests(
            restrictions,
            (IMAGE_ID.column, "ImageId"),
            ASSOCIATED_RESOURCE_TYPE.column,
            ImageAssociatedResourceType::values(),
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
                    .map(|t| ImageAssociatedResourceType::from(*t))
                    .collect();
                client
                    .describe_image_associations()
                    .image_id(request.id.clone())
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
    use datafusion::logical_expr::{col, lit};
    use datafusion::prelude::Expr;

    fn requests(filters: &[Expr]) -> Vec<String> {
        let r = ImageAssociations::rules().fold(filters, None);
        let r = r.with_listed("image_id", vec!["wsi-aaaaaaaaa".to_string()]);
        ImageAssociations::requests(&r)
            .iter()
            .map(|r| r.to_string())
            .collect()
    }

    #[test]
    fn every_type_of_the_model_without_a_predicate_else_those_allowed() {
        assert_eq!(
            requests(&[]),
            vec!["{ImageId: wsi-aaaaaaaaa, AssociatedResourceTypes: [APPLICATION]}"]
        );
        assert_eq!(
            requests(&[col("associated_resource_type").eq(lit("APPLICATION"))]),
            vec!["{ImageId: wsi-aaaaaaaaa, AssociatedResourceTypes: [APPLICATION]}"]
        );
    }

    #[test]
    fn a_type_images_cannot_have_matches_nothing() {
        for filter in [
            col("associated_resource_type").eq(lit("BUNDLE")),
            col("associated_resource_type").eq(lit("application")),
            col("image_id").eq(lit("wsb-abc123xyz")),
        ] {
            assert!(
                ImageAssociations::rules()
                    .fold(&[filter], None)
                    .matches_nothing
            );
        }
    }
}
