//! `DescribeTags` for a page of resources, a few calls at a time, through the response cache.

use aws_sdk_workspaces::types::Tag;
use futures::{StreamExt, TryFutureExt, TryStreamExt};

use crate::error::{Result, is_not_found};
use crate::scan::TargetApi;

const OPERATION: &str = "DescribeTags";

/// How many `DescribeTags` calls of one page are in flight at once.
pub(crate) const TAG_CONCURRENCY: usize = 8;

/// The tags of each of `resource_ids`, in order: `None` for a resource that no longer exists.
pub(crate) async fn resource_tags(
    api: TargetApi,
    resource_ids: Vec<String>,
) -> Result<Vec<Option<Vec<Tag>>>> {
    futures::stream::iter(resource_ids)
        .map(|id| {
            let parameters = format!("{{ResourceId: {id}}}");
            api.call(OPERATION, &parameters, None, |client| {
                client
                    .describe_tags()
                    .resource_id(id)
                    .send()
                    .map_ok(|output| Some(output.tag_list.unwrap_or_default()))
                    .or_else(|e| async move {
                        match is_not_found(&e) {
                            true => Ok(None),
                            false => Err(e),
                        }
                    })
            })
        })
        .buffered(TAG_CONCURRENCY)
        .try_collect()
        .await
}
