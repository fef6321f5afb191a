//! CBOR as Smithy RPCv2 puts it on the wire, to and from the JSON form operations read and write.
//!
//! Requests are decoded without the model into the form an awsJson body has, so that one
//! validator and one set of operations serve both encodings: maps with text keys become objects,
//! byte strings become base64 text (awsJson's blobs), tag-1 timestamps become their epoch
//! seconds, non-finite floats become awsJson's `"NaN"`, `"Infinity"` and `"-Infinity"`, and
//! CBOR's `undefined` is `null`. Definite and indefinite lengths and every float width are read;
//! any other tag, a simple value, a non-text map key, trailing bytes or nesting deeper than
//! [`MAX_DEPTH`] is refused.
//!
//! Answers are encoded guided by the model's output shape, which is what tells a timestamp
//! (epoch seconds in JSON) from a number, and a blob (base64 text in JSON) from a string:
//! timestamps as tag 1 over an integer when whole and a double otherwise, blobs as byte strings,
//! doubles always as 64-bit floats (the protocol asks for no half-precision floats, and not every
//! decoder reads them), integers in their smallest form, absent and `null` members left out.
//! Members a shape does not know are encoded by their JSON type.
//!
//! The codec is `minicbor`, the CBOR crate under the AWS SDK for Rust's own `aws-smithy-cbor`,
//! because it writes a float at the width it is asked for.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use minicbor::data::{Tag, Token};
use minicbor::decode::Tokenizer;
use minicbor::{Decoder, Encoder};
use serde_json::{Map, Number, Value};

use super::model::{ServiceModel, ShapeKind};

/// Nesting beyond this is refused rather than recursed into.
pub(crate) const MAX_DEPTH: usize = 64;

/// CBOR tag 1: epoch-based date/time.
const EPOCH_SECONDS: u64 = 1;

/// Decodes a request body into its JSON form, or says why it is not one CBOR data item.
pub(crate) fn decode(bytes: &[u8]) -> Result<Value, String> {
    let mut decoder = Decoder::new(bytes);
    let value = {
        let mut tokens = Tokenizer::from(&mut decoder);
        let first = next(&mut tokens)?;
        item(&mut tokens, first, 0)?
    };
    if decoder.position() != bytes.len() {
        return Err(format!(
            "{} bytes follow the body's CBOR data item",
            bytes.len() - decoder.position()
        ));
    }
    Ok(value)
}

fn next<'b>(tokens: &mut Tokenizer<'_, 'b>) -> Result<Token<'b>, String> {
    tokens
        .token()
        .map_err(|error| format!("malformed CBOR: {error}"))
}

/// The JSON form of the data item that starts with `token`.
fn item<'b>(
    tokens: &mut Tokenizer<'_, 'b>,
    token: Token<'b>,
    depth: usize,
) -> Result<Value, String> {
    if depth > MAX_DEPTH {
        return Err(format!("CBOR nested deeper than {MAX_DEPTH} levels"));
    }
    let value = match token {
        Token::Bool(b) => Value::Bool(b),
        Token::Null | Token::Undefined => Value::Null,
        Token::U8(n) => Value::from(n),
        Token::U16(n) => Value::from(n),
        Token::U32(n) => Value::from(n),
        Token::U64(n) => Value::from(n),
        Token::I8(n) => Value::from(n),
        Token::I16(n) => Value::from(n),
        Token::I32(n) => Value::from(n),
        Token::I64(n) => Value::from(n),
        Token::Int(n) => match (i64::try_from(n), u64::try_from(n)) {
            (Ok(n), _) => Value::from(n),
            (_, Ok(n)) => Value::from(n),
            _ => return Err("a CBOR integer below -2^63".into()),
        },
        Token::F16(f) | Token::F32(f) => float(f64::from(f)),
        Token::F64(f) => float(f),
        Token::Bytes(bytes) => Value::String(BASE64.encode(bytes)),
        Token::String(text) => Value::String(text.to_string()),
        Token::BeginBytes => {
            let mut bytes = Vec::new();
            loop {
                match next(tokens)? {
                    Token::Break => break,
                    Token::Bytes(chunk) => bytes.extend_from_slice(chunk),
                    other => return Err(format!("{other} inside an indefinite byte string")),
                }
            }
            Value::String(BASE64.encode(bytes))
        }
        Token::BeginString => Value::String(text_chunks(tokens)?),
        Token::Array(length) => {
            let mut items = Vec::new();
            for _ in 0..length {
                let token = next(tokens)?;
                items.push(item(tokens, token, depth + 1)?);
            }
            Value::Array(items)
        }
        Token::BeginArray => {
            let mut items = Vec::new();
            loop {
                match next(tokens)? {
                    Token::Break => break,
                    token => items.push(item(tokens, token, depth + 1)?),
                }
            }
            Value::Array(items)
        }
        Token::Map(length) => {
            let mut entries = Map::new();
            for _ in 0..length {
                let key = next(tokens)?;
                entry(tokens, key, &mut entries, depth)?;
            }
            Value::Object(entries)
        }
        Token::BeginMap => {
            let mut entries = Map::new();
            loop {
                match next(tokens)? {
                    Token::Break => break,
                    key => entry(tokens, key, &mut entries, depth)?,
                }
            }
            Value::Object(entries)
        }
        Token::Tag(tag) if u64::from(tag) == EPOCH_SECONDS => {
            let token = next(tokens)?;
            match item(tokens, token, depth + 1)? {
                number @ Value::Number(_) => number,
                other => return Err(format!("a tag-1 timestamp of {other}, not a number")),
            }
        }
        Token::Tag(tag) => return Err(format!("unsupported CBOR tag {}", u64::from(tag))),
        Token::Simple(n) => return Err(format!("unsupported CBOR simple value {n}")),
        Token::Break => return Err("a CBOR break outside an indefinite item".into()),
    };
    Ok(value)
}

