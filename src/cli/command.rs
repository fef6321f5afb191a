//! The REPL's backslash commands: parsed from a line with `FromStr`, listed by `\?`.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use crate::cli::print::OutputFormat;

/// One backslash command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// `\q`: leave the REPL.
    Quit,
    /// `\?`: the command table.
    Help,
    /// `\d`: every table of the session.
    ListTables,
    /// `\d TABLE`: a table's columns and the predicates it pushes into the API.
    DescribeTable(String),
    /// `\reports`: the saved reports with their descriptions.
    ListReports,
    /// `\r NAME`: run a saved report (or a .sql file).
    RunReport(String),
    /// `\i FILE`: run the statements of a file.
    Include(PathBuf),
    /// `\format [FMT]`: show or set the output format.
    Format(Option<OutputFormat>),
    /// `\timing [on|off]`: show or set the elapsed-time footer.
    Timing(Option<bool>),
    /// `\cache [on|off|clear|stats]`: the response cache.
    Cache(CacheAction),
}

/// What `\cache` does to the library's response cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheAction {
    /// Keep responses (for the TTL of `--cache-ttl`, 300 s unless given).
    On,
    /// Call the API every time, forgetting what was kept.
    Off,
    /// Forget what was kept; stay on.
    Clear,
    /// Show whether it is on, its TTL, and its hits, misses and entries (also plain `\cache`).
    Stats,
}

/// A command's usage and what it does, for `\?` and the hints.
#[derive(Debug, Clone, Copy)]
pub struct CommandDoc {
    /// The command word, backslash included.
    pub name: &'static str,
    /// Its arguments, as shown in help.
    pub args: &'static str,
    /// One line on what it does.
    pub description: &'static str,
}

/// Every command, in the order `\?` lists them.
pub const COMMANDS: &[CommandDoc] = &[
    CommandDoc {
        name: "\\d",
        args: "[TABLE]",
        description: "list tables, or describe TABLE (columns, pushed-down predicates)",
    },
    CommandDoc {
        name: "\\reports",
        args: "",
        description: "list saved reports",
    },
    CommandDoc {
        name: "\\r",
        args: "NAME",
        description: "run a saved report (or a .sql file)",
    },
    CommandDoc {
        name: "\\i",
        args: "FILE",
        description: "run the statements in FILE",
    },
    CommandDoc {
        name: "\\format",
        args: "[table|csv|json|ndjson]",
        description: "show or set the output format",
    },
    CommandDoc {
        name: "\\timing",
        args: "[on|off]",
        description: "show or set the elapsed-time footer",
    },
    CommandDoc {
        name: "\\cache",
        args: "[on|off|clear|stats]",
        description: "switch the API response cache, empty it, or show its counters",
    },
    CommandDoc {
        name: "\\?",
        args: "",
        description: "this help",
    },
    CommandDoc {
        name: "\\q",
        args: "",
        description: "quit (or Ctrl-D)",
    },
];

/// Why a line is not a valid command; the message is one line and says what would be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandError(String);

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for CommandError {}

impl FromStr for Command {
    type Err = CommandError;

    fn from_str(line: &str) -> Result<Self, Self::Err> {
        let line = line.trim().trim_end_matches(';').trim_end();
        let (name, argument) = match line.split_once(char::is_whitespace) {
            Some((name, rest)) => (name, Some(rest.trim()).filter(|a| !a.is_empty())),
            None => (line, None),
        };
        let command = match (name, argument) {
            ("\\q" | "\\quit", None) => Command::Quit,
            ("\\?" | "\\h" | "\\help", None) => Command::Help,
            ("\\d", None) => Command::ListTables,
            ("\\d", Some(table)) => Command::DescribeTable(table.to_string()),
            ("\\reports", None) => Command::ListReports,
            ("\\r", Some(report)) => Command::RunReport(report.to_string()),
            ("\\r", None) => return Err(usage("\\r", "NAME (\\reports lists them)")),
            ("\\i", Some(file)) => Command::Include(PathBuf::from(file)),
            ("\\i", None) => return Err(usage("\\i", "FILE")),
            ("\\format", None) => Command::Format(None),
            ("\\format", Some(format)) => Command::Format(Some(
                format
                    .parse()
                    .map_err(|_| usage("\\format", "table|csv|json|ndjson"))?,
            )),
            ("\\timing", None) => Command::Timing(None),
            ("\\timing", Some(switch)) => Command::Timing(Some(match switch {
                "on" => true,
                "off" => false,
                _ => return Err(usage("\\timing", "on|off")),
            })),
            ("\\cache", None) => Command::Cache(CacheAction::Stats),
            ("\\cache", Some(action)) => Command::Cache(match action {
                "on" => CacheAction::On,
                "off" => CacheAction::Off,
                "clear" => CacheAction::Clear,
                "stats" => CacheAction::Stats,
                _ => return Err(usage("\\cache", "on|off|clear|stats")),
            }),
            ("\\q" | "\\quit" | "\\?" | "\\h" | "\\help" | "\\reports", Some(argument)) => {
                return Err(CommandError(format!(
                    "{name} takes no argument (got '{argument}')"
                )));
            }
            _ => {
                return Err(CommandError(format!(
                    "unknown command '{name}'; \\? lists the commands"
                )));
            }
        };
        Ok(command)
    }
}

