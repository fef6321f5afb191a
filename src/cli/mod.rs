//! The `wsql` command line as a library (feature `cli`), in datafusion-cli's shape: this file is
//! the module list and the entry point; `src/main.rs` only calls [`main`]. Tests and tools use
//! the same modules the binary does.
//!
//! | module | what |
//! |---|---|
//! | [`args`] | the flags (clap), checked while parsing, and the settings they make |
//! | [`session`] | the one session builder every front end queries: tables, report views, `pg_catalog` |
//! | [`dialect`], [`column_docs`] | the SQL every session speaks besides DataFusion's (json operators, `version()`, `current_setting`, comments); each column's description |
//! | [`statement`] | the one statement runner: plan, stream, and the statement's report, warnings, debug |
//! | [`exec`] | scripts (`-c`, `-f`, `--report`) and the REPL's statements, printed |
//! | [`repl`], [`command`], [`helper`] | the REPL: its loop, its backslash commands, completion and hints |
//! | [`print`], [`json_text`], [`progress_line`] | output formats, nested values as JSON text, the progress line |
//! | [`reports`], [`report_views`], [`split`] | the saved reports of `queries/`, and as views planned at first use; splitting SQL text into statements |
//! | [`demo`] | `--demo`: the emulator in-process with an organization of three accounts |
//! | [`serve`] | `wsql serve`: the same session over the Postgres wire protocol |
//! | [`errors`] | the one error at the command line's edge, and its one-line wording |
//!
//! No module imports one that imports it: `args`, `split`, `json_text`, `errors` import no other
//! module of the command line; `serve` and `repl` import what they run on, never each other.

pub mod args;
pub mod column_docs;
pub mod command;
pub mod demo;
pub mod dialect;
pub mod errors;
pub mod exec;
pub mod helper;
pub mod json_text;
pub mod pg_catalog;
pub mod print;
pub mod progress_line;
pub mod repl;
pub mod report_views;
pub mod reports;
pub mod serve;
pub mod session;
pub mod split;
pub mod statement;

use std::process::ExitCode;

use tokio::runtime::Runtime;

use crate::Library;
use crate::cli::args::{Args, Cli, Command, Input};
use crate::cli::demo::Demo;
use crate::cli::errors::Error;
use crate::cli::exec::Shell;
use crate::cli::session::Access;

/// Runs `wsql` with the process's arguments; the exit code to end with.
pub fn main() -> ExitCode {
    install_panic_hook();
    // If the limit cannot be raised, it stays as it was and the bound on calls still holds.
    let _ = raise_open_files_limit();
    // If the kernel refuses (before Linux 3.15), huge pages cost time, never an answer.
    let _ = disable_transparent_huge_pages();
    let cli = match args::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", error.line());
            ExitCode::FAILURE
        }
    }
}

/// Raises the soft limit of open files to the hard one; the limit now. A call in flight holds a
/// connection (512 at once by default) and each endpoint keeps its idle ones, where the soft
/// limit is often 1,024; the hard limit is the user's to give.
fn raise_open_files_limit() -> std::io::Result<u64> {
    rlimit::increase_nofile_limit(u64::MAX)
}

/// Turns transparent huge pages off for this process (on Linux; elsewhere it does nothing).
/// mimalloc, the binary's allocator, takes memory from the system in 2 MiB-aligned regions and
/// gives back what it no longer uses; with huge pages (`madvise`, mimalloc's request, or
/// `always`, as distributions set them) each first touch of a region after that zeroed a whole
/// 2 MiB page, compacting memory first to find one, in the thread that touched it. At 1,000
/// accounts that was a quarter of wsql's CPU, and stalls of tens of ms on the organization's
/// listing, which every account waits for (`cargo bench --bench organization`, taking turns:
/// 255 µs of CPU a call with them, 195–199 without; see the README). wsql starts no other
/// program, which would inherit this.
fn disable_transparent_huge_pages() -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    nix::sys::prctl::set_thp_disable(true)?;
    Ok(())
}

/// Runs what the command line asks: `wsql serve`, the inputs in order, or the REPL; the
/// process's last work, since the runtime's worker threads are then left to end without being
/// waited for.
pub fn run(cli: Cli) -> Result<(), Error> {
    let runtime = runtime_for(&cli.args)?;
    let ran = match &cli.args.command {
        Some(Command::Serve(serve)) => serve::run(&runtime, &cli.args, serve),
        _ => run_inputs(&runtime, cli),
    };
    // Waiting for the worker threads would wait for each to tidy its allocator's heap as it
    // ends (25 ms of both cores after a 1,000-account statement); every output is flushed.
    runtime.shutdown_background();
    ran
}

