//! The sibling tables, their joins and the response cache, through the real SDK, over HTTP,
//! against the emulator.

mod bundles;
mod cache;
mod catalog;
mod directories;
mod joins;
mod reports;
mod sessions;
mod statements;
mod tags;
mod workspaces;
