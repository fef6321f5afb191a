//! `wsql`: SQL over AWS WorkSpaces from the command line, a REPL, saved reports, `wsql serve`
//! and a demo. Everything is in the library's `cli` module ([`wsql::cli`]); this only runs it,
//! with mimalloc as its allocator (the library leaves the allocator to its users).

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    wsql::cli::main()
}
