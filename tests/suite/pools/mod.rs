//! The `workspaces_pools` table through the real SDK, over HTTP, against the emulator.

mod call_counts;
mod columns;
mod gone_ids;
mod paging;
mod pushdown;
