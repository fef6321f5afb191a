//! The AWS service models the emulator is built from: WorkSpaces and CloudWatch, as botocore
//! publishes them (`emulator/models/*.json`, embedded at build time and parsed once).
//!
//! A model says everything the wire needs: each operation's input, output and error shapes, and
//! for each shape its kind and constraints (structure members and which are required, list
//! members, map keys and values, string lengths, patterns and enumerations, numeric ranges,
//! timestamps, blobs); for an error shape, its awsQuery code, HTTP status and fault side
//! ([`ErrorTrait`]), which a query-compatible service such as CloudWatch answers with. Request validation (`validate.rs`) and the CBOR encoding of answers
//! (`cbor.rs`) walk these shapes, so a new operation needs no constraint written by hand.
//!
//! Shapes refer to each other by name, as in the file. Members keep the model's order, which is
//! the order the service reports violations in. STS and Organizations have no model here: their
//! few members are checked by hand (`sts.rs`, `list_accounts.rs`).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{LazyLock, OnceLock};

use regex::Regex;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};

/// The WorkSpaces model (`WorkspacesService`, 2015-04-08).
pub(crate) fn workspaces() -> &'static ServiceModel {
    static MODEL: LazyLock<ServiceModel> =
        LazyLock::new(|| embedded(include_str!("../models/workspaces-2015-04-08.json")));
    &MODEL
}

/// The CloudWatch model (`GraniteServiceVersion20100801`, 2010-08-01).
pub(crate) fn cloudwatch() -> &'static ServiceModel {
    static MODEL: LazyLock<ServiceModel> =
        LazyLock::new(|| embedded(include_str!("../models/cloudwatch-2010-08-01.json")));
    &MODEL
}

/// A model compiled into the crate. The files are ours and a unit test parses each, so a
/// failure here is a build defect, never something a client can cause.
fn embedded(json: &str) -> ServiceModel {
    match ServiceModel::parse(json) {
        Ok(model) => model,
        Err(error) => panic!("an embedded service model does not parse: {error}"),
    }
}

/// One service's operations and shapes.
#[derive(Debug)]
pub(crate) struct ServiceModel {
    /// What the model says of the service as a whole.
    pub(crate) metadata: Metadata,
    operations: BTreeMap<String, Operation>,
    shapes: BTreeMap<String, Shape>,
}

/// The model's `metadata`.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Metadata {
    /// `X-Amz-Target` prefix of the JSON protocols, and the service shape's name.
    pub(crate) target_prefix: String,
    /// `1.0` or `1.1`: the awsJson protocol version.
    pub(crate) json_version: Option<String>,
    /// The protocols the service speaks, preferred first (`smithy-rpc-v2-cbor`, `json`, ...).
    #[serde(default)]
    pub(crate) protocols: Vec<String>,
    /// The SigV4 signing name unless `signingName` says otherwise.
    pub(crate) endpoint_prefix: String,
    /// Present (an empty object) when the service moved from awsQuery to JSON and CBOR and keeps
    /// its awsQuery error codes: its errors carry `x-amzn-query-error`.
    aws_query_compatible: Option<serde_json::Value>,
}

impl Metadata {
    /// Whether the service is `awsQueryCompatible`.
    pub(crate) fn query_compatible(&self) -> bool {
        self.aws_query_compatible.is_some()
    }
}

/// An operation: the shapes of its request, answer and errors.
#[derive(Debug, Clone)]
pub(crate) struct Operation {
    /// The input structure, if the operation takes one.
    pub(crate) input: Option<String>,
    /// The output structure, if the operation answers one.
    pub(crate) output: Option<String>,
    /// The error structures the operation may answer with.
    pub(crate) errors: Vec<String>,
    /// The model's documentation (HTML).
    pub(crate) documentation: Option<String>,
}

/// A named shape.
#[derive(Debug)]
pub(crate) struct Shape {
    /// What values of the shape look like.
    pub(crate) kind: ShapeKind,
    /// For an error shape, how it is answered.
    pub(crate) error: Option<ErrorTrait>,
}

