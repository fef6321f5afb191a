//! `workspaces_images`: `DescribeWorkspaceImages` as a table, one row per image the account owns
//! or another account shared with it.
//!
//! The operation lists the account's own images (`ImageType` `OWNED`) or the images shared with
//! it (`SHARED`). The scan asks for each list by name, one chain per type, and `image_type` is
//! the list a row came from: what the service lists without a type is not documented, and the
//! image itself does not say which it is for the caller. `ImageIds` go with the type too, so ids
//! cost a chain per type unless `image_type` names one.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `image_id =`, `IN (...)`, OR-chains | `ImageIds` (25 a request), with each `ImageType` | exact |
//! | `image_type =`, `IN (...)`, OR-chains | `ImageType`, one chain each (`OWNED` and `SHARED` without it) | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `image_id` (this table on the probe side) | the build side's values, as for `image_id IN (...)` | exact |
//! | `LIMIT n` (when every filter is exact) | `MaxResults` up to 25; paging stops at n rows |  |

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::types::{ImageType, WorkspaceImage};
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{
    ColumnDef, Columns, DescribeTable, ParentCondition, Pushable, Restrictions, TargetApi,
};
use crate::tables::patterns::is_image_id;

const OPERATION: &str = "DescribeWorkspaceImages";
/// Most ids one request may carry (`WorkspaceImageIdList` max).
pub(crate) const MAX_IMAGE_IDS: usize = 25;
/// Most images one page may hold (`MaxResults` max).
pub(crate) const MAX_PAGE_SIZE: usize = 25;
/// `ImageType` of the account's own images.
const OWNED: &str = "OWNED";
/// `ImageType` of the images other accounts shared with it.
const SHARED: &str = "SHARED";

const IMAGE_ID: Pushable = Pushable::new(
    "image_id",
    is_image_id,
    "`ImageIds` (25 a request), with each `ImageType`",
    "wsi-abc123xyz",
);
const IMAGE_TYPE: Pushable = Pushable::new(
    "image_type",
    |s| ImageType::values().contains(&s),
    "`ImageType`, one chain each (`OWNED` and `SHARED` without it)",
    "SHARED",
);

/// The parents of the operations only an image's owner may call (its permissions, its import,
/// its associations): the account's own images. Images shared with it answer
/// `ResourceNotFoundException` there, so listing them would only add calls.
pub(crate) const OWN_IMAGES: &[ParentCondition] = &[("image_type", OWNED)];

/// `DescribeWorkspaceImages`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct Images;

/// An image with the `ImageType` of the list it came from.
#[derive(Debug, Clone)]
pub(crate) struct TypedImage {
    pub image: WorkspaceImage,
    /// `OWNED` or `SHARED`.
    pub image_type: &'static str,
}

static COLUMNS: LazyLock<Columns<TypedImage>> = LazyLock::new(|| {
    type I = TypedImage;
    Columns::new(
        OPERATION,
        |i: &I| i.image.image_id(),
        vec![
            ColumnDef::text("image_id", |i: &I| i.image.image_id()),
            ColumnDef::text("name", |i: &I| i.image.name()),
            ColumnDef::text("description", |i: &I| i.image.description()),
            ColumnDef::text("image_type", |i: &I| Some(i.image_type))
                .not_null()
                .about("OWNED for the account's own images, SHARED for images another account shared with it: the ImageType of the list the row came from."),
            ColumnDef::text("owner_account_id", |i: &I| i.image.owner_account_id()),
            ColumnDef::text("operating_system_type", |i: &I| {
                i.image
                    .operating_system()
                    .and_then(|o| o.r#type())
                    .map(|t| t.as_str())
            })
            .member("OperatingSystem.Type"),
            ColumnDef::text("state", |i: &I| i.image.state().map(|s| s.as_str())),
            ColumnDef::text("required_tenancy", |i: &I| {
                i.image.required_tenancy().map(|t| t.as_str())
            }),
            ColumnDef::time("created", |i: &I| i.image.created()),
            ColumnDef::flag("update_available", |i: &I| {
                i.image.updates().and_then(|u| u.update_available())
            })
            .member("Updates.UpdateAvailable"),
            ColumnDef::text("update_description", |i: &I| {
                i.image.updates().and_then(|u| u.description())
            })
            .member("Updates.Description"),
            ColumnDef::text("error_code", |i: &I| i.image.error_code()),
            ColumnDef::text("error_message", |i: &I| i.image.error_message()),
            ColumnDef::records("error_details", &["error_code", "error_message"], |i: &I| {
                i.image.error_details.as_ref().map(|details| {
                    details
                        .iter()
                        .map(|d| vec![d.error_code().map(|c| c.as_str()), d.error_message()])
                        .collect()
                })
            }),
        ],
    )
});

/// The parameters of one `DescribeWorkspaceImages` chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ImagesRequest {
    /// `ImageIds`, at most 25.
    pub image_ids: Option<Vec<String>>,
    /// `ImageType`: `OWNED` or `SHARED`.
    pub image_type: &'static str,
    /// `MaxResults`, 1 to 25.
    pub max_results: i32,
}

