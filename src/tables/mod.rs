//! The tables: each one file saying everything the library knows of one operation as a table
//! (its columns and how they are read, its pushdown rules as data, its join keys, its parents),
//! for the engine of [`crate::scan`]. A table's module doc holds its pushdown rules as users
//! read them; the table test checks them against the table's data and its scans.
//!
//! Adding a table is its file and one line in [`TABLES`].

pub(crate) mod account;
pub(crate) mod account_links;
pub(crate) mod account_modifications;
pub(crate) mod application_associations;
pub(crate) mod applications;
pub(crate) mod associations;
pub(crate) mod bundle_associations;
pub(crate) mod bundles;
pub(crate) mod client_branding;
pub(crate) mod client_properties;
pub(crate) mod connect_client_add_ins;
pub(crate) mod connection_alias_permissions;
pub(crate) mod connection_aliases;
pub(crate) mod connection_status;
pub(crate) mod directories;
pub(crate) mod gone;
pub(crate) mod image_associations;
pub(crate) mod image_imports;
pub(crate) mod image_permissions;
pub(crate) mod images;
pub(crate) mod ip_groups;
pub(crate) mod management_cidr_ranges;
pub(crate) mod metrics;
pub(crate) mod patterns;
pub(crate) mod pool_metrics;
pub(crate) mod pool_names;
pub(crate) mod pools;
pub(crate) mod sessions;
pub(crate) mod snapshots;
pub(crate) mod tags;
pub(crate) mod workspace_associations;
pub(crate) mod workspace_metrics;
pub(crate) mod workspaces;

use crate::scan::{Describe, ScanTable};

/// Every table of the library, in the order `\d` lists them.
pub(crate) static TABLES: &[&dyn ScanTable] = &[
    &Describe::<pools::Pools>::TABLE,
    &Describe::<sessions::PoolSessions>::TABLE,
    &Describe::<directories::Directories>::TABLE,
    &Describe::<bundles::Bundles>::TABLE,
    &Describe::<workspaces::Workspaces>::TABLE,
    &Describe::<images::Images>::TABLE,
    &Describe::<image_permissions::ImagePermissions>::TABLE,
    &Describe::<image_imports::ImageImports>::TABLE,
    &Describe::<image_associations::ImageAssociations>::TABLE,
    &Describe::<bundle_associations::BundleAssociations>::TABLE,
    &Describe::<connection_status::ConnectionStatus>::TABLE,
    &Describe::<snapshots::Snapshots>::TABLE,
    &Describe::<ip_groups::IpGroups>::TABLE,
    &Describe::<connection_aliases::ConnectionAliases>::TABLE,
    &Describe::<connection_alias_permissions::ConnectionAliasPermissions>::TABLE,
    &Describe::<client_properties::ClientProperties>::TABLE,
    &Describe::<client_branding::ClientBranding>::TABLE,
    &Describe::<connect_client_add_ins::ConnectClientAddIns>::TABLE,
    &Describe::<account::Account>::TABLE,
    &Describe::<account_modifications::AccountModifications>::TABLE,
    &Describe::<account_links::AccountLinks>::TABLE,
    &Describe::<management_cidr_ranges::ManagementCidrRanges>::TABLE,
    &Describe::<applications::Applications>::TABLE,
    &Describe::<application_associations::ApplicationAssociations>::TABLE,
    &Describe::<workspace_associations::WorkspaceAssociations>::TABLE,
    &Describe::<metrics::MetricsTable<pool_metrics::PoolMetrics>>::TABLE,
    &Describe::<metrics::MetricsTable<workspace_metrics::WorkspaceMetrics>>::TABLE,
];

/// The invariants of every table, walked over [`TABLES`]: what `\d`, EXPLAIN and the module doc
/// say of a table is what its scans do.
#[cfg(test)]
mod tests {
    use datafusion::physical_plan::displayable;
    use datafusion::prelude::SessionContext;

    use crate::scan::rules::markdown;
    use crate::{AwsSettings, Library, Table};

    /// A session over every table whose endpoint nobody listens on: planning makes no call.
    fn session() -> SessionContext {
        let ctx = SessionContext::new();
        Library::new(AwsSettings::emulator("http://127.0.0.1:9", &["us-east-1"]))
            .register(&ctx)
            .expect("registers");
        ctx
    }