/// How an error shape is answered, as botocore writes Smithy's `awsQueryError` and `httpError`
/// traits (`"error": {"code", "httpStatusCode", "senderFault"}`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ErrorTrait {
    /// The awsQuery code, where it differs from the shape's name (`InvalidParameterValue` for
    /// `InvalidParameterValueException`).
    pub(crate) code: Option<String>,
    /// The HTTP status of the answer.
    pub(crate) http_status_code: Option<u16>,
    /// Whether the caller is at fault (`Sender`), else the service (`Receiver`).
    #[serde(default)]
    pub(crate) sender_fault: bool,
}

/// The kinds of shape, with their constraints.
#[derive(Debug)]
pub(crate) enum ShapeKind {
    /// A structure (or a union: one member set).
    Structure(Structure),
    /// A list of `member`.
    List { member: String, length: Bounds<u64> },
    /// A map from `key` (a string shape) to `value`.
    Map {
        key: String,
        value: String,
        length: Bounds<u64>,
    },
    /// A string, with its length (in characters), pattern and enumeration.
    String(StringShape),
    /// An integer of `bits` bits (8, 16, 32 or 64: byte, short, integer, long).
    Integer { bits: u32, range: Bounds<i64> },
    /// A float or double.
    Float { range: Bounds<f64> },
    /// `true` or `false`.
    Boolean,
    /// A point in time: epoch seconds in JSON, CBOR tag 1.
    Timestamp,
    /// Bytes: base64 in JSON, a byte string in CBOR; `length` counts bytes.
    Blob { length: Bounds<u64> },
    /// Anything (documents and kinds this emulator does not constrain).
    Any,
}

/// A structure's members, in the model's order.
#[derive(Debug)]
pub(crate) struct Structure {
    /// Every member.
    pub(crate) members: Vec<Member>,
    /// Members that must be present.
    pub(crate) required: Vec<String>,
    /// Exactly one member is set.
    pub(crate) union: bool,
}

impl Structure {
    /// The member named `name`.
    pub(crate) fn member(&self, name: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.name == name)
    }
}

/// A member of a structure.
#[derive(Debug, Clone)]
pub(crate) struct Member {
    /// Its name on the wire (`PoolIds`).
    pub(crate) name: String,
    /// The shape of its values.
    pub(crate) shape: String,
    /// The model's documentation (HTML).
    pub(crate) documentation: Option<String>,
}

/// Inclusive bounds; either may be absent.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub(crate) struct Bounds<T> {
    pub(crate) min: Option<T>,
    pub(crate) max: Option<T>,
}

/// A string shape's constraints.
#[derive(Debug, Default)]
pub(crate) struct StringShape {
    /// Length bounds, in characters.
    pub(crate) length: Bounds<u64>,
    /// The model's pattern.
    pub(crate) pattern: Option<Pattern>,
    /// The values allowed, when the shape is an enumeration.
    pub(crate) values: Vec<String>,
}

impl StringShape {
    /// Constraints written by hand, for a service without a model here (STS).
    pub(crate) fn new(min: Option<u64>, max: Option<u64>, pattern: Option<&str>) -> StringShape {
        StringShape {
            length: Bounds { min, max },
            pattern: pattern.map(Pattern::new),
            values: Vec::new(),
        }
    }
}

/// A model pattern: ECMAScript, not implicitly anchored. Compiled for the `regex` crate on first
/// use, with ECMAScript's ASCII meaning of `\d` and `\w` kept (Rust's are Unicode).
#[derive(Debug)]
pub(crate) struct Pattern {
    source: String,
    regex: OnceLock<Option<Regex>>,
}

impl Pattern {
    pub(crate) fn new(source: &str) -> Pattern {
        Pattern {
            source: source.to_string(),
            regex: OnceLock::new(),
        }
    }

    /// The pattern as the model writes it, for messages.
    pub(crate) fn source(&self) -> &str {
        &self.source
    }

    /// The compiled pattern; `None` when it uses what the `regex` crate cannot do (a unit test
    /// lists the model patterns, so none of them is silently unchecked).
    pub(crate) fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| Regex::new(&ecmascript_to_rust(&self.source)).ok())
            .as_ref()
    }
}

