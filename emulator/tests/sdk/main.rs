//! The emulator driven through the real AWS SDKs (and, for what the SDKs never send, raw HTTP).
//!
//! `workspaces`: the WorkSpaces operations and their answers; `faults`: injected faults as a
//! client sees them; `raw`: the wire, request by request; `cbor`: Smithy RPCv2 CBOR on the wire
//! (the Rust SDK speaks awsJson1_1 to WorkSpaces, so CBOR is written and read here with ciborium,
//! and by botocore in `tests/clients`), and CloudWatch's two protocols side by side;
//! `cloudwatch`: CloudWatch's metrics through `aws-sdk-cloudwatch`, which speaks RPCv2 CBOR;
//! `accounts`: STS, Organizations and many accounts, through `aws-sdk-sts`,
//! `aws-sdk-organizations` and aws-config's `AssumeRoleProvider`. Shared set-up is in `common`.

mod accounts;
mod cbor;
mod cloudwatch;
mod common;
mod faults;
mod raw;
mod workspaces;
