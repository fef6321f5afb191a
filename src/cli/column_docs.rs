//! What each column, table and saved report is, in words: the descriptions Postgres clients read
//! as comments (`col_description`, JDBC `REMARKS`, SQLAlchemy's `comment`, psql `\d+`) and the
//! REPL's `\d TABLE` shows.
//!
//! A column's description is the service model's documentation of the member it is read from
//! (each table names its item shape, and each column the member path in it: see
//! [`Table::column_sources`]), as plain text cut to its first sentence or two; a column the model
//! does not describe (`region`, `account_id`, `tags`) carries its own text. The model is the
//! emulator's copy (`emulator/models/`), embedded here so an installed `wsql` has it; the library
//! itself never reads it.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

use crate::Table;
use crate::cli::reports::REPORTS;

/// The service models (botocore JSON) of the operations tables read, for their member
/// documentation.
const MODELS: [&str; 2] = [
    include_str!("../../emulator/models/workspaces-2015-04-08.json"),
    include_str!("../../emulator/models/cloudwatch-2010-08-01.json"),
];

/// How long a description may grow while taking a second sentence.
const SHORT_SENTENCE: usize = 80;

/// Each table's columns, in order, with their description (if any), by table name.
type Descriptions = HashMap<&'static str, Vec<(String, Option<String>)>>;

/// Every column's description, by table name then column name.
fn all_descriptions() -> &'static Descriptions {
    static DESCRIPTIONS: OnceLock<Descriptions> = OnceLock::new();
    DESCRIPTIONS.get_or_init(|| {
        let models: Vec<Value> = MODELS
            .iter()
            .map(|text| serde_json::from_str(text).unwrap_or(Value::Null))
            .collect();
        Table::all()
            .map(|table| {
                // The model of the service whose operation the table reads.
                let shapes = models
                    .iter()
                    .find(|model| model["operations"].get(table.operation()).is_some())
                    .map_or(&Value::Null, |model| &model["shapes"]);
                let columns = table
                    .column_sources()
                    .into_iter()
                    .map(|source| {
                        let text = match (&source.member, source.about) {
                            (Some(path), _) => member_documentation(shapes, table.shape(), path)
                                .map(|html| summary(&plain_text(&html))),
                            (None, Some(about)) => Some(about.to_string()),
                            (None, None) => None,
                        };
                        (source.name, text.filter(|t| !t.is_empty()))
                    })
                    .collect();
                (table.name(), columns)
            })
            .collect()
    })
}

/// The description of `table`'s `column`, if it has one.
pub fn column_description(table: &str, column: &str) -> Option<&'static str> {
    all_descriptions()
        .get(table)?
        .iter()
        .find(|(name, _)| name == column)?
        .1
        .as_deref()
}

/// The descriptions of `table`'s columns, in column order (`None` where there is none).
pub fn column_descriptions(table: &str) -> Option<Vec<Option<&'static str>>> {
    let columns = all_descriptions().get(table)?;
    Some(columns.iter().map(|(_, text)| text.as_deref()).collect())
}

/// What a table or saved report is: `One row per pool, from DescribeWorkspacesPools.` for a
/// table, the report's one-line description for a report.
pub fn relation_description(name: &str) -> Option<String> {
    if let Some(table) = Table::named(name) {
        let row = table.row();
        let mut first = row.chars();
        let row = match first.next() {
            Some(c) => c.to_uppercase().collect::<String>() + first.as_str(),
            None => String::new(),
        };
        return Some(format!("{row}, from {}.", table.operation()));
    }
    REPORTS
        .iter()
        .find(|r| r.name == name)
        .map(|r| r.description().to_string())
        .filter(|d| !d.is_empty())
}

/// The documentation of the member at `path` (`CapacityStatus.ActiveUserSessions`) in the model's
/// `shape`: the member's own, else that of the shape it refers to.
fn member_documentation(shapes: &Value, shape: &str, path: &str) -> Option<String> {
    let mut current = shape;
    let mut documentation = None;
    for part in path.split('.') {
        let member = shapes.get(current)?.get("members")?.get(part)?;
        current = member.get("shape")?.as_str()?;
        documentation = member
            .get("documentation")
            .and_then(Value::as_str)
            .filter(|d| !d.trim().is_empty())
            .or_else(|| shapes.get(current)?.get("documentation")?.as_str())
            .map(str::to_string);
    }
    documentation
}

/// The model's HTML documentation as one line of plain text: tags dropped, entities decoded,
/// whitespace collapsed; only the first paragraph.
fn plain_text(html: &str) -> String {
    let first_paragraph = html
        .split("</p>")
        .map(str::trim)
        .find(|p| !p.is_empty())
        .unwrap_or("");
    let mut text = String::with_capacity(first_paragraph.len());
    let mut in_tag = false;
    for c in first_paragraph.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let text = text
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The first sentence of `text`, and the second too when the first is short.
fn summary(text: &str) -> String {
    let mut sentences = Vec::new();
    let mut rest = text;
    while let Some(end) = rest.find(". ") {
        sentences.push(&rest[..=end]);
        rest = &rest[end + 2..];
    }
    if !rest.is_empty() {
        sentences.push(rest);
    }
    let Some(first) = sentences.first() else {
        return String::new();
    };
    let mut summary = first.to_string();
    if summary.len() < SHORT_SENTENCE
        && let Some(second) = sentences.get(1)
    {
        summary.push(' ');
        summary.push_str(second);
    }
    summary
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_column_of_every_table_has_a_description() {
        let mut missing = Vec::new();
        for table in Table::all() {
            let names: Vec<String> = table
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
            for name in names {
                if column_description(table.name(), &name).is_none_or(str::is_empty) {
                    let source = table.column_sources().into_iter().find(|s| s.name == name);
                    missing.push(format!(
                        "{}.{name} (shape {}, source {source:?})",
                        table.name(),
                        table.shape()
                    ));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "columns without a description: give each a ColumnDef::member path that exists in \
             the model's item shape, or ColumnDef::about:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    fn descriptions_come_from_the_model_as_plain_text() {
        assert_eq!(
            column_description("workspaces_pools", "pool_id"),
            Some("The identifier of a pool.")
        );
        let available = column_description("workspaces_pools", "available_user_sessions")
            .expect("nested member");
        assert!(
            available.starts_with("The number of user sessions currently available"),
            "{available}"
        );
        assert!(!available.contains('<'), "{available}");
        assert_eq!(
            column_description("workspaces_pools", "region"),
            Some("The AWS Region the row was read from.")
        );
        assert_eq!(column_description("workspaces_pools", "nope"), None);
        assert_eq!(
            relation_description("workspaces_pools").as_deref(),
            Some("One row per WorkSpaces Pool, from DescribeWorkspacesPools.")
        );
        assert!(relation_description("fleet_summary").is_some_and(|d| !d.is_empty()));
    }

    #[test]
    fn html_becomes_one_line_of_text() {
        assert_eq!(
            plain_text("<p>A <code>PoolId</code> &amp; more.</p> <p>Second.</p>"),
            "A PoolId & more."
        );
        assert_eq!(summary("Short. Then more. And more."), "Short. Then more.");
        let long = format!("{}. Then more.", "x".repeat(90));
        assert_eq!(summary(&long), format!("{}.", "x".repeat(90)));
    }
}
