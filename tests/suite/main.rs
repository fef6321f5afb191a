//! Every integration test of the `wsql` crate, in one binary (one link of DataFusion): the
//! library's tables through the real SDK over HTTP against the emulator, and the `wsql` binary
//! driven from outside (flags, the REPL in a pseudo-terminal, `wsql serve` with a real Postgres
//! client). Shared set-up is [`support`].
//!
//! | module | what it holds |
//! |---|---|
//! | `pools` | every pushdown form of `workspaces_pools` equals the no-pushdown answer, with its calls; paging, streaming, columns; pools that no longer exist |
//! | `tables` | the sibling tables, joins and their dynamic filters, the cache, the catalog, every report; per-statement metrics and warnings with statements running at once |
//! | `reliability` | faults, the region failure policy, cancellation, bad SQL, differential proptests, no secret in any output |
//! | `accounts` | many accounts: union of per-account answers, account pushdown, denied and suspended accounts, the in-flight bounds, joins across accounts, profiles and roles through the binary |
//! | `cli`, `repl` | the binary: flags, formats, reports, one-line errors; the REPL in a pseudo-terminal |
//! | `serve` | `wsql serve` with tokio-postgres: types, passwords, read-only refusals, concurrency, NOTICEs, cancellation |

mod accounts;
mod cli;
mod metrics;
mod pools;
mod reliability;
mod repl;
mod serve;
mod support;
mod tables;
