//! `workspaces_connection_aliases`: `DescribeConnectionAliases` as a table, one row per
//! connection alias (cross-Region redirection) of the account, its associations as records.
//!
//! `ResourceId` asks for the aliases associated with a directory. An alias can be associated
//! with a directory of the account that owns it and with directories of the accounts it is
//! shared with; the `resource_id` column is the owner's (the association whose
//! `associated_account_id` is the `owner_account_id`), which is what a predicate on it checks,
//! and `associations` holds them all. One selector is sent per request: ids when there are,
//! else one chain per directory.
//!
//! | predicate | request | pushdown |
//! |---|---|---|
//! | `alias_id =`, `IN (...)`, OR-chains | `AliasIds` (25 a request) | exact |
//! | `resource_id =`, `IN (...)`, OR-chains | `ResourceId`, one chain each, when no id is sent | exact |
//! | `region =`, `IN (...)` | only those regions are called | exact |
//! | `account_id =`, `IN (...)` | only those accounts are called | exact |
//! | a join on `alias_id` (this table on the probe side) | the build side's values, as for `alias_id IN (...)` | exact |
//! | a join on `resource_id` (this table on the probe side) | the build side's values, as for `resource_id IN (...)` | exact |
//! | `LIMIT n` (when every filter is exact) | `Limit` up to 25; paging stops at n rows |  |

use std::fmt;
use std::sync::LazyLock;

use aws_sdk_workspaces::types::ConnectionAlias;
use futures::TryFutureExt;
use futures::stream::BoxStream;

use crate::error::Result;
use crate::paging::Page;
use crate::scan::{ColumnDef, Columns, DescribeTable, Pushable, Restrictions, TargetApi};
use crate::tables::patterns::{has_length, is_prefixed_id};

const OPERATION: &str = "DescribeConnectionAliases";
/// Most ids one request may carry (`ConnectionAliasIdList`).
pub(crate) const MAX_ALIAS_IDS: usize = 25;
/// Most aliases one page may hold (`Limit`).
pub(crate) const MAX_PAGE_SIZE: usize = 25;

const ALIAS_ID: Pushable = Pushable::new(
    "alias_id",
    is_alias_id,
    "`AliasIds` (25 a request)",
    "wsca-abcdefgh1",
);
const RESOURCE_ID: Pushable = Pushable::new(
    "resource_id",
    |s| !s.is_empty(),
    "`ResourceId`, one chain each, when no id is sent",
    "d-1234567890",
);

/// `^wsca-[0-9a-z]{8,63}$`, 13 to 68 characters (`ConnectionAliasId`).
pub(crate) fn is_alias_id(s: &str) -> bool {
    is_prefixed_id(s, "wsca-", 8, 63) && has_length(s, 13, 68)
}

/// The directory the owner of `alias` associated it with.
fn owner_resource_id(alias: &ConnectionAlias) -> Option<&str> {
    let owner = alias.owner_account_id()?;
    alias
        .associations()
        .iter()
        .find(|a| a.associated_account_id() == Some(owner))
        .and_then(|a| a.resource_id())
}

/// `DescribeConnectionAliases`, as a [`DescribeTable`].
#[derive(Debug)]
pub(crate) struct ConnectionAliases;

static COLUMNS: LazyLock<Columns<ConnectionAlias>> = LazyLock::new(|| {
    type A = ConnectionAlias;
    Columns::new(
        OPERATION,
        |a: &A| a.alias_id(),
        vec![
            ColumnDef::text("alias_id", |a: &A| a.alias_id()),
            ColumnDef::text("connection_string", |a: &A| a.connection_string()),
            ColumnDef::text("state", |a: &A| a.state().map(|s| s.as_str())),
            ColumnDef::text("owner_account_id", |a: &A| a.owner_account_id()),
            ColumnDef::text("resource_id", owner_resource_id).about(
                "The directory the owner account associated the alias with (the ResourceId of \
                 its association with AssociatedAccountId = OwnerAccountId); NULL when it has \
                 none.",
            ),
            ColumnDef::records(
                "associations",
                &[
                    "association_status",
                    "associated_account_id",
                    "resource_id",
                    "connection_identifier",
                ],
                |a: &A| {
                    a.associations.as_ref().map(|associations| {
                        associations
                            .iter()
                            .map(|x| {
                                vec![
                                    x.association_status().map(|s| s.as_str()),
                                    x.associated_account_id(),
                                    x.resource_id(),
                                    x.connection_identifier(),
                                ]
                            })
                            .collect()
                    })
                },
            ),
        ],
    )
});

/// What one `DescribeConnectionAliases` chain selects by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum AliasSelector {
    /// Every alias of the account.
    All,
    /// `AliasIds`, at most 25.
    Ids(Vec<String>),
    /// `ResourceId`: the aliases associated with one directory.
    Resource(String),
}

/// The parameters of one `DescribeConnectionAliases` chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ConnectionAliasesRequest {
    /// What it selects by.
    pub selector: AliasSelector,
    /// `Limit`, 1 to 25.
    pub limit: i32,
}

