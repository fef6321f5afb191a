//! `workspaces_image_imports`: `DescribeCustomWorkspaceImageImport` as a table, one row per image
//! imported under Bring Your Own License (`ImportCustomWorkspaceImage`), whatever the import's
//! state.
//!
//! The operation describes one image's import, as one object rather than a list, and has no
//! paging: a scan makes one call per image its predicates (or a join's build side) name, or lists
//! the target's images first and calls each. An image that was not imported has no import to
//! describe: the service answers `ResourceNotFoundException` (as for an image that is not the
//! account's, or is gone), and the image has no row; so does an answer without an `ImageId`.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `image_id =`, `IN (...)`, OR-chains | `ImageId`, one call each; without it, every parent is listed first | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `image_id` (this table on the probe side) | the build side's values, as for `image_id IN (...)` | exact |
//! | no predicate or join on `image_id` | `DescribeWorkspaceImages` lists the parents with `image_type = 'OWNED'` first, then one request chain per parent |  |
//! | `LIMIT n` (when every filter is exact) | paging stops at n rows |  |

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::operation::describe_custom_workspace_image_import::DescribeCustomWorkspaceImageImportOutput as ImageImport;
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, Parent, Pushable, Restrictions, TargetApi};
use crate::tables::gone::none_when_gone;
use crate::tables::images::{Images, OWN_IMAGES};
use crate::tables::patterns::is_image_id;

const OPERATION: &str = "DescribeCustomWorkspaceImageImport";

const IMAGE_ID: Pushable = Pushable::new(
    "image_id",
    is_image_id,
    "`ImageId`, one call each",
    "wsi-abc123xyz",
);

/// `DescribeCustomWorkspaceImageImport`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct ImageImports;

static COLUMNS: LazyLock<Columns<ImageImport>> = LazyLock::new(|| {
    type I = ImageImport;
    Columns::new(
        OPERATION,
        |i: &I| i.image_id(),
        vec![
            ColumnDef::text("image_id", |i: &I| i.image_id()),
            ColumnDef::text("state", |i: &I| i.state().map(|s| s.as_str())),
            ColumnDef::text("state_message", |i: &I| i.state_message()),
            ColumnDef::int("progress_percentage", |i: &I| i.progress_percentage()),
            ColumnDef::time("created", |i: &I| i.created()),
            ColumnDef::time("last_updated_time", |i: &I| i.last_updated_time()),
            ColumnDef::text("ec2_image_id", |i: &I| {
                i.image_source()
                    .and_then(|s| s.as_ec2_image_id().ok())
                    .map(String::as_str)
            })
            .member("ImageSource.Ec2ImageId"),
            ColumnDef::text("ec2_import_task_id", |i: &I| {
                i.image_source()
                    .and_then(|s| s.as_ec2_import_task_id().ok())
                    .map(String::as_str)
            })
            .member("ImageSource.Ec2ImportTaskId"),
            ColumnDef::text("image_build_version_arn", |i: &I| {
                i.image_source()
                    .and_then(|s| s.as_image_build_version_arn().ok())
                    .map(String::as_str)
            })
            .member("ImageSource.ImageBuildVersionArn"),
            ColumnDef::text("infrastructure_configuration_arn", |i: &I| {
                i.infrastructure_configuration_arn()
            }),
            ColumnDef::text("image_builder_instance_id", |i: &I| {
                i.image_builder_instance_id()
            }),
            ColumnDef::records(
                "error_details",
                &["error_code", "error_message"],
                |i: &I| {
                    i.error_details.as_ref().map(|details| {
                        details
                            .iter()
                            .map(|d| vec![d.error_code(), d.error_message()])
                            .collect()
                    })
                },
            ),
        ],
    )
});

/// The one parameter of a `DescribeCustomWorkspaceImageImport` call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImportRequest {
    /// `ImageId`.
    pub image_id: String,
}

impl fmt::Display for ImportRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{ImageId: {}}}", self.image_id)
    }
}

