//! `workspaces_applications`: `DescribeApplications` as a table, one row per application
//! WorkSpaces can install (Microsoft Office, Visio, Project, ...), with the compute types and
//! operating systems it supports.
//!
//! Every member of the request is a filter, sent together (the service applies all of them):
//! `ApplicationIds` in chunks of 25, and `LicenseType` and `Owner`, which take one value, one
//! chain per value asked for (an application has one of each, so the chains never overlap).
//!
//! `ComputeTypeNames` and `OperatingSystemNames` filter on lists: each row has a list of
//! supported compute types. The predicate that asks a list to hold a value is
//! `array_has(supported_compute_type_names, 'VALUE')` (or `'VALUE' = ANY(...)`); it is sent,
//! and every such predicate ANDed with it adds its value to the same member. Whether the service
//! keeps applications supporting any of the values or all of them, its answer holds every row
//! of the conjunction, so the predicates push down inexact and DataFusion checks the rows
//! again. `array_has_any` (any of several values) is not sent: under the "all" reading the
//! service would leave rows out. `=` on a list column compares whole lists, which the service
//! has no filter for: it is evaluated locally.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `application_id =`, `IN (...)`, OR-chains | `ApplicationIds` (25 a request) | exact |
//! | `license_type =`, `IN (...)`, OR-chains | `LicenseType`, one chain each | exact |
//! | `owner =`, `IN (...)`, OR-chains | `Owner`, one chain each | exact |
//! | `array_has(supported_compute_type_names, 'v')`, `'v' = ANY(...)`, ANDed | `ComputeTypeNames`, every value | inexact |
//! | `array_has(supported_operating_system_names, 'v')`, `'v' = ANY(...)`, ANDed | `OperatingSystemNames`, every value | inexact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `application_id` (this table on the probe side) | the build side's values, as for `application_id IN (...)` | exact |
//! | `LIMIT n` (when every filter is exact) | `MaxResults` up to 25; paging stops at n rows |  |

use std::collections::BTreeSet;
use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::types::{
    Compute, OperatingSystemName, WorkSpaceApplication, WorkSpaceApplicationLicenseType,
};
use datafusion::logical_expr::{Expr, TableProviderFilterPushDown};
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{
    ColumnDef, Columns, DescribeTable, Pushable, Restrictions, TargetApi, TranslatedRule,
    Translation, list_membership,
};
use crate::tables::patterns::is_application_id;

const OPERATION: &str = "DescribeApplications";
/// Most ids one request may carry (`WorkSpaceApplicationIdList`).
pub(crate) const MAX_APPLICATION_IDS: usize = 25;
/// Most applications one page may hold (`Limit`).
pub(crate) const MAX_PAGE_SIZE: usize = 25;
/// The owner of the applications Amazon provides.
pub(crate) const AMAZON: &str = "AMAZON";

const APPLICATION_ID: Pushable = Pushable::new(
    "application_id",
    is_application_id,
    "`ApplicationIds` (25 a request)",
    "wsa-abc123xyz",
);
const LICENSE_TYPE: Pushable = Pushable::new(
    "license_type",
    |s| WorkSpaceApplicationLicenseType::values().contains(&s),
    "`LicenseType`, one chain each",
    "LICENSED",
);
const OWNER: Pushable = Pushable::new("owner", is_owner, "`Owner`, one chain each", AMAZON);

/// `^\d{12}|AMAZON$` (`WorkSpaceApplicationOwner`), as ECMAScript reads it: twelve digits at
/// the start, or `AMAZON` at the end.
pub(crate) fn is_owner(s: &str) -> bool {
    let digits = s.bytes().take(12).filter(u8::is_ascii_digit).count() == 12;
    digits || s.ends_with(AMAZON)
}

/// A list column whose membership predicates are sent: the column, the request member, and
/// the values the model allows in it.
struct ListFilter {
    column: &'static str,
    member: &'static str,
    allowed: fn() -> &'static [&'static str],
}

const COMPUTE_TYPES: ListFilter = ListFilter {
    column: "supported_compute_type_names",
    member: "ComputeTypeNames",
    allowed: Compute::values,
};
const OPERATING_SYSTEMS: ListFilter = ListFilter {
    column: "supported_operating_system_names",
    member: "OperatingSystemNames",
    allowed: OperatingSystemName::values,
};
const LIST_FILTERS: [ListFilter; 2] = [COMPUTE_TYPES, OPERATING_SYSTEMS];

/// The list predicates [`Applications::translate`] sends.
const LIST_FORMS: &[TranslatedRule] = &[
    TranslatedRule {
        predicate: "`array_has(supported_compute_type_names, 'v')`, `'v' = ANY(...)`, ANDed",
        sent_as: "`ComputeTypeNames`, every value",
        exact: false,
        example: "array_has(supported_compute_type_names, 'VALUE')",
        shows: "ComputeTypeNames: [VALUE]",
    },
    TranslatedRule {
        predicate: "`array_has(supported_operating_system_names, 'v')`, `'v' = ANY(...)`, ANDed",
        sent_as: "`OperatingSystemNames`, every value",
        exact: false,
        example: "'WINDOWS_11' = ANY(supported_operating_system_names)",
        shows: "OperatingSystemNames: [WINDOWS_11]",
    },
];