fn usage(name: &str, args: &str) -> CommandError {
    CommandError(format!("usage: {name} {args}"))
}

/// The `\?` text: one aligned line per command, then the keys.
pub fn help_text() -> String {
    let width = COMMANDS
        .iter()
        .map(|c| c.name.len() + 1 + c.args.len())
        .max()
        .unwrap_or(0);
    let mut text = String::new();
    for command in COMMANDS {
        let usage = format!("{} {}", command.name, command.args);
        text.push_str(&format!(
            "  {:<width$}  {}\n",
            usage.trim_end(),
            command.description
        ));
    }
    text.push_str(
        "\nStatements end with ';' and may span lines. Tab completes tables, columns and keywords.\n\
         Ctrl-C cancels a running query (or clears the line); Ctrl-D quits.\n",
    );
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Command, String> {
        line.parse::<Command>().map_err(|e| e.to_string())
    }

    #[test]
    fn parses_every_command() {
        assert_eq!(parse("\\q"), Ok(Command::Quit));
        assert_eq!(parse("\\?"), Ok(Command::Help));
        assert_eq!(parse("  \\d  "), Ok(Command::ListTables));
        assert_eq!(
            parse("\\d workspaces_pools;"),
            Ok(Command::DescribeTable("workspaces_pools".into()))
        );
        assert_eq!(parse("\\reports"), Ok(Command::ListReports));
        assert_eq!(
            parse("\\r fleet_summary"),
            Ok(Command::RunReport("fleet_summary".into()))
        );
        assert_eq!(
            parse("\\i my file.sql"),
            Ok(Command::Include("my file.sql".into()))
        );
        assert_eq!(parse("\\format"), Ok(Command::Format(None)));
        assert_eq!(
            parse("\\format CSV"),
            Ok(Command::Format(Some(OutputFormat::Csv)))
        );
        assert_eq!(parse("\\timing off"), Ok(Command::Timing(Some(false))));
        assert_eq!(parse("\\timing"), Ok(Command::Timing(None)));
        assert_eq!(parse("\\cache"), Ok(Command::Cache(CacheAction::Stats)));
        assert_eq!(parse("\\cache on"), Ok(Command::Cache(CacheAction::On)));
        assert_eq!(parse("\\cache off;"), Ok(Command::Cache(CacheAction::Off)));
        assert_eq!(
            parse("\\cache clear"),
            Ok(Command::Cache(CacheAction::Clear))
        );
        assert_eq!(
            parse("\\cache stats"),
            Ok(Command::Cache(CacheAction::Stats))
        );
    }

    #[test]
    fn bad_commands_say_what_would_be_right() {
        assert_eq!(
            parse("\\x"),
            Err("unknown command '\\x'; \\? lists the commands".into())
        );
        assert_eq!(
            parse("\\format xml"),
            Err("usage: \\format table|csv|json|ndjson".into())
        );
        assert_eq!(
            parse("\\timing maybe"),
            Err("usage: \\timing on|off".into())
        );
        assert_eq!(
            parse("\\cache maybe"),
            Err("usage: \\cache on|off|clear|stats".into())
        );
        assert_eq!(
            parse("\\r"),
            Err("usage: \\r NAME (\\reports lists them)".into())
        );
        assert_eq!(
            parse("\\q now"),
            Err("\\q takes no argument (got 'now')".into())
        );
        for line in ["\\x", "\\format xml", "\\r", "\\i"] {
            assert!(!parse(line).unwrap_err().contains('\n'));
        }
    }

    #[test]
    fn help_lists_every_command_once() {
        let help = help_text();
        for command in COMMANDS {
            let lines = help
                .lines()
                .filter(|l| l.trim_start().starts_with(&format!("{} ", command.name)))
                .count();
            assert_eq!(lines, 1, "{} in\n{help}", command.name);
        }
    }
}