impl fmt::Display for ConnectionAliasesRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{")?;
        match &self.selector {
            AliasSelector::All => {}
            AliasSelector::Ids(ids) => write!(f, "AliasIds: [{}], ", ids.join(", "))?,
            AliasSelector::Resource(id) => write!(f, "ResourceId: {id}, ")?,
        }
        write!(f, "Limit: {}}}", self.limit)
    }
}

impl DescribeTable for ConnectionAliases {
    type Item = ConnectionAlias;
    type Request = ConnectionAliasesRequest;
    const NAME: &'static str = "workspaces_connection_aliases";
    const OPERATION: &'static str = OPERATION;
    const SHAPE: &'static str = "ConnectionAlias";
    const ROW: &'static str = "one row per connection alias the account owns";
    const PUSHABLE: &'static [Pushable] = &[ALIAS_ID, RESOURCE_ID];
    const JOIN_KEYS: &'static [&'static str] = &["alias_id", "resource_id"];
    const PAGE_LIMIT: Option<(&'static str, usize)> = Some(("Limit", MAX_PAGE_SIZE));

    fn columns() -> &'static Columns<Self::Item> {
        &COLUMNS
    }

    fn requests(restrictions: &Restrictions) -> Vec<ConnectionAliasesRequest> {
        let limit = restrictions.page_size(MAX_PAGE_SIZE);
        let selectors: Vec<AliasSelector> = if let Some(ids) = restrictions.values(ALIAS_ID.column)
        {
            let ids: Vec<String> = ids.iter().cloned().collect();
            ids.chunks(MAX_ALIAS_IDS)
                .map(|chunk| AliasSelector::Ids(chunk.to_vec()))
                .collect()
        } else if let Some(resources) = restrictions.values(RESOURCE_ID.column) {
            resources
                .iter()
                .cloned()
                .map(AliasSelector::Resource)
                .collect()
        } else {
            vec![AliasSelector::All]
        };
        selectors
            .into_iter()
            .map(|selector| ConnectionAliasesRequest { selector, limit })
            .collect()
    }

    fn pages(
        api: &TargetApi,
        request: ConnectionAliasesRequest,
    ) -> BoxStream<'static, Result<Vec<Self::Item>>> {
        api.paginate(OPERATION, request.to_string(), move |client, token| {
            let call = client
                .describe_connection_aliases()
                .limit(request.limit)
                .set_next_token(token);
            let call = match &request.selector {
                AliasSelector::All => call,
                AliasSelector::Ids(ids) => call.set_alias_ids(Some(ids.clone())),
                AliasSelector::Resource(id) => call.resource_id(id),
            };
            call.send()
                .map_ok(|output| Page::from_response(output.connection_aliases, output.next_token))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_workspaces::types::{AssociationStatus, ConnectionAliasAssociation};
    use datafusion::logical_expr::{col, lit};
    use datafusion::prelude::Expr;

    fn requests(filters: &[Expr], limit: Option<usize>) -> Vec<String> {
        let r = ConnectionAliases::rules().fold(filters, limit);
        ConnectionAliases::requests(&r)
            .iter()
            .map(|r| r.to_string())
            .collect()
    }

    #[test]
    fn ids_win_over_directories_which_make_one_chain_each() {
        assert_eq!(
            requests(
                &[
                    col("alias_id").eq(lit("wsca-abcdefgh")),
                    col("resource_id").eq(lit("d-1234567890")),
                ],
                None
            ),
            ["{AliasIds: [wsca-abcdefgh], Limit: 25}"]
        );
        assert_eq!(
            requests(
                &[col("resource_id").in_list(vec![lit("d-2"), lit("d-1")], false)],
                Some(4)
            ),
            ["{ResourceId: d-1, Limit: 4}", "{ResourceId: d-2, Limit: 4}"]
        );
        assert_eq!(requests(&[], None), ["{Limit: 25}"]);
        let ids: Vec<Expr> = (0..26).map(|i| lit(format!("wsca-{i:09}"))).collect();
        assert_eq!(
            requests(&[col("alias_id").in_list(ids, false)], None).len(),
            2
        );
    }

    #[test]
    fn impossible_values_match_nothing() {
        for filter in [
            col("alias_id").eq(lit("wsca-1234567")),
            col("alias_id").eq(lit("wsca-ABCDEFGH")),
            col("resource_id").eq(lit("")),
        ] {
            assert!(
                ConnectionAliases::rules()
                    .fold(std::slice::from_ref(&filter), None)
                    .matches_nothing,
                "{filter}"
            );
        }
    }

    #[test]
    fn resource_id_is_the_owners_association() {
        let association = |account: &str, directory: &str| {
            ConnectionAliasAssociation::builder()
                .association_status(AssociationStatus::AssociatedWithSharedAccount)
                .associated_account_id(account)
                .resource_id(directory)
                .build()
        };
        let alias = ConnectionAlias::builder()
            .alias_id("wsca-abcdefgh")
            .owner_account_id("111111111111")
            .associations(association("222222222222", "d-2222222222"))
            .associations(association("111111111111", "d-1111111111"))
            .build();
        assert_eq!(owner_resource_id(&alias), Some("d-1111111111"));
        let shared_only = ConnectionAlias::builder()
            .owner_account_id("111111111111")
            .associations(association("222222222222", "d-2222222222"))
            .build();
        assert_eq!(owner_resource_id(&shared_only), None);
    }
}
