//! Every pushdown form answers exactly as the table with no pushdown, with the calls it should.

use serde_json::{Value, json};
use wsql_emulator::LoggedRequest;

use crate::support::{Harness, POOLS, harness_in};

const REGION: &str = "us-east-1";

/// Runs `WHERE condition` with and without pushdown, asserts the answers are equal, and returns
/// the answer and the calls the pushed-down query made.
async fn equivalent(h: &Harness, condition: &str) -> (Vec<String>, Vec<LoggedRequest>) {
    h.clear();
    let pushed = h
        .rows(&format!("SELECT * FROM workspaces_pools WHERE {condition}"))
        .await;
    let calls = h.calls(POOLS);
    let reference = h
        .rows(&format!(
            "SELECT * FROM workspaces_pools_reference WHERE {condition}"
        ))
        .await;
    assert_eq!(
        pushed, reference,
        "pushdown changed the answer of WHERE {condition}"
    );
    (pushed, calls)
}

/// (pool_id, pool_name) of every pool, by id.
async fn pools(h: &Harness) -> Vec<(String, String)> {
    let ids = h
        .strings("SELECT pool_id FROM workspaces_pools_reference ORDER BY pool_id")
        .await;
    let names = h
        .strings("SELECT pool_name FROM workspaces_pools_reference ORDER BY pool_id")
        .await;
    ids.into_iter().zip(names).collect()
}

fn quoted(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("'{}'", v.replace('\'', "''")))
        .collect::<Vec<_>>()
        .join(", ")
}

