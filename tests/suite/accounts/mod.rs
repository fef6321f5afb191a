//! Many accounts: an organization's accounts read through a role assumed in each (listed, or
//! every ACTIVE account of the organization), and accounts of several profiles. Answers equal
//! the union of per-account answers on every table; `account_id` predicates choose the accounts
//! called; a denied role or a suspended account fails the query naming account and region, or
//! is left out with a warning; the bounds on calls in flight hold; no credential is printed.

mod binary;
mod failures;
mod in_flight;
mod joins;
pub(crate) mod org;
mod pushdown;
mod rate_limits;
mod union;
