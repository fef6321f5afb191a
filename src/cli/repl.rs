//! The interactive loop: read a statement (rustyline, on the main thread, outside the runtime),
//! run it on the runtime with Ctrl-C cancelling it, print, keep going. History persists in the
//! user's data directory.

use std::path::{Path, PathBuf};

use crate::Table;
use rustyline::Editor;
use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;
use tokio::runtime::Runtime;

use crate::cli::column_docs::column_description;
use crate::cli::command::{CacheAction, Command, help_text};
use crate::cli::errors::{Error, is_broken_pipe, query_line};
use crate::cli::exec::{Outcome, Shell};
use crate::cli::helper::ReplHelper;
use crate::cli::print::table::render_table;
use crate::cli::reports::{self, REPORTS};

const PROMPT: &str = "wsql> ";

/// Where history is kept across sessions: `<data dir>/wsql/history`.
pub fn history_path() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join("wsql").join("history"))
}

/// Runs the REPL until `\q` or Ctrl-D.
pub fn run(runtime: &Runtime, session: &mut Shell) -> Result<(), Error> {
    let config = Config::builder()
        .auto_add_history(false)
        .history_ignore_dups(true)
        .map_err(Error::Terminal)?
        .completion_type(CompletionType::List)
        .build();
    let mut editor: Editor<ReplHelper, FileHistory> =
        Editor::with_config(config).map_err(Error::Terminal)?;
    editor.set_helper(Some(ReplHelper::new(
        runtime.block_on(session.catalog_names()),
    )));
    let history = history_path();
    if let Some(path) = &history {
        if let Some(dir) = path.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        // A missing file is the first session; an unreadable one is not worth stopping for.
        let _ = editor.load_history(path);
    }

    loop {
        let line = match editor.readline(PROMPT) {
            Ok(line) => line,
            // Ctrl-C at the prompt: rustyline has dropped the line; prompt again.
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(error) => return Err(Error::Terminal(error)),
        };
        let entry = line.trim();
        if entry.is_empty() {
            continue;
        }
        let _ = editor.add_history_entry(entry);
        if let Some(path) = &history {
            save_history(&mut editor, path);
        }
        if entry.starts_with('\\') {
            match entry.parse::<Command>() {
                Ok(Command::Quit) => break,
                Ok(command) => run_command(runtime, session, command),
                Err(error) => eprintln!("error: {error}"),
            }
        } else {
            run_sql(runtime, session, entry);
        }
        // A statement may have added a table (CREATE EXTERNAL TABLE): offer it from now on.
        let names = runtime.block_on(session.catalog_names());
        if let Some(helper) = editor.helper_mut() {
            helper.set_names(names);
        }
    }
    Ok(())
}

fn save_history(editor: &mut Editor<ReplHelper, FileHistory>, path: &Path) {
    if let Err(error) = editor.save_history(path) {
        eprintln!("warning: history not saved to {}: {error}", path.display());
    }
}

/// Runs `sql`, reporting a failure or a cancellation on one line.
fn run_sql(runtime: &Runtime, session: &Shell, sql: &str) {
    match runtime.block_on(session.run_cancellable(sql)) {
        Outcome::Done => {}
        Outcome::Failed(error) if is_broken_pipe(&error) => {}
        Outcome::Failed(error) => eprintln!("error: {}", query_line(&error)),
        Outcome::Cancelled => eprintln!("^C: query cancelled"),
    }
}

