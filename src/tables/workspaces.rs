//! `workspaces`: `DescribeWorkspaces` as a table, one row per personal WorkSpace.
//!
//! The service takes one selector per request (`WorkspaceIds`, `DirectoryId` optionally with
//! `UserName`, `BundleId`, or `WorkspaceName`); the scan sends the most selective one the
//! predicates allow, one chain per value, and checks the others on the rows that come back.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `workspace_id =`, `IN (...)`, OR-chains | `WorkspaceIds` (25 a request) | exact |
//! | `directory_id =`, `IN (...)`, OR-chains | `DirectoryId`, one chain each, when no id is sent | exact |
//! | `bundle_id =`, `IN (...)`, OR-chains | `BundleId`, one chain each, when no id or directory is sent | exact |
//! | `user_name =`, `IN (...)`, OR-chains | `UserName`, with one `directory_id` | exact |
//! | `workspace_name =`, `IN (...)`, OR-chains | `WorkspaceName`, one chain each, when nothing above is sent | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `workspace_id` (this table on the probe side) | the build side's values, as for `workspace_id IN (...)` | exact |
//! | a join on `directory_id` (this table on the probe side) | the build side's values, as for `directory_id IN (...)` | exact |
//! | a join on `bundle_id` (this table on the probe side) | the build side's values, as for `bundle_id IN (...)` | exact |
//! | `LIMIT n` (when every filter is exact) | `Limit` up to 25; paging stops at n rows |  |

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::types::Workspace;
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, Pushable, Restrictions, TargetApi};
use crate::tables::patterns::{has_length, is_bundle_id, is_directory_id, is_workspace_id};

const OPERATION: &str = "DescribeWorkspaces";
/// Most ids one request may carry.
pub(crate) const MAX_WORKSPACE_IDS: usize = 25;
/// Most WorkSpaces one page may hold (`Limit`).
pub(crate) const MAX_PAGE_SIZE: usize = 25;

const WORKSPACE_ID: Pushable = Pushable::new(
    "workspace_id",
    is_workspace_id,
    "`WorkspaceIds` (25 a request)",
    "ws-abcdefgh1",
);
const DIRECTORY_ID: Pushable = Pushable::new(
    "directory_id",
    is_directory_id,
    "`DirectoryId`, one chain each, when no id is sent",
    "d-1234567890",
);
const BUNDLE_ID: Pushable = Pushable::new(
    "bundle_id",
    is_bundle_id,
    "`BundleId`, one chain each, when no id or directory is sent",
    "wsb-12345678",
);
const USER_NAME: Pushable = Pushable::new(
    "user_name",
    |s| has_length(s, 1, 63),
    "`UserName`, with one `directory_id`",
    "alice",
)
.sent_with("directory_id = 'd-1234567890'");
const WORKSPACE_NAME: Pushable = Pushable::new(
    "workspace_name",
    is_workspace_name,
    "`WorkspaceName`, one chain each, when nothing above is sent",
    "dev-desktop",
);

/// `^[a-zA-Z0-9_()][a-zA-Z0-9_.()-]{1,63}$` (`WorkspaceName`).
pub(crate) fn is_workspace_name(s: &str) -> bool {
    let bytes = s.as_bytes();
    let first = |b: u8| b.is_ascii_alphanumeric() || b"_()".contains(&b);
    let rest = |b: u8| b.is_ascii_alphanumeric() || b"_.()-".contains(&b);
    (2..=64).contains(&bytes.len()) && first(bytes[0]) && bytes[1..].iter().all(|&b| rest(b))
}

/// `DescribeWorkspaces`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct Workspaces;

