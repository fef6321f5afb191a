//! The emulator driven by clients nobody here wrote: botocore's own serializers and parsers in
//! both encodings of WorkSpaces and of CloudWatch (`botocore`), and the AWS CLI against the
//! standalone binary (`aws_cli`). Both cover every WorkSpaces operation the emulator answers,
//! read from [`wsql_emulator::answered_operations`], so a new operation is covered as soon as it
//! is answered (with a line in `common::required_parameters` if it requires members), and
//! CloudWatch's `ListMetrics` and `GetMetricData` with requests of their own (windows, several
//! statistics, pages, errors).
//!
//! The clients are installed by `tests/clients/install.sh` (at the repository's root) into
//! `$WSQL_CLIENTS`, default `~/.cache/wsql-clients`; a test fails, never skips, without them.

mod aws_cli;
mod botocore;
mod common;
