//! What the WorkSpaces scans of one statement have done: per table and target, the API calls,
//! pages, retries, throttled attempts and rows so far; per scan of several accounts, the
//! accounts done of those it reads; and the warnings of targets left out under
//! [`RegionErrorPolicy::Warn`](crate::RegionErrorPolicy::Warn). Read from the statement's own
//! physical plan, running or finished, so statements running at once never mix their counts.
//!
//! ```no_run
//! # async fn example(ctx: datafusion::prelude::SessionContext) -> datafusion::error::Result<()> {
//! use datafusion::physical_plan::collect;
//! use wsql::ScanReport;
//!
//! let plan = ctx.sql("SELECT count(*) FROM workspaces_pools").await?.create_physical_plan().await?;
//! let batches = collect(plan.clone(), ctx.task_ctx()).await?;
//! let report = ScanReport::of(&plan);
//! for warning in &report.warnings {
//!     eprintln!("warning: {warning}");
//! }
//! println!("{} API calls", report.api_calls());
//! # Ok(()) }
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use datafusion::physical_plan::ExecutionPlan;

use crate::error::ErrorKind;
use crate::scan::{ApiScanExec, TargetMetrics};
use crate::targets::TargetName;

/// The scans of one statement.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanReport {
    /// Each started target of each scan, in plan order.
    pub scans: Vec<TargetProgress>,
    /// Each target that failed under the warn policy, with what the answer lacks.
    pub warnings: Vec<TargetWarning>,
    /// Each scan that reads several accounts: how many it has finished of how many.
    pub accounts: Vec<AccountsProgress>,
}

impl ScanReport {
    /// What the WorkSpaces scans in `plan` have done so far.
    pub fn of(plan: &Arc<dyn ExecutionPlan>) -> Self {
        let mut report = ScanReport::default();
        collect(plan.as_ref(), &mut report);
        report
    }

    /// API calls made by every scan so far (retries not included).
    pub fn api_calls(&self) -> u64 {
        self.scans.iter().map(|s| s.api_calls).sum()
    }
}

fn collect(plan: &dyn ExecutionPlan, report: &mut ScanReport) {
    if let Some(scan) = plan.downcast_ref::<ApiScanExec>() {
        report.scans.extend(scan.progress());
        report.warnings.extend(scan.warnings());
        report.accounts.extend(scan.accounts_progress());
    }
    for child in plan.children() {
        collect(child.as_ref(), report);
    }
}

/// One table's scan of one target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetProgress {
    /// The table scanned.
    pub table: &'static str,
    /// The region read.
    pub region: String,
    /// The account read, when known (the scan read several accounts, or the account id).
    pub account: Option<String>,
    /// API calls made (answers from the cache are not calls).
    pub api_calls: u64,
    /// Responses received, from the service or the cache.
    pub pages: u64,
    /// Rows handed on to the query.
    pub rows: u64,
    /// Attempts beyond the first of each call.
    pub retries: u64,
    /// Attempts the service answered with a throttling error.
    pub throttled: u64,
    /// How long the scan ran, once it has ended (finished, failed or cancelled).
    pub elapsed: Option<Duration>,
}

impl TargetProgress {
    pub(crate) fn read(table: &'static str, target: &TargetName, metrics: &TargetMetrics) -> Self {
        let count = |c: &datafusion::physical_plan::metrics::Count| c.value() as u64;
        let elapsed = match (metrics.start.value(), metrics.end.value()) {
            (Some(start), Some(end)) => (end - start).to_std().ok(),
            _ => None,
        };
        Self {
            table,
            region: target.region().to_string(),
            account: target.known_account().map(String::from),
            api_calls: count(&metrics.calls.api_calls),
            pages: count(&metrics.pages),
            rows: count(&metrics.output_rows),
            retries: count(&metrics.calls.retries),
            throttled: count(&metrics.calls.throttled),
            elapsed,
        }
    }

    /// Whether the target's scan has ended.
    pub fn is_done(&self) -> bool {
        self.elapsed.is_some()
    }
}

/// How far one table's scan of several accounts has come: accounts done of those it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountsProgress {
    /// The table scanned.
    pub table: &'static str,
    /// Accounts whose every region the scan has finished (or failed, or left under the warn
    /// policy).
    pub done: usize,
    /// Accounts the scan reads, of those listed so far.
    pub total: usize,
    /// Whether every account is listed, so that `total` is final (an organization is listed a
    /// page at a time while the first accounts are read).
    pub listed: bool,
}

/// A target whose scan failed under the warn policy: the answer lacks its rows from the failure
/// on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TargetWarning {
    /// The table whose scan failed.
    pub table: &'static str,
    /// The region.
    pub region: String,
    /// The account, when known.
    pub account: Option<String>,
    /// Rows of that target the answer holds (streamed before the failure).
    pub rows_kept: u64,
    /// The failure, as the query would have failed with it.
    pub error: String,
    /// What kind of failure it was.
    pub kind: ErrorKind,
}

impl fmt::Display for TargetWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.rows_kept {
            0 => write!(f, "{}; results exclude that region", self.error),
            n => write!(
                f,
                "{}; results hold only the {n} row(s) of {} read before it failed",
                self.error, self.table
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_say_what_the_answer_lacks() {
        let warning = |rows_kept| TargetWarning {
            table: "workspaces_pools",
            region: "eu-west-1".into(),
            account: Some("123456789012".into()),
            rows_kept,
            error: "DescribeWorkspacesPools in eu-west-1 failed: AccessDeniedException: no".into(),
            kind: ErrorKind::AccessDenied,
        };
        assert_eq!(
            warning(0).to_string(),
            "DescribeWorkspacesPools in eu-west-1 failed: AccessDeniedException: no; results exclude that region"
        );
        assert!(warning(25).to_string().ends_with(
            "results hold only the 25 row(s) of workspaces_pools read before it failed"
        ));
    }
}