/// `DescribeApplications`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct Applications;

static COLUMNS: LazyLock<Columns<WorkSpaceApplication>> = LazyLock::new(|| {
    type A = WorkSpaceApplication;
    Columns::new(
        OPERATION,
        |a: &A| a.application_id(),
        vec![
            ColumnDef::text("application_id", |a: &A| a.application_id()),
            ColumnDef::text("name", |a: &A| a.name()),
            ColumnDef::text("owner", |a: &A| a.owner()),
            ColumnDef::text("license_type", |a: &A| a.license_type().map(|l| l.as_str())),
            ColumnDef::text("state", |a: &A| a.state().map(|s| s.as_str())),
            ColumnDef::text("description", |a: &A| a.description()),
            ColumnDef::time("created", |a: &A| a.created()),
            ColumnDef::text_list("supported_compute_type_names", |a: &A| {
                let compute = a.supported_compute_type_names.as_ref()?;
                Some(compute.iter().map(|c| c.as_str()).collect())
            }),
            ColumnDef::text_list("supported_operating_system_names", |a: &A| {
                let systems = a.supported_operating_system_names.as_ref()?;
                Some(systems.iter().map(|s| s.as_str()).collect())
            }),
        ],
    )
});

/// The parameters of one `DescribeApplications` chain.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct ApplicationsRequest {
    /// `ApplicationIds`, at most 25.
    pub ids: Option<Vec<String>>,
    /// `ComputeTypeNames`.
    pub compute_types: Option<Vec<String>>,
    /// `OperatingSystemNames`.
    pub operating_systems: Option<Vec<String>>,
    /// `LicenseType`.
    pub license_type: Option<String>,
    /// `Owner`.
    pub owner: Option<String>,
    /// `MaxResults`, 1 to 25.
    pub max_results: i32,
}

impl fmt::Display for ApplicationsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        let lists = [
            ("ApplicationIds", &self.ids),
            (COMPUTE_TYPES.member, &self.compute_types),
            (OPERATING_SYSTEMS.member, &self.operating_systems),
        ];
        for (member, values) in lists {
            if let Some(values) = values {
                write!(f, "{member}: [{}], ", values.join(", "))?;
            }
        }
        if let Some(license_type) = &self.license_type {
            write!(f, "LicenseType: {license_type}, ")?;
        }
        if let Some(owner) = &self.owner {
            write!(f, "Owner: {owner}, ")?;
        }
        write!(f, "MaxResults: {}}}", self.max_results)
    }
}

/// Each value of `column` a chain is sent with: every value it is restricted to (one chain
/// each), or a single chain without the member.
fn each_value(restrictions: &Restrictions, column: &str) -> Vec<Option<String>> {
    match restrictions.values(column) {
        Some(values) => values.iter().cloned().map(Some).collect(),
        None => vec![None],
    }
}

/// The values the translated predicates on `filter`'s column ask its lists to hold.
fn list_values(restrictions: &Restrictions, filter: &ListFilter) -> Option<Vec<String>> {
    let values: BTreeSet<String> = restrictions
        .translated()
        .iter()
        .filter_map(|predicate| list_membership(predicate, filter.column).flatten())
        .collect();
    (!values.is_empty()).then(|| values.into_iter().collect())
}