    /// The physical plan of `sql`, indented, and the line of `table`'s scan in it.
    async fn plan(ctx: &SessionContext, sql: &str) -> (String, String) {
        let frame = ctx.sql(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        let physical = frame.create_physical_plan().await.expect("plans");
        let text = displayable(physical.as_ref()).indent(true).to_string();
        let scan = text
            .lines()
            .find(|l| l.contains("Exec: ") && (l.contains("requests") || l.contains("projection")))
            .map(|l| l.trim().to_string())
            .filter(|l| !l.starts_with("FilterExec") && !l.starts_with("ProjectionExec"))
            .unwrap_or_default();
        (text, scan)
    }

    /// `SELECT * FROM table WHERE condition`, with the table's required condition ANDed in.
    fn select_where(table: Table, condition: Option<&str>) -> String {
        let conditions: Vec<String> = table
            .required_condition()
            .into_iter()
            .chain(condition.map(String::from))
            .collect();
        match conditions.is_empty() {
            true => format!("SELECT * FROM {}", table.name()),
            false => format!(
                "SELECT * FROM {} WHERE {}",
                table.name(),
                conditions.join(" AND ")
            ),
        }
    }

    /// The source of the table's module: the file under src/tables that names it.
    fn module_source(table: Table) -> String {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/tables");
        let declaration = format!("const NAME: &'static str = \"{}\";", table.name());
        std::fs::read_dir(dir)
            .expect("src/tables")
            .filter_map(|entry| std::fs::read_to_string(entry.ok()?.path()).ok())
            .find(|source| source.contains(&declaration))
            .unwrap_or_else(|| panic!("no file under src/tables declares {}", table.name()))
    }

    #[test]
    fn every_pushed_column_is_a_text_column_the_rows_are_checked_by() {
        for table in Table::all() {
            let definition = table.definition();
            let text = definition.text_columns();
            let rules = definition.pushdown();
            for p in rules.pushable {
                assert!(
                    text.contains(&p.column),
                    "{table:?}.{} has no reader",
                    p.column
                );
                assert!(
                    !p.example.is_empty() && (p.possible)(p.example),
                    "{table:?}.{}",
                    p.column
                );
            }
            for key in definition.join_keys() {
                assert!(
                    rules.pushable.iter().any(|p| p.column == *key),
                    "{table:?}: join key {key} does not push down"
                );
            }
        }
    }

    #[test]
    fn every_module_doc_holds_the_rules_users_see() {
        for table in Table::all() {
            let doc: String = module_source(table)
                .lines()
                .filter_map(|line| line.strip_prefix("//! "))
                .map(|line| format!("{line}\n"))
                .collect();
            let rules = markdown(&table.pushdown());
            assert!(
                doc.contains(&rules),
                "the module doc of {} lacks its rules; they are:\n{rules}",
                table.name()
            );
        }
    }

    #[tokio::test]
    async fn every_rule_is_what_the_scan_does() {
        let ctx = session();
        for table in Table::all() {
            let name = table.name();
            let definition = table.definition();
            let rules = table.pushdown();
            for p in definition.pushdown().pushable {
                let mut condition = format!("{} = '{}'", p.column, p.example);
                if !p.example_with.is_empty() {
                    condition = format!("{condition} AND {}", p.example_with);
                }
                let (text, scan) = plan(&ctx, &select_where(table, Some(&condition))).await;
                assert!(
                    scan.contains(p.example),
                    "{name} WHERE {condition} does not send it:\n{text}"
                );
                assert!(
                    !text.contains("FilterExec"),
                    "{name} WHERE {condition} is not exact:\n{text}"
                );
                if !(p.possible)("") {
                    let empty = format!("{} = ''", p.column);
                    let (text, scan) = plan(&ctx, &select_where(table, Some(&empty))).await;
                    assert!(
                        scan.contains("no requests"),
                        "{name}: '' for {}:\n{text}",
                        p.column
                    );
                }
            }
            let (text, scan) = plan(&ctx, &format!("{} LIMIT 3", select_where(table, None))).await;
            assert!(scan.contains("stop after 3 rows"), "{name} LIMIT:\n{text}");
            if let Some((member, _)) = definition.page_limit() {
                assert!(
                    scan.contains(&format!("{member}: 3")),
                    "{name} LIMIT:\n{text}"
                );
            }
            for default in definition.defaults() {
                let (text, scan) = plan(&ctx, &format!("SELECT * FROM {name}")).await;
                assert!(scan.contains(default.shows), "{name} default:\n{text}");
                assert!(
                    rules.iter().any(|r| r.predicate == default.absent),
                    "{name}: \\d shows the default"
                );
            }
            if let Some(parent) = definition.parent() {
                let (text, scan) = plan(&ctx, &format!("SELECT * FROM {name}")).await;
                let listing = format!("[{} ", parent.operation);
                assert!(scan.contains(&listing), "{name} lists no parents:\n{text}");
                let parent_table = Table::all().find(|t| t.operation() == parent.operation);
                let parent_table = parent_table.expect("the parent is a table");
                let parent_columns = parent_table.definition().text_columns();
                assert!(
                    parent_columns.contains(&parent.parent_column),
                    "{name}'s parent"
                );
                for (column, value) in parent.only {
                    let pushed = parent_table.definition().pushdown().pushable;
                    assert!(
                        pushed
                            .iter()
                            .any(|p| p.column == *column && (p.possible)(value)),
                        "{name} lists parents by {column} = '{value}', which does not push down"
                    );
                    assert!(
                        scan.contains(value),
                        "{name}'s listing ignores {column}:\n{text}"
                    );
                }
            }
        }
    }

    #[tokio::test]
    async fn every_translated_predicate_is_sent_as_its_rule_says() {
        let ctx = session();
        for table in Table::all() {
            let rows = table.pushdown();
            for translated in table.definition().translated() {
                let sql = select_where(table, Some(translated.example));
                let (text, scan) = plan(&ctx, &sql).await;
                assert!(scan.contains(translated.shows), "{sql}:\n{text}");
                assert_eq!(
                    text.contains("FilterExec"),
                    !translated.exact,
                    "{sql}:\n{text}"
                );
                assert!(rows.iter().any(|r| r.predicate == translated.predicate));
            }
        }
    }

    #[tokio::test]
    async fn every_join_key_takes_a_join_filter() {
        let ctx = session();
        for table in Table::all() {
            let name = table.name();
            for key in table.definition().join_keys() {
                let value = table
                    .definition()
                    .pushdown()
                    .pushable
                    .iter()
                    .find(|p| p.column == *key)
                    .map(|p| p.example)
                    .unwrap_or_default();
                let sql = format!(
                    "SELECT * FROM (VALUES ('{value}')) AS v(k) JOIN {name} t ON t.{key} = v.k"
                );
                let (text, _) = plan(&ctx, &sql).await;
                assert!(
                    text.contains(&format!("join filter on {key}")),
                    "{sql}:\n{text}"
                );
            }
        }
    }

    #[tokio::test]
    async fn a_required_column_left_out_fails_planning_naming_it() {
        let ctx = session();
        let required: Vec<Table> = Table::all()
            .filter(|t| t.required_condition().is_some())
            .collect();
        assert!(!required.is_empty(), "a table with a required column");
        for table in required {
            let condition = table.required_condition().unwrap_or_default();
            let column = condition.split(' ').next().unwrap_or_default();
            let sql = format!("SELECT * FROM {} WHERE region = 'us-east-1'", table.name());
            let error = ctx
                .sql(&sql)
                .await
                .expect("parses")
                .create_physical_plan()
                .await
                .expect_err("the required column is missing")
                .to_string();
            assert!(
                error.contains(&format!("needs a value for {column}")),
                "{error}"
            );
            assert!(
                error.contains(&format!("e.g. WHERE {condition}")),
                "{error}"
            );
            assert!(!error.contains('\n'), "{error}");
            let (_, scan) = plan(&ctx, &select_where(table, None)).await;
            assert!(scan.contains("requests per region"), "{scan}");
            let reference =
                Library::new(AwsSettings::emulator("http://127.0.0.1:9", &["us-east-1"]))
                    .table(table)
                    .with_pushdown(false);
            ctx.register_table("reference", std::sync::Arc::new(reference))
                .expect("registers");
            let (_, scan) = plan(&ctx, &format!("SELECT * FROM reference WHERE {condition}")).await;
            let value = condition.split('\'').nth(1).unwrap_or_default();
            assert!(scan.contains(value), "the reference sends it too: {scan}");
            let error = ctx
                .sql("SELECT * FROM reference")
                .await
                .expect("parses")
                .create_physical_plan()
                .await
                .expect_err("required without pushdown too");
            assert!(error.to_string().contains(column), "{error}");
            ctx.deregister_table("reference").expect("deregisters");
        }
    }

    #[test]
    fn names_are_unique() {
        let mut names: Vec<&str> = Table::all().map(Table::name).collect();
        names.sort_unstable();
        let count = names.len();
        names.dedup();
        assert_eq!(names.len(), count);
    }
}
