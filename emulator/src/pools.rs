//! `DescribeWorkspacesPools`: pools by id and by name filters, paged.
//!
//! `PoolIds` naming pools that do not exist are left out, or answered with
//! `ResourceNotFoundException`, as [`Faults::unknown_pool_ids`](crate::Faults) says. A pool that
//! exists but that the filters leave out is not unknown.

use std::collections::HashSet;

use serde::Serialize;

use super::UnknownPoolIds;
use super::api_error::ApiError;
use super::fleet::RegionFleet;
use super::operations::{Call, Structure};
use super::request::Members;
use super::shapes::Pool;

const DEFAULT_LIMIT: i64 = 25;

/// `DescribeWorkspacesPoolsFilterOperator`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Operator {
    Equals,
    NotEquals,
    Contains,
    NotContains,
}

impl Operator {
    fn parse(text: &str) -> Option<Operator> {
        match text {
            "EQUALS" => Some(Operator::Equals),
            "NOTEQUALS" => Some(Operator::NotEquals),
            "CONTAINS" => Some(Operator::Contains),
            "NOTCONTAINS" => Some(Operator::NotContains),
            _ => None,
        }
    }
}

/// One `DescribeWorkspacesPoolsFilter` on `PoolName`. Its values are alternatives: a positive
/// operator matches when any value does, a negative one when none does. Case-sensitive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PoolNameFilter {
    pub(crate) operator: Operator,
    pub(crate) values: Vec<String>,
}

impl PoolNameFilter {
    pub(crate) fn matches(&self, name: &str) -> bool {
        let mut values = self.values.iter().map(String::as_str);
        match self.operator {
            Operator::Equals => values.any(|v| name == v),
            Operator::NotEquals => values.all(|v| name != v),
            Operator::Contains => values.any(|v| name.contains(v)),
            Operator::NotContains => values.all(|v| !name.contains(v)),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Output<'a> {
    workspaces_pools: Vec<&'a Pool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_token: Option<String>,
}

pub(crate) fn describe<'a>(call: &Call<'a>) -> Result<Structure<'a>, ApiError> {
    let request = Members::of_body(call.body)?;
    let pool_ids = request.strings("PoolIds")?;
    let filters = filters(&request)?;
    let limit = request.integer("Limit")?.unwrap_or(DEFAULT_LIMIT);
    let next_token = request.string("NextToken")?;
    if let Some(ids) = &pool_ids {
        check_known(call.records(), ids, call.unknown_pool_ids)?;
    }

    let pager = call.pager(next_token)?;
    let wanted: Option<HashSet<&str>> = pool_ids.as_ref().map(|ids| ids.iter().copied().collect());
    let (pools, next_token) = pager.page(&call.records().pools, limit as usize, |pool| {
        wanted
            .as_ref()
            .is_none_or(|ids| ids.contains(pool.pool_id.as_str()))
            && filters.iter().all(|f| f.matches(&pool.pool_name))
    });
    Ok(Structure::new(Output {
        workspaces_pools: pools,
        next_token,
    }))
}

/// Fails the call when `mode` makes unknown ids an error and some are unknown.
fn check_known(records: &RegionFleet, ids: &[&str], mode: UnknownPoolIds) -> Result<(), ApiError> {
    if mode == UnknownPoolIds::Omitted {
        return Ok(());
    }
    let mut unknown: Vec<&str> = Vec::new();
    for &id in ids {
        if records.pool(id).is_none() && !unknown.contains(&id) {
            unknown.push(id);
        }
    }
    let none_exist = ids.iter().all(|id| unknown.contains(id));
    let fails = match mode {
        UnknownPoolIds::Omitted => false,
        UnknownPoolIds::NotFoundWhenNoneExist => none_exist,
        UnknownPoolIds::NotFoundWhenAnyUnknown => !unknown.is_empty(),
    };
    if fails {
        return Err(ApiError::not_found_among("WorkSpaces pool", &unknown));
    }
    Ok(())
}

