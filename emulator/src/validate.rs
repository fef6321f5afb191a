//! Requests checked against the service model, answered the way the service answers them.
//!
//! [`request`] walks a decoded body (the JSON form, whatever the encoding) along the input shape
//! of its operation, into nested structures, lists and maps: required members, string lengths
//! (in characters), patterns and enumerations, list and map lengths, numeric ranges, blob
//! lengths. A member of the wrong JSON type is a `SerializationException`, as with the real
//! service, which fails to read such a body before it validates anything. Every constraint
//! violation is collected and reported in one `ValidationException` whose message follows the
//! service's form:
//! `2 validation errors detected: Value '0' at 'limit' failed to satisfy constraint: Member must
//! have value greater than or equal to 1; ...`. Paths name members in lower camel case, list
//! elements as `filters.1.member` (1-based), map values as `tags.KEY`; lists are shown as
//! `[a, b]`, a structure by its shape's name.
//!
//! The router runs this before any operation of a service with a model, so operations read an
//! already-valid body and keep only the rules a model cannot express. STS has no model here: its
//! few members are checked by hand with the same [`StringShape`] and [`Violations`]
//! (`sts.rs`). Organizations has none either, and answers out-of-bounds members in its own form
//! (`list_accounts.rs`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value};

use super::api_error::ApiError;
use super::model::{Bounds, Member, ServiceModel, ShapeKind, StringShape, Structure};

/// Checks `body` against the input shape of `operation`: `Ok`, or the error the service answers.
pub(crate) fn request(model: &ServiceModel, operation: &str, body: &Value) -> Result<(), ApiError> {
    let Some(found) = model.operation(operation) else {
        return Err(ApiError::unknown_operation(operation));
    };
    let Value::Object(members) = body else {
        return Err(ApiError::not_an_object());
    };
    let Some(input) = found.input.as_deref() else {
        return Ok(());
    };
    let mut walk = Walk {
        model,
        violations: Violations::default(),
    };
    if let Some(ShapeKind::Structure(structure)) = model.shape(input).map(|s| &s.kind) {
        walk.structure(structure, members, "")?;
    }
    walk.violations.into_result()
}

/// Checks `value` against the shape named `shape` as a request member would be: how tests hold
/// answers the emulator derives to the model's constraints.
#[cfg(test)]
pub(crate) fn shape(model: &ServiceModel, shape: &str, value: &Value) -> Result<(), ApiError> {
    let mut walk = Walk {
        model,
        violations: Violations::default(),
    };
    walk.value(shape, value, "")?;
    walk.violations.into_result()
}

/// One request's walk along its shapes.
struct Walk<'m> {
    model: &'m ServiceModel,
    violations: Violations,
}

