//! The REPL's line editor helper: a statement is complete at `;` (backslash commands at the end
//! of their line), Tab completes tables, columns, keywords, commands, report names and file
//! paths, and typing a command shows a hint of the rest.

use std::borrow::Cow;
use std::cell::Cell;

use rustyline::completion::{Completer, FilenameCompleter, Pair};
use rustyline::highlight::Highlighter;
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::{ValidationContext, ValidationResult, Validator};
use rustyline::{Context, Helper};

use crate::cli::command::COMMANDS;
use crate::cli::reports::REPORTS;
use crate::cli::session::CatalogNames;
use crate::cli::split::is_complete;

/// Shown on the first, empty prompt line.
const FIRST_HINT: &str = "\\? for help, \\d for tables, \\reports for reports, \\q to quit";

/// SQL words offered by Tab (the common ones: all of sqlparser's would drown the table names).
const KEYWORDS: &[&str] = &[
    "SELECT",
    "FROM",
    "WHERE",
    "GROUP BY",
    "ORDER BY",
    "HAVING",
    "LIMIT",
    "OFFSET",
    "AS",
    "AND",
    "OR",
    "NOT",
    "IN",
    "IS NULL",
    "IS NOT NULL",
    "LIKE",
    "ILIKE",
    "BETWEEN",
    "CASE",
    "WHEN",
    "THEN",
    "ELSE",
    "END",
    "DISTINCT",
    "JOIN",
    "LEFT JOIN",
    "INNER JOIN",
    "ON",
    "USING",
    "UNION ALL",
    "WITH",
    "ASC",
    "DESC",
    "NULLS FIRST",
    "NULLS LAST",
    "COUNT",
    "SUM",
    "AVG",
    "MIN",
    "MAX",
    "COALESCE",
    "CAST",
    "UNNEST",
    "CARDINALITY",
    "ARRAY_AGG",
    "STRING_AGG",
    "DATE_TRUNC",
    "NOW",
    "EXPLAIN",
    "DESCRIBE",
    "SHOW TABLES",
    "CREATE EXTERNAL TABLE",
    "STORED AS",
    "LOCATION",
    "COPY",
    "TO",
    "TRUE",
    "FALSE",
    "NULL",
];

/// The rustyline helper of the REPL.
pub struct ReplHelper {
    names: CatalogNames,
    files: FilenameCompleter,
    /// The first-line hint shows until something is typed.
    show_first_hint: Cell<bool>,
}

impl ReplHelper {
    /// A helper completing `names`.
    pub fn new(names: CatalogNames) -> Self {
        Self {
            names,
            files: FilenameCompleter::new(),
            show_first_hint: Cell::new(true),
        }
    }

    /// Replaces the names offered (after `CREATE EXTERNAL TABLE`, say).
    pub fn set_names(&mut self, names: CatalogNames) {
        self.names = names;
    }

    /// Candidates for the word `prefix`: tables, columns, then keywords, case-insensitively.
    /// Keywords come back in the case the user is typing in.
    pub fn sql_candidates(&self, prefix: &str) -> Vec<String> {
        if prefix.is_empty() {
            return Vec::new();
        }
        let lower = prefix.to_lowercase();
        let typing_lowercase = prefix.chars().all(|c| !c.is_uppercase());
        let mut candidates: Vec<String> = Vec::new();
        for name in self.names.tables.iter().chain(&self.names.columns) {
            if name.to_lowercase().starts_with(&lower) && !candidates.contains(name) {
                candidates.push(name.clone());
            }
        }
        for keyword in KEYWORDS {
            if keyword.to_lowercase().starts_with(&lower) {
                candidates.push(if typing_lowercase {
                    keyword.to_lowercase()
                } else {
                    keyword.to_string()
                });
            }
        }
        candidates
    }

    /// Candidates for the argument of a backslash command (`\d TABLE`, `\r NAME`, ...).
    fn command_argument_candidates(&self, command: &str, prefix: &str) -> Vec<String> {
        let options: Vec<String> = match command {
            "\\d" => self.names.tables.clone(),
            "\\r" => REPORTS.iter().map(|r| r.name.to_string()).collect(),
            "\\format" => ["table", "csv", "json", "ndjson"]
                .map(String::from)
                .to_vec(),
            "\\timing" => ["on", "off"].map(String::from).to_vec(),
            _ => Vec::new(),
        };
        options
            .into_iter()
            .filter(|option| option.starts_with(prefix))
            .collect()
    }
}

fn pairs(candidates: Vec<String>) -> Vec<Pair> {
    candidates
        .into_iter()
        .map(|c| Pair {
            display: c.clone(),
            replacement: c,
        })
        .collect()
}