/// Reads `Filters` (validated: each has its name, operator and values).
fn filters(request: &Members<'_>) -> Result<Vec<PoolNameFilter>, ApiError> {
    let mut filters = Vec::new();
    for filter in request.structures("Filters")?.unwrap_or_default() {
        let operator = filter.string("Operator")?.and_then(Operator::parse);
        let values = filter.strings("Values")?;
        if let (Some(operator), Some(values)) = (operator, values) {
            filters.push(PoolNameFilter {
                operator,
                values: values.into_iter().map(str::to_string).collect(),
            });
        }
    }
    Ok(filters)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::Fleet;
    use crate::operations::answer;

    fn filter(operator: Operator, values: &[&str]) -> PoolNameFilter {
        PoolNameFilter {
            operator,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    #[test]
    fn each_operator_with_alternatives() {
        let equals = filter(Operator::Equals, &["finance-01", "eng-02"]);
        assert!(equals.matches("finance-01"));
        assert!(equals.matches("eng-02"));
        assert!(!equals.matches("finance-011"));
        let not_equals = filter(Operator::NotEquals, &["finance-01", "eng-02"]);
        assert!(!not_equals.matches("finance-01"));
        assert!(!not_equals.matches("eng-02"));
        assert!(not_equals.matches("sales-03"));
        let contains = filter(Operator::Contains, &["fin", "build"]);
        assert!(contains.matches("finance-01"));
        assert!(contains.matches("eng.build_farm-3"));
        assert!(!contains.matches("sales-03"));
        let not_contains = filter(Operator::NotContains, &["fin", "build"]);
        assert!(!not_contains.matches("finance-01"));
        assert!(!not_contains.matches("eng.build_farm-3"));
        assert!(not_contains.matches("sales-03"));
    }

    #[test]
    fn matching_is_case_sensitive() {
        assert!(!filter(Operator::Equals, &["Finance-01"]).matches("finance-01"));
        assert!(!filter(Operator::Contains, &["FIN"]).matches("finance-01"));
        assert!(filter(Operator::NotContains, &["FIN"]).matches("finance-01"));
        assert!(filter(Operator::NotEquals, &["Finance-01"]).matches("finance-01"));
    }

    fn names(fleet: &Fleet, body: Value) -> Result<Vec<String>, String> {
        let call = Call::new("us-east-1", "DescribeWorkspacesPools", &body, fleet);
        let output = answer(&call).map_err(|e| format!("{}: {}", e.code, e.message))?;
        Ok(output["WorkspacesPools"]
            .as_array()
            .map(|pools| {
                pools
                    .iter()
                    .filter_map(|p| p["PoolName"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default())
    }

    fn sample() -> Fleet {
        Fleet::with_pool_names(
            1,
            "us-east-1",
            &[
                "finance-01",
                "Finance-01",
                "eng.build_farm-3",
                "sales-finance",
                "hr-02",
            ],
        )
    }

    #[test]
    fn filters_combine_with_and() {
        let fleet = sample();
        let body = json!({"Filters": [
            {"Name": "PoolName", "Operator": "CONTAINS", "Values": ["finance", "build"]},
            {"Name": "PoolName", "Operator": "NOTEQUALS", "Values": ["sales-finance"]}
        ]});
        assert_eq!(
            names(&fleet, body),
            Ok(vec!["finance-01".into(), "eng.build_farm-3".into()])
        );
        let body = json!({"Filters": [
            {"Name": "PoolName", "Operator": "EQUALS", "Values": ["Finance-01"]},
            {"Name": "PoolName", "Operator": "NOTCONTAINS", "Values": ["inance"]}
        ]});
        assert_eq!(names(&fleet, body), Ok(vec![]));
    }

    #[test]
    fn pool_ids_and_filters_both_apply() {
        let fleet = sample();
        let pools = fleet.pools("us-east-1");
        let body = json!({
            "PoolIds": [pools[0].pool_id, pools[1].pool_id, pools[4].pool_id, "wspool-000000000"],
            "Filters": [{"Name": "PoolName", "Operator": "CONTAINS", "Values": ["01"]}]
        });
        assert_eq!(
            names(&fleet, body),
            Ok(vec!["finance-01".into(), "Finance-01".into()])
        );
    }

    #[test]
    fn every_bound_and_pattern_is_validated() {
        let fleet = sample();
        let ids: Vec<String> = (0..26).map(|i| format!("wspool-{i:09}")).collect();
        let values: Vec<String> = (0..26).map(|i| format!("v{i}")).collect();
        let good_filter = json!({"Name": "PoolName", "Operator": "EQUALS", "Values": ["ab"]});
        let cases = [
            (json!({"PoolIds": []}), "at 'poolIds'"),
            (json!({"PoolIds": ids}), "at 'poolIds'"),
            (json!({"PoolIds": ["wspool-ABC"]}), "at 'poolIds.1.member'"),
            (json!({"Filters": []}), "at 'filters'"),
            (
                json!({"Filters": vec![good_filter.clone(); 26]}),
                "at 'filters'",
            ),
            (
                json!({"Filters": [{"Operator": "EQUALS", "Values": ["ab"]}]}),
                "at 'filters.1.member.name'",
            ),
            (
                json!({"Filters": [{"Name": "PoolName", "Values": ["ab"]}]}),
                "at 'filters.1.member.operator'",
            ),
            (
                json!({"Filters": [{"Name": "PoolName", "Operator": "EQUALS"}]}),
                "at 'filters.1.member.values'",
            ),
            (
                json!({"Filters": [{"Name": "PoolId", "Operator": "EQUALS", "Values": ["ab"]}]}),
                "enum value set",
            ),
            (
                json!({"Filters": [{"Name": "PoolName", "Operator": "LIKE", "Values": ["ab"]}]}),
                "enum value set",
            ),
            (
                json!({"Filters": [{"Name": "PoolName", "Operator": "EQUALS", "Values": []}]}),
                "at 'filters.1.member.values'",
            ),
            (
                json!({"Filters": [{"Name": "PoolName", "Operator": "EQUALS", "Values": values}]}),
                "at 'filters.1.member.values'",
            ),
            (
                json!({"Filters": [{"Name": "PoolName", "Operator": "EQUALS", "Values": ["a"]}]}),
                "values.1.member",
            ),
            (
                json!({"Filters": [{"Name": "PoolName", "Operator": "EQUALS", "Values": ["ab", "x y"]}]}),
                "values.2.member",
            ),
            (
                json!({"Filters": [{"Name": "PoolName", "Operator": "EQUALS", "Values": ["a".repeat(129)]}]}),
                "length less than or equal to 128",
            ),
            (json!({"Limit": 0}), "at 'limit'"),
            (json!({"Limit": 26}), "at 'limit'"),
            (json!({"NextToken": ""}), "at 'nextToken'"),
            (json!({"NextToken": "t".repeat(2049)}), "at 'nextToken'"),
        ];
        for (body, expected) in cases {
            let err = names(&fleet, body.clone()).expect_err(&body.to_string());
            assert!(err.starts_with("ValidationException: "), "{body}: {err}");
            assert!(err.contains(expected), "{body}: {err}");
        }
        assert!(
            names(
                &fleet,
                json!({"Limit": 25, "PoolIds": vec!["wspool-000000000"; 25]})
            )
            .is_ok()
        );
        assert!(names(&fleet, json!({"Filters": [good_filter]})).is_ok());
    }

    /// The ids named, and the pool ids listed or the error's code and `ResourceId`.
    fn by_ids(fleet: &Fleet, ids: &[&str], mode: UnknownPoolIds) -> Result<Vec<String>, ApiError> {
        let body = json!({ "PoolIds": ids });
        let call = Call {
            unknown_pool_ids: mode,
            ..Call::new("us-east-1", "DescribeWorkspacesPools", &body, fleet)
        };
        let output = answer(&call)?;
        Ok(output["WorkspacesPools"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|p| p["PoolId"].as_str().map(str::to_string))
            .collect())
    }

    #[test]
    fn unknown_pool_ids_each_way() {
        let fleet = sample();
        let known = fleet.pools("us-east-1")[1].pool_id.clone();
        let (gone, also_gone) = ("wspool-000000000", "wspool-zzzzzzzzz");
        let mixed = [gone, known.as_str(), gone];
        let all_unknown = [gone, also_gone];

        assert_eq!(
            by_ids(&fleet, &mixed, UnknownPoolIds::Omitted).ok(),
            Some(vec![known.clone()])
        );
        assert_eq!(
            by_ids(&fleet, &all_unknown, UnknownPoolIds::Omitted).ok(),
            Some(vec![])
        );

        assert_eq!(
            by_ids(&fleet, &mixed, UnknownPoolIds::NotFoundWhenNoneExist).ok(),
            Some(vec![known.clone()])
        );
        let err = by_ids(&fleet, &all_unknown, UnknownPoolIds::NotFoundWhenNoneExist)
            .expect_err("none exists");
        assert_eq!(err.code, "ResourceNotFoundException");
        assert_eq!(err.resource_id.as_deref(), Some(gone));
        assert!(err.message.contains(also_gone), "{}", err.message);

        let err = by_ids(&fleet, &mixed, UnknownPoolIds::NotFoundWhenAnyUnknown)
            .expect_err("one is unknown");
        assert_eq!(err.code, "ResourceNotFoundException");
        assert_eq!(err.resource_id.as_deref(), Some(gone));
        assert!(!err.message.contains(&known), "{}", err.message);
        assert_eq!(
            by_ids(
                &fleet,
                &[known.as_str()],
                UnknownPoolIds::NotFoundWhenAnyUnknown
            )
            .ok(),
            Some(vec![known.clone()])
        );
    }

    #[test]
    fn a_filtered_out_pool_is_not_unknown() {
        let fleet = sample();
        let finance = fleet.pools("us-east-1")[0].pool_id.clone();
        let body = json!({
            "PoolIds": [finance],
            "Filters": [{"Name": "PoolName", "Operator": "EQUALS", "Values": ["hr-02"]}]
        });
        let call = Call {
            unknown_pool_ids: UnknownPoolIds::NotFoundWhenAnyUnknown,
            ..Call::new("us-east-1", "DescribeWorkspacesPools", &body, &fleet)
        };
        let output = answer(&call).expect("exists");
        assert_eq!(output["WorkspacesPools"], json!([]));
    }

    #[test]
    fn a_foreign_token_is_an_invalid_parameter() {
        let fleet = sample();
        let err = names(&fleet, json!({"NextToken": "not-a-token-of-ours"})).expect_err("foreign");
        assert!(err.starts_with("InvalidParameterValuesException"), "{err}");
    }
}