/// One entry of a map whose key starts with `key`.
fn entry<'b>(
    tokens: &mut Tokenizer<'_, 'b>,
    key: Token<'b>,
    entries: &mut Map<String, Value>,
    depth: usize,
) -> Result<(), String> {
    let key = match key {
        Token::String(text) => text.to_string(),
        Token::BeginString => text_chunks(tokens)?,
        other => return Err(format!("a CBOR map key {other} that is not text")),
    };
    let token = next(tokens)?;
    let value = item(tokens, token, depth + 1)?;
    entries.insert(key, value);
    Ok(())
}

/// The chunks of an indefinite text string, up to its break.
fn text_chunks(tokens: &mut Tokenizer<'_, '_>) -> Result<String, String> {
    let mut text = String::new();
    loop {
        match next(tokens)? {
            Token::Break => return Ok(text),
            Token::String(chunk) => text.push_str(chunk),
            other => return Err(format!("{other} inside an indefinite text string")),
        }
    }
}

/// A float in the JSON form: a number, or awsJson's name for a non-finite one.
fn float(f: f64) -> Value {
    match Number::from_f64(f) {
        Some(number) => Value::Number(number),
        None if f.is_nan() => Value::from("NaN"),
        None if f > 0.0 => Value::from("Infinity"),
        None => Value::from("-Infinity"),
    }
}

/// The shape a value is encoded as: a shape of `model`, or none (by JSON type).
#[derive(Clone, Copy)]
pub(crate) struct Shaped<'m> {
    pub(crate) model: &'m ServiceModel,
    pub(crate) shape: &'m str,
}

/// Encodes `value` (a JSON form) as CBOR, guided by `shaped` where given.
pub(crate) fn encode(value: &Value, shaped: Option<Shaped<'_>>) -> Result<Vec<u8>, String> {
    let mut encoder = Encoder::new(Vec::new());
    write(&mut encoder, value, shaped)?;
    Ok(encoder.into_writer())
}

type Written = Result<(), String>;