/// Byte index where the identifier ending at `pos` starts.
fn word_start(line: &str, pos: usize) -> usize {
    line[..pos]
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map_or(pos, |(index, _)| index)
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let before = &line[..pos];
        if before.trim_start().starts_with('\\') {
            let trimmed = before.trim_start();
            let offset = before.len() - trimmed.len();
            return match trimmed.split_once(' ') {
                None => Ok((
                    offset,
                    pairs(
                        COMMANDS
                            .iter()
                            .map(|c| c.name.to_string())
                            .filter(|name| name.starts_with(trimmed))
                            .collect(),
                    ),
                )),
                Some(("\\i", _)) => self.files.complete(line, pos, ctx),
                Some((command, argument)) => {
                    let argument = argument.trim_start();
                    Ok((
                        pos - argument.len(),
                        pairs(self.command_argument_candidates(command, argument)),
                    ))
                }
            };
        }
        // Inside an open quote is a file path (CREATE EXTERNAL TABLE ... LOCATION '..., COPY ... TO '...).
        if before.matches('\'').count() % 2 == 1 {
            return self.files.complete(line, pos, ctx);
        }
        let start = word_start(line, pos);
        Ok((start, pairs(self.sql_candidates(&line[start..pos]))))
    }
}

/// A hint whose first `accept` bytes Right-arrow inserts (the command's name), the rest being
/// the description shown for information.
pub struct CommandHint {
    display: String,
    accept: usize,
}

impl Hint for CommandHint {
    fn display(&self) -> &str {
        &self.display
    }

    fn completion(&self) -> Option<&str> {
        (self.accept > 0).then(|| &self.display[..self.accept])
    }
}

impl Hinter for ReplHelper {
    type Hint = CommandHint;

    fn hint(&self, line: &str, pos: usize, _ctx: &Context<'_>) -> Option<CommandHint> {
        if !line.is_empty() {
            self.show_first_hint.set(false);
        }
        if line.is_empty() {
            return self.show_first_hint.get().then(|| CommandHint {
                display: FIRST_HINT.to_string(),
                accept: 0,
            });
        }
        if pos < line.len() || !line.starts_with('\\') || line.contains(' ') {
            return None;
        }
        let command = COMMANDS.iter().find(|c| c.name.starts_with(line))?;
        let rest = &command.name[line.len()..];
        let args = if command.args.is_empty() {
            String::new()
        } else {
            format!(" {}", command.args)
        };
        Some(CommandHint {
            display: format!("{rest}{args}  -- {}", command.description),
            accept: rest.len(),
        })
    }
}

impl Highlighter for ReplHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
    }
}

impl Validator for ReplHelper {
    fn validate(&self, ctx: &mut ValidationContext<'_>) -> rustyline::Result<ValidationResult> {
        Ok(if input_is_complete(ctx.input()) {
            ValidationResult::Valid(None)
        } else {
            ValidationResult::Incomplete
        })
    }
}

impl Helper for ReplHelper {}

/// An empty line, a backslash command, or SQL whose last statement ends with `;`.
fn input_is_complete(input: &str) -> bool {
    input.trim().is_empty() || input.trim_start().starts_with('\\') || is_complete(input)
}

#[cfg(test)]
mod tests {
    use rustyline::history::DefaultHistory;

    use super::*;

    fn helper() -> ReplHelper {
        ReplHelper::new(CatalogNames {
            tables: vec!["workspaces_pools".into(), "owners".into()],
            columns: vec!["pool_id".into(), "pool_name".into(), "region".into()],
        })
    }

    fn complete(line: &str) -> (usize, Vec<String>) {
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        let (start, pairs) = helper().complete(line, line.len(), &ctx).unwrap();
        (start, pairs.into_iter().map(|p| p.replacement).collect())
    }

    #[test]
    fn completes_tables_columns_and_keywords() {
        assert_eq!(
            complete("SELECT * FROM works"),
            (14, vec!["workspaces_pools".into()])
        );
        assert_eq!(
            complete("select pool_"),
            (7, vec!["pool_id".into(), "pool_name".into()])
        );
        assert_eq!(complete("sel"), (0, vec!["select".into()]));
        assert_eq!(complete("SEL"), (0, vec!["SELECT".into()]));
        assert_eq!(
            complete("SELECT region FROM workspaces_pools ORD").1,
            vec!["ORDER BY"]
        );
        assert!(complete("SELECT ").1.is_empty());
    }

    #[test]
    fn completes_commands_and_their_arguments() {
        assert_eq!(complete("\\rep"), (0, vec!["\\reports".into()]));
        assert_eq!(complete("\\r fleet"), (3, vec!["fleet_summary".into()]));
        assert_eq!(complete("\\d own"), (3, vec!["owners".into()]));
        assert_eq!(complete("\\format nd"), (8, vec!["ndjson".into()]));
    }

    #[test]
    fn statements_are_complete_at_semicolon() {
        let complete = input_is_complete;
        assert!(!complete("SELECT *\nFROM workspaces_pools"));
        assert!(complete("SELECT *\nFROM workspaces_pools;"));
        assert!(complete("\\d"));
    }

    #[test]
    fn command_hints() {
        let history = DefaultHistory::new();
        let ctx = Context::new(&history);
        let helper = helper();
        let first = helper.hint("", 0, &ctx).unwrap();
        assert!(first.display().contains("\\? for help"));
        let hint = helper.hint("\\rep", 4, &ctx).unwrap();
        assert_eq!(hint.display(), "orts  -- list saved reports");
        assert_eq!(hint.completion(), Some("orts"));
        // Once something was typed the first hint does not come back.
        assert!(helper.hint("", 0, &ctx).is_none());
        assert!(helper.hint("SELECT", 6, &ctx).is_none());
    }
}
