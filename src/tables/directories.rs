//! `workspaces_directories`: `DescribeWorkspaceDirectories` as a table, one row per directory.
//!
//! Only one kind of selector is sent per request (ids, else names, else filters), since the
//! service documents no combination; the others are checked on the rows that come back.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `directory_id =`, `IN (...)`, OR-chains | `DirectoryIds` (25 a request) | exact |
//! | `workspace_directory_name =`, `IN (...)`, OR-chains | `WorkspaceDirectoryNames` (25 a request), when no id is sent | exact |
//! | `user_identity_type =`, `IN (...)`, OR-chains | `Filters` `USER_IDENTITY_TYPE`, when no id or name is sent | exact |
//! | `workspace_type =`, `IN (...)`, OR-chains | `Filters` `WORKSPACE_TYPE`, when no id or name is sent | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `directory_id` (this table on the probe side) | the build side's values, as for `directory_id IN (...)` | exact |
//! | `LIMIT n` (when every filter is exact) | `Limit` up to 25; paging stops at n rows |  |

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::types::{
    DescribeWorkspaceDirectoriesFilter, DescribeWorkspaceDirectoriesFilterName, UserIdentityType,
    WorkspaceDirectory, WorkspaceType,
};
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, Pushable, Restrictions, TargetApi};
use crate::tables::patterns::is_directory_id;

const OPERATION: &str = "DescribeWorkspaceDirectories";
/// Most ids, names or filter values one request may carry.
pub(crate) const MAX_LIST: usize = 25;
/// Most directories one page may hold (`Limit`).
pub(crate) const MAX_PAGE_SIZE: usize = 25;

const DIRECTORY_ID: Pushable = Pushable::new(
    "directory_id",
    is_directory_id,
    "`DirectoryIds` (25 a request)",
    "d-1234567890",
);
const NAME: Pushable = Pushable::new(
    "workspace_directory_name",
    is_directory_name,
    "`WorkspaceDirectoryNames` (25 a request), when no id is sent",
    "corp-directory",
);
const USER_IDENTITY_TYPE: Pushable = Pushable::new(
    "user_identity_type",
    |s| UserIdentityType::values().contains(&s),
    "`Filters` `USER_IDENTITY_TYPE`, when no id or name is sent",
    "AWS_DIRECTORY_SERVICE",
);
const WORKSPACE_TYPE: Pushable = Pushable::new(
    "workspace_type",
    |s| WorkspaceType::values().contains(&s),
    "`Filters` `WORKSPACE_TYPE`, when no id or name is sent",
    "POOLS",
);

/// `^[a-zA-Z0-9][a-zA-Z0-9_.\s-]{1,64}$` (`WorkspaceDirectoryName`).
pub(crate) fn is_directory_name(s: &str) -> bool {
    let mut chars = s.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest: Vec<char> = chars.collect();
    first_ok
        && (1..=64).contains(&rest.len())
        && rest
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || c.is_whitespace() || "_.-".contains(*c))
}

/// `DescribeWorkspaceDirectories`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct Directories;

fn texts(values: &[String]) -> Option<Vec<&str>> {
    Some(values.iter().map(String::as_str).collect())
}

