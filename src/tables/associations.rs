//! What the four association tables (`workspaces_image_associations`,
//! `workspaces_bundle_associations`, `workspaces_application_associations`,
//! `workspaces_workspace_associations`) share: their request, one parent's id with the
//! `AssociatedResourceTypes` asked for (both required by the service) and, for the one operation
//! that pages, `MaxResults`; and how the types are chosen: the values an
//! `associated_resource_type` predicate allows, else every type the model lists for the
//! operation. The types list has no bound in the model, so one request carries them all. And
//! their columns ([`association_columns`]): the four shapes have the same members.

use std::fmt;

use crate::scan::Restrictions;

/// The columns of an association table whose rows are the SDK type `$A`: the parent's id column
/// (`$parent`, read by `$parent_id`), then what every association shape has alike: the
/// associated resource and its type, the association's state and why, when it was made and last
/// changed. The four shapes are different types with the same members, so their readers are
/// written once, here.
macro_rules! association_columns {
    ($operation:expr, $A:ty, key: $key:expr, $parent:literal => $parent_id:expr) => {
        $crate::scan::Columns::new(
            $operation,
            $key,
            vec![
                $crate::scan::ColumnDef::text($parent, $parent_id),
                $crate::scan::ColumnDef::text("associated_resource_id", |a: &$A| {
                    a.associated_resource_id()
                }),
                $crate::scan::ColumnDef::text("associated_resource_type", |a: &$A| {
                    a.associated_resource_type().map(|t| t.as_str())
                }),
                $crate::scan::ColumnDef::text("state", |a: &$A| a.state().map(|s| s.as_str())),
                $crate::scan::ColumnDef::text("state_reason_error_code", |a: &$A| {
                    a.state_reason()
                        .and_then(|r| r.error_code())
                        .map(|c| c.as_str())
                })
                .member("StateReason.ErrorCode"),
                $crate::scan::ColumnDef::text("state_reason_error_message", |a: &$A| {
                    a.state_reason().and_then(|r| r.error_message())
                })
                .member("StateReason.ErrorMessage"),
                $crate::scan::ColumnDef::time("created", |a: &$A| a.created()),
                $crate::scan::ColumnDef::time("last_updated_time", |a: &$A| a.last_updated_time()),
            ],
        )
    };
}
pub(crate) use association_columns;

/// The parameters of one association call: a parent and the resource types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AssociationsRequest {
    /// The parent's member: `ImageId` or `BundleId`.
    pub member: &'static str,
    /// The parent's id.
    pub id: String,
    /// `AssociatedResourceTypes`.
    pub types: Vec<&'static str>,
    /// `MaxResults`, for the operation that pages (`DescribeApplicationAssociations`).
    pub max_results: Option<i32>,
}

impl fmt::Display for AssociationsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{{}: {}, AssociatedResourceTypes: [{}]",
            self.member,
            self.id,
            self.types.join(", ")
        )?;
        if let Some(max_results) = self.max_results {
            write!(f, ", MaxResults: {max_results}")?;
        }
        write!(f, "}}")
    }
}

/// One request per parent id `restrictions` allow in `id_column` (sent as `member`), each with
/// the types of `all_types` that `type_column`'s restriction allows, and `max_results` when the
/// operation pages.
pub(crate) fn requests(
    restrictions: &Restrictions,
    (id_column, member): (&str, &'static str),
    type_column: &str,
    all_types: &'static [&'static str],
    max_results: Option<i32>,
) -> Vec<AssociationsRequest> {
    let types: Vec<&'static str> = all_types
        .iter()
        .copied()
        .filter(|t| restrictions.admits(type_column, Some(t)))
        .collect();
    let parents = restrictions.values(id_column).into_iter().flatten();
    parents
        .map(|id| AssociationsRequest {
            member,
            id: id.clone(),
            types: types.clone(),
            max_results,
        })
        .collect()
}