/// The runtime that runs what `args` ask. Statements over one account run on the calling
/// thread alone: its scans are a few chains of calls, each call waiting for the last, and on
/// worker threads every call was handed between threads several times (its request, its
/// connection, the statement): a third of the CPU of a long listing went to those handoffs.
/// Several accounts (thousands of chains at once) and `wsql serve` (clients at once) use a
/// worker thread per core.
fn runtime_for(args: &Args) -> Result<Runtime, Error> {
    let many_at_once =
        args.command.is_some() || args.demo || args.aws_settings().reads_many_accounts();
    let mut builder = match many_at_once {
        true => tokio::runtime::Builder::new_multi_thread(),
        false => tokio::runtime::Builder::new_current_thread(),
    };
    builder.enable_all().build().map_err(Error::Runtime)
}

fn run_inputs(runtime: &Runtime, cli: Cli) -> Result<(), Error> {
    let _context = runtime.enter();
    let Cli { args, inputs } = cli;
    let (settings, _demo) = runtime
        .block_on(Demo::settings_for(&args))
        .map_err(Error::Demo)?;
    let repl = inputs.is_empty();
    let library = Library::new(settings).with_cache_ttl(args.cache_ttl(repl));
    let ctx = runtime.block_on(session::build(&library, Access::LocalFiles))?;
    let mut shell = Shell::new(ctx, library, args.print_options()).with_debug(args.debug);

    if repl {
        return repl::run(runtime, &mut shell);
    }
    for input in inputs {
        let sql = match input {
            Input::Sql(sql) => sql,
            Input::File(path) => match std::fs::read_to_string(&path) {
                Ok(sql) => sql,
                Err(source) => return Err(Error::ReadFile { path, source }),
            },
            Input::Report(name) => reports::load(&name)?,
        };
        runtime.block_on(shell.run_script(&sql))?;
    }
    Ok(())
}

/// A panic is a bug: say so on one line, without a backtrace.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        let location = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!(
            "error: internal error: {}{location} (a bug in wsql; please report it)",
            message.split_whitespace().collect::<Vec<_>>().join(" ")
        );
    }));
}

#[cfg(test)]
mod tests {
    use tokio::runtime::RuntimeFlavor;

    use super::*;

    fn flavor(argv: &[&str]) -> RuntimeFlavor {
        let cli = args::parse(std::iter::once("wsql").chain(argv.iter().copied())).expect("parses");
        runtime_for(&cli.args)
            .expect("a runtime")
            .handle()
            .runtime_flavor()
    }

    #[test]
    fn the_open_files_limit_is_raised_to_the_hard_limit() {
        let (_, hard) = rlimit::Resource::NOFILE.get().expect("read");
        let low = hard.min(1024);
        rlimit::Resource::NOFILE.set(low, hard).expect("lowered");
        let now = raise_open_files_limit().expect("raised");
        let (soft, _) = rlimit::Resource::NOFILE.get().expect("read");
        assert_eq!((now, soft), (hard, hard), "from {low}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn transparent_huge_pages_are_turned_off() {
        let enabled = || {
            let status = std::fs::read_to_string("/proc/self/status").expect("read");
            let line = status.lines().find(|l| l.starts_with("THP_enabled:"));
            line.expect("THP_enabled (Linux 5.0 on)")
                .split_whitespace()
                .nth(1)
                == Some("1")
        };
        nix::sys::prctl::set_thp_disable(false).expect("prctl");
        assert!(enabled(), "on, before");
        disable_transparent_huge_pages().expect("prctl");
        assert!(!enabled(), "off, after");
    }

    #[test]
    fn one_account_runs_on_the_calling_thread_and_many_on_every_core() {
        let one = [
            vec!["-c", "SELECT 1"],
            vec!["--region", "us-east-1,eu-west-1", "-c", "SELECT 1"],
            vec!["--profile", "audit"],
        ];
        for argv in one {
            assert_eq!(flavor(&argv), RuntimeFlavor::CurrentThread, "{argv:?}");
        }
        let many = [
            vec![
                "--assume-role",
                "Audit",
                "--accounts",
                "org",
                "-c",
                "SELECT 1",
            ],
            vec!["--profile", "a,b", "-c", "SELECT 1"],
            vec!["--demo", "-c", "SELECT 1"],
            vec!["serve"],
        ];
        for argv in many {
            assert_eq!(flavor(&argv), RuntimeFlavor::MultiThread, "{argv:?}");
        }
    }
}