static COLUMNS: LazyLock<Columns<WorkspaceDirectory>> = LazyLock::new(|| {
    type D = WorkspaceDirectory;
    Columns::new(
        OPERATION,
        |d: &WorkspaceDirectory| d.directory_id(),
        vec![
            ColumnDef::text("directory_id", |d: &D| d.directory_id()),
            ColumnDef::text("directory_name", |d: &D| d.directory_name()),
            ColumnDef::text("alias", |d: &D| d.alias()),
            ColumnDef::text("workspace_directory_name", |d: &D| {
                d.workspace_directory_name()
            }),
            ColumnDef::text("workspace_directory_description", |d: &D| {
                d.workspace_directory_description()
            }),
            ColumnDef::text("directory_type", |d: &D| {
                d.directory_type().map(|t| t.as_str())
            }),
            ColumnDef::text("workspace_type", |d: &D| {
                d.workspace_type().map(|t| t.as_str())
            }),
            ColumnDef::text("user_identity_type", |d: &D| {
                d.user_identity_type().map(|t| t.as_str())
            }),
            ColumnDef::text("state", |d: &D| d.state().map(|s| s.as_str())),
            ColumnDef::text("tenancy", |d: &D| d.tenancy().map(|t| t.as_str())),
            ColumnDef::text("registration_code", |d: &D| d.registration_code()),
            ColumnDef::text("customer_user_name", |d: &D| d.customer_user_name()),
            ColumnDef::text("iam_role_id", |d: &D| d.iam_role_id()),
            ColumnDef::text("workspace_security_group_id", |d: &D| {
                d.workspace_security_group_id()
            }),
            ColumnDef::text_list("subnet_ids", |d: &D| {
                d.subnet_ids.as_deref().and_then(texts)
            }),
            ColumnDef::text_list("dns_ip_addresses", |d: &D| {
                d.dns_ip_addresses.as_deref().and_then(texts)
            }),
            ColumnDef::text_list("ip_group_ids", |d: &D| {
                d.ip_group_ids.as_deref().and_then(texts)
            })
            .member("ipGroupIds"),
            ColumnDef::text("endpoint_encryption_mode", |d: &D| {
                d.endpoint_encryption_mode().map(|m| m.as_str())
            }),
            ColumnDef::text("error_message", |d: &D| d.error_message()),
        ],
    )
});

/// The parameters of one `DescribeWorkspaceDirectories` chain.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct DirectoriesRequest {
    /// `DirectoryIds`, at most 25.
    pub directory_ids: Option<Vec<String>>,
    /// `WorkspaceDirectoryNames`, at most 25.
    pub names: Option<Vec<String>>,
    /// `Filters`: (name, values), at most 25 values each.
    pub filters: Vec<(DescribeWorkspaceDirectoriesFilterName, Vec<String>)>,
    /// `Limit`, 1 to 25.
    pub limit: i32,
}

impl fmt::Display for DirectoriesRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        if let Some(ids) = &self.directory_ids {
            write!(f, "DirectoryIds: [{}], ", ids.join(", "))?;
        }
        if let Some(names) = &self.names {
            write!(f, "WorkspaceDirectoryNames: [{}], ", names.join(", "))?;
        }
        for (name, values) in &self.filters {
            write!(f, "Filter {} [{}], ", name.as_str(), values.join(", "))?;
        }
        write!(f, "Limit: {}}}", self.limit)
    }
}

fn chunks(values: &std::collections::BTreeSet<String>) -> Vec<Vec<String>> {
    let values: Vec<String> = values.iter().cloned().collect();
    values.chunks(MAX_LIST).map(<[String]>::to_vec).collect()
}

