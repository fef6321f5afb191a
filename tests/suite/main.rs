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
//! | `estate_workspaces` | the WorkSpaces estate tables (connection status, snapshots, IP groups, connection aliases and permissions, client properties, branding, Connect add-ins) and their reports |
//! | `accounts` | many accounts: union of per-account answers, account pushdown, denied and suspended accounts, the in-flight bounds, joins across accounts, profiles and roles through the binary |
//! | `estate_images` | the image tables: pushdown forms with their calls, own images listed as parents, joins, images shared across an organization's accounts, the demo, `image_inventory` |
//! | `cli`, `repl` | the binary: flags, formats, reports, one-line errors; the REPL in a pseudo-terminal |
//! | `serve` | `wsql serve` with tokio-postgres: types, passwords, read-only refusals, concurrency, NOTICEs, cancellation |
//! | `estate_account` | the account (BYOL, account links, management ranges) and application tables: every pushdown form against the reference, parents and joins, many accounts, the demo |

mod accounts;
mod cli;
mod estate_account;
mod estate_images;
mod estate_workspaces;
mod metrics;
mod pools;
mod reliability;
mod repl;
mod serve;
mod support;
mod tables;
