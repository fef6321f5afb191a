//! `DescribeWorkspacesPoolSessions`: the sessions of one pool, optionally of one user, paged.

use serde::Serialize;

use super::api_error::ApiError;
use super::operations::{Call, Structure};
use super::request::Members;
use super::shapes::PoolSession;

const DEFAULT_LIMIT: i64 = 50;

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    sessions: Vec<&'a PoolSession>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let pool_id = request.string("PoolId")?.unwrap_or_default();
    let user_id = request.string("UserId")?;
    let limit = request.integer("Limit")?.unwrap_or(DEFAULT_LIMIT);
    let next_token = request.string("NextToken")?;

    let pager = call.pager(next_token)?;
    let records = call.records();
    let pool = records
        .pool(pool_id)
        .ok_or_else(|| ApiError::not_found("WorkSpaces pool", pool_id))?;
    let sessions = records.sessions_of(pool);
    let (sessions, next_token) = pager.page(&sessions, limit as usize, |session| {
        user_id.is_none_or(|u| session.user_id == u)
    });
    Structure::computed(&Output {
        sessions,
        next_token,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::Fleet;
    use crate::operations::answer;

    fn call(fleet: &Fleet, body: Value) -> Result<Value, ApiError> {
        let call = Call::new("us-east-1", "DescribeWorkspacesPoolSessions", &body, fleet);
        answer(&call)
    }

    #[test]
    fn pages_through_a_pools_sessions_and_filters_by_user() {
        let fleet = Fleet::seeded(3, &["us-east-1"], 60);
        let pool = fleet
            .pools("us-east-1")
            .iter()
            .max_by_key(|p| p.capacity_status.active_user_sessions)
            .expect("pools");
        let expected = fleet.sessions("us-east-1", &pool.pool_id);
        assert!(expected.len() > 5);
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let mut body = json!({"PoolId": pool.pool_id, "Limit": 5});
            if let Some(t) = &token {
                body["NextToken"] = json!(t);
            }
            let page = call(&fleet, body).expect("page");
            let sessions = page["Sessions"].as_array().cloned().unwrap_or_default();
            assert!(sessions.len() <= 5);
            seen.extend(
                sessions
                    .iter()
                    .filter_map(|s| s["SessionId"].as_str().map(str::to_string)),
            );
            match page["NextToken"].as_str() {
                Some(t) => token = Some(t.to_string()),
                None => break,
            }
        }
        let expected_ids: Vec<String> = expected.iter().map(|s| s.session_id.clone()).collect();
        assert_eq!(seen, expected_ids);

        let user = &expected[2].user_id;
        let page = call(&fleet, json!({"PoolId": pool.pool_id, "UserId": user})).expect("by user");
        let sessions = page["Sessions"].as_array().cloned().unwrap_or_default();
        assert_eq!(sessions.len(), 1);
        assert_eq!(sessions[0]["UserId"], json!(user));
    }

    #[test]
    fn validation_and_missing_pools() {
        let fleet = Fleet::seeded(3, &["us-east-1"], 5);
        let pool_id = fleet.pools("us-east-1")[0].pool_id.clone();
        let cases = [
            (json!({}), "Value null at 'poolId'"),
            (json!({"PoolId": "pool-1"}), "at 'poolId'"),
            (json!({"PoolId": pool_id, "UserId": "u"}), "at 'userId'"),
            (
                json!({"PoolId": pool_id, "UserId": "u".repeat(129)}),
                "at 'userId'",
            ),
            (json!({"PoolId": pool_id, "Limit": 0}), "at 'limit'"),
            (json!({"PoolId": pool_id, "Limit": 51}), "at 'limit'"),
        ];
        for (body, expected) in cases {
            let err = call(&fleet, body.clone()).expect_err(&body.to_string());
            assert_eq!(err.code, "ValidationException", "{body}");
            assert!(err.message.contains(expected), "{body}: {}", err.message);
        }
        assert!(call(&fleet, json!({"PoolId": pool_id, "Limit": 50})).is_ok());
        let err = call(&fleet, json!({"PoolId": "wspool-000000000"})).expect_err("unknown");
        assert_eq!(err.code, "ResourceNotFoundException");
        assert_eq!(err.resource_id.as_deref(), Some("wspool-000000000"));
    }
}