/// Rewrites an ECMAScript pattern into the `regex` crate's syntax where the two differ:
/// `\d`, `\D`, `\w`, `\W` are ASCII in ECMAScript (POSIX classes here); a `[` inside a class
/// is a literal there (a nested class here); and a `{` that starts no repetition is a literal
/// there (an error here).
fn ecmascript_to_rust(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len() + 8);
    let mut in_class = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if i + 1 < chars.len() => {
                let next = chars[i + 1];
                let posix = match next {
                    'd' => Some("digit"),
                    'D' => Some("^digit"),
                    'w' => Some("word"),
                    'W' => Some("^word"),
                    _ => None,
                };
                match (posix, in_class) {
                    (Some(class), true) => out.push_str(&format!("[:{class}:]")),
                    (Some(class), false) => out.push_str(&format!("[[:{class}:]]")),
                    (None, _) => {
                        out.push(c);
                        out.push(next);
                    }
                }
                i += 2;
                continue;
            }
            '[' if in_class => out.push_str("\\["),
            '[' => {
                in_class = true;
                out.push(c);
                // `[]...]` and `[^]...]`: a `]` first in a class is a literal in ECMAScript only
                // as `[^]`/`[]` (empty classes); leave those to the regex crate.
                if chars.get(i + 1) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
            }
            ']' if in_class => {
                in_class = false;
                out.push(c);
            }
            '&' | '~' if in_class => {
                out.push('\\');
                out.push(c);
            }
            '{' if !in_class => match repetition_length(&chars[i..]) {
                Some(length) => {
                    out.extend(&chars[i..i + length]);
                    i += length;
                    continue;
                }
                None => out.push_str("\\{"),
            },
            '}' if !in_class => out.push_str("\\}"),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// The length of the repetition `{n}`, `{n,}` or `{n,m}` that `rest` starts with, if it starts
/// with one.
fn repetition_length(rest: &[char]) -> Option<usize> {
    let end = rest.iter().position(|&c| c == '}')?;
    let inside: String = rest[1..end].iter().collect();
    let (first, second) = match inside.split_once(',') {
        Some((first, second)) => (first, Some(second)),
        None => (inside.as_str(), None),
    };
    let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    let repetition = digits(first) && second.is_none_or(|s| s.is_empty() || digits(s));
    repetition.then_some(end + 1)
}

impl ServiceModel {
    /// Parses a model in botocore's JSON form.
    pub(crate) fn parse(json: &str) -> Result<ServiceModel, serde_json::Error> {
        let file: ModelFile = serde_json::from_str(json)?;
        let operations = file
            .operations
            .into_iter()
            .map(|(name, raw)| {
                let operation = Operation {
                    input: raw.input.map(|r| r.shape),
                    output: raw.output.map(|r| r.shape),
                    errors: raw.errors.into_iter().map(|r| r.shape).collect(),
                    documentation: raw.documentation,
                };
                (name, operation)
            })
            .collect();
        let shapes = file
            .shapes
            .into_iter()
            .map(|(name, raw)| (name, raw.into_shape()))
            .collect();
        Ok(ServiceModel {
            metadata: file.metadata,
            operations,
            shapes,
        })
    }

    /// The operation named `name`.
    pub(crate) fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.get(name)
    }

    /// Every operation, with its name.
    #[cfg(test)]
    pub(crate) fn operations(&self) -> impl Iterator<Item = (&str, &Operation)> {
        self.operations.iter().map(|(name, o)| (name.as_str(), o))
    }

    /// The shape named `name`.
    pub(crate) fn shape(&self, name: &str) -> Option<&Shape> {
        self.shapes.get(name)
    }

    /// The error shape clients know by `code`, with its name: the one whose awsQuery code is
    /// `code`, or else the one named `code` (botocore's `shape_for_error_code`).
    pub(crate) fn error_with_code(&self, code: &str) -> Option<(&str, &ErrorTrait)> {
        let errors = || {
            self.shapes
                .iter()
                .filter_map(|(name, shape)| Some((name.as_str(), shape.error.as_ref()?)))
        };
        errors()
            .find(|(_, error)| error.code.as_deref() == Some(code))
            .or_else(|| errors().find(|(name, _)| *name == code))
    }

    /// Every shape, with its name.
    #[cfg(test)]
    pub(crate) fn shapes(&self) -> impl Iterator<Item = (&str, &Shape)> {
        self.shapes.iter().map(|(name, s)| (name.as_str(), s))
    }

    /// The string shape named `name`; a shape of another kind or an unknown name has no
    /// constraints.
    pub(crate) fn string(&self, name: &str) -> &StringShape {
        static UNCONSTRAINED: LazyLock<StringShape> = LazyLock::new(StringShape::default);
        match self.shape(name).map(|s| &s.kind) {
            Some(ShapeKind::String(string)) => string,
            _ => &UNCONSTRAINED,
        }
    }
}