impl fmt::Display for ImagesRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        if let Some(ids) = &self.image_ids {
            write!(f, "ImageIds: [{}], ", ids.join(", "))?;
        }
        write!(
            f,
            "ImageType: {}, MaxResults: {}}}",
            self.image_type, self.max_results
        )
    }
}

impl DescribeTable for Images {
    type Item = TypedImage;
    type Request = ImagesRequest;
    const NAME: &'static str = "workspaces_images";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "WorkspaceImage";
    const ROW: &'static str = "one row per image, the account's own and those shared with it";
    const PUSHABLE: &'static [Pushable] = &[IMAGE_ID, IMAGE_TYPE];
    const JOIN_KEYS: &'static [&'static str] = &["image_id"];
    const PAGE_LIMIT: Option<(&'static str, usize)> = Some(("MaxResults", MAX_PAGE_SIZE));

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn requests(restrictions: &Restrictions) -> Vec<ImagesRequest> {
        let types: Vec<&'static str> = [OWNED, SHARED]
            .into_iter()
            .filter(|t| restrictions.admits(IMAGE_TYPE.column, Some(t)))
            .collect();
        let chunks: Vec<Option<Vec<String>>> = match restrictions.values(IMAGE_ID.column) {
            Some(ids) => {
                let ids: Vec<String> = ids.iter().cloned().collect();
                ids.chunks(MAX_IMAGE_IDS)
                    .map(|chunk| Some(chunk.to_vec()))
                    .collect()
            }
            None => vec![None],
        };
        let max_results = restrictions.page_size(MAX_PAGE_SIZE);
        chunks
            .into_iter()
            .flat_map(|image_ids| {
                types.iter().map(move |image_type| ImagesRequest {
                    image_ids: image_ids.clone(),
                    image_type,
                    max_results,
                })
            })
            .collect()
    }

    fn pages(
        api: &TargetApi,
        request: ImagesRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        api.paginate(OPERATION, request.to_string(), move |client, token| {
            let image_type = request.image_type;
            client
                .describe_workspace_images()
                .set_image_ids(request.image_ids.clone())
                .image_type(ImageType::from(image_type))
                .max_results(request.max_results)
                .set_next_token(token)
                .send()
                .map_ok(move |output| {
                    let images = output.images.map(|images| {
                        images
                            .into_iter()
                            .map(|image| TypedImage { image, image_type })
                            .collect()
                    });
                    Page::from_response(images, output.next_token)
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{col, lit};
    use datafusion::prelude::Expr;

    fn requests(filters: &[Expr], limit: Option<usize>) -> Vec<String> {
        let r = Images::rules().fold(filters, limit);
        Images::requests(&r).iter().map(|r| r.to_string()).collect()
    }

    #[test]
    fn without_a_type_both_lists_are_asked_for_by_name() {
        assert_eq!(
            requests(&[], None),
            vec![
                "{ImageType: OWNED, MaxResults: 25}",
                "{ImageType: SHARED, MaxResults: 25}"
            ]
        );
        assert_eq!(
            requests(&[col("image_type").eq(lit("SHARED"))], Some(4)),
            vec!["{ImageType: SHARED, MaxResults: 4}"]
        );
    }

    #[test]
    fn ids_are_chunked_and_go_with_each_type() {
        let ids: Vec<Expr> = (0..26).map(|i| lit(format!("wsi-{i:09}"))).collect();
        let got =
            Images::requests(&Images::rules().fold(&[col("image_id").in_list(ids, false)], None));
        let shape: Vec<(usize, &str)> = got
            .iter()
            .map(|r| (r.image_ids.as_ref().map_or(0, Vec::len), r.image_type))
            .collect();
        assert_eq!(
            shape,
            vec![(25, OWNED), (25, SHARED), (1, OWNED), (1, SHARED)]
        );
        assert_eq!(
            requests(
                &[
                    col("image_id").eq(lit("wsi-abc123xyz")),
                    col("image_type").eq(lit("OWNED"))
                ],
                None
            ),
            vec!["{ImageIds: [wsi-abc123xyz], ImageType: OWNED, MaxResults: 25}"]
        );
    }

    #[test]
    fn impossible_values_match_nothing() {
        for filter in [
            col("image_id").eq(lit("wsi-short")),
            col("image_id").eq(lit("ami-abc123xyz")),
            col("image_type").eq(lit("owned")),
            col("image_type").eq(lit("AMAZON")),
        ] {
            assert!(Images::rules().fold(&[filter], None).matches_nothing);
        }
    }
}
