//! The tables: each a Describe operation described for the engine of [`crate::scan`] (its
//! columns, pushdown and paging), nothing more. A table's module doc says what pushes down.

pub(crate) mod bundles;
pub(crate) mod directories;
pub(crate) mod patterns;
pub(crate) mod pool_names;
pub(crate) mod pools;
pub(crate) mod sessions;
pub(crate) mod tags;
pub(crate) mod workspaces;