/// The model file, as botocore writes it.
#[derive(Deserialize)]
struct ModelFile {
    metadata: Metadata,
    operations: BTreeMap<String, RawOperation>,
    shapes: BTreeMap<String, RawShape>,
}

#[derive(Deserialize)]
struct RawOperation {
    input: Option<RawRef>,
    output: Option<RawRef>,
    #[serde(default)]
    errors: Vec<RawRef>,
    documentation: Option<String>,
}

#[derive(Deserialize)]
struct RawRef {
    shape: String,
    documentation: Option<String>,
}

#[derive(Deserialize)]
struct RawShape {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    members: OrderedMembers,
    #[serde(default)]
    required: Vec<String>,
    member: Option<RawRef>,
    key: Option<RawRef>,
    value: Option<RawRef>,
    min: Option<serde_json::Number>,
    max: Option<serde_json::Number>,
    pattern: Option<String>,
    #[serde(rename = "enum", default)]
    values: Vec<String>,
    #[serde(default)]
    union: bool,
    error: Option<ErrorTrait>,
}

impl RawShape {
    fn into_shape(self) -> Shape {
        let unsigned = |n: &Option<serde_json::Number>| n.as_ref().and_then(|n| n.as_u64());
        let signed = |n: &Option<serde_json::Number>| n.as_ref().and_then(|n| n.as_i64());
        let float = |n: &Option<serde_json::Number>| n.as_ref().and_then(|n| n.as_f64());
        let length = Bounds {
            min: unsigned(&self.min),
            max: unsigned(&self.max),
        };
        let integer = |bits| ShapeKind::Integer {
            bits,
            range: Bounds {
                min: signed(&self.min),
                max: signed(&self.max),
            },
        };
        let reference =
            |r: &Option<RawRef>| r.as_ref().map(|r| r.shape.clone()).unwrap_or_default();
        let kind = match self.kind.as_str() {
            "structure" => ShapeKind::Structure(Structure {
                members: self
                    .members
                    .0
                    .iter()
                    .map(|(member, raw)| Member {
                        name: member.clone(),
                        shape: raw.shape.clone(),
                        documentation: raw.documentation.clone(),
                    })
                    .collect(),
                required: self.required.clone(),
                union: self.union,
            }),
            "list" => ShapeKind::List {
                member: reference(&self.member),
                length,
            },
            "map" => ShapeKind::Map {
                key: reference(&self.key),
                value: reference(&self.value),
                length,
            },
            "string" => ShapeKind::String(StringShape {
                length,
                pattern: self.pattern.as_deref().map(Pattern::new),
                values: self.values.clone(),
            }),
            "byte" => integer(8),
            "short" => integer(16),
            "integer" => integer(32),
            "long" => integer(64),
            "float" | "double" => ShapeKind::Float {
                range: Bounds {
                    min: float(&self.min),
                    max: float(&self.max),
                },
            },
            "boolean" => ShapeKind::Boolean,
            "timestamp" => ShapeKind::Timestamp,
            "blob" => ShapeKind::Blob { length },
            _ => ShapeKind::Any,
        };
        Shape {
            kind,
            error: self.error,
        }
    }
}

/// A structure's members in the file's order (a `BTreeMap` would sort them).
#[derive(Default)]
struct OrderedMembers(Vec<(String, RawRef)>);

