//! The account and application tables of the WorkSpaces estate: `workspaces_account`,
//! `workspaces_account_modifications`, `workspaces_account_links`,
//! `workspaces_management_cidr_ranges` (with its required column), `workspaces_applications`,
//! `workspaces_application_associations` and `workspaces_workspace_associations`.
//!
//! Each pushdown form is checked against the no-pushdown reference with the calls it made,
//! answers against what the emulator derives for the fleet, the parent tables' listings,
//! named parents and joins, many accounts (the answer is the union of each account's), and a
//! count of every table on the demo organization.

mod account;
mod applications;
mod associations;
mod cidr_ranges;
mod demo;
mod links;
mod organization;

pub const ACCOUNT: &str = "DescribeAccount";
pub const MODIFICATIONS: &str = "DescribeAccountModifications";
pub const LIST_LINKS: &str = "ListAccountLinks";
pub const GET_LINK: &str = "GetAccountLink";
pub const RANGES: &str = "ListAvailableManagementCidrRanges";
pub const APPLICATIONS: &str = "DescribeApplications";
pub const APPLICATION_ASSOCIATIONS: &str = "DescribeApplicationAssociations";
pub const WORKSPACE_ASSOCIATIONS: &str = "DescribeWorkspaceAssociations";

/// The seven tables of this module.
pub const TABLES: &[&str] = &[
    "workspaces_account",
    "workspaces_account_modifications",
    "workspaces_account_links",
    "workspaces_management_cidr_ranges",
    "workspaces_applications",
    "workspaces_application_associations",
    "workspaces_workspace_associations",
];