static COLUMNS: LazyLock<Columns<Workspace>> = LazyLock::new(|| {
    type W = Workspace;
    Columns::new(
        OPERATION,
        |w: &Workspace| w.workspace_id(),
        vec![
            ColumnDef::text("workspace_id", |w: &W| w.workspace_id()),
            ColumnDef::text("directory_id", |w: &W| w.directory_id()),
            ColumnDef::text("user_name", |w: &W| w.user_name()),
            ColumnDef::text("workspace_name", |w: &W| w.workspace_name()),
            ColumnDef::text("bundle_id", |w: &W| w.bundle_id()),
            ColumnDef::text("state", |w: &W| w.state().map(|s| s.as_str())),
            ColumnDef::text("ip_address", |w: &W| w.ip_address()),
            ColumnDef::text("computer_name", |w: &W| w.computer_name()),
            ColumnDef::text("subnet_id", |w: &W| w.subnet_id()),
            ColumnDef::text("error_code", |w: &W| w.error_code()),
            ColumnDef::text("error_message", |w: &W| w.error_message()),
            ColumnDef::text("running_mode", |w: &W| {
                w.workspace_properties()
                    .and_then(|p| p.running_mode())
                    .map(|m| m.as_str())
            })
            .member("WorkspaceProperties.RunningMode"),
            ColumnDef::int("running_mode_auto_stop_timeout_in_minutes", |w: &W| {
                w.workspace_properties()
                    .and_then(|p| p.running_mode_auto_stop_timeout_in_minutes())
            })
            .member("WorkspaceProperties.RunningModeAutoStopTimeoutInMinutes"),
            ColumnDef::text("compute_type_name", |w: &W| {
                w.workspace_properties()
                    .and_then(|p| p.compute_type_name())
                    .map(|c| c.as_str())
            })
            .member("WorkspaceProperties.ComputeTypeName"),
            ColumnDef::int("root_volume_size_gib", |w: &W| {
                w.workspace_properties()
                    .and_then(|p| p.root_volume_size_gib())
            })
            .member("WorkspaceProperties.RootVolumeSizeGib"),
            ColumnDef::int("user_volume_size_gib", |w: &W| {
                w.workspace_properties()
                    .and_then(|p| p.user_volume_size_gib())
            })
            .member("WorkspaceProperties.UserVolumeSizeGib"),
            ColumnDef::text("operating_system_name", |w: &W| {
                w.workspace_properties()
                    .and_then(|p| p.operating_system_name())
                    .map(|o| o.as_str())
            })
            .member("WorkspaceProperties.OperatingSystemName"),
            ColumnDef::text_list("protocols", |w: &W| {
                let properties = w.workspace_properties()?;
                let protocols = properties.protocols.as_ref()?;
                Some(protocols.iter().map(|p| p.as_str()).collect())
            })
            .member("WorkspaceProperties.Protocols"),
            ColumnDef::flag("user_volume_encryption_enabled", |w: &W| {
                w.user_volume_encryption_enabled()
            }),
            ColumnDef::flag("root_volume_encryption_enabled", |w: &W| {
                w.root_volume_encryption_enabled()
            }),
            ColumnDef::text("volume_encryption_key", |w: &W| w.volume_encryption_key()),
        ],
    )
});

/// The selector of one `DescribeWorkspaces` chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Selector {
    /// Every WorkSpace of the region.
    All,
    /// `WorkspaceIds`, at most 25.
    Ids(Vec<String>),
    /// `DirectoryId`, with `UserName` when one user is asked for.
    Directory {
        /// `DirectoryId`.
        directory_id: String,
        /// `UserName`.
        user_name: Option<String>,
    },
    /// `BundleId`.
    Bundle(String),
    /// `WorkspaceName`.
    Name(String),
}

/// The parameters of one `DescribeWorkspaces` chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WorkspacesRequest {
    /// What the request selects by.
    pub selector: Selector,
    /// `Limit`, 1 to 25.
    pub limit: i32,
}

impl fmt::Display for WorkspacesRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        match &self.selector {
            Selector::All => {}
            Selector::Ids(ids) => write!(f, "WorkspaceIds: [{}], ", ids.join(", "))?,
            Selector::Directory {
                directory_id,
                user_name,
            } => {
                write!(f, "DirectoryId: {directory_id}, ")?;
                if let Some(user) = user_name {
                    write!(f, "UserName: {user}, ")?;
                }
            }
            Selector::Bundle(id) => write!(f, "BundleId: {id}, ")?,
            Selector::Name(name) => write!(f, "WorkspaceName: {name}, ")?,
        }
        write!(f, "Limit: {}}}", self.limit)
    }
}