fn body_ids(call: &LoggedRequest) -> Vec<String> {
    call.body["PoolIds"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn pool_id_forms_send_pool_ids_and_answer_exactly() {
    let h = harness_in(&[REGION], 300).await;
    let all = pools(&h).await;
    let (a, b, c) = (&all[0].0, &all[1].0, &all[2].0);

    for condition in [format!("pool_id = '{a}'"), format!("'{a}' = pool_id")] {
        let (rows, calls) = equivalent(&h, &condition).await;
        assert_eq!(rows.len(), 1, "{condition}");
        assert_eq!(calls.len(), 1, "{condition}");
        assert_eq!(body_ids(&calls[0]), vec![a.clone()]);
        assert_eq!(calls[0].body["Limit"], json!(25));
    }

    for condition in [
        format!("pool_id IN ({})", quoted(&[a, b, c])),
        format!("pool_id = '{a}' OR pool_id = '{b}' OR pool_id = '{c}'"),
    ] {
        let (rows, calls) = equivalent(&h, &condition).await;
        assert_eq!(rows.len(), 3, "{condition}");
        assert_eq!(calls.len(), 1, "{condition}");
        let mut sent = body_ids(&calls[0]);
        sent.sort();
        assert_eq!(sent, vec![a.clone(), b.clone(), c.clone()]);
    }
}

#[tokio::test]
async fn sixty_ids_are_fetched_in_three_chunks() {
    let h = harness_in(&[REGION], 300).await;
    let all = pools(&h).await;
    let ids: Vec<&str> = all.iter().take(60).map(|(id, _)| id.as_str()).collect();
    let (rows, calls) = equivalent(&h, &format!("pool_id IN ({})", quoted(&ids))).await;
    assert_eq!(rows.len(), 60);
    let mut sizes: Vec<usize> = calls.iter().map(|c| body_ids(c).len()).collect();
    sizes.sort();
    assert_eq!(sizes, vec![10, 25, 25]);
}

#[tokio::test]
async fn impossible_ids_and_contradictions_make_no_call() {
    let h = harness_in(&[REGION], 50).await;
    let all = pools(&h).await;
    let (a, b) = (&all[0].0, &all[1].0);
    for condition in [
        "pool_id = 'not-a-pool'".to_string(),
        "pool_id IN ('WSPOOL-ABCDEFGHI', 'wspool-short')".to_string(),
        format!("pool_id = '{a}' AND pool_id = '{b}'"),
        "pool_id = NULL".to_string(),
        "pool_name = 'has space'".to_string(),
        "pool_name = ''".to_string(),
        format!("pool_id = '{a}' AND region = 'eu-west-9'"),
    ] {
        let (rows, calls) = equivalent(&h, &condition).await;
        assert!(rows.is_empty(), "{condition}");
        assert!(calls.is_empty(), "{condition} made {} calls", calls.len());
    }
}

fn filters(call: &LoggedRequest) -> Value {
    call.body.get("Filters").cloned().unwrap_or(Value::Null)
}

#[tokio::test]
async fn pool_name_predicates_send_filters() {
    let h = harness_in(&[REGION], 300).await;
    let all = pools(&h).await;
    let (n0, n1) = (all[0].1.as_str(), all[1].1.as_str());
    // A name long enough to be sent as a filter value.
    let long = all
        .iter()
        .map(|(_, n)| n.as_str())
        .find(|n| n.len() >= 6)
        .expect("a pool with a long name");
    let middle = &long[1..5];

    // (condition, filters sent, whether the pool the literal came from must be in the answer)
    let cases: Vec<(String, Value, bool)> = vec![
        (
            format!("pool_name = '{long}'"),
            json!([{"Name": "PoolName", "Operator": "EQUALS", "Values": [long]}]),
            true,
        ),
        (
            format!("pool_name <> '{long}'"),
            json!([{"Name": "PoolName", "Operator": "NOTEQUALS", "Values": [long]}]),
            false,
        ),
        (
            format!("pool_name LIKE '%{middle}%'"),
            json!([{"Name": "PoolName", "Operator": "CONTAINS", "Values": [middle]}]),
            true,
        ),
        (
            format!("pool_name NOT LIKE '%{middle}%'"),
            json!([{"Name": "PoolName", "Operator": "NOTCONTAINS", "Values": [middle]}]),
            false,
        ),
    ];
    for (condition, expected, must_match) in cases {
        let (rows, calls) = equivalent(&h, &condition).await;
        assert!(!calls.is_empty(), "{condition}");
        assert_eq!(filters(&calls[0]), expected, "{condition}");
        assert!(
            !must_match || rows.iter().any(|r| r.contains(long)),
            "{condition} should match the pool it was made from"
        );
    }

    // IN and NOT IN: several values in one filter.
    for (condition, operator) in [
        (
            format!("pool_name IN ({})", quoted(&[n0, n1, long])),
            "EQUALS",
        ),
        (
            format!("pool_name NOT IN ({})", quoted(&[n0, n1, long])),
            "NOTEQUALS",
        ),
    ] {
        let (_, calls) = equivalent(&h, &condition).await;
        let sent = filters(&calls[0]);
        assert_eq!(sent[0]["Operator"], json!(operator), "{condition}");
        let values = sent[0]["Values"].as_array().expect("values");
        let distinct: std::collections::BTreeSet<&str> = [n0, n1, long].into_iter().collect();
        let sendable = distinct.iter().filter(|n| n.len() >= 2).count();
        assert_eq!(values.len(), sendable, "{condition}: {sent}");
    }
}

#[tokio::test]
async fn unsendable_forms_send_no_filter_and_still_answer() {
    let h = harness_in(&[REGION], 120).await;
    let all = pools(&h).await;
    let name = all[3].1.clone();
    let upper = name.to_uppercase();
    let many: Vec<String> = (0..30).map(|i| format!("name-{i}")).collect();
    let many_refs: Vec<&str> = many.iter().map(String::as_str).collect();
    for condition in [
        format!("pool_name ILIKE '%{upper}%'"),
        "pool_name = 'a'".to_string(),
        "pool_name LIKE '%a%'".to_string(),
        "pool_name LIKE '%'".to_string(),
        "pool_name LIKE '_'".to_string(),
        format!("pool_name = '{name}' OR state = 'RUNNING'"),
        format!("pool_name IN ({})", quoted(&many_refs)),
        "pool_name <> 'x y'".to_string(),
        "lower(pool_name) = 'abc'".to_string(),
    ] {
        let (_, calls) = equivalent(&h, &condition).await;
        assert_eq!(
            calls.len(),
            120 / 25 + 1,
            "{condition} should be a full scan"
        );
        assert!(
            filters(&calls[0]).is_null(),
            "{condition} sent {}",
            filters(&calls[0])
        );
    }
}

#[tokio::test]
async fn matching_is_case_sensitive_like_sql() {
    let h = harness_in(&[REGION], 300).await;
    let all = pools(&h).await;
    let long = all
        .iter()
        .map(|(_, n)| n.clone())
        .find(|n| n.len() >= 6 && n.chars().any(|c| c.is_ascii_lowercase()))
        .expect("a lower-case name");
    let flipped: String = long
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    for condition in [
        format!("pool_name = '{flipped}'"),
        format!("pool_name LIKE '%{flipped}%'"),
        format!("pool_name <> '{flipped}'"),
        format!("pool_name NOT LIKE '%{flipped}%'"),
    ] {
        equivalent(&h, &condition).await;
    }
}

#[tokio::test]
async fn odd_literals_answer_as_without_pushdown() {
    let h = harness_in(&[REGION], 100).await;
    let all = pools(&h).await;
    let name = all[5].1.clone();
    for condition in [
        "pool_name LIKE ''".to_string(),
        r"pool_name LIKE '%\_%'".to_string(),
        r"pool_name LIKE '%\%%'".to_string(),
        r"pool_name LIKE '%ab\_c%' ESCAPE '\'".to_string(),
        "pool_name LIKE '%é%'".to_string(),
        "pool_name = 'Ünïcødé-pool'".to_string(),
        "pool_name = NULL".to_string(),
        "pool_name <> NULL".to_string(),
        "pool_name IN ('ab', NULL)".to_string(),
        format!("pool_name NOT IN ('{name}', NULL)"),
        "pool_name LIKE NULL".to_string(),
        "pool_id IN (NULL)".to_string(),
        format!("CAST(pool_name AS VARCHAR) = '{name}'"),
        format!("pool_name = '{name}' AND pool_name LIKE '{}%'", &name[..1]),
        format!("pool_name LIKE '{name}' OR pool_name LIKE '%-0%'"),
        "pool_name NOT LIKE '%-%' AND pool_name NOT LIKE '%_%'".to_string(),
        "pool_name = '-leading-dash'".to_string(),
        format!("pool_name = '{}'", "x".repeat(129)),
    ] {
        equivalent(&h, &condition).await;
    }
}

#[tokio::test]
async fn region_predicates_prune_regions() {
    let h = harness_in(&["us-east-1", "eu-west-1", "ap-southeast-2"], 30).await;
    for (condition, regions) in [
        ("region = 'eu-west-1'", vec!["eu-west-1"]),
        (
            "region IN ('eu-west-1', 'us-east-1')",
            vec!["eu-west-1", "us-east-1"],
        ),
        (
            "region = 'eu-west-1' OR region = 'ap-southeast-2'",
            vec!["ap-southeast-2", "eu-west-1"],
        ),
        ("region = 'mars-north-1'", vec![]),
    ] {
        let (rows, calls) = equivalent(&h, condition).await;
        let mut called: Vec<&str> = calls.iter().map(|c| c.region.as_str()).collect();
        called.sort();
        called.dedup();
        assert_eq!(called, regions, "{condition}");
        assert_eq!(rows.len(), 30 * regions.len(), "{condition}");
    }
}

#[tokio::test]
async fn or_across_columns_pushes_nothing() {
    let h = harness_in(&["us-east-1", "eu-west-1"], 30).await;
    let all = pools(&h).await;
    let condition = format!("pool_id = '{}' OR region = 'eu-west-1'", all[0].0);
    let (rows, calls) = equivalent(&h, &condition).await;
    assert_eq!(rows.len(), 31);
    assert!(calls.iter().all(|c| c.body.get("PoolIds").is_none()));
    assert_eq!(calls.len(), 4, "two full pages per region");
}

#[tokio::test]
async fn limit_is_sent_and_stops_paging() {
    let h = harness_in(&[REGION], 1000).await;
    for (limit, page_size, expected_calls) in
        [(5usize, 5, 1usize), (25, 25, 1), (30, 25, 2), (60, 25, 3)]
    {
        h.clear();
        let rows = h
            .rows(&format!(
                "SELECT pool_id FROM workspaces_pools LIMIT {limit}"
            ))
            .await;
        assert_eq!(rows.len(), limit);
        let calls = h.calls(POOLS);
        assert_eq!(calls.len(), expected_calls, "LIMIT {limit}");
        assert!(calls.iter().all(|c| c.body["Limit"] == json!(page_size)));
        let reference = h
            .rows("SELECT pool_id FROM workspaces_pools_reference")
            .await;
        assert!(rows.iter().all(|r| reference.contains(r)));
    }
    // With an inexact filter DataFusion does not hand the limit to the scan: full pages.
    h.clear();
    let rows = h
        .rows("SELECT pool_id FROM workspaces_pools WHERE pool_name LIKE '%-0%' LIMIT 3")
        .await;
    assert!(rows.len() <= 3);
    assert!(h.calls(POOLS).iter().all(|c| c.body["Limit"] == json!(25)));
}

#[tokio::test]
async fn explain_shows_the_requests() {
    let h = harness_in(&["us-east-1", "eu-west-1"], 10).await;
    let plan = h
        .strings(
            "EXPLAIN SELECT pool_name FROM workspaces_pools \
             WHERE pool_id IN ('wspool-aaaaaaaaa', 'wspool-bbbbbbbbb') \
             AND pool_name LIKE '%fin%' AND region = 'eu-west-1'",
        )
        .await;
    let physical = h
        .batches(
            "EXPLAIN SELECT pool_name FROM workspaces_pools \
             WHERE pool_id IN ('wspool-aaaaaaaaa', 'wspool-bbbbbbbbb') \
             AND pool_name LIKE '%fin%' AND region = 'eu-west-1'",
        )
        .await;
    let text = crate::support::sorted_rows(&physical).join("\n");
    assert_eq!(plan.len(), 2);
    assert!(
        text.contains(
            "regions=[eu-west-1], requests per region=[{PoolIds: [wspool-aaaaaaaaa, wspool-bbbbbbbbb], Filters: [PoolName CONTAINS [fin]], Limit: 25}]"
        ),
        "{text}"
    );
    assert!(h.emulator.request_log().is_empty(), "EXPLAIN makes no call");
}