impl DescribeTable for Applications {
    type Item = WorkSpaceApplication;
    type Request = ApplicationsRequest;
    const NAME: &'static str = "workspaces_applications";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "WorkSpaceApplication";
    const ROW: &'static str = "one row per application WorkSpaces can install, per region";
    const PUSHABLE: &'static [Pushable] = &[APPLICATION_ID, LICENSE_TYPE, OWNER];
    const TRANSLATED: &'static [TranslatedRule] = LIST_FORMS;
    const JOIN_KEYS: &'static [&'static str] = &["application_id"];
    const PAGE_LIMIT: Option<(&'static str, usize)> = Some(("MaxResults", MAX_PAGE_SIZE));

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn translate(predicate: &Expr) -> Option<Translation> {
        LIST_FILTERS.iter().find_map(|filter| {
            let value = list_membership(predicate, filter.column)?;
            let possible = value.is_some_and(|v| (filter.allowed)().contains(&v.as_str()));
            Some(Translation {
                support: TableProviderFilterPushDown::Inexact,
                matches_nothing: !possible,
            })
        })
    }

    fn requests(restrictions: &Restrictions) -> Vec<ApplicationsRequest> {
        let base = ApplicationsRequest {
            compute_types: list_values(restrictions, &COMPUTE_TYPES),
            operating_systems: list_values(restrictions, &OPERATING_SYSTEMS),
            max_results: restrictions.page_size(MAX_PAGE_SIZE),
            ..ApplicationsRequest::default()
        };
        let id_chunks: Vec<Option<Vec<String>>> = match restrictions.values(APPLICATION_ID.column) {
            Some(ids) => {
                let ids: Vec<String> = ids.iter().cloned().collect();
                ids.chunks(MAX_APPLICATION_IDS)
                    .map(|chunk| Some(chunk.to_vec()))
                    .collect()
            }
            None => vec![None],
        };
        let mut requests = Vec::new();
        for ids in &id_chunks {
            for license_type in each_value(restrictions, LICENSE_TYPE.column) {
                for owner in each_value(restrictions, OWNER.column) {
                    requests.push(ApplicationsRequest {
                        ids: ids.clone(),
                        license_type: license_type.clone(),
                        owner,
                        ..base.clone()
                    });
                }
            }
        }
        requests
    }

    fn pages(
        api: &TargetApi,
        request: ApplicationsRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        let compute: Option<Vec<Compute>> = request
            .compute_types
            .as_ref()
            .map(|values| values.iter().map(|v| Compute::from(v.as_str())).collect());
        let systems: Option<Vec<OperatingSystemName>> =
            request.operating_systems.as_ref().map(|values| {
                values
                    .iter()
                    .map(|v| OperatingSystemName::from(v.as_str()))
                    .collect()
            });
        let license = request
            .license_type
            .as_deref()
            .map(WorkSpaceApplicationLicenseType::from);
        api.paginate(OPERATION, request.to_string(), move |client, token| {
            client
                .describe_applications()
                .set_application_ids(request.ids.clone())
                .set_compute_type_names(compute.clone())
                .set_operating_system_names(systems.clone())
                .set_license_type(license.clone())
                .set_owner(request.owner.clone())
                .max_results(request.max_results)
                .set_next_token(token)
                .send()
                .map_ok(|output| Page::from_response(output.applications, output.next_token))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::functions_nested::expr_fn::{array_has, array_has_any, make_array};
    use datafusion::logical_expr::{col, lit};

    fn requests(filters: &[Expr], limit: Option<usize>) -> Vec<String> {
        let r = Applications::rules().fold(filters, limit);
        Applications::requests(&r)
            .iter()
            .map(|r| r.to_string())
            .collect()
    }

    #[test]
    fn every_member_is_sent_together() {
        let got = requests(
            &[
                col("application_id").eq(lit("wsa-abcdefgh1")),
                col("license_type").eq(lit("LICENSED")),
                col("owner").eq(lit(AMAZON)),
                array_has(col("supported_compute_type_names"), lit("POWER")),
                array_has(col("supported_compute_type_names"), lit("VALUE")),
                array_has(col("supported_operating_system_names"), lit("WINDOWS_11")),
            ],
            Some(4),
        );
        assert_eq!(
            got,
            [
                "{ApplicationIds: [wsa-abcdefgh1], ComputeTypeNames: [POWER, VALUE], OperatingSystemNames: [WINDOWS_11], LicenseType: LICENSED, Owner: AMAZON, MaxResults: 4}"
            ]
        );
    }

    #[test]
    fn single_valued_members_make_one_chain_per_value_and_ids_are_chunked() {
        let ids: Vec<Expr> = (0..30).map(|i| lit(format!("wsa-{i:09}"))).collect();
        let got = requests(
            &[
                col("application_id").in_list(ids, false),
                col("license_type").in_list(vec![lit("LICENSED"), lit("UNLICENSED")], false),
            ],
            None,
        );
        assert_eq!(got.len(), 4, "{got:?}");
        assert!(got[0].contains("LicenseType: LICENSED") && got[1].contains("UNLICENSED"));
        assert_eq!(requests(&[], None), ["{MaxResults: 25}"]);
    }

    #[test]
    fn list_predicates_push_inexact_and_only_single_values() {
        let rules = Applications::rules();
        let member = array_has(col("supported_compute_type_names"), lit("VALUE"));
        assert_eq!(
            rules.classify(&member),
            TableProviderFilterPushDown::Inexact
        );
        let any = array_has_any(
            col("supported_compute_type_names"),
            make_array(vec![lit("VALUE"), lit("POWER")]),
        );
        assert_eq!(
            rules.classify(&any),
            TableProviderFilterPushDown::Unsupported
        );
        let unknown = array_has(col("supported_compute_type_names"), lit("HUGE"));
        assert!(rules.fold(&[unknown], None).matches_nothing);
        let null = array_has(
            col("supported_operating_system_names"),
            lit(datafusion::scalar::ScalarValue::Utf8(None)),
        );
        assert!(rules.fold(&[null], None).matches_nothing);
    }

    #[test]
    fn impossible_values_match_nothing() {
        for filter in [
            col("application_id").eq(lit("wsa-1")),
            col("license_type").eq(lit("licensed")),
            col("owner").eq(lit("someone")),
        ] {
            assert!(Applications::rules().fold(&[filter], None).matches_nothing);
        }
        assert!(is_owner("123456789012"));
        assert!(is_owner("AMAZON"));
        assert!(!is_owner("12345678901"));
    }
}
