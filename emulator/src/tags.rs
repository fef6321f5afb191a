//! `DescribeTags`: the tags of one resource (pool, directory, bundle or WorkSpace); not paged.

use std::borrow::Cow;

use serde::Serialize;

use super::api_error::ApiError;
use super::operations::{Call, Structure};
use super::request::Members;
use super::shapes::Tag;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    tag_list: Cow<'a, [Tag]>,
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let resource_id = request.string("ResourceId")?.unwrap_or_default();
    let tags = call
        .records()
        .tags_of(resource_id)
        .ok_or_else(|| ApiError::not_found("resource", resource_id))?;
    Ok(Structure::new(Output { tag_list: tags }))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::Fleet;
    use crate::operations::answer;

    fn call(fleet: &Fleet, body: Value) -> Result<Value, ApiError> {
        let call = Call::new("us-east-1", "DescribeTags", &body, fleet);
        answer(&call)
    }

    #[test]
    fn tags_of_pools_and_errors() {
        let fleet = Fleet::seeded(9, &["us-east-1"], 50);
        let pool = fleet
            .pools("us-east-1")
            .iter()
            .find(|p| {
                fleet
                    .tags("us-east-1", &p.pool_id)
                    .is_some_and(|t| !t.is_empty())
            })
            .expect("a tagged pool");
        let answer = call(&fleet, json!({"ResourceId": pool.pool_id})).expect("tags");
        let expected =
            serde_json::to_value(fleet.tags("us-east-1", &pool.pool_id)).unwrap_or_default();
        assert_eq!(answer["TagList"], expected);
        let err = call(&fleet, json!({"ResourceId": "wspool-000000000"})).expect_err("unknown");
        assert_eq!(err.code, "ResourceNotFoundException");
        assert_eq!(
            call(&fleet, json!({})).expect_err("missing").code,
            "ValidationException"
        );
        assert_eq!(
            call(&fleet, json!({"ResourceId": ""}))
                .expect_err("empty")
                .code,
            "ValidationException"
        );
    }
}