fn write<'m>(encoder: &mut Encoder<Vec<u8>>, value: &Value, shaped: Option<Shaped<'m>>) -> Written {
    let kind = shaped.and_then(|s| s.model.shape(s.shape)).map(|s| &s.kind);
    let within = |shape: &'m str| shaped.map(|s| Shaped { shape, ..s });
    let done = |result: Result<
        &mut Encoder<Vec<u8>>,
        minicbor::encode::Error<std::convert::Infallible>,
    >| { result.map(|_| ()).map_err(|e| e.to_string()) };
    match (value, kind) {
        (Value::Null, _) => done(encoder.null()),
        (Value::Bool(b), _) => done(encoder.bool(*b)),
        (Value::Object(members), Some(ShapeKind::Structure(structure))) => {
            let present: Vec<(&String, &Value)> =
                members.iter().filter(|(_, v)| !v.is_null()).collect();
            done(encoder.map(present.len() as u64))?;
            for (name, member) in present {
                done(encoder.str(name))?;
                let shape = structure.member(name).and_then(|m| within(&m.shape));
                write(encoder, member, shape)?;
            }
            Ok(())
        }
        (Value::Object(entries), kind) => {
            let of = match kind {
                Some(ShapeKind::Map { value, .. }) => within(value),
                _ => None,
            };
            let present: Vec<(&String, &Value)> =
                entries.iter().filter(|(_, v)| !v.is_null()).collect();
            done(encoder.map(present.len() as u64))?;
            for (key, entry) in present {
                done(encoder.str(key))?;
                write(encoder, entry, of)?;
            }
            Ok(())
        }
        (Value::Array(items), kind) => {
            let of = match kind {
                Some(ShapeKind::List { member, .. }) => within(member),
                _ => None,
            };
            done(encoder.array(items.len() as u64))?;
            for item in items {
                write(encoder, item, of)?;
            }
            Ok(())
        }
        (Value::Number(number), Some(ShapeKind::Timestamp)) => {
            done(encoder.tag(Tag::new(EPOCH_SECONDS)))?;
            let seconds = number.as_f64().unwrap_or_default();
            match whole(seconds) {
                Some(whole) => done(encoder.i64(whole)),
                None => done(encoder.f64(seconds)),
            }
        }
        (Value::String(text), Some(ShapeKind::Blob { .. })) => {
            let bytes = BASE64
                .decode(text)
                .map_err(|e| format!("a blob that is not base64: {e}"))?;
            done(encoder.bytes(&bytes))
        }
        (Value::Number(number), Some(ShapeKind::Float { .. })) => {
            done(encoder.f64(number.as_f64().unwrap_or_default()))
        }
        (Value::String(text), Some(ShapeKind::Float { .. })) => match text.as_str() {
            "NaN" => done(encoder.f64(f64::NAN)),
            "Infinity" => done(encoder.f64(f64::INFINITY)),
            "-Infinity" => done(encoder.f64(f64::NEG_INFINITY)),
            other => done(encoder.str(other)),
        },
        (Value::Number(number), _) => match (number.as_i64(), number.as_u64()) {
            (Some(n), _) => done(encoder.i64(n)),
            (_, Some(n)) => done(encoder.u64(n)),
            _ => done(encoder.f64(number.as_f64().unwrap_or_default())),
        },
        (Value::String(text), _) => done(encoder.str(text)),
    }
}

