//! `workspaces_connection_alias_permissions`: `DescribeConnectionAliasPermissions` as a table,
//! one row per account a connection alias is shared with.
//!
//! The operation answers one alias (its required `AliasId`), so the aliases come from a
//! predicate or a join on `alias_id`, else from `workspaces_connection_aliases`, listed first;
//! one chain each, a few at a time. Only the alias's owner may ask, which is the account that
//! lists it; an alias that is gone has no permissions.
//!
//! `SharedAccountId` and `AllowAssociation` are required by the model. The SDK fills a missing
//! one in with `""` or `false` before wsql sees it: an empty account id is taken for missing (an
//! error naming the alias), a missing `AllowAssociation` cannot be told from `false`.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `alias_id =`, `IN (...)`, OR-chains | `AliasId`, one chain each; without it, every parent is listed first | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `alias_id` (this table on the probe side) | the build side's values, as for `alias_id IN (...)` | exact |
//! | no predicate or join on `alias_id` | `DescribeConnectionAliases` lists the parents first, then one request chain per parent |  |
//! | `LIMIT n` (when every filter is exact) | `MaxResults` up to 25; paging stops at n rows |  |

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::types::ConnectionAliasPermission;
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, Parent, Pushable, Restrictions, TargetApi};
use crate::tables::connection_aliases::{ConnectionAliases, is_alias_id};
use crate::tables::gone::none_when_gone;

const OPERATION: &str = "DescribeConnectionAliasPermissions";
/// Most permissions one page may hold (`MaxResults`).
pub(crate) const MAX_PAGE_SIZE: usize = 25;

const ALIAS_ID: Pushable = Pushable::new(
    "alias_id",
    is_alias_id,
    "`AliasId`, one chain each",
    "wsca-abcdefgh1",
);

/// `DescribeConnectionAliasPermissions`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct ConnectionAliasPermissions;

/// One permission, with the alias it is of.
#[derive(Debug, Clone)]
pub(crate) struct PermissionRow {
    /// The alias: the answer's `AliasId`, else the request's.
    pub alias_id: String,
    /// The permission.
    pub permission: ConnectionAliasPermission,
}

static COLUMNS: LazyLock<Columns<PermissionRow>> = LazyLock::new(|| {
    type P = PermissionRow;
    Columns::new(
        OPERATION,
        |p: &P| Some(p.alias_id.as_str()),
        vec![
            ColumnDef::text("alias_id", |p: &P| Some(p.alias_id.as_str()))
                .not_null()
                .about("The connection alias shared (the answer's AliasId)."),
            ColumnDef::text("shared_account_id", |p: &P| {
                Some(p.permission.shared_account_id()).filter(|id| !id.is_empty())
            })
            .required("SharedAccountId"),
            ColumnDef::flag("allow_association", |p: &P| {
                Some(p.permission.allow_association())
            })
            .not_null(),
        ],
    )
});

/// The parameters of one `DescribeConnectionAliasPermissions` chain: one alias.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PermissionsRequest {
    /// `AliasId`.
    pub alias_id: String,
    /// `MaxResults`, 1 to 25.
    pub max_results: i32,
}

impl fmt::Display for PermissionsRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{{AliasId: {}, MaxResults: {}}}",
            self.alias_id, self.max_results
        )
    }
}

impl DescribeTable for ConnectionAliasPermissions {
    type Item = PermissionRow;
    type Request = PermissionsRequest;
    const NAME: &'static str = "workspaces_connection_alias_permissions";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "ConnectionAliasPermission";
    const ROW: &'static str = "one row per account a connection alias is shared with";
    const PUSHABLE: &'static [Pushable] = &[ALIAS_ID];
    const JOIN_KEYS: &'static [&'static str] = &["alias_id"];
    const PAGE_LIMIT: Option<(&'static str, usize)> = Some(("MaxResults", MAX_PAGE_SIZE));

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn parent() -> Option<Parent> {
        Some(Parent::rows_of::<ConnectionAliases>("alias_id", "alias_id"))
    }

    fn requests(restrictions: &Restrictions) -> Vec<PermissionsRequest> {
        let max_results = restrictions.page_size(MAX_PAGE_SIZE);
        let aliases = restrictions.values(ALIAS_ID.column).into_iter().flatten();
        aliases
            .map(|alias_id| PermissionsRequest {
                alias_id: alias_id.clone(),
                max_results,
            })
            .collect()
    }

    fn pages(
        api: &TargetApi,
        request: PermissionsRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        let parameters = request.to_string();
        none_when_gone(api.paginate(OPERATION, parameters, move |client, token| {
            let asked = request.alias_id.clone();
            client
                .describe_connection_alias_permissions()
                .alias_id(&asked)
                .max_results(request.max_results)
                .set_next_token(token)
                .send()
                .map_ok(move |output| {
                    let alias_id = output.alias_id.unwrap_or(asked);
                    let rows = output.connection_alias_permissions.map(|permissions| {
                        permissions
                            .into_iter()
                            .map(|permission| PermissionRow {
                                alias_id: alias_id.clone(),
                                permission,
                            })
                            .collect()
                    });
                    Page::from_response(rows, output.next_token)
                })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scan::describe_requests;
    use crate::targets::Place;
    use datafusion::logical_expr::{col, lit};

    #[test]
    fn one_chain_per_alias_or_every_alias_listed_first() {
        let r = ConnectionAliasPermissions::rules().fold(
            &[col("alias_id").in_list(vec![lit("wsca-bbbbbbbb"), lit("wsca-aaaaaaaa")], false)],
            Some(2),
        );
        let got: Vec<String> = ConnectionAliasPermissions::requests(&r)
            .iter()
            .map(|r| r.to_string())
            .collect();
        assert_eq!(
            got,
            [
                "{AliasId: wsca-aaaaaaaa, MaxResults: 2}",
                "{AliasId: wsca-bbbbbbbb, MaxResults: 2}"
            ]
        );
        let r = ConnectionAliasPermissions::rules().fold(&[], None);
        assert_eq!(
            describe_requests::<ConnectionAliasPermissions>(&r),
            "[DescribeConnectionAliases {Limit: 25}, then for each alias_id: {AliasId: <each>, MaxResults: 25}]"
        );
    }

    #[test]
    fn a_permission_without_its_account_is_an_error_naming_the_alias() {
        let row = |account: &str| PermissionRow {
            alias_id: "wsca-abcdefgh".to_string(),
            permission: ConnectionAliasPermission::builder()
                .shared_account_id(account)
                .allow_association(true)
                .build()
                .expect("both members set"),
        };
        let place = Place::in_region("us-east-1");
        assert!(
            COLUMNS
                .to_batch(&place, &[row("123456789012")], None, &COLUMNS.schema())
                .is_ok()
        );
        let error = COLUMNS
            .to_batch(&place, &[row("")], None, &COLUMNS.schema())
            .expect_err("no account");
        assert_eq!(
            error.to_string(),
            "DescribeConnectionAliasPermissions in us-east-1 failed: unreadable response: wsca-abcdefgh has no SharedAccountId in the response"
        );
    }
}
