//! Reliability: throttling, server faults, dropped connections, timeouts, malformed answers,
//! runaway paging, per-region failures, cancellation, bad SQL, and differential tests proving
//! that pushdown never changes an answer. Every fault is injected through the emulator and every
//! outcome asserted, through the library and through the binary.
//!
//! Shared set-up comes from the other test binaries' helpers: `tests/tables/support.rs` (a
//! session with every table and its no-pushdown `_reference` copy) and `tests/common/mod.rs`
//! (the `wsql` command with a clean environment).

mod bad_input;
mod binary;
mod cancellation;
mod differential;
mod faults;
pub(crate) mod odd_literals;
mod paging;
mod region_errors;
mod security;
mod setup;
