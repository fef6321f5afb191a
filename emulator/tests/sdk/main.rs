//! The emulator driven through the real AWS SDKs (and, for what the SDKs never send, raw HTTP).
//!
//! `workspaces`: the WorkSpaces operations and their answers; `faults`: injected faults as a
//! client sees them; `raw`: the wire, request by request; `accounts`: STS, Organizations and
//! many accounts, through `aws-sdk-sts`, `aws-sdk-organizations` and aws-config's
//! `AssumeRoleProvider`. Shared set-up is in `common`.

mod accounts;
mod common;
mod faults;
mod raw;
mod workspaces;