fn run_command(runtime: &Runtime, session: &mut Shell, command: Command) {
    match command {
        Command::Quit => {}
        Command::Help => print!("{}", help_text()),
        Command::ListTables => {
            let names = runtime.block_on(session.catalog_names());
            let rows: Vec<Vec<String>> = names
                .tables
                .iter()
                .map(|table| {
                    let source = match (Table::named(table), reports::is_report(table)) {
                        (Some(table), _) => table.operation(),
                        (None, true) => "saved report (view)",
                        (None, false) => "local",
                    };
                    vec![table.clone(), source.to_string()]
                })
                .collect();
            print!(
                "{}",
                render_table(&["table".into(), "source".into()], &rows, &[false, false])
            );
        }
        Command::DescribeTable(name) => describe_table(runtime, session, &name),
        Command::ListReports => {
            let rows: Vec<Vec<String>> = REPORTS
                .iter()
                .map(|r| vec![r.name.to_string(), r.description().to_string()])
                .collect();
            print!(
                "{}",
                render_table(&["report".into(), "answers".into()], &rows, &[false, false])
            );
            println!("Run one with \\r NAME (or wsql --report NAME).");
        }
        Command::RunReport(name) => match reports::load(&name) {
            Ok(sql) => run_sql(runtime, session, &sql),
            Err(error) => eprintln!("error: {}", error.line()),
        },
        Command::Include(path) => match std::fs::read_to_string(&path) {
            Ok(sql) => run_sql(runtime, session, &sql),
            Err(source) => eprintln!("error: {}", Error::ReadFile { path, source }.line()),
        },
        Command::Format(None) => println!("format is {}", session.options.format),
        Command::Format(Some(format)) => {
            session.options.format = format;
            println!("format set to {format}");
        }
        Command::Timing(None) => println!(
            "timing is {}",
            if session.options.timing { "on" } else { "off" }
        ),
        Command::Timing(Some(on)) => {
            session.options.timing = on;
            println!("timing {}", if on { "on" } else { "off" });
        }
        Command::Cache(action) => println!("{}", cache_command(session, action)),
    }
}

/// Does what `\cache` asks and says what the cache is now.
fn cache_command(session: &Shell, action: CacheAction) -> String {
    let cache = session.library().cache();
    let ttl = cache.ttl().as_secs_f64();
    match action {
        CacheAction::On => {
            cache.set_enabled(true);
            format!("cache on (responses kept {ttl} s)")
        }
        CacheAction::Off => {
            cache.set_enabled(false);
            "cache off (every query calls the API)".to_string()
        }
        CacheAction::Clear => {
            cache.clear();
            "cache cleared".to_string()
        }
        CacheAction::Stats => {
            let stats = cache.stats();
            let state = if cache.is_enabled() {
                format!("on (responses kept {ttl} s)")
            } else {
                "off".to_string()
            };
            format!(
                "cache {state}: {} hit(s), {} miss(es), {} response(s) held",
                stats.hits, stats.misses, stats.entries
            )
        }
    }
}

fn describe_table(runtime: &Runtime, session: &Shell, name: &str) {
    let Some(schema) = runtime.block_on(session.table_schema(name)) else {
        eprintln!("error: no table named '{name}'; \\d lists the tables");
        return;
    };
    let rows: Vec<Vec<String>> = schema
        .fields()
        .iter()
        .map(|field| {
            vec![
                field.name().clone(),
                field.data_type().to_string(),
                if field.is_nullable() { "yes" } else { "no" }.to_string(),
                column_description(name, field.name())
                    .unwrap_or_default()
                    .to_string(),
            ]
        })
        .collect();
    print!(
        "{}",
        render_table(
            &["column", "type", "nullable", "description"].map(String::from),
            &rows,
            &[false; 4]
        )
    );
    match Table::named(name) {
        Some(table) => {
            println!("{}: {}.", table.name(), table.row());
            println!(
                "Rows come from {}. Pushed into the call:",
                table.operation()
            );
            let rules: Vec<Vec<String>> = table
                .pushdown()
                .into_iter()
                .map(|r| vec![r.predicate, r.request, r.pushdown.to_string(), r.example])
                .collect();
            let header = ["predicate", "request", "pushdown", "example"].map(String::from);
            print!("{}", render_table(&header, &rules, &[false; 4]));
            println!("Every other predicate is evaluated locally, after the rows are fetched.");
        }
        None if reports::is_report(name) => println!(
            "A saved report (a view over the tables): \\r {name} runs it with its description."
        ),
        None => println!("A local table: every predicate is evaluated locally."),
    }
}
