//! NextTokens: opaque, and bound to the request that was given them.
//!
//! A token carries a hash of the request it continues (operation, account, region and body,
//! without `NextToken` and the page size: a [`Binding`]) and the position where the next page
//! starts. A token presented with any other request, or by another account, is refused, as the
//! real services refuse it (each in its own words: WorkSpaces' `InvalidParameterValuesException`,
//! Organizations' `InvalidInputException`, CloudWatch's `InvalidNextToken` or
//! `InvalidParameterValue`). The page size (`Limit`, `MaxResults`, `MaxDatapoints`) is left out
//! of the binding because clients may change it between pages (a `LIMIT n` scan shrinks its last
//! page).
//!
//! [`Pager`] pages a slice of stored records, for WorkSpaces and Organizations: its positions
//! index the records, not the filtered result, so a filtered scan of N records costs O(N) over
//! all its pages instead of O(N) per page. CloudWatch's operations page generated sequences
//! (a query and a period, a resource and a metric) and keep their own cursors, encoded as a
//! position with the same [`Binding`].

use serde_json::Value;

use super::seed::{fnv1a, mix64};

/// Members that set the page size, left out of a token's binding.
const PAGE_SIZE_MEMBERS: &[&str] = &["Limit", "MaxResults", "MaxDatapoints"];

/// A NextToken that was not issued for the request it came with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ForeignToken;

/// How NextTokens misbehave (faults).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum TokenFault {
    /// Tokens behave.
    #[default]
    None,
    /// A page continued with a token answers with that same token again.
    Repeat,
    /// Every page carries a fresh token; past the end, pages are empty.
    Endless,
}

/// Paging state of one request.
#[derive(Debug)]
pub(crate) struct Pager {
    binding: Binding,
    start: usize,
    page: u32,
    incoming: Option<String>,
    fault: TokenFault,
}

impl Pager {
    /// Reads the request's `NextToken` (already checked against its length bounds).
    pub(crate) fn new(
        operation: &str,
        account: &str,
        region: &str,
        body: &Value,
        next_token: Option<&str>,
        fault: TokenFault,
    ) -> Result<Pager, ForeignToken> {
        let binding = Binding::of(operation, account, region, body);
        let (start, page) = match next_token {
            None => (0, 0),
            Some(token) => binding
                .read(token)
                .and_then(|(position, page)| Some((usize::try_from(position).ok()?, page)))
                .ok_or(ForeignToken)?,
        };
        Ok(Pager {
            binding,
            start,
            page,
            incoming: next_token.map(str::to_string),
            fault,
        })
    }

    /// Up to `limit` of the `items` that match, from where the token says, and the token of the
    /// rest (none on the last page).
    pub(crate) fn page<'a, T>(
        &self,
        items: &'a [T],
        limit: usize,
        matches: impl Fn(&T) -> bool,
    ) -> (Vec<&'a T>, Option<String>) {
        let mut rows = Vec::with_capacity(limit.min(items.len()));
        let mut next = None;
        for (position, item) in items.iter().enumerate().skip(self.start) {
            if !matches(item) {
                continue;
            }
            if rows.len() == limit {
                next = Some(position);
                break;
            }
            rows.push(item);
        }
        let token = match self.fault {
            TokenFault::None => next.map(|p| self.token(p)),
            TokenFault::Repeat => match &self.incoming {
                Some(incoming) => Some(incoming.clone()),
                None => next.map(|p| self.token(p)),
            },
            TokenFault::Endless => Some(self.token(next.unwrap_or(items.len()))),
        };
        (rows, token)
    }

    fn token(&self, position: usize) -> String {
        self.binding
            .token(position as u64, self.page.wrapping_add(1))
    }
}

/// What a NextToken is bound to: a hash of what identifies the request, its scope (operation,
/// account, region) and every member but `NextToken` and the page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Binding(u64);

impl Binding {
    /// The binding of `body`, a request to `operation` by `account` in `region`.
    pub(crate) fn of(operation: &str, account: &str, region: &str, body: &Value) -> Binding {
        Binding(hash_request(&[operation, account, region], body))
    }

