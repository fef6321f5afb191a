//! Counters of pages and rows fetched per table and region, for the REPL's progress line.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Pages and rows fetched so far by one table in one region.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegionProgress {
    /// Responses received.
    pub pages: u64,
    /// Rows those responses held.
    pub rows: u64,
    /// True once the region's scan has ended (finished, failed or cancelled).
    pub done: bool,
    /// How long the scan ran, once it has ended (the longest, when a statement scanned the table
    /// in that region more than once).
    pub elapsed: Option<Duration>,
}

/// Shared by every scan of a [`crate::Library`]; the CLI polls it while a query runs.
#[derive(Debug, Default)]
pub struct ScanProgress {
    by_scan: Mutex<BTreeMap<(String, String), RegionProgress>>,
}

impl ScanProgress {
    /// Records one page of `rows` rows from `table` in `region`.
    pub fn page(&self, table: &str, region: &str, rows: usize) {
        let mut map = self.by_scan.lock().unwrap_or_else(|e| e.into_inner());
        let entry = map
            .entry((table.to_string(), region.to_string()))
            .or_default();
        entry.pages += 1;
        entry.rows += rows as u64;
    }

    /// Marks `table` in `region` as ended.
    pub fn finish(&self, table: &str, region: &str) {
        self.finish_after(table, region, None);
    }

    /// Marks `table` in `region` as ended after running for `elapsed`.
    pub fn finish_after(&self, table: &str, region: &str, elapsed: Option<Duration>) {
        let mut map = self.by_scan.lock().unwrap_or_else(|e| e.into_inner());
        let entry = map
            .entry((table.to_string(), region.to_string()))
            .or_default();
        entry.done = true;
        entry.elapsed = entry.elapsed.max(elapsed);
    }

    /// A copy of every counter: ((table, region), progress).
    pub fn snapshot(&self) -> Vec<((String, String), RegionProgress)> {
        let map = self.by_scan.lock().unwrap_or_else(|e| e.into_inner());
        map.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// Forgets every counter (call before each statement).
    pub fn reset(&self) {
        self.by_scan
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

/// Marks one table's scan of one region as ended when dropped, however the scan ended
/// (finished, failed or cancelled).
#[derive(Debug)]
pub struct FinishOnDrop {
    progress: Arc<ScanProgress>,
    table: &'static str,
    region: String,
    started: Instant,
}

impl FinishOnDrop {
    /// A guard for `table` in `region`.
    pub fn new(progress: &Arc<ScanProgress>, table: &'static str, region: &str) -> Self {
        Self {
            progress: Arc::clone(progress),
            table,
            region: region.to_string(),
            started: Instant::now(),
        }
    }
}

impl Drop for FinishOnDrop {
    fn drop(&mut self) {
        let elapsed = self.started.elapsed();
        self.progress
            .finish_after(self.table, &self.region, Some(elapsed));
    }
}