impl DescribeTable for Workspaces {
    type Item = Workspace;
    type Request = WorkspacesRequest;
    const NAME: &'static str = "workspaces";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "Workspace";
    const ROW: &'static str = "one row per personal WorkSpace";
    const PUSHABLE: &'static [Pushable] = &[
        WORKSPACE_ID,
        DIRECTORY_ID,
        BUNDLE_ID,
        USER_NAME,
        WORKSPACE_NAME,
    ];
    const JOIN_KEYS: &'static [&'static str] = &["workspace_id", "directory_id", "bundle_id"];
    const PAGE_LIMIT: Option<(&'static str, usize)> = Some(("Limit", MAX_PAGE_SIZE));

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn requests(restrictions: &Restrictions) -> Vec<WorkspacesRequest> {
        let limit = restrictions.page_size(MAX_PAGE_SIZE);
        let selectors: Vec<Selector> = if let Some(ids) = restrictions.values(WORKSPACE_ID.column) {
            let ids: Vec<String> = ids.iter().cloned().collect();
            ids.chunks(MAX_WORKSPACE_IDS)
                .map(|chunk| Selector::Ids(chunk.to_vec()))
                .collect()
        } else if let Some(directories) = restrictions.values(DIRECTORY_ID.column) {
            let user_name = restrictions.single(USER_NAME.column).map(String::from);
            directories
                .iter()
                .map(|d| Selector::Directory {
                    directory_id: d.clone(),
                    user_name: user_name.clone(),
                })
                .collect()
        } else if let Some(bundles) = restrictions.values(BUNDLE_ID.column) {
            bundles.iter().cloned().map(Selector::Bundle).collect()
        } else if let Some(names) = restrictions.values(WORKSPACE_NAME.column) {
            names.iter().cloned().map(Selector::Name).collect()
        } else {
            vec![Selector::All]
        };
        selectors
            .into_iter()
            .map(|selector| WorkspacesRequest { selector, limit })
            .collect()
    }

    fn pages(
        api: &TargetApi,
        request: WorkspacesRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        api.paginate(OPERATION, request.to_string(), move |client, token| {
            let call = client
                .describe_workspaces()
                .limit(request.limit)
                .set_next_token(token);
            let call = match &request.selector {
                Selector::All => call,
                Selector::Ids(ids) => call.set_workspace_ids(Some(ids.clone())),
                Selector::Directory {
                    directory_id,
                    user_name,
                } => call
                    .directory_id(directory_id)
                    .set_user_name(user_name.clone()),
                Selector::Bundle(id) => call.bundle_id(id),
                Selector::Name(name) => call.workspace_name(name),
            };
            call.send()
                .map_ok(|output| Page::from_response(output.workspaces, output.next_token))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::logical_expr::{col, lit};
    use datafusion::prelude::Expr;

    fn requests(filters: &[Expr]) -> Vec<String> {
        let r = Workspaces::rules().fold(filters, None);
        Workspaces::requests(&r)
            .iter()
            .map(|r| r.to_string())
            .collect()
    }

    #[test]
    fn ids_beat_directory_and_bundle() {
        let got = requests(&[
            col("workspace_id").eq(lit("ws-abcdefgh")),
            col("directory_id").eq(lit("d-12345678")),
            col("bundle_id").eq(lit("wsb-12345678")),
        ]);
        assert_eq!(got, vec!["{WorkspaceIds: [ws-abcdefgh], Limit: 25}"]);
    }

    #[test]
    fn user_name_only_goes_with_one_directory() {
        let got = requests(&[
            col("directory_id").eq(lit("d-12345678")),
            col("user_name").eq(lit("alice")),
        ]);
        assert_eq!(
            got,
            vec!["{DirectoryId: d-12345678, UserName: alice, Limit: 25}"]
        );
        let got = requests(&[col("user_name").eq(lit("alice"))]);
        assert_eq!(got, vec!["{Limit: 25}"]);
    }

    #[test]
    fn one_chain_per_bundle_or_name() {
        let got = requests(&[
            col("bundle_id").in_list(vec![lit("wsb-aaaaaaaa"), lit("wsb-bbbbbbbb")], false)
        ]);
        assert_eq!(
            got,
            vec![
                "{BundleId: wsb-aaaaaaaa, Limit: 25}",
                "{BundleId: wsb-bbbbbbbb, Limit: 25}"
            ]
        );
        let got = requests(&[col("workspace_name").eq(lit("dev(1)"))]);
        assert_eq!(got, vec!["{WorkspaceName: dev(1), Limit: 25}"]);
    }

    #[test]
    fn names_follow_the_pattern() {
        assert!(is_workspace_name("(a)"));
        assert!(!is_workspace_name("a"));
        assert!(!is_workspace_name(".ab"));
    }
}
