//! Warnings a statement leaves behind: one per region whose scan failed under
//! [`RegionErrorPolicy::Warn`](crate::aws::RegionErrorPolicy::Warn), so that an answer missing a
//! region's rows never looks complete. Shared by every table of a [`crate::Library`]; the CLI
//! prints and clears them after each statement.

use std::sync::{Arc, Mutex};

use crate::error::Error;

/// One region's scan that ended early.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionWarning {
    /// The table whose scan failed.
    pub table: &'static str,
    /// The region.
    pub region: String,
    /// Rows of that region the answer holds (streamed before the failure).
    pub rows_kept: u64,
    /// The failure, as the query would have failed with it.
    pub error: String,
}

impl std::fmt::Display for RegionWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
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

/// The warnings recorded since the last [`Warnings::take`].
#[derive(Debug, Default)]
pub struct Warnings {
    recorded: Mutex<Vec<RegionWarning>>,
}

impl Warnings {
    /// Records that `table`'s scan of `region` failed with `error` after `rows_kept` rows.
    pub fn region_failed(&self, table: &'static str, region: &str, rows_kept: u64, error: &Error) {
        let warning = RegionWarning {
            table,
            region: region.to_string(),
            rows_kept,
            error: error.to_string(),
        };
        self.recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(warning);
    }

    /// Every warning recorded so far, leaving none.
    pub fn take(&self) -> Vec<RegionWarning> {
        std::mem::take(&mut *self.recorded.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// A copy of every warning recorded so far.
    pub fn snapshot(&self) -> Vec<RegionWarning> {
        self.recorded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// How one region's scan treats a failure: end quietly with a warning, or fail the query.
#[derive(Debug, Clone)]
pub struct RegionFailures {
    /// `Some` under the warn policy: where warnings go.
    pub warn_into: Option<Arc<Warnings>>,
}

impl RegionFailures {
    /// Whether `error`, failing `table`'s scan of `region` after `rows_kept` rows, ends the region
    /// quietly (recorded as a warning) rather than failing the query. Only failures of the
    /// region's calls qualify: missing credentials and bugs fail the query under either policy.
    pub fn absorb(&self, table: &'static str, region: &str, rows_kept: u64, error: &Error) -> bool {
        let Some(warnings) = &self.warn_into else {
            return false;
        };
        if !error.is_region_failure() {
            return false;
        }
        warnings.region_failed(table, region, rows_kept, error);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn denied() -> Error {
        Error::Api {
            operation: "DescribeWorkspacesPools",
            region: "eu-west-1".into(),
            message: "AccessDeniedException: no".into(),
        }
    }

    #[test]
    fn warnings_say_what_the_answer_lacks() {
        let warnings = Arc::new(Warnings::default());
        let failures = RegionFailures {
            warn_into: Some(Arc::clone(&warnings)),
        };
        assert!(failures.absorb("workspaces_pools", "eu-west-1", 0, &denied()));
        assert!(failures.absorb("workspaces_pools", "eu-west-1", 25, &denied()));
        let taken = warnings.take();
        assert_eq!(
            taken[0].to_string(),
            "DescribeWorkspacesPools in eu-west-1 failed: AccessDeniedException: no; results exclude that region"
        );
        assert!(taken[1].to_string().ends_with(
            "results hold only the 25 row(s) of workspaces_pools read before it failed"
        ));
        assert!(warnings.take().is_empty());
    }

    #[test]
    fn the_fail_policy_and_non_region_errors_are_not_absorbed() {
        let fail = RegionFailures { warn_into: None };
        assert!(!fail.absorb("t", "r", 0, &denied()));
        let warnings = Arc::new(Warnings::default());
        let warn = RegionFailures {
            warn_into: Some(Arc::clone(&warnings)),
        };
        let credentials = Error::MissingCredentials {
            region: "r".into(),
            detail: "none".into(),
        };
        assert!(!warn.absorb("t", "r", 0, &credentials));
        assert!(warnings.snapshot().is_empty());
    }
}
