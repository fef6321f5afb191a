//! Request reading and the model's constraints (required members, lengths, ranges, patterns,
//! enumerations), answered the way the service answers them.
//!
//! A member of the wrong JSON type is a `SerializationException`, as with the real service. Every
//! constraint violation of a request is collected and reported in one `ValidationException`
//! whose message follows the service's form:
//! `2 validation errors detected: Value '0' at 'limit' failed to satisfy constraint: Member must
//! have value greater than or equal to 1; ...`.

use std::sync::OnceLock;

use regex::Regex;
use serde_json::{Map, Value};

use super::api_error::ApiError;

/// A string shape of the model: length bounds (in characters) and a pattern.
pub(crate) struct StringShape {
    min: Option<usize>,
    max: Option<usize>,
    pattern: Option<&'static str>,
    regex: OnceLock<Option<Regex>>,
}

impl StringShape {
    const fn new(min: Option<usize>, max: Option<usize>, pattern: Option<&'static str>) -> Self {
        StringShape {
            min,
            max,
            pattern,
            regex: OnceLock::new(),
        }
    }

    /// Whether `value` satisfies every constraint of the shape.
    pub(crate) fn matches(&self, value: &str) -> bool {
        let mut violations = Violations::default();
        self.check(&mut violations, "value", value);
        violations.0.is_empty()
    }

    /// Records each constraint `value` (at `path`) breaks.
    pub(crate) fn check(&self, violations: &mut Violations, path: &str, value: &str) {
        let length = value.chars().count();
        if let Some(min) = self.min
            && length < min
        {
            violations.push(
                path,
                value,
                format!("Member must have length greater than or equal to {min}"),
            );
        }
        if let Some(max) = self.max
            && length > max
        {
            violations.push(
                path,
                value,
                format!("Member must have length less than or equal to {max}"),
            );
        }
        if let Some(pattern) = self.pattern {
            // Model patterns are ECMAScript-style and not implicitly anchored, like `is_match`.
            let regex = self.regex.get_or_init(|| Regex::new(pattern).ok());
            if regex.as_ref().is_some_and(|r| !r.is_match(value)) {
                violations.push(
                    path,
                    value,
                    format!("Member must satisfy regular expression pattern: {pattern}"),
                );
            }
        }
    }
}

/// Organizations' `AccountId` (`^\d{12}$`, ASCII digits as the service reads `\d`), also the
/// account of every ARN.
pub(crate) static ACCOUNT_ID: StringShape = StringShape::new(None, Some(12), Some(r"^[0-9]{12}$"));
/// `WorkspacesPoolId`.
pub(crate) static POOL_ID: StringShape =
    StringShape::new(None, None, Some(r"^wspool-[0-9a-z]{9}$"));