/// `seconds` as an integer, when it is one that a double holds exactly.
fn whole(seconds: f64) -> Option<i64> {
    const EXACT: f64 = (1u64 << 53) as f64;
    (seconds.fract() == 0.0 && seconds.abs() < EXACT).then_some(seconds as i64)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::{ServiceModel, workspaces};

    /// A model with every kind of shape the codec treats apart.
    fn sample_model() -> ServiceModel {
        let json = json!({
            "metadata": {"targetPrefix": "Sample", "endpointPrefix": "sample"},
            "operations": {},
            "shapes": {
                "Record": {"type": "structure", "members": {
                    "When": {"shape": "Time"},
                    "Logo": {"shape": "Bytes"},
                    "Ratio": {"shape": "Ratio"},
                    "Count": {"shape": "Count"},
                    "Name": {"shape": "Text"},
                    "Nested": {"shape": "Records"},
                    "Times": {"shape": "Times"},
                    "Labels": {"shape": "Labels"},
                    "Flag": {"shape": "Flag"},
                }},
                "Records": {"type": "list", "member": {"shape": "Record"}},
                "Times": {"type": "list", "member": {"shape": "Time"}},
                "Labels": {"type": "map", "key": {"shape": "Text"}, "value": {"shape": "Times"}},
                "Time": {"type": "timestamp"},
                "Bytes": {"type": "blob"},
                "Ratio": {"type": "double"},
                "Count": {"type": "long"},
                "Text": {"type": "string"},
                "Flag": {"type": "boolean"},
            }
        });
        ServiceModel::parse(&json.to_string()).expect("sample model")
    }

    /// The encoding, read back by an independent decoder (ciborium).
    fn independent(bytes: &[u8]) -> ciborium::Value {
        ciborium::from_reader(bytes).expect("well-formed CBOR")
    }

    fn field<'v>(value: &'v ciborium::Value, name: &str) -> &'v ciborium::Value {
        value
            .as_map()
            .and_then(|m| m.iter().find(|(k, _)| k.as_text() == Some(name)))
            .map(|(_, v)| v)
            .expect(name)
    }

    #[test]
    fn answers_round_trip_with_timestamps_blobs_nested_lists_and_maps() {
        let model = sample_model();
        let shaped = Some(Shaped {
            model: &model,
            shape: "Record",
        });
        let record = json!({
            "When": 1_700_000_000.0,
            "Logo": BASE64.encode([0u8, 159, 146, 150, 255]),
            "Ratio": 2.0,
            "Count": -7,
            "Name": "finance-01",
            "Flag": true,
            "Absent": null,
            "Nested": [{"When": 1_700_000_000.25, "Times": [1.5, 2.0], "Nested": []}],
            "Labels": {"a": [3.0], "b": []},
            "Unmodeled": {"x": [1, 2.5, "y"]},
        });
        let bytes = encode(&record, shaped).expect("encodes");

        let wire = independent(&bytes);
        assert_eq!(
            field(&wire, "When"),
            &ciborium::Value::Tag(1, Box::new(1_700_000_000.into()))
        );
        assert_eq!(
            field(&wire, "Logo"),
            &ciborium::Value::Bytes(vec![0, 159, 146, 150, 255])
        );
        assert_eq!(field(&wire, "Ratio"), &ciborium::Value::Float(2.0));
        assert_eq!(
            field(&wire, "Count"),
            &ciborium::Value::Integer((-7).into())
        );
        let nested = &field(&wire, "Nested").as_array().expect("array")[0];
        assert_eq!(
            field(nested, "When"),
            &ciborium::Value::Tag(1, Box::new(ciborium::Value::Float(1_700_000_000.25)))
        );
        assert_eq!(
            field(nested, "Times").as_array().map(|t| t[0].clone()),
            Some(ciborium::Value::Tag(
                1,
                Box::new(ciborium::Value::Float(1.5))
            ))
        );
        let labels = field(&wire, "Labels");
        assert_eq!(
            field(labels, "a").as_array().map(|t| t[0].clone()),
            Some(ciborium::Value::Tag(1, Box::new(3.into())))
        );
        assert!(
            wire.as_map()
                .is_some_and(|m| !m.iter().any(|(k, _)| k.as_text() == Some("Absent"))),
            "null members are left out"
        );
        // Doubles are never half-precision: 2.0 fits in a half, yet takes 8 bytes.
        let ratio = [0x65, b'R', b'a', b't', b'i', b'o', 0xfb];
        assert!(
            bytes.windows(ratio.len()).any(|w| w == ratio),
            "{bytes:02x?}"
        );

        // Back to the JSON form: what a JSON client would have read, nulls aside.
        let mut expected = record.clone();
        if let Some(members) = expected.as_object_mut() {
            members.remove("Absent");
        }
        expected["When"] = json!(1_700_000_000);
        expected["Labels"]["a"] = json!([3]);
        expected["Nested"][0]["Times"] = json!([1.5, 2]);
        assert_eq!(decode(&bytes), Ok(expected));
    }

    #[test]
    fn requests_decode_from_every_form_a_client_may_send() {
        // An independent encoder (ciborium) writes what a client would.
        let request = ciborium::Value::Map(vec![
            (
                "PoolIds".into(),
                ciborium::Value::Array(vec!["wspool-abc123xyz".into()]),
            ),
            ("Limit".into(), 5.into()),
            (
                "StartTime".into(),
                ciborium::Value::Tag(1, Box::new(1_700_000_000.into())),
            ),
            (
                "EndTime".into(),
                ciborium::Value::Tag(1, Box::new(ciborium::Value::Float(1.5))),
            ),
            ("Logo".into(), ciborium::Value::Bytes(b"hi".to_vec())),
            ("Ratio".into(), ciborium::Value::Float(f64::NAN)),
            ("Up".into(), ciborium::Value::Float(f64::INFINITY)),
            ("Down".into(), ciborium::Value::Float(f64::NEG_INFINITY)),
            ("Half".into(), ciborium::Value::Float(0.5)),
            ("Flag".into(), false.into()),
            ("Nothing".into(), ciborium::Value::Null),
        ]);
        let mut bytes = Vec::new();
        ciborium::into_writer(&request, &mut bytes).expect("encodes");
        assert_eq!(
            decode(&bytes),
            Ok(json!({
                "PoolIds": ["wspool-abc123xyz"],
                "Limit": 5,
                "StartTime": 1_700_000_000,
                "EndTime": 1.5,
                "Logo": "aGk=",
                "Ratio": "NaN",
                "Up": "Infinity",
                "Down": "-Infinity",
                "Half": 0.5,
                "Flag": false,
                "Nothing": null,
            }))
        );
        // Indefinite lengths (botocore's parser reads them, some encoders write them), f16
        // and f32 floats, `undefined`.
        let indefinite = [
            0xbf, // map, indefinite
            0x63, b'a', b'b', b'c', 0x9f, 0x01, 0xf9, 0x3e, 0x00, 0xfa, 0x3f, 0xc0, 0x00, 0x00,
            0xff, 0x7f, 0x62, b'k', b'e', 0x61, b'y', 0xff, // "key" in two chunks
            0x5f, 0x41, 0x01, 0x41, 0x02, 0xff, // bytes 01 02 in two chunks
            0x61, b'u', 0xf7, // "u": undefined
            0xff,
        ];
        assert_eq!(
            decode(&indefinite),
            Ok(json!({"abc": [1, 1.5, 1.5], "key": "AQI=", "u": null}))
        );
        assert_eq!(decode(&[0xa0]), Ok(json!({})));
    }

    #[test]
    fn malformed_bodies_are_refused_with_a_reason() {
        let deep: Vec<u8> = std::iter::repeat_n(0x81, MAX_DEPTH + 2)
            .chain([0x00])
            .collect();
        let cases: [(&[u8], &str); 8] = [
            (&[0xa1, 0x63, b'a'], "malformed"),
            (&[0xa1, 0x01, 0x02], "not text"),
            (&[0xc2, 0x41, 0x01], "tag 2"),
            (&[0xc1, 0x61, b'x'], "not a number"),
            (&[0xa0, 0x00], "follow"),
            (&[0xe0], "simple"),
            (&[0xff], "break"),
            (&deep, "deeper"),
        ];
        for (bytes, reason) in cases {
            let error = decode(bytes).expect_err(&format!("{bytes:02x?}"));
            assert!(error.contains(reason), "{bytes:02x?}: {error}");
        }
        // A length far beyond the body ends at the body's end, not in an allocation.
        assert!(decode(&[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]).is_err());
        assert!(decode(&[]).is_err());
    }

    #[test]
    fn workspaces_answers_encode_along_their_output_shape() {
        let model = workspaces();
        let answer = json!({
            "WorkspacesPools": [{
                "PoolId": "wspool-abc123xyz",
                "CreatedAt": 1_700_000_000.5,
                "CapacityStatus": {"AvailableUserSessions": 3, "DesiredUserSessions": 5,
                                   "ActualUserSessions": 5, "ActiveUserSessions": 2},
                "Errors": [],
            }],
            "NextToken": "t",
        });
        let bytes = encode(
            &answer,
            Some(Shaped {
                model,
                shape: "DescribeWorkspacesPoolsResult",
            }),
        )
        .expect("encodes");
        let wire = independent(&bytes);
        let pool = &field(&wire, "WorkspacesPools").as_array().expect("pools")[0];
        assert_eq!(
            field(pool, "CreatedAt"),
            &ciborium::Value::Tag(1, Box::new(ciborium::Value::Float(1_700_000_000.5)))
        );
        assert_eq!(
            field(field(pool, "CapacityStatus"), "ActiveUserSessions"),
            &ciborium::Value::Integer(2.into())
        );
        assert_eq!(
            field(pool, "Errors"),
            &ciborium::Value::Array(vec![]),
            "empty is not absent"
        );
        assert_eq!(decode(&bytes), Ok(answer));
    }

    #[test]
    fn errors_encode_by_json_type() {
        let error = json!({"__type": "com.amazonaws.workspaces#ResourceNotFoundException",
                           "message": "gone", "ResourceId": "wspool-000000000"});
        let bytes = encode(&error, None).expect("encodes");
        let wire = independent(&bytes);
        assert_eq!(
            field(&wire, "__type").as_text(),
            Some("com.amazonaws.workspaces#ResourceNotFoundException")
        );
        assert_eq!(
            field(&wire, "ResourceId").as_text(),
            Some("wspool-000000000")
        );
        assert_eq!(decode(&bytes), Ok(error));
    }

    #[test]
    fn a_blob_that_is_not_base64_is_an_encoding_error() {
        let model = sample_model();
        let shaped = Some(Shaped {
            model: &model,
            shape: "Record",
        });
        assert!(encode(&json!({"Logo": "not base64!"}), shaped).is_err());
    }
}
