//! `workspaces_image_permissions`: `DescribeWorkspaceImagePermissions` as a table, one row per
//! account an image is shared with.
//!
//! The operation needs an `ImageId`, so a scan calls the images its predicates (or a join's build
//! side) name, one chain each, or lists the target's images first and makes one chain per image
//! as they are listed. Only an image's owner may read its permissions: an image shared with the
//! account, one that does not exist or is gone since it was listed answers
//! `ResourceNotFoundException`, which is no rows.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `image_id =`, `IN (...)`, OR-chains | `ImageId`, one chain each; without it, every parent is listed first | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `image_id` (this table on the probe side) | the build side's values, as for `image_id IN (...)` | exact |
//! | no predicate or join on `image_id` | `DescribeWorkspaceImages` lists the parents with `image_type = 'OWNED'` first, then one request chain per parent |  |
//! | `LIMIT n` (when every filter is exact) | `MaxResults` up to 25; paging stops at n rows |  |

use std::fmt;
use std::sync::LazyLock;

use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, Parent, Pushable, Restrictions, TargetApi};
use crate::tables::gone::none_when_gone;
use crate::tables::images::{Images, OWN_IMAGES};
use crate::tables::patterns::is_image_id;

const OPERATION: &str = "DescribeWorkspaceImagePermissions";
/// Most permissions one page may hold (`MaxResults` max).
pub(crate) const MAX_PAGE_SIZE: usize = 25;

const IMAGE_ID: Pushable = Pushable::new(
    "image_id",
    is_image_id,
    "`ImageId`, one chain each",
    "wsi-abc123xyz",
);

/// `DescribeWorkspaceImagePermissions`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct ImagePermissions;

/// One account an image is shared with.
#[derive(Debug, Clone)]
pub(crate) struct ImageShare {
    /// The image: the answer's `ImageId`, else the request's.
    pub image_id: String,
    /// `SharedAccountId`.
    pub shared_account_id: Option<String>,
}

static COLUMNS: LazyLock<Columns<ImageShare>> = LazyLock::new(|| {
    type S = ImageShare;
    Columns::new(
        OPERATION,
        |s: &S| Some(s.image_id.as_str()),
        vec![
            ColumnDef::text("image_id", |s: &S| Some(s.image_id.as_str()))
                .not_null()
                .about("The image shared: the ImageId the permissions were asked for."),
            ColumnDef::text("shared_account_id", |s: &S| s.shared_account_id.as_deref()),
        ],
    )
});

/// The parameters of one `DescribeWorkspaceImagePermissions` chain: one image's permissions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PermissionsRequest {
    /// `ImageId`.
    pub image_id: String,
    /// `MaxResults`, 1 to 25.
    pub max_results: i32,
}

impl fmt::Display for PermissionsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{ImageId: {}, MaxResults: {}}}",
            self.image_id, self.max_results
        )
    }
}

impl DescribeTable for ImagePermissions {
    type Item = ImageShare;
    type Request = PermissionsRequest;
    const NAME: &'static str = "workspaces_image_permissions";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "ImagePermission";
    const ROW: &'static str = "one row per account an image is shared with";
    const PUSHABLE: &'static [Pushable] = &[IMAGE_ID];
    const JOIN_KEYS: &'static [&'static str] = &["image_id"];
    const PAGE_LIMIT: Option<(&'static str, usize)> = Some(("MaxResults", MAX_PAGE_SIZE));

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn parent() -> Option<Parent> {
        Some(Parent::rows_of::<Images>("image_id", "image_id").only(OWN_IMAGES))
    }

    fn requests(restrictions: &Restrictions) -> Vec<PermissionsRequest> {
        let max_results = restrictions.page_size(MAX_PAGE_SIZE);
        let images = restrictions.values(IMAGE_ID.column).into_iter().flatten();
        images
            .map(|image_id| PermissionsRequest {
                image_id: image_id.clone(),
                max_results,
            })
            .collect()
    }

    fn pages(
        api: &TargetApi,
        request: PermissionsRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        let parameters = request.to_string();
        none_when_gone(api.paginate(OPERATION, parameters, move |client, token| {
            let asked = request.image_id.clone();
            client
                .describe_workspace_image_permissions()
                .image_id(request.image_id.clone())
                .max_results(request.max_results)
                .set_next_token(token)
                .send()
                .map_ok(move |output| {
                    let image_id = output.image_id.unwrap_or(asked);
                    let shares = output.image_permissions.map(|permissions| {
                        permissions
                            .into_iter()
                            .map(|p| ImageShare {
                                image_id: image_id.clone(),
                                shared_account_id: p.shared_account_id,
                            })
                            .collect()
                    });
                    Page::from_response(shares, output.next_token)
                })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::describe_requests;
    use datafusion::logical_expr::{col, lit};

    #[test]
    fn named_images_make_one_chain_each() {
        let r = ImagePermissions::rules().fold(
            &[col("image_id").in_list(vec![lit("wsi-bbbbbbbbb"), lit("wsi-aaaaaaaaa")], false)],
            Some(5),
        );
        let got: Vec<String> = ImagePermissions::requests(&r)
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(
            got,
            vec![
                "{ImageId: wsi-aaaaaaaaa, MaxResults: 5}",
                "{ImageId: wsi-bbbbbbbbb, MaxResults: 5}"
            ]
        );
    }

    #[test]
    fn without_an_image_every_image_is_listed_first() {
        let r = ImagePermissions::rules().fold(&[], None);
        assert_eq!(
            describe_requests::<ImagePermissions>(&r),
            "[DescribeWorkspaceImages {ImageType: OWNED, MaxResults: 25}, \
             then for each image_id: {ImageId: <each>, MaxResults: 25}]"
        );
    }

    #[test]
    fn impossible_ids_match_nothing() {
        let r = ImagePermissions::rules().fold(&[col("image_id").eq(lit("image-1"))], None);
        assert!(r.matches_nothing);
        let r = ImagePermissions::rules()
            .fold(&[col("shared_account_id").eq(lit("123456789012"))], None);
        assert!(
            !r.matches_nothing,
            "shared_account_id is not sent but checked"
        );
    }
}