/// `WorkspacesPoolName`.
pub(crate) static POOL_NAME: StringShape =
    StringShape::new(None, None, Some(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"));
/// `DescribeWorkspacesPoolsFilterValue`.
pub(crate) static POOL_FILTER_VALUE: StringShape =
    StringShape::new(Some(1), Some(128), Some(r"^[A-Za-z0-9][A-Za-z0-9_.-]+$"));
/// `WorkspacesPoolUserId`.
pub(crate) static POOL_USER_ID: StringShape = StringShape::new(Some(2), Some(128), None);
/// `PaginationToken`.
pub(crate) static PAGINATION_TOKEN: StringShape = StringShape::new(Some(1), Some(2048), None);
/// `DirectoryId`.
pub(crate) static DIRECTORY_ID: StringShape = StringShape::new(
    Some(10),
    Some(65),
    Some(r"^(d-[0-9a-f]{8,63}$)|(wsd-[0-9a-z]{8,63}$)"),
);
/// `WorkspaceDirectoryName`.
pub(crate) static DIRECTORY_NAME: StringShape =
    StringShape::new(None, None, Some(r"^[a-zA-Z0-9][a-zA-Z0-9_.\s-]{1,64}$"));
/// `DescribeWorkspaceDirectoriesFilterValue`.
pub(crate) static DIRECTORY_FILTER_VALUE: StringShape =
    StringShape::new(None, None, Some(r"^[0-9a-zA-Z\*\.\\/\?-_]{0,64}$"));
/// `BundleId`.
pub(crate) static BUNDLE_ID: StringShape =
    StringShape::new(None, None, Some(r"^wsb-[0-9a-z]{8,63}$"));
/// `WorkspaceId`.
pub(crate) static WORKSPACE_ID: StringShape =
    StringShape::new(None, None, Some(r"^ws-[0-9a-z]{8,63}$"));
/// `WorkspaceName`.
pub(crate) static WORKSPACE_NAME: StringShape =
    StringShape::new(None, None, Some(r"^[a-zA-Z0-9_()][a-zA-Z0-9_.()-]{1,63}$"));
/// `UserName`.
pub(crate) static USER_NAME: StringShape = StringShape::new(Some(1), Some(63), None);
/// `NonEmptyString`.
pub(crate) static NON_EMPTY: StringShape = StringShape::new(Some(1), None, None);
/// `BundleOwner`: unconstrained.
pub(crate) static BUNDLE_OWNER: StringShape = StringShape::new(None, None, None);
/// `UpdateDescription`.
pub(crate) static UPDATE_DESCRIPTION: StringShape =
    StringShape::new(Some(1), Some(255), Some(r"^[a-zA-Z0-9_./() -]+$"));
/// `S3BucketName`.
pub(crate) static S3_BUCKET_NAME: StringShape = StringShape::new(
    Some(3),
    Some(63),
    Some(r"^[a-z0-9][\.\-a-z0-9]{1,61}[a-z0-9]$"),
);
/// `SettingsGroup`.
pub(crate) static SETTINGS_GROUP: StringShape =
    StringShape::new(None, Some(100), Some(r"^[A-Za-z0-9_./()!*'-]+$"));
/// `AmazonUuid`.
pub(crate) static UUID: StringShape = StringShape::new(
    Some(36),
    Some(36),
    Some(r"[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}"),
);
/// `SessionInstanceId`.
pub(crate) static SESSION_INSTANCE_ID: StringShape =
    StringShape::new(None, None, Some(r"^i-[a-f0-9]{8}(?:[a-f0-9]{9})?$"));

/// STS `arnType` (its pattern admits every printable character).
pub(crate) static ROLE_ARN: StringShape = StringShape::new(Some(20), Some(2048), None);
/// STS `roleSessionNameType`: `[\w+=,.@-]*`, matched whole and in ASCII as STS does.
pub(crate) static ROLE_SESSION_NAME: StringShape =
    StringShape::new(Some(2), Some(64), Some(r"^[A-Za-z0-9_+=,.@-]*$"));
/// STS `externalIdType`: `[\w+=,.@:\/-]*`, matched whole and in ASCII.
pub(crate) static EXTERNAL_ID: StringShape =
    StringShape::new(Some(2), Some(1224), Some(r"^[A-Za-z0-9_+=,.@:/-]*$"));

/// STS `roleDurationSecondsType`: 900 to 43200.
pub(crate) const ROLE_DURATION_SECONDS: (i64, i64) = (900, 43_200);
/// `Limit`: 1 to 25.
pub(crate) const LIMIT: (i64, i64) = (1, 25);
/// `Limit50`: 1 to 50.
pub(crate) const LIMIT_50: (i64, i64) = (1, 50);
/// The bounds of every list member the emulator reads (`...IdList`, `...Filters`, `...Values`).
pub(crate) const LIST_1_TO_25: (usize, usize) = (1, 25);

/// Constraint violations of one request, in the service's wording.
#[derive(Debug, Default)]
pub(crate) struct Violations(Vec<String>);

impl Violations {
    fn push(&mut self, path: &str, value: &str, constraint: String) {
        self.0.push(format!(
            "Value '{value}' at '{path}' failed to satisfy constraint: {constraint}"
        ));
    }

    /// A required member is absent.
    pub(crate) fn required<T>(&mut self, path: &str, value: &Option<T>) {
        if value.is_none() {
            self.0.push(format!(
                "Value null at '{path}' failed to satisfy constraint: Member must not be null"
            ));
        }
    }

    /// List length bounds; the value is shown as the service shows lists, `[a, b]`.
    pub(crate) fn list_length(&mut self, path: &str, items: &[&str], (min, max): (usize, usize)) {
        let shown = format!("[{}]", items.join(", "));
        if items.len() < min {
            self.push(
                path,
                &shown,
                format!("Member must have length greater than or equal to {min}"),
            );
        }
        if items.len() > max {
            self.push(
                path,
                &shown,
                format!("Member must have length less than or equal to {max}"),
            );
        }
    }

    /// A member that is not of the form its shape needs, e.g. a query parameter that should be
    /// an integer.
    pub(crate) fn malformed(&mut self, path: &str, value: &str, expected: &str) {
        self.push(path, value, format!("Member must be {expected}"));
    }

    /// Integer range.
    pub(crate) fn range(&mut self, path: &str, value: i64, (min, max): (i64, i64)) {
        let shown = value.to_string();
        if value < min {
            self.push(
                path,
                &shown,
                format!("Member must have value greater than or equal to {min}"),
            );
        }
        if value > max {
            self.push(
                path,
                &shown,
                format!("Member must have value less than or equal to {max}"),
            );
        }
    }

    /// Enumeration membership.
    pub(crate) fn one_of(&mut self, path: &str, value: &str, allowed: &[&str]) {
        if !allowed.contains(&value) {
            self.push(
                path,
                value,
                format!(
                    "Member must satisfy enum value set: [{}]",
                    allowed.join(", ")
                ),
            );
        }
    }

    /// `Ok` when nothing was violated, else the `ValidationException` listing every violation.
    pub(crate) fn into_result(self) -> Result<(), ApiError> {
        match self.0.len() {
            0 => Ok(()),
            1 => Err(ApiError::validation(format!(
                "1 validation error detected: {}",
                self.0[0]
            ))),
            n => Err(ApiError::validation(format!(
                "{n} validation errors detected: {}",
                self.0.join("; ")
            ))),
        }
    }
}

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
            _ => Err(ApiError::serialization(
                "The request body must be a JSON object",
            )),
        }
    }

    fn get(&self, member: &str) -> Option<&'a Value> {
        self.object.get(member).filter(|v| !v.is_null())
    }

    pub(crate) fn string(&self, member: &str) -> Result<Option<&'a str>, ApiError> {
        match self.get(member) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(type_error(member, "a string")),
        }
    }

    pub(crate) fn integer(&self, member: &str) -> Result<Option<i64>, ApiError> {
        match self.get(member) {
            None => Ok(None),
            Some(Value::Number(n)) => n
                .as_i64()
                .filter(|v| i32::try_from(*v).is_ok())
                .map(Some)
                .ok_or_else(|| type_error(member, "a 32-bit integer")),
            Some(_) => Err(type_error(member, "an integer")),
        }
    }

    pub(crate) fn strings(&self, member: &str) -> Result<Option<Vec<&'a str>>, ApiError> {
        match self.get(member) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| {
                    item.as_str()
                        .ok_or_else(|| type_error(member, "a list of strings"))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(type_error(member, "a list")),
        }
    }

    pub(crate) fn structures(&self, member: &str) -> Result<Option<Vec<Members<'a>>>, ApiError> {
        match self.get(member) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::Object(object) => Ok(Members { object }),
                    _ => Err(type_error(member, "a list of structures")),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(_) => Err(type_error(member, "a list")),
        }
    }
}