impl DescribeTable for Directories {
    type Item = WorkspaceDirectory;
    type Request = DirectoriesRequest;
    const NAME: &'static str = "workspaces_directories";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "WorkspaceDirectory";
    const ROW: &'static str = "one row per directory registered with WorkSpaces";
    const PUSHABLE: &'static [Pushable] = &[DIRECTORY_ID, NAME, USER_IDENTITY_TYPE, WORKSPACE_TYPE];
    const JOIN_KEYS: &'static [&'static str] = &["directory_id"];
    const PAGE_LIMIT: Option<(&'static str, usize)> = Some(("Limit", MAX_PAGE_SIZE));

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn requests(restrictions: &Restrictions) -> Vec<DirectoriesRequest> {
        let base = DirectoriesRequest {
            limit: restrictions.page_size(MAX_PAGE_SIZE),
            ..DirectoriesRequest::default()
        };
        if let Some(ids) = restrictions.values(DIRECTORY_ID.column) {
            return chunks(ids)
                .into_iter()
                .map(|chunk| DirectoriesRequest {
                    directory_ids: Some(chunk),
                    ..base.clone()
                })
                .collect();
        }
        if let Some(names) = restrictions.values(NAME.column) {
            return chunks(names)
                .into_iter()
                .map(|chunk| DirectoriesRequest {
                    names: Some(chunk),
                    ..base.clone()
                })
                .collect();
        }
        let filters = [
            (
                DescribeWorkspaceDirectoriesFilterName::UserIdentityType,
                USER_IDENTITY_TYPE.column,
            ),
            (
                DescribeWorkspaceDirectoriesFilterName::WorkspaceType,
                WORKSPACE_TYPE.column,
            ),
        ]
        .into_iter()
        .filter_map(|(name, column)| {
            let values = restrictions.values(column)?;
            Some((name, values.iter().cloned().collect()))
        })
        .collect();
        vec![DirectoriesRequest { filters, ..base }]
    }

    fn pages(
        api: &TargetApi,
        request: DirectoriesRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        let filters: Option<Vec<DescribeWorkspaceDirectoriesFilter>> =
            (!request.filters.is_empty()).then(|| {
                request
                    .filters
                    .iter()
                    .filter_map(|(name, values)| {
                        DescribeWorkspaceDirectoriesFilter::builder()
                            .name(name.clone())
                            .set_values(Some(values.clone()))
                            .build()
                            .ok()
                    })
                    .collect()
            });
        api.paginate(OPERATION, request.to_string(), move |client, token| {
            client
                .describe_workspace_directories()
                .set_directory_ids(request.directory_ids.clone())
                .set_workspace_directory_names(request.names.clone())
                .set_filters(filters.clone())
                .limit(request.limit)
                .set_next_token(token)
                .send()
                .map_ok(|output| Page::from_response(output.directories, output.next_token))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{col, lit};
    use datafusion::prelude::Expr;

    fn requests(filters: &[Expr]) -> Vec<DirectoriesRequest> {
        let r = Directories::rules().fold(filters, None);
        Directories::requests(&r)
    }

    #[test]
    fn ids_win_and_are_chunked() {
        let ids: Vec<Expr> = (0..30).map(|i| lit(format!("d-{i:08x}"))).collect();
        let got = requests(&[
            col("directory_id").in_list(ids, false),
            col("workspace_type").eq(lit("PERSONAL")),
        ]);
        let sizes: Vec<usize> = got
            .iter()
            .map(|r| r.directory_ids.as_ref().map_or(0, Vec::len))
            .collect();
        assert_eq!(sizes, vec![25, 5]);
        assert!(
            got.iter()
                .all(|r| r.filters.is_empty() && r.names.is_none())
        );
    }

    #[test]
    fn names_then_filters() {
        let got = requests(&[col("workspace_directory_name").eq(lit("corp main"))]);
        assert_eq!(
            got[0].to_string(),
            "{WorkspaceDirectoryNames: [corp main], Limit: 25}"
        );
        let got = requests(&[
            col("workspace_type").in_list(vec![lit("POOLS"), lit("PERSONAL")], false),
            col("user_identity_type").eq(lit("AWS_DIRECTORY_SERVICE")),
        ]);
        assert_eq!(
            got[0].to_string(),
            "{Filter USER_IDENTITY_TYPE [AWS_DIRECTORY_SERVICE], Filter WORKSPACE_TYPE [PERSONAL, POOLS], Limit: 25}"
        );
    }

    #[test]
    fn impossible_values_match_nothing() {
        for filter in [
            col("directory_id").eq(lit("d-XYZ")),
            col("workspace_type").eq(lit("personal")),
            col("workspace_directory_name").eq(lit("-bad")),
        ] {
            let r = Directories::rules().fold(&[filter], None);
            assert!(r.matches_nothing);
        }
    }

    #[test]
    fn directory_names_follow_the_pattern() {
        assert!(is_directory_name("corp main.1"));
        assert!(!is_directory_name("c"));
        assert!(!is_directory_name("_corp"));
        assert!(!is_directory_name(&"a".repeat(66)));
    }
}