    /// A token of this binding for the page starting at `position`, the `page`-th: 40 hex
    /// digits, the binding, then position and page number masked with a function of it. The
    /// page number makes the tokens of successive pages at one position differ.
    pub(crate) fn token(self, position: u64, page: u32) -> String {
        let mask = mix64(self.0);
        format!(
            "{:016x}{:016x}{:08x}",
            self.0,
            position ^ mask,
            page ^ (mask >> 32) as u32
        )
    }

    /// The position and page number a token of this binding names, or `None` for any other
    /// token.
    pub(crate) fn read(self, token: &str) -> Option<(u64, u32)> {
        if token.len() != 40 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let binding = u64::from_str_radix(token.get(0..16)?, 16).ok()?;
        if binding != self.0 {
            return None;
        }
        let mask = mix64(binding);
        let position = u64::from_str_radix(token.get(16..32)?, 16).ok()? ^ mask;
        let page = u32::from_str_radix(token.get(32..40)?, 16).ok()? ^ (mask >> 32) as u32;
        Some((position, page))
    }
}

/// Hash of the request: its scope and every member but `NextToken` and the page size.
fn hash_request(scope: &[&str], body: &Value) -> u64 {
    let mut canonical = String::new();
    for part in scope {
        canonical.push_str(part);
        canonical.push('\n');
    }
    match body {
        Value::Object(members) => {
            let mut keys: Vec<&String> = members
                .keys()
                .filter(|k| k.as_str() != "NextToken" && !PAGE_SIZE_MEMBERS.contains(&k.as_str()))
                .collect();
            keys.sort();
            for key in keys {
                canonical.push_str(key);
                canonical.push('=');
                write_canonical(&members[key], &mut canonical);
                canonical.push('\n');
            }
        }
        other => write_canonical(other, &mut canonical),
    }
    fnv1a(canonical.as_bytes())
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

    const ACCOUNT: &str = "123456789012";

    fn pager(body: &Value, token: Option<&str>) -> Result<Pager, ForeignToken> {
        Pager::new(
            "DescribeWorkspacesPools",
            ACCOUNT,
            "us-east-1",
            body,
            token,
            TokenFault::None,
        )
    }

    #[test]
    fn pages_walk_the_matching_items_once() {
        let items: Vec<u32> = (0..100).collect();
        let body = json!({"Limit": 7});
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let p = pager(&body, token.as_deref()).expect("own token accepted");
            let (rows, next) = p.page(&items, 7, |v| v % 3 == 0);
            seen.extend(rows.into_iter().copied());
            pages += 1;
            match next {
                Some(t) => token = Some(t),
                None => break,
            }
        }
        let expected: Vec<u32> = (0..100).filter(|v| v % 3 == 0).collect();
        assert_eq!(seen, expected);
        assert_eq!(pages, expected.len().div_ceil(7));
    }

    #[test]
    fn an_exact_last_page_carries_no_token() {
        let items: Vec<u32> = (0..10).collect();
        let (rows, next) = pager(&json!({}), None)
            .expect("first page")
            .page(&items, 10, |_| true);
        assert_eq!(rows.len(), 10);
        assert_eq!(next, None);
    }

    #[test]
    fn tokens_are_bound_to_their_request() {
        let items: Vec<u32> = (0..100).collect();
        let body =
            json!({"Filters": [{"Name": "PoolName", "Operator": "CONTAINS", "Values": ["ab"]}]});
        let (_, token) = pager(&body, None)
            .expect("first")
            .page(&items, 10, |_| true);
        let token = token.expect("more pages");
        assert!(pager(&body, Some(&token)).is_ok());
        // Member order and the page size do not matter.
        let reordered = json!({"Limit": 3, "Filters": [{"Values": ["ab"], "Operator": "CONTAINS", "Name": "PoolName"}]});
        assert!(pager(&reordered, Some(&token)).is_ok());
        let resized = json!({"MaxResults": 3, "Filters": body["Filters"]});
        assert!(pager(&resized, Some(&token)).is_ok());
        let other =
            json!({"Filters": [{"Name": "PoolName", "Operator": "CONTAINS", "Values": ["ac"]}]});
        assert!(pager(&other, Some(&token)).is_err(), "another request");
        let elsewhere = Pager::new(
            "DescribeWorkspacesPools",
            ACCOUNT,
            "eu-west-1",
            &body,
            Some(&token),
            TokenFault::None,
        );
        assert!(elsewhere.is_err(), "another region");
        let other_account = Pager::new(
            "DescribeWorkspacesPools",
            "210987654321",
            "us-east-1",
            &body,
            Some(&token),
            TokenFault::None,
        );
        assert!(other_account.is_err(), "another account");
        let other_op = Pager::new(
            "DescribeWorkspaces",
            ACCOUNT,
            "us-east-1",
            &body,
            Some(&token),
            TokenFault::None,
        );
        assert!(other_op.is_err(), "another operation");
        assert!(pager(&body, Some("garbage")).is_err());
        let first_digit = if token.starts_with('0') { "1" } else { "0" };
        let tampered = format!("{first_digit}{}", &token[1..]);
        assert!(pager(&body, Some(&tampered)).is_err(), "a tampered binding");
    }

    #[test]
    fn a_binding_reads_back_the_position_and_page_of_its_own_tokens() {
        let body =
            json!({"StartTime": 1, "EndTime": 2, "MetricDataQueries": [{"Id": "a", "Period": 60}]});
        let binding = Binding::of("GetMetricData", ACCOUNT, "us-east-1", &body);
        let position = (3 << 48) | 17;
        let token = binding.token(position, 4);
        assert_eq!(binding.read(&token), Some((position, 4)));
        let resized = json!({"MetricDataQueries": [{"Period": 60, "Id": "a"}], "EndTime": 2,
                             "StartTime": 1, "MaxDatapoints": 10, "NextToken": token});
        assert_eq!(
            Binding::of("GetMetricData", ACCOUNT, "us-east-1", &resized),
            binding,
            "member order, the page size and the token do not bind"
        );
        let later =
            json!({"StartTime": 1, "EndTime": 3, "MetricDataQueries": [{"Id": "a", "Period": 60}]});
        assert_eq!(
            Binding::of("GetMetricData", ACCOUNT, "us-east-1", &later).read(&token),
            None
        );
        assert_eq!(
            Binding::of("ListMetrics", ACCOUNT, "us-east-1", &body).read(&token),
            None
        );
        assert_eq!(binding.read(&token[..39]), None);
        assert_eq!(binding.read(&format!("{}g", &token[..39])), None);
    }

    #[test]
    fn repeat_fault_hands_back_the_same_token() {
        let items: Vec<u32> = (0..100).collect();
        let body = json!({});
        let first = Pager::new("Op", ACCOUNT, "r", &body, None, TokenFault::Repeat).expect("first");
        let (_, token) = first.page(&items, 10, |_| true);
        let token = token.expect("more pages");
        let second = Pager::new("Op", ACCOUNT, "r", &body, Some(&token), TokenFault::Repeat)
            .expect("second");
        assert_eq!(second.page(&items, 10, |_| true).1, Some(token));
    }

    #[test]
    fn endless_fault_never_ends_and_never_repeats() {
        let items: Vec<u32> = (0..5).collect();
        let body = json!({});
        let mut token = None;
        let mut tokens = std::collections::HashSet::new();
        for page in 0..20 {
            let p = Pager::new(
                "Op",
                ACCOUNT,
                "r",
                &body,
                token.as_deref(),
                TokenFault::Endless,
            )
            .expect("own token");
            let (rows, next) = p.page(&items, 2, |_| true);
            if page >= 3 {
                assert!(rows.is_empty());
            }
            let next = next.expect("endless");
            assert!(tokens.insert(next.clone()), "fresh token each page");
            token = Some(next);
        }
    }
}
