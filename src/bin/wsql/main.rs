//! `wsql`: SQL over AWS WorkSpaces from the command line, a REPL, saved reports and a demo.
//!
//! The modules below are the binary's; the tables, the AWS clients and the emulator are the
//! `wsql` library's (`src/lib.rs`).

mod cli;
mod command;
mod demo;
mod errors;
mod exec;
mod helper;
mod print;
mod progress_line;
mod repl;
mod reports;
mod serve;
mod statements;

use std::process::ExitCode;

use datafusion::error::DataFusionError;
use tokio::runtime::Runtime;
use wsql::Library;

use crate::cli::{Cli, Command, Input};
use crate::demo::Demo;
use crate::errors::{CliError, error_line, is_broken_pipe};
use crate::exec::Session;

fn main() -> ExitCode {
    install_panic_hook();
    let cli = match cli::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(Command::Serve(serve)) = &cli.args.command {
        return match serve::run(&runtime, &cli.args, serve) {
            Ok(()) => ExitCode::SUCCESS,
            Err(error) => {
                eprintln!("error: {error}");
                ExitCode::FAILURE
            }
        };
    }
    match run(&runtime, cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {}", error_line(&error));
            ExitCode::FAILURE
        }
    }
}

fn run(runtime: &Runtime, cli: Cli) -> Result<(), DataFusionError> {
    let _context = runtime.enter();
    let Cli { args, inputs } = cli;
    let (settings, _demo) = runtime
        .block_on(Demo::settings_for(&args))
        .map_err(|e| CliError(format!("cannot start the demo emulator: {e}")))?;
    let repl = inputs.is_empty();
    let library = Library::new(settings).with_cache_ttl(args.cache_ttl(repl));
    let mut session = Session::new(library, args.print_options())?.with_debug(args.debug);

    if repl {
        return repl::run(runtime, &mut session)
            .map_err(|e| DataFusionError::External(Box::new(e)));
    }
    for input in inputs {
        let sql = match input {
            Input::Sql(sql) => sql,
            Input::File(path) => std::fs::read_to_string(&path)
                .map_err(|e| CliError(format!("cannot read {}: {e}", path.display())))?,
            Input::Report(name) => reports::load(&name).map_err(CliError)?,
        };
        runtime.block_on(session.run_script(&sql))?;
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