impl Walk<'_> {
    /// Checks `value`, at `path`, against the shape named `shape`.
    fn value(&mut self, shape: &str, value: &Value, path: &str) -> Result<(), ApiError> {
        let Some(found) = self.model.shape(shape) else {
            return Ok(());
        };
        match &found.kind {
            ShapeKind::Structure(structure) => {
                let Value::Object(members) = value else {
                    return Err(ApiError::wrong_type(path, "a structure"));
                };
                let set = |m: &&Member| members.get(&m.name).is_some_and(|v| !v.is_null());
                if structure.union && structure.members.iter().filter(set).count() != 1 {
                    return Err(ApiError::wrong_type(
                        path,
                        "a union with exactly one member set",
                    ));
                }
                self.structure(structure, members, path)?;
            }
            ShapeKind::List { member, length } => {
                let Value::Array(items) = value else {
                    return Err(ApiError::wrong_type(path, "a list"));
                };
                self.violations
                    .length(path, items.len() as u64, *length, || {
                        shown(self.model, shape, value)
                    });
                for (i, item) in items.iter().enumerate() {
                    self.value(member, item, &element(path, i))?;
                }
            }
            ShapeKind::Map {
                key,
                value: of,
                length,
            } => {
                let Value::Object(entries) = value else {
                    return Err(ApiError::wrong_type(path, "a map"));
                };
                self.violations
                    .length(path, entries.len() as u64, *length, || {
                        shown(self.model, shape, value)
                    });
                for (name, entry) in entries {
                    self.model
                        .string(key)
                        .check(&mut self.violations, path, name);
                    if !entry.is_null() {
                        self.value(of, entry, &format!("{path}.{name}"))?;
                    }
                }
            }
            ShapeKind::String(string) => match value {
                Value::String(text) => string.check(&mut self.violations, path, text),
                _ => return Err(ApiError::wrong_type(path, "a string")),
            },
            ShapeKind::Integer { bits, range } => {
                let Value::Number(number) = value else {
                    return Err(ApiError::wrong_type(path, "an integer"));
                };
                let fits = |n: &i64| {
                    *bits >= 64 || (-(1i64 << (bits - 1))..(1i64 << (bits - 1))).contains(n)
                };
                let Some(n) = number.as_i64().filter(fits) else {
                    return Err(ApiError::wrong_type(path, &format!("a {bits}-bit integer")));
                };
                self.violations.range(path, n, *range);
            }
            ShapeKind::Float { range } => match value {
                Value::Number(number) => {
                    let n = number.as_f64().unwrap_or_default();
                    self.violations.float_range(path, n, *range);
                }
                Value::String(special) if NON_FINITE.contains(&special.as_str()) => {}
                _ => return Err(ApiError::wrong_type(path, "a number")),
            },
            ShapeKind::Boolean => {
                if !value.is_boolean() {
                    return Err(ApiError::wrong_type(path, "a boolean"));
                }
            }
            ShapeKind::Timestamp => {
                if !value.is_number() {
                    return Err(ApiError::wrong_type(path, "a timestamp in epoch seconds"));
                }
            }
            ShapeKind::Blob { length } => {
                let bytes = value
                    .as_str()
                    .and_then(|text| BASE64.decode(text).ok())
                    .ok_or_else(|| ApiError::wrong_type(path, "base64-encoded bytes"))?;
                self.violations
                    .length(path, bytes.len() as u64, *length, || {
                        shown(self.model, shape, value)
                    });
            }
            ShapeKind::Any => {}
        }
        Ok(())
    }

    /// Checks each member of `structure` present in `members`, and that the required ones are.
    fn structure(
        &mut self,
        structure: &Structure,
        members: &Map<String, Value>,
        path: &str,
    ) -> Result<(), ApiError> {
        for member in &structure.members {
            let at = match path {
                "" => lower_camel(&member.name),
                parent => format!("{parent}.{}", lower_camel(&member.name)),
            };
            match members.get(&member.name).filter(|v| !v.is_null()) {
                Some(value) => self.value(&member.shape, value, &at)?,
                None if structure.required.contains(&member.name) => self.violations.null(&at),
                None => {}
            }
        }
        Ok(())
    }
}

/// How awsJson spells the doubles JSON has no number for.
const NON_FINITE: [&str; 3] = ["NaN", "Infinity", "-Infinity"];

/// `value` as the service shows it in a message: text as is, lists as `[a, b]`, maps as
/// `{k=v}`, a structure by its shape's name.
fn shown(model: &ServiceModel, shape: &str, value: &Value) -> String {
    let kind = model.shape(shape).map(|s| &s.kind);
    match (value, kind) {
        (Value::String(text), _) => text.clone(),
        (Value::Array(items), Some(ShapeKind::List { member, .. })) => {
            let items: Vec<String> = items.iter().map(|i| shown(model, member, i)).collect();
            format!("[{}]", items.join(", "))
        }
        (Value::Object(entries), Some(ShapeKind::Map { value: of, .. })) => {
            let entries: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}={}", shown(model, of, v)))
                .collect();
            format!("{{{}}}", entries.join(", "))
        }
        (Value::Object(_), _) => shape.to_string(),
        (other, _) => other.to_string(),
    }
}

/// The service's name for a member in validation messages: lower camel case (`PoolIds` ->
/// `poolIds`).
fn lower_camel(member: &str) -> String {
    let mut chars = member.chars();
    match chars.next() {
        Some(first) => first.to_ascii_lowercase().to_string() + chars.as_str(),
        None => String::new(),
    }
}

/// `parent.N.member` for the N-th (1-based) element of a list.
fn element(list_path: &str, index: usize) -> String {
    format!("{list_path}.{}.member", index + 1)
}

impl StringShape {
    /// Whether `value` satisfies every constraint of the shape.
    pub(crate) fn matches(&self, value: &str) -> bool {
        let mut violations = Violations::default();
        self.check(&mut violations, "value", value);
        violations.0.is_empty()
    }

