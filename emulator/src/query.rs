//! The awsQuery protocol of STS: form-encoded requests in, XML answers out.
//!
//! A request's parameters are read into a JSON object of strings (`{"Action": "AssumeRole",
//! "RoleArn": ...}`), so that they are validated, logged and bound to NextTokens like the JSON
//! services' bodies. Nested parameters (`Tags.member.1.Key`) stay flat; no operation here reads
//! them.

use std::borrow::Cow;

use serde_json::{Map, Value};

/// The XML namespace of STS answers.
pub(crate) const STS_NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// The parameters of a form body. A parameter given twice keeps its first value; bytes that are
/// not UTF-8 read as U+FFFD, and the request fails validation on them if they matter.
pub(crate) fn parameters(body: &[u8]) -> Value {
    let mut parameters = Map::new();
    for (name, value) in form_urlencoded::parse(body) {
        parameters
            .entry(name.into_owned())
            .or_insert_with(|| Value::String(value.into_owned()));
    }
    Value::Object(parameters)
}

/// Text for XML content (never an attribute, so quotes stay as they are).
pub(crate) fn escape(text: &str) -> Cow<'_, str> {
    if !text.contains(['<', '>', '&']) {
        return Cow::Borrowed(text);
    }
    let mut escaped = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '&' => escaped.push_str("&amp;"),
            c => escaped.push(c),
        }
    }
    Cow::Owned(escaped)
}

/// `<name>text</name>`, the text escaped.
pub(crate) fn element(name: &str, text: &str) -> String {
    format!("<{name}>{}</{name}>", escape(text))
}

/// A successful answer to `action`: its result members (already XML) wrapped as STS wraps them.
pub(crate) fn answer(action: &str, result: &str, request_id: &str) -> Vec<u8> {
    format!(
        "<{action}Response xmlns=\"{STS_NAMESPACE}\"><{action}Result>{result}</{action}Result>\
         <ResponseMetadata>{}</ResponseMetadata></{action}Response>",
        element("RequestId", request_id)
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn form_bodies_read_as_objects_of_strings() {
        let body = b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fx&RoleSessionName=a+b&Action=Other";
        assert_eq!(
            parameters(body),
            json!({
                "Action": "AssumeRole",
                "Version": "2011-06-15",
                "RoleArn": "arn:aws:iam::123456789012:role/x",
                "RoleSessionName": "a b",
            })
        );
        assert_eq!(parameters(b""), json!({}));
        assert_eq!(parameters(b"\xff=\xfe")["\u{fffd}"], "\u{fffd}");
    }

    #[test]
    fn answers_wrap_escaped_results() {
        let xml = String::from_utf8(answer("GetCallerIdentity", &element("Arn", "a<b&c"), "req"))
            .expect("utf-8");
        assert_eq!(
            xml,
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
             <GetCallerIdentityResult><Arn>a&lt;b&amp;c</Arn></GetCallerIdentityResult>\
             <ResponseMetadata><RequestId>req</RequestId></ResponseMetadata>\
             </GetCallerIdentityResponse>"
        );
    }
}