fn type_error(member: &str, expected: &str) -> ApiError {
    ApiError::serialization(format!("Member {member} must be {expected}"))
}

/// The service's name for a member in validation messages: lower camel case (`PoolIds` ->
/// `poolIds`).
pub(crate) fn path(member: &str) -> String {
    let mut chars = member.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// `parent.N.member` for the N-th (1-based) element of a list.
pub(crate) fn element(list_path: &str, index: usize) -> String {
    format!("{list_path}.{}.member", index + 1)
}

/// Reads an optional list of strings with 1 to 25 elements each satisfying `shape`.
pub(crate) fn string_list(
    request: &Members<'_>,
    violations: &mut Violations,
    member: &str,
    shape: &StringShape,
) -> Result<Option<Vec<String>>, ApiError> {
    let Some(items) = request.strings(member)? else {
        return Ok(None);
    };
    let list_path = path(member);
    violations.list_length(&list_path, &items, LIST_1_TO_25);
    for (i, item) in items.iter().enumerate() {
        shape.check(violations, &element(&list_path, i), item);
    }
    Ok(Some(items.into_iter().map(str::to_string).collect()))
}

/// Reads an optional string satisfying `shape`.
pub(crate) fn string(
    request: &Members<'_>,
    violations: &mut Violations,
    member: &str,
    shape: &StringShape,
) -> Result<Option<String>, ApiError> {
    let value = request.string(member)?;
    if let Some(value) = value {
        shape.check(violations, &path(member), value);
    }
    Ok(value.map(str::to_string))
}

/// Reads an optional integer within `bounds`.
pub(crate) fn integer(
    request: &Members<'_>,
    violations: &mut Violations,
    member: &str,
    bounds: (i64, i64),
) -> Result<Option<i64>, ApiError> {
    let value = request.integer(member)?;
    if let Some(value) = value {
        violations.range(&path(member), value, bounds);
    }
    Ok(value)
}

/// Reads the optional `NextToken`.
pub(crate) fn next_token(
    request: &Members<'_>,
    violations: &mut Violations,
) -> Result<Option<String>, ApiError> {
    string(request, violations, "NextToken", &PAGINATION_TOKEN)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn message(result: Result<(), ApiError>) -> String {
        result.expect_err("must be rejected").message
    }

    #[test]
    fn every_model_pattern_compiles() {
        for shape in [
            &ACCOUNT_ID,
            &POOL_ID,
            &POOL_NAME,
            &POOL_FILTER_VALUE,
            &DIRECTORY_ID,
            &DIRECTORY_NAME,
            &DIRECTORY_FILTER_VALUE,
            &BUNDLE_ID,
            &WORKSPACE_ID,
            &WORKSPACE_NAME,
            &UPDATE_DESCRIPTION,
            &S3_BUCKET_NAME,
            &SETTINGS_GROUP,
            &UUID,
            &SESSION_INSTANCE_ID,
            &ROLE_SESSION_NAME,
            &EXTERNAL_ID,
        ] {
            let pattern = shape.pattern.unwrap_or_default();
            assert!(Regex::new(pattern).is_ok(), "{pattern}");
        }
    }

    #[test]
    fn patterns_accept_and_reject_as_the_model_says() {
        assert!(POOL_ID.matches("wspool-abc123xyz"));
        assert!(!POOL_ID.matches("wspool-abc123xy"));
        assert!(!POOL_ID.matches("wspool-ABC123XYZ"));
        assert!(!POOL_ID.matches("wspool-abc123xyz0"));
        assert!(POOL_FILTER_VALUE.matches("ab"));
        assert!(
            !POOL_FILTER_VALUE.matches("a"),
            "the pattern needs two characters"
        );
        assert!(!POOL_FILTER_VALUE.matches("-ab"));
        assert!(!POOL_FILTER_VALUE.matches("a b"));
        assert!(!POOL_FILTER_VALUE.matches(&"a".repeat(129)));
        assert!(POOL_FILTER_VALUE.matches(&"a".repeat(128)));
        assert!(DIRECTORY_ID.matches("d-1234abcd90"));
        assert!(DIRECTORY_ID.matches("wsd-abcdefgh1"));
        assert!(!DIRECTORY_ID.matches("d-12345678x9"));
        assert!(!DIRECTORY_ID.matches("d-1234567"), "too short");
        assert!(DIRECTORY_FILTER_VALUE.matches("POOLS"));
        assert!(!DIRECTORY_FILTER_VALUE.matches("a b"));
        assert!(BUNDLE_ID.matches("wsb-12345678"));
        assert!(!BUNDLE_ID.matches("wsb-1234567"));
        assert!(WORKSPACE_ID.matches("ws-abcdefgh"));
        assert!(!WORKSPACE_ID.matches("ws-abc"));
        assert!(WORKSPACE_NAME.matches("(team)_desk.1"));
        assert!(!WORKSPACE_NAME.matches("a"));
        assert!(!USER_NAME.matches(""));
        assert!(!USER_NAME.matches(&"u".repeat(64)));
        assert!(!POOL_USER_ID.matches("u"));
        assert!(POOL_USER_ID.matches("uu"));
        assert!(!POOL_USER_ID.matches(&"u".repeat(129)));
        assert!(!PAGINATION_TOKEN.matches(""));
        assert!(!PAGINATION_TOKEN.matches(&"t".repeat(2049)));
        assert!(PAGINATION_TOKEN.matches(&"t".repeat(2048)));
    }

    #[test]
    fn messages_follow_the_service_form() {
        let mut violations = Violations::default();
        violations.range("limit", 0, LIMIT);
        assert_eq!(
            message(violations.into_result()),
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: \
             Member must have value greater than or equal to 1"
        );
        let mut violations = Violations::default();
        violations.range("limit", 26, LIMIT);
        violations.required("poolId", &None::<&str>);
        let text = message(violations.into_result());
        assert!(text.starts_with("2 validation errors detected: "), "{text}");
        assert!(text.contains("Value null at 'poolId'"), "{text}");
        assert!(text.contains("less than or equal to 25"), "{text}");
    }

    #[test]
    fn list_bounds_are_checked() {
        let body = json!({"PoolIds": [], "DirectoryIds": vec!["d-1234567890"; 26]});
        let request = Members::of_body(&body).expect("object");
        let mut violations = Violations::default();
        string_list(&request, &mut violations, "PoolIds", &POOL_ID).expect("types fine");
        string_list(&request, &mut violations, "DirectoryIds", &DIRECTORY_ID).expect("types fine");
        let text = message(violations.into_result());
        assert!(text.contains("at 'poolIds' failed"), "{text}");
        assert!(text.contains("greater than or equal to 1"), "{text}");
        assert!(text.contains("at 'directoryIds' failed"), "{text}");
    }

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
