//! `wsql`: SQL over AWS WorkSpaces from the command line, a REPL, saved reports, `wsql serve`
//! and a demo. Everything is in the library's `cli` module ([`wsql::cli`]); this only runs it.

fn main() -> std::process::ExitCode {
    wsql::cli::main()
}