impl DescribeTable for ImageImports {
    type Item = ImageImport;
    type Request = ImportRequest;
    const NAME: &'static str = "workspaces_image_imports";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "DescribeCustomWorkspaceImageImportResult";
    const ROW: &'static str = "one row per image imported under Bring Your Own License";
    const PUSHABLE: &'static [Pushable] = &[IMAGE_ID];
    const JOIN_KEYS: &'static [&'static str] = &["image_id"];

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn parent() -> Option<Parent> {
        Some(Parent::rows_of::<Images>("image_id", "image_id").only(OWN_IMAGES))
    }

    fn requests(restrictions: &Restrictions) -> Vec<ImportRequest> {
        let images = restrictions.values(IMAGE_ID.column).into_iter().flatten();
        images
            .map(|image_id| ImportRequest {
                image_id: image_id.clone(),
            })
            .collect()
    }

    fn pages(
        api: &TargetApi,
        request: ImportRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        none_when_gone(
            api.paginate(OPERATION, request.to_string(), move |client, _no_token| {
                client
                    .describe_custom_workspace_image_import()
                    .image_id(request.image_id.clone())
                    .send()
                    .map_ok(|output| {
                        let import = output.image_id.is_some().then_some(vec![output]);
                        Page::from_response(import, None)
                    })
            }),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::describe_requests;
    use aws_sdk_workspaces::types::{
        CustomWorkspaceImageImportErrorDetails, CustomWorkspaceImageImportState,
        ImageSourceIdentifier,
    };
    use datafusion::arrow::array::{Array, AsArray};
    use datafusion::arrow::datatypes::Int32Type;
    use datafusion::logical_expr::{col, lit};

    use crate::targets::Place;

    #[test]
    fn one_call_per_named_image_else_every_image_is_listed_first() {
        let r = ImageImports::rules().fold(&[col("image_id").eq(lit("wsi-abc123xyz"))], None);
        assert_eq!(
            describe_requests::<ImageImports>(&r),
            "[{ImageId: wsi-abc123xyz}]"
        );
        let r = ImageImports::rules().fold(&[], Some(2));
        assert_eq!(
            describe_requests::<ImageImports>(&r),
            "[DescribeWorkspaceImages {ImageType: OWNED, MaxResults: 25}, \
             then for each image_id: {ImageId: <each>}]"
        );
        assert!(
            ImageImports::rules()
                .fold(&[col("image_id").eq(lit("wsi-1"))], None)
                .matches_nothing
        );
    }

    #[test]
    fn the_image_source_union_fills_the_column_of_its_member() {
        let failed = ImageImport::builder()
            .image_id("wsi-abc123xyz")
            .state(CustomWorkspaceImageImportState::Error)
            .progress_percentage(45)
            .image_source(ImageSourceIdentifier::Ec2ImportTaskId(
                "import-ami-0123456789abcdefg".into(),
            ))
            .error_details(
                CustomWorkspaceImageImportErrorDetails::builder()
                    .error_code("OfficeInstalled")
                    .error_message("Uninstall Office")
                    .build(),
            )
            .build();
        let batch = COLUMNS
            .to_batch(
                &Place::in_region("us-east-1"),
                &[failed],
                None,
                &COLUMNS.schema(),
            )
            .expect("converts");
        let schema = COLUMNS.schema();
        let column = |name: &str| batch.column(schema.index_of(name).expect("a column"));
        assert_eq!(
            column("ec2_import_task_id").as_string::<i32>().value(0),
            "import-ami-0123456789abcdefg"
        );
        assert!(column("ec2_image_id").is_null(0));
        assert!(column("image_build_version_arn").is_null(0));
        assert_eq!(column("state").as_string::<i32>().value(0), "ERROR");
        assert_eq!(
            column("progress_percentage")
                .as_primitive::<Int32Type>()
                .value(0),
            45
        );
        assert_eq!(column("error_details").as_list::<i32>().value_length(0), 1);
    }
}
