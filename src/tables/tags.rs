//! `DescribeTags` for a page of resources, a few calls at a time, through the response cache.

use std::sync::Arc;

use aws_sdk_workspaces::types::Tag;
use futures::{StreamExt, TryStreamExt};

use crate::aws::api_error;
use crate::cache::{ApiCache, CacheKey};
use crate::error::Result;

const OPERATION: &str = "DescribeTags";

/// How many `DescribeTags` calls of one page are in flight at once.
pub const TAG_CONCURRENCY: usize = 8;

/// The tags of each of `resource_ids`, in order: `None` for a resource that no longer exists.
pub async fn resource_tags(
    cache: &Arc<ApiCache>,
    client: &aws_sdk_workspaces::Client,
    region: &str,
    resource_ids: Vec<String>,
) -> Result<Vec<Option<Vec<Tag>>>> {
    futures::stream::iter(resource_ids)
        .map(|id| {
            let key = CacheKey::new(region, OPERATION, format!("{{ResourceId: {id}}}"), None);
            let call = client.describe_tags().resource_id(id);
            let region = region.to_string();
            async move {
                cache
                    .get_or_fetch(key, || async move {
                        match call.send().await {
                            Ok(output) => Ok(Some(output.tag_list.unwrap_or_default())),
                            Err(e)
                                if e.as_service_error()
                                    .is_some_and(|s| s.is_resource_not_found_exception()) =>
                            {
                                Ok(None)
                            }
                            Err(e) => Err(api_error(OPERATION, &region, e)),
                        }
                    })
                    .await
            }
        })
        .buffered(TAG_CONCURRENCY)
        .try_collect()
        .await
}