    /// Records each constraint `value` (at `path`) breaks.
    pub(crate) fn check(&self, violations: &mut Violations, path: &str, value: &str) {
        let length = value.chars().count() as u64;
        violations.length(path, length, self.length, || value.to_string());
        if let Some(pattern) = &self.pattern {
            // Model patterns are ECMAScript-style and not implicitly anchored, like `is_match`.
            if pattern.regex().is_some_and(|r| !r.is_match(value)) {
                violations.push(
                    path,
                    value,
                    format!(
                        "Member must satisfy regular expression pattern: {}",
                        pattern.source()
                    ),
                );
            }
        }
        if !self.values.is_empty() && !self.values.iter().any(|v| v == value) {
            violations.push(
                path,
                value,
                format!(
                    "Member must satisfy enum value set: [{}]",
                    self.values.join(", ")
                ),
            );
        }
    }
}

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
    pub(crate) fn null(&mut self, path: &str) {
        self.0.push(format!(
            "Value null at '{path}' failed to satisfy constraint: Member must not be null"
        ));
    }

    /// A required member, if absent.
    pub(crate) fn required<T>(&mut self, path: &str, value: &Option<T>) {
        if value.is_none() {
            self.null(path);
        }
    }

    /// Length bounds (of a string, list, map or blob); `shown` is how the value appears in the
    /// message.
    pub(crate) fn length(
        &mut self,
        path: &str,
        length: u64,
        bounds: Bounds<u64>,
        shown: impl FnOnce() -> String,
    ) {
        let below = bounds.min.filter(|&min| length < min);
        let above = bounds.max.filter(|&max| length > max);
        if below.is_none() && above.is_none() {
            return;
        }
        let shown = shown();
        if let Some(min) = below {
            self.push(
                path,
                &shown,
                format!("Member must have length greater than or equal to {min}"),
            );
        }
        if let Some(max) = above {
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
    pub(crate) fn range(&mut self, path: &str, value: i64, bounds: Bounds<i64>) {
        self.bounded(
            path,
            &value.to_string(),
            bounds.min.filter(|&m| value < m),
            bounds.max.filter(|&m| value > m),
        );
    }

    /// Floating-point range.
    fn float_range(&mut self, path: &str, value: f64, bounds: Bounds<f64>) {
        self.bounded(
            path,
            &value.to_string(),
            bounds.min.filter(|&m| value < m),
            bounds.max.filter(|&m| value > m),
        );
    }

    fn bounded<T: std::fmt::Display>(
        &mut self,
        path: &str,
        shown: &str,
        below: Option<T>,
        above: Option<T>,
    ) {
        if let Some(min) = below {
            self.push(
                path,
                shown,
                format!("Member must have value greater than or equal to {min}"),
            );
        }
        if let Some(max) = above {
            self.push(
                path,
                shown,
                format!("Member must have value less than or equal to {max}"),
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{cloudwatch, workspaces};

    fn message(result: Result<(), ApiError>) -> String {
        result.expect_err("must be rejected").message
    }

    /// The error of `body` sent to WorkSpaces' `operation`.
    fn rejected(operation: &str, body: Value) -> ApiError {
        request(workspaces(), operation, &body).expect_err(&body.to_string())
    }

    #[test]
    fn patterns_accept_and_reject_as_the_model_says() {
        let model = workspaces();
        let pool_id = model.string("WorkspacesPoolId");
        assert!(pool_id.matches("wspool-abc123xyz"));
        assert!(!pool_id.matches("wspool-abc123xy"));
        assert!(!pool_id.matches("wspool-ABC123XYZ"));
        assert!(!pool_id.matches("wspool-abc123xyz0"));
        let pool_filter_value = model.string("DescribeWorkspacesPoolsFilterValue");
        assert!(pool_filter_value.matches("ab"));
        assert!(
            !pool_filter_value.matches("a"),
            "the pattern needs two characters"
        );
        assert!(!pool_filter_value.matches("-ab"));
        assert!(!pool_filter_value.matches("a b"));
        assert!(!pool_filter_value.matches(&"a".repeat(129)));
        assert!(pool_filter_value.matches(&"a".repeat(128)));
        let directory_id = model.string("DirectoryId");
        assert!(directory_id.matches("d-1234abcd90"));
        assert!(directory_id.matches("wsd-abcdefgh1"));
        assert!(!directory_id.matches("d-12345678x9"));
        assert!(!directory_id.matches("d-1234567"), "too short");
        let directory_filter_value = model.string("DescribeWorkspaceDirectoriesFilterValue");
        assert!(directory_filter_value.matches("POOLS"));
        assert!(!directory_filter_value.matches("a b"));
        assert!(model.string("BundleId").matches("wsb-12345678"));
        assert!(!model.string("BundleId").matches("wsb-1234567"));
        assert!(model.string("WorkspaceId").matches("ws-abcdefgh"));
        assert!(!model.string("WorkspaceId").matches("ws-abc"));
        assert!(model.string("WorkspaceName").matches("(team)_desk.1"));
        assert!(!model.string("WorkspaceName").matches("a"));
        assert!(!model.string("UserName").matches(""));
        assert!(!model.string("UserName").matches(&"u".repeat(64)));
        let pool_user_id = model.string("WorkspacesPoolUserId");
        assert!(!pool_user_id.matches("u"));
        assert!(pool_user_id.matches("uu"));
        assert!(!pool_user_id.matches(&"u".repeat(129)));
        let token = model.string("PaginationToken");
        assert!(!token.matches(""));
        assert!(!token.matches(&"t".repeat(2049)));
        assert!(token.matches(&"t".repeat(2048)));
        // `\d` is ASCII, as the service reads it.
        assert!(model.string("AwsAccount").matches("123456789012"));
        assert!(!model.string("AwsAccount").matches("١٢٣٤٥٦٧٨٩٠١٢"));
    }

    #[test]
    fn messages_follow_the_service_form() {
        assert_eq!(
            message(request(
                workspaces(),
                "DescribeWorkspacesPools",
                &json!({"Limit": 0})
            )),
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint: \
             Member must have value greater than or equal to 1"
        );
        let mut violations = Violations::default();
        violations.range(
            "limit",
            26,
            Bounds {
                min: Some(1),
                max: Some(25),
            },
        );
        violations.required("poolId", &None::<&str>);
        let text = message(violations.into_result());
        assert!(text.starts_with("2 validation errors detected: "), "{text}");
        assert!(text.contains("Value null at 'poolId'"), "{text}");
        assert!(text.contains("less than or equal to 25"), "{text}");
        let text = message(request(
            workspaces(),
            "DescribeWorkspacesPoolSessions",
            &json!({"Limit": 51}),
        ));
        assert_eq!(
            text,
            "2 validation errors detected: Value null at 'poolId' failed to satisfy constraint: \
             Member must not be null; Value '51' at 'limit' failed to satisfy constraint: Member \
             must have value less than or equal to 50"
        );
    }

    #[test]
    fn list_bounds_are_checked() {
        let text = rejected("DescribeWorkspacesPools", json!({"PoolIds": []})).message;
        assert!(text.contains("at 'poolIds' failed"), "{text}");
        assert!(text.contains("greater than or equal to 1"), "{text}");
        let text = rejected(
            "DescribeWorkspaceDirectories",
            json!({"DirectoryIds": vec!["d-1234567890"; 26]}),
        )
        .message;
        assert!(text.contains("at 'directoryIds' failed"), "{text}");
        assert!(text.contains("less than or equal to 25"), "{text}");
        assert!(
            text.contains("Value '[d-1234567890, d-1234567890,"),
            "lists are shown as the service shows them: {text}"
        );
    }

    #[test]
    fn every_kind_of_constraint_with_nested_paths() {
        let cases = [
            (
                "DescribeWorkspacesPools",
                json!({"PoolIds": ["wspool-ABC"]}),
                "Value 'wspool-ABC' at 'poolIds.1.member' failed to satisfy constraint: Member \
                 must satisfy regular expression pattern: ^wspool-[0-9a-z]{9}$",
            ),
            (
                "DescribeWorkspacesPools",
                json!({"Filters": [{"Name": "PoolId", "Operator": "EQUALS", "Values": ["ab"]}]}),
                "Value 'PoolId' at 'filters.1.member.name' failed to satisfy constraint: Member \
                 must satisfy enum value set: [PoolName]",
            ),
            (
                "DescribeWorkspacesPools",
                json!({"Filters": [{"Name": "PoolName", "Operator": "EQUALS"}]}),
                "Value null at 'filters.1.member.values' failed to satisfy constraint: Member \
                 must not be null",
            ),
            (
                "DescribeWorkspacesPools",
                json!({"Filters": [{"Name": "PoolName", "Operator": "EQUALS", "Values": ["ab", "a".repeat(129)]}]}),
                "at 'filters.1.member.values.2.member' failed to satisfy constraint: Member must \
                 have length less than or equal to 128",
            ),
            (
                "DescribeWorkspacesPools",
                json!({"Filters": []}),
                "Value '[]' at 'filters' failed to satisfy constraint: Member must have length \
                 greater than or equal to 1",
            ),
            (
                "DescribeWorkspacesPools",
                json!({"NextToken": ""}),
                "Value '' at 'nextToken' failed to satisfy constraint: Member must have length \
                 greater than or equal to 1",
            ),
            (
                "DescribeTags",
                json!({}),
                "Value null at 'resourceId' failed to satisfy constraint: Member must not be null",
            ),
        ];
        for (operation, body, expected) in cases {
            let error = rejected(operation, body.clone());
            assert_eq!(error.code, "ValidationException", "{body}");
            assert!(
                error.message.contains(expected),
                "{body}: {}",
                error.message
            );
        }
        let filters = json!({"Filters": vec![json!({"Name": "PoolName", "Operator": "EQUALS", "Values": ["ab"]}); 26]});
        let text = rejected("DescribeWorkspacesPools", filters).message;
        assert!(
            text.starts_with(
                "1 validation error detected: Value '[DescribeWorkspacesPoolsFilter, \
                 DescribeWorkspacesPoolsFilter,"
            ),
            "a structure is shown by its shape's name: {text}"
        );
        // Every violation of a request, nested or not, in one exception.
        let body = json!({
            "PoolIds": [],
            "Filters": [{"Name": "x", "Operator": "LIKE", "Values": ["a"]}],
            "Limit": 26,
        });
        let text = rejected("DescribeWorkspacesPools", body).message;
        assert!(text.starts_with("5 validation errors detected: "), "{text}");
        assert!(
            request(
                workspaces(),
                "DescribeWorkspacesPools",
                &json!({"Limit": 25, "PoolIds": vec!["wspool-000000000"; 25], "Unknown": 1})
            )
            .is_ok(),
            "members the model does not know are ignored"
        );
    }

    #[test]
    fn wrong_types_are_serialization_errors_anywhere() {
        let cases = [
            json!({"Limit": "5"}),
            json!({"Limit": 2.5}),
            json!({"Limit": 1u64 << 40}),
            json!({"PoolIds": "wspool-abc123xyz"}),
            json!({"PoolIds": [1]}),
            json!({"PoolIds": [null]}),
            json!({"Filters": [3]}),
            json!({"Filters": {"Name": "PoolName"}}),
            json!({"Filters": [{"Name": 1, "Operator": "EQUALS", "Values": ["ab"]}]}),
            json!({"Filters": [{"Name": "PoolName", "Operator": "EQUALS", "Values": "ab"}]}),
            // A type error wins over the violations found before it.
            json!({"PoolIds": [], "Limit": true}),
        ];
        for body in cases {
            let error = rejected("DescribeWorkspacesPools", body.clone());
            assert_eq!(error.code, "SerializationException", "{body}");
        }
        let error = rejected(
            "DescribeWorkspacesPools",
            json!({"Filters": [{"Name": "PoolName", "Operator": 7, "Values": ["ab"]}]}),
        );
        assert!(
            error.message.contains("'filters.1.member.operator'"),
            "{}",
            error.message
        );
        for body in [json!([]), json!("x"), json!(null)] {
            assert_eq!(
                rejected("DescribeTags", body).code,
                "SerializationException"
            );
        }
        assert_eq!(
            rejected("DescribeWorkspacesPoolsX", json!({})).code,
            "UnknownOperationException"
        );
    }

    /// The kinds no answered operation's input uses yet: maps (keys and values), blobs, longs,
    /// doubles' ranges, booleans and unions, on a model written for the test.
    #[test]
    fn maps_blobs_longs_doubles_booleans_and_unions() {
        let model = ServiceModel::parse(
            &json!({
                "metadata": {"targetPrefix": "Sample", "endpointPrefix": "sample"},
                "operations": {"Put": {"input": {"shape": "PutRequest"}}},
                "shapes": {
                    "PutRequest": {"type": "structure", "required": ["Tags"], "members": {
                        "Tags": {"shape": "Tags"},
                        "Logo": {"shape": "Logo"},
                        "Offset": {"shape": "Offset"},
                        "Ratio": {"shape": "Ratio"},
                        "Enabled": {"shape": "Flag"},
                        "Source": {"shape": "Source"},
                    }},
                    "Tags": {"type": "map", "key": {"shape": "TagKey"}, "value": {"shape": "TagValue"}, "min": 1, "max": 2},
                    "TagKey": {"type": "string", "pattern": "^[a-z]+$"},
                    "TagValue": {"type": "string", "max": 3},
                    "Logo": {"type": "blob", "max": 4},
                    "Offset": {"type": "long", "min": 0, "max": 5_000_000_000i64},
                    "Ratio": {"type": "double", "min": 0, "max": 1},
                    "Flag": {"type": "boolean"},
                    "Source": {"type": "structure", "union": true, "members": {
                        "Name": {"shape": "TagValue"},
                        "Id": {"shape": "Offset"},
                    }},
                }
            })
            .to_string(),
        )
        .expect("model");
        let check = |body: Value| request(&model, "Put", &body);
        assert!(
            check(json!({
                "Tags": {"env": "prd"},
                "Logo": "AAECAw==",
                "Offset": 4_000_000_000i64,
                "Ratio": 0.5,
                "Enabled": true,
                "Source": {"Id": 3},
            }))
            .is_ok()
        );
        let text = message(check(json!({
            "Tags": {"Env": "prod", "b": "x", "c": "y"},
            "Logo": "AAECAwQ=",
            "Offset": 5_000_000_001i64,
            "Ratio": 1.5,
        })));
        assert!(text.starts_with("6 validation errors detected: "), "{text}");
        for expected in [
            "Value '{Env=prod, b=x, c=y}' at 'tags' failed to satisfy constraint: Member must have length less than or equal to 2",
            "Value 'Env' at 'tags' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-z]+$",
            "Value 'prod' at 'tags.Env' failed to satisfy constraint: Member must have length less than or equal to 3",
            "at 'logo' failed to satisfy constraint: Member must have length less than or equal to 4",
            "Value '5000000001' at 'offset' failed to satisfy constraint: Member must have value less than or equal to 5000000000",
            "Value '1.5' at 'ratio' failed to satisfy constraint: Member must have value less than or equal to 1",
        ] {
            assert!(text.contains(expected), "{expected}\n{text}");
        }
        assert!(message(check(json!({}))).contains("Value null at 'tags'"));
        assert!(message(check(json!({"Tags": {}}))).contains("greater than or equal to 1"));
        for wrong in [
            json!({"Tags": ["env"]}),
            json!({"Tags": {"env": 1}}),
            json!({"Tags": {"env": "a"}, "Logo": "not base64!"}),
            json!({"Tags": {"env": "a"}, "Logo": 7}),
            json!({"Tags": {"env": "a"}, "Offset": 1.5}),
            json!({"Tags": {"env": "a"}, "Ratio": "half"}),
            json!({"Tags": {"env": "a"}, "Enabled": "yes"}),
            json!({"Tags": {"env": "a"}, "Source": {}}),
            json!({"Tags": {"env": "a"}, "Source": {"Name": "a", "Id": 1}}),
        ] {
            let error = check(wrong.clone()).expect_err(&wrong.to_string());
            assert_eq!(error.code, "SerializationException", "{wrong}");
        }
    }

    /// GetMetricData as CloudWatch's model bounds it: required members, nested structures and
    /// lists, lengths, a pattern, ranges, timestamps and wrong types.
    #[test]
    fn cloudwatch_shapes_validate_too() {
        let model = cloudwatch();
        let query = |id: &str, period: i64| {
            json!({
                "Id": id,
                "MetricStat": {
                    "Metric": {
                        "Namespace": "AWS/WorkSpaces",
                        "MetricName": "SessionLaunchTime",
                        "Dimensions": [{"Name": "WorkspaceId", "Value": "ws-abcdefgh1"}],
                    },
                    "Period": period,
                    "Stat": "Average",
                },
            })
        };
        let body = |queries: Vec<Value>| json!({"MetricDataQueries": queries, "StartTime": 1_700_000_000, "EndTime": 1_700_003_600.5});
        assert!(request(model, "GetMetricData", &body(vec![query("m1", 300)])).is_ok());
        // The model bounds neither the number of queries nor the Id's characters (the
        // documentation does, the model does not): only what the model says is enforced.
        assert!(request(model, "GetMetricData", &body(vec![])).is_ok());
        assert!(
            request(
                model,
                "GetMetricData",
                &body(vec![query("Not-An-Id", 60); 600])
            )
            .is_ok()
        );

        let text = message(request(model, "GetMetricData", &json!({})));
        assert!(text.starts_with("3 validation errors detected: "), "{text}");
        for member in ["metricDataQueries", "startTime", "endTime"] {
            assert!(
                text.contains(&format!("Value null at '{member}'")),
                "{text}"
            );
        }
        let text = message(request(model, "GetMetricData", &body(vec![query("", 0)])));
        assert!(
            text.contains("Value '' at 'metricDataQueries.1.member.id' failed to satisfy constraint: Member must have length greater than or equal to 1"),
            "{text}"
        );
        assert!(
            text.contains("Value '0' at 'metricDataQueries.1.member.metricStat.period' failed to satisfy constraint: Member must have value greater than or equal to 1"),
            "{text}"
        );
        let mut colon = query("m1", 60);
        // `[^:].*` is not anchored: ":AWS" matches it, ":" alone does not.
        colon["MetricStat"]["Metric"]["Namespace"] = json!(":");
        colon["MetricStat"]["Metric"]["Dimensions"] =
            json!(vec![json!({"Name": "a", "Value": "b"}); 31]);
        colon["MetricStat"]["Metric"]["Dimensions"][3] = json!({"Name": "a"});
        let text = message(request(model, "GetMetricData", &body(vec![colon])));
        assert!(
            text.contains("at 'metricDataQueries.1.member.metricStat.metric.namespace' failed to satisfy constraint: Member must satisfy regular expression pattern: [^:].*"),
            "{text}"
        );
        assert!(
            text.contains("at 'metricDataQueries.1.member.metricStat.metric.dimensions' failed to satisfy constraint: Member must have length less than or equal to 30"),
            "{text}"
        );
        assert!(
            text.contains("Value null at 'metricDataQueries.1.member.metricStat.metric.dimensions.4.member.value'"),
            "{text}"
        );
        let mut unanchored = query("m1", 60);
        unanchored["MetricStat"]["Metric"]["Namespace"] = json!(":AWS");
        assert!(request(model, "GetMetricData", &body(vec![unanchored])).is_ok());
        let mut missing = query("m1", 60);
        if let Some(stat) = missing["MetricStat"].as_object_mut() {
            stat.remove("Stat");
        }
        let text = message(request(model, "GetMetricData", &body(vec![missing])));
        assert!(
            text.contains("Value null at 'metricDataQueries.1.member.metricStat.stat'"),
            "{text}"
        );
        let text = message(request(
            model,
            "GetMetricData",
            &json!({"MetricDataQueries": [], "StartTime": 1, "EndTime": 2, "ScanBy": "Newest"}),
        ));
        assert!(
            text.contains("enum value set: [TimestampDescending, TimestampAscending]"),
            "{text}"
        );

        for wrong in [
            json!({"MetricDataQueries": [], "StartTime": "yesterday", "EndTime": 2}),
            json!({"MetricDataQueries": [query("m1", 60)], "StartTime": 1, "EndTime": 2, "MaxDatapoints": "many"}),
            json!({"MetricDataQueries": {"Id": "m1"}, "StartTime": 1, "EndTime": 2}),
        ] {
            let error = request(model, "GetMetricData", &wrong).expect_err(&wrong.to_string());
            assert_eq!(error.code, "SerializationException", "{wrong}");
        }
        // Doubles, with awsJson's spelling of the non-finite ones.
        let doubles = json!({"Namespace": "N", "MetricData": [
            {"MetricName": "m", "Value": "NaN", "Values": [1.5, "Infinity", 2]}
        ]});
        assert!(request(model, "PutMetricData", &doubles).is_ok());
        let error = request(
            model,
            "PutMetricData",
            &json!({"Namespace": "N", "MetricData": [{"MetricName": "m", "Value": "many"}]}),
        )
        .expect_err("not a double");
        assert_eq!(error.code, "SerializationException");
    }
}
