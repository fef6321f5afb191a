//! NextTokens of GetMetricData and ListMetrics: opaque, and bound to the request they continue.
//!
//! The approach and layout are `paging.rs`'s: 40 hex digits holding a hash of the request
//! (operation, account, region, and every member but `NextToken` and the page size, with object
//! keys sorted), the position where the next page starts masked with a function of that hash,
//! and a check of both. A token presented with any other request is refused. `paging.rs` keeps
//! its binding and encoding private to its `Pager`, whose positions index a slice; the positions
//! here are cursors over generated sequences (a query and a bucket, a resource and a metric), so
//! this module holds its own few lines of the same mechanism. Were `paging.rs` to expose its
//! binding and its encoding, both would use those.

use serde_json::Value;

use crate::seed::{fnv1a, mix64};

/// What a token is bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Binding(u64);

impl Binding {
    /// The binding of a request: its scope, and its members but `NextToken` and
    /// `page_size_member` (a client may change the page size between pages).
    pub(crate) fn of(
        operation: &str,
        account: &str,
        region: &str,
        body: &Value,
        page_size_member: Option<&str>,
    ) -> Binding {
        let mut canonical = format!("{operation}\n{account}\n{region}\n");
        if let Value::Object(members) = body {
            let mut keys: Vec<&String> = members
                .keys()
                .filter(|k| k.as_str() != "NextToken" && Some(k.as_str()) != page_size_member)
                .collect();
            keys.sort();
            for key in keys {
                canonical.push_str(key);
                canonical.push('=');
                write_canonical(&members[key], &mut canonical);
                canonical.push('\n');
            }
        }
        Binding(fnv1a(canonical.as_bytes()))
    }

    /// A token for the page starting at `position`.
    pub(crate) fn token(self, position: u64) -> String {
        let mask = mix64(self.0);
        format!(
            "{:016x}{:016x}{:08x}",
            self.0,
            position ^ mask,
            check(self.0, position)
        )
    }

    /// The position a token of this binding names, or `None` for any other token.
    pub(crate) fn position(self, token: &str) -> Option<u64> {
        if token.len() != 40 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let binding = u64::from_str_radix(token.get(0..16)?, 16).ok()?;
        if binding != self.0 {
            return None;
        }
        let position = u64::from_str_radix(token.get(16..32)?, 16).ok()? ^ mix64(self.0);
        let stated = u32::from_str_radix(token.get(32..40)?, 16).ok()?;
        (stated == check(self.0, position)).then_some(position)
    }
}

fn check(binding: u64, position: u64) -> u32 {
    (mix64(binding ^ mix64(position)) >> 32) as u32
}

/// JSON with object keys sorted, so member order does not change the binding.
fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(members) => {
            let mut keys: Vec<&String> = members.keys().collect();
            keys.sort();
            out.push('{');
            for key in keys {
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_canonical(&members[key], out);
                out.push(',');
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for item in items {
                write_canonical(item, out);
                out.push(',');
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn tokens_name_their_position_only_for_their_request() {
        let body =
            json!({"StartTime": 1, "EndTime": 2, "MetricDataQueries": [{"Id": "a", "Period": 60}]});
        let binding = Binding::of(
            "GetMetricData",
            "123456789012",
            "us-east-1",
            &body,
            Some("MaxDatapoints"),
        );
        let token = binding.token(42);
        assert_eq!(binding.position(&token), Some(42));
        let reordered = json!({"MetricDataQueries": [{"Period": 60, "Id": "a"}], "EndTime": 2, "StartTime": 1,
                               "MaxDatapoints": 10, "NextToken": token});
        let same = Binding::of(
            "GetMetricData",
            "123456789012",
            "us-east-1",
            &reordered,
            Some("MaxDatapoints"),
        );
        assert_eq!(
            same.position(&token),
            Some(42),
            "member order, page size and token do not bind"
        );
        let other =
            json!({"StartTime": 1, "EndTime": 3, "MetricDataQueries": [{"Id": "a", "Period": 60}]});
        for foreign in [
            Binding::of(
                "GetMetricData",
                "123456789012",
                "us-east-1",
                &other,
                Some("MaxDatapoints"),
            ),
            Binding::of(
                "GetMetricData",
                "123456789012",
                "eu-west-1",
                &body,
                Some("MaxDatapoints"),
            ),
            Binding::of(
                "GetMetricData",
                "210987654321",
                "us-east-1",
                &body,
                Some("MaxDatapoints"),
            ),
            Binding::of("ListMetrics", "123456789012", "us-east-1", &body, None),
        ] {
            assert_eq!(foreign.position(&token), None);
        }
        assert_eq!(binding.position("garbage"), None);
        let last = if token.ends_with('0') { "1" } else { "0" };
        let tampered = format!("{}{last}", &token[..39]);
        assert_eq!(binding.position(&tampered), None, "a tampered check");
    }
}
