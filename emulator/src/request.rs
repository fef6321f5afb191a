//! Reading a decoded request body, member by member, with the member's expected type.
//!
//! Bodies arrive in one in-memory form whatever their encoding (JSON as is; CBOR decoded by
//! `cbor.rs`), and for services with a model they have passed `validate.rs` before an operation
//! reads them, so a WorkSpaces operation meets no wrong type here. STS and Organizations have no
//! model in the emulator, and for them a member of the wrong type is the
//! `SerializationException` it is for the real services.

use serde_json::{Map, Value};

use super::api_error::ApiError;

/// A JSON object of the request (the body or a nested structure), read member by member with the
/// member's expected type. A JSON `null` reads as absent, as the service treats it.
#[derive(Clone, Copy)]
pub(crate) struct Members<'a> {
    object: &'a Map<String, Value>,
}

impl<'a> Members<'a> {
    /// The request body, which must be a JSON object.
    pub(crate) fn of_body(body: &'a Value) -> Result<Self, ApiError> {
        match body {
            Value::Object(object) => Ok(Members { object }),
            _ => Err(ApiError::not_an_object()),
        }
    }

    fn get(&self, member: &str) -> Option<&'a Value> {
        self.object.get(member).filter(|v| !v.is_null())
    }

    pub(crate) fn string(&self, member: &str) -> Result<Option<&'a str>, ApiError> {
        match self.get(member) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ApiError::wrong_type(member, "a string")),
        }
    }

    pub(crate) fn integer(&self, member: &str) -> Result<Option<i64>, ApiError> {
        match self.get(member) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .filter(|v| i32::try_from(*v).is_ok())
                .map(Some)
                .ok_or_else(|| ApiError::wrong_type(member, "a 32-bit integer")),
            Some(_) => Err(ApiError::wrong_type(member, "an integer")),
        }
    }

    pub(crate) fn strings(&self, member: &str) -> Result<Option<Vec<&'a str>>, ApiError> {
        match self.get(member) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .ok_or_else(|| ApiError::wrong_type(member, "a list of strings"))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(ApiError::wrong_type(member, "a list")),
        }
    }

    pub(crate) fn structures(&self, member: &str) -> Result<Option<Vec<Members<'a>>>, ApiError> {
        match self.get(member) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::Object(object) => Ok(Members { object }),
                    _ => Err(ApiError::wrong_type(member, "a list of structures")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(ApiError::wrong_type(member, "a list")),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn wrong_types_are_serialization_errors() {
        let body = json!({"Limit": "5", "PoolIds": "wspool-abc123xyz", "Filters": [3]});
        let request = Members::of_body(&body).expect("object");
        assert_eq!(
            request.integer("Limit").expect_err("string").code,
            "SerializationException"
        );
        assert!(request.strings("PoolIds").is_err());
        assert!(request.structures("Filters").is_err());
        let big = json!({"Limit": 1u64 << 40});
        assert!(
            Members::of_body(&big)
                .expect("object")
                .integer("Limit")
                .is_err()
        );
        assert!(Members::of_body(&json!([1])).is_err());
        let null = json!({"Limit": null});
        assert_eq!(
            Members::of_body(&null)
                .expect("object")
                .integer("Limit")
                .ok(),
            Some(None)
        );
    }
}
