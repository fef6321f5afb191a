//! `wsql serve` through a real Postgres client (tokio-postgres) against the emulator: the
//! server is the real binary on a free port, the emulator runs in the test's process so its
//! request log can say which API calls were made.

mod auth;
mod cancellation;
mod catalog;
mod clients;
mod concurrency;
mod readonly;
mod streaming;
mod support;
mod types;