impl<'de> Deserialize<'de> for OrderedMembers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct InOrder;
        impl<'de> Visitor<'de> for InOrder {
            type Value = OrderedMembers;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object of members")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = Vec::new();
                while let Some(entry) = map.next_entry::<String, RawRef>()? {
                    members.push(entry);
                }
                Ok(OrderedMembers(members))
            }
        }
        deserializer.deserialize_map(InOrder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn models() -> [(&'static str, &'static ServiceModel); 2] {
        [("workspaces", workspaces()), ("cloudwatch", cloudwatch())]
    }

    #[test]
    fn both_models_load_with_every_operation_and_shape() {
        let workspaces = workspaces();
        assert_eq!(workspaces.metadata.target_prefix, "WorkspacesService");
        assert_eq!(workspaces.metadata.json_version.as_deref(), Some("1.1"));
        assert_eq!(
            workspaces.metadata.protocols,
            vec!["smithy-rpc-v2-cbor", "json"]
        );
        assert_eq!(workspaces.operations().count(), 91);
        assert_eq!(workspaces.shapes().count(), 547);
        let cloudwatch = cloudwatch();
        assert_eq!(
            cloudwatch.metadata.target_prefix,
            "GraniteServiceVersion20100801"
        );
        assert_eq!(cloudwatch.metadata.json_version.as_deref(), Some("1.0"));
        assert_eq!(cloudwatch.metadata.endpoint_prefix, "monitoring");
        assert_eq!(cloudwatch.operations().count(), 59);
        assert_eq!(cloudwatch.shapes().count(), 402);
    }

    #[test]
    fn every_reference_names_a_shape() {
        for (service, model) in models() {
            for (operation_name, operation) in model.operations() {
                let refs = operation
                    .input
                    .iter()
                    .chain(&operation.output)
                    .chain(&operation.errors);
                for name in refs {
                    assert!(
                        model.shape(name).is_some(),
                        "{service} {operation_name}: {name}"
                    );
                }
            }
            for (shape_name, shape) in model.shapes() {
                let refs: Vec<&String> = match &shape.kind {
                    ShapeKind::Structure(s) => s.members.iter().map(|m| &m.shape).collect(),
                    ShapeKind::List { member, .. } => vec![member],
                    ShapeKind::Map { key, value, .. } => vec![key, value],
                    _ => vec![],
                };
                for name in refs {
                    assert!(
                        model.shape(name).is_some(),
                        "{service} {shape_name}: {name}"
                    );
                }
            }
        }
    }

    #[test]
    fn shapes_carry_their_constraints_in_the_models_order() {
        let model = workspaces();
        let Some(ShapeKind::Structure(request)) = model
            .shape("DescribeWorkspacesPoolsRequest")
            .map(|s| &s.kind)
        else {
            panic!("a structure");
        };
        let names: Vec<&str> = request.members.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(names, ["PoolIds", "Filters", "Limit", "NextToken"]);
        assert!(
            request
                .member("Limit")
                .and_then(|m| m.documentation.as_deref())
                .is_some_and(|d| d.contains("maximum number"))
        );
        let Some(ShapeKind::Structure(filter)) = model
            .shape("DescribeWorkspacesPoolsFilter")
            .map(|s| &s.kind)
        else {
            panic!("a structure");
        };
        assert_eq!(filter.required, ["Name", "Values", "Operator"]);
        assert!(matches!(
            model.shape("Limit").map(|s| &s.kind),
            Some(ShapeKind::Integer { bits: 32, range }) if *range == Bounds { min: Some(1), max: Some(25) }
        ));
        assert!(matches!(
            model.shape("WorkspacesPoolIds").map(|s| &s.kind),
            Some(ShapeKind::List { member, length }) if member == "WorkspacesPoolId"
                && *length == Bounds { min: Some(1), max: Some(25) }
        ));
        let operator = model.string("DescribeWorkspacesPoolsFilterOperator");
        assert_eq!(
            operator.values,
            ["EQUALS", "NOTEQUALS", "CONTAINS", "NOTCONTAINS"]
        );
        let token = model.string("PaginationToken");
        assert_eq!(
            token.length,
            Bounds {
                min: Some(1),
                max: Some(2048)
            }
        );
        assert_eq!(
            model
                .string("WorkspacesPoolId")
                .pattern
                .as_ref()
                .map(Pattern::source),
            Some("^wspool-[0-9a-z]{9}$")
        );
        assert!(matches!(
            model.shape("Timestamp").map(|s| &s.kind),
            Some(ShapeKind::Timestamp)
        ));
        assert!(matches!(
            model.shape("DefaultLogo").map(|s| &s.kind),
            Some(ShapeKind::Blob { .. })
        ));
        assert!(matches!(
            model.shape("ResourceNotFoundException").map(|s| &s.kind),
            Some(ShapeKind::Structure(s)) if s.member("ResourceId").is_some()
        ));
        let cloudwatch = cloudwatch();
        assert_eq!(
            cloudwatch
                .operation("GetMetricData")
                .map(|o| o.errors.clone()),
            Some(vec!["InvalidNextToken".to_string()])
        );
        assert!(matches!(
            cloudwatch.shape("EndTimeOffset").map(|s| &s.kind),
            Some(ShapeKind::Integer { bits: 64, range }) if range.max == Some(2_592_000)
        ));
        assert!(matches!(
            cloudwatch.shape("DatapointValue").map(|s| &s.kind),
            Some(ShapeKind::Float { .. })
        ));
        assert!(matches!(
            cloudwatch.shape("DatapointValueMap").map(|s| &s.kind),
            Some(ShapeKind::Map { key, value, .. }) if key == "ExtendedStatistic" && value == "DatapointValue"
        ));
    }

    #[test]
    fn error_shapes_carry_their_query_code_status_and_fault() {
        let cloudwatch = cloudwatch();
        assert!(cloudwatch.metadata.query_compatible());
        assert!(!workspaces().metadata.query_compatible());
        let answered = |code| {
            cloudwatch
                .error_with_code(code)
                .map(|(shape, e)| (shape, e.http_status_code, e.sender_fault))
        };
        assert_eq!(
            answered("InvalidParameterValue"),
            Some(("InvalidParameterValueException", Some(400), true))
        );
        assert_eq!(
            answered("InternalServiceError"),
            Some(("InternalServiceFault", Some(500), false))
        );
        assert_eq!(
            answered("InvalidNextToken"),
            Some(("InvalidNextToken", Some(400), true))
        );
        assert_eq!(
            answered("ConflictException"),
            Some(("ConflictException", Some(409), false)),
            "no awsQuery code: known by its name"
        );
        assert_eq!(
            answered("InvalidParameterValueException"),
            Some(("InvalidParameterValueException", Some(400), true)),
            "by its name too, as botocore looks errors up"
        );
        assert_eq!(answered("Throttling"), None, "not a modeled error");
        // The fault side follows the status for every coded error: clients' 4xx, service's 5xx.
        for (name, shape) in cloudwatch.shapes() {
            if let Some(ErrorTrait {
                code: Some(_),
                http_status_code: Some(status),
                sender_fault,
            }) = &shape.error
            {
                assert_eq!(*sender_fault, *status < 500, "{name}");
            }
        }
    }

    #[test]
    fn every_model_pattern_compiles() {
        let mut count = 0;
        for (service, model) in models() {
            for (name, shape) in model.shapes() {
                if let ShapeKind::String(StringShape {
                    pattern: Some(pattern),
                    ..
                }) = &shape.kind
                {
                    count += 1;
                    assert!(
                        pattern.regex().is_some(),
                        "{service} {name}: {} -> {}",
                        pattern.source(),
                        ecmascript_to_rust(pattern.source())
                    );
                }
            }
        }
        assert_eq!(count, 53 + 18);
    }

    #[test]
    fn ecmascript_meanings_are_kept() {
        let matches = |pattern: &str, text: &str| {
            Pattern::new(pattern)
                .regex()
                .is_some_and(|r| r.is_match(text))
        };
        // `\d` and `\w` are ASCII in ECMAScript.
        assert!(matches(r"^\d{3}$", "123"));
        assert!(
            !matches(r"^\d{3}$", "١٢٣"),
            "Arabic-Indic digits are not \\d"
        );
        assert!(matches(r"^[\w-]+$", "a_b-c"));
        assert!(!matches(r"^[\w-]+$", "é"));
        assert!(matches(r"^\D$", "x"));
        assert!(!matches(r"^[\W]$", "a"));
        // Not anchored unless the pattern says so.
        assert!(matches("[^:].*", "AWS/WorkSpaces"));
        assert!(matches("b", "abc"));
        // A `[` inside a class and a `{` that is no repetition are literals.
        assert!(matches(r"^[a[]+$", "a[a"));
        assert!(matches(r"^a{$", "a{"));
        assert!(matches(r"^a{x}$", "a{x}"));
        assert!(matches(r"^a{2}$", "aa"));
        assert!(matches(r"^a{1,}$", "aaa"));
        assert!(matches(r"^\{\d}$", "{1}"));
        // Escapes the model uses.
        assert!(matches(r"^[0-9a-zA-Z\*\.\\/\?-_]{0,64}$", "POOLS"));
        assert!(!matches(r"^[0-9a-zA-Z\*\.\\/\?-_]{0,64}$", "a b"));
    }
}
