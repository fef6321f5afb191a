//! The line on stderr that shows a slow scan's progress (pages and rows per region, or the
//! accounts done of the total when an organization is read), drawn only on a terminal, only
//! after the scan has taken [`DELAY`], and cleared before results print.

use std::io::{IsTerminal, Write};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::{AccountsProgress, ScanReport, TargetProgress};
use datafusion::physical_plan::ExecutionPlan;
use tokio::task::JoinHandle;

/// How long a statement runs before its progress is shown.
pub const DELAY: Duration = Duration::from_millis(500);
/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(150);
/// Longest line drawn, so it never wraps on a usual terminal (a wrapped line can't be cleared).
const MAX_WIDTH: usize = 78;

#[derive(Debug, Default)]
struct LineState {
    stopped: bool,
    drawn: bool,
}

/// A running progress line; [`ProgressLine::stop`] (or dropping it) clears it for good.
#[derive(Debug)]
pub struct ProgressLine {
    state: Arc<Mutex<LineState>>,
    ticker: JoinHandle<()>,
}

impl ProgressLine {
    /// Starts watching the scans of `plan`; `None` when stderr is not a terminal. Must run in a
    /// runtime.
    pub fn start(plan: Arc<dyn ExecutionPlan>) -> Option<Self> {
        if !std::io::stderr().is_terminal() {
            return None;
        }
        let state = Arc::new(Mutex::new(LineState::default()));
        let ticker = tokio::spawn(draw_until_stopped(plan, Arc::clone(&state)));
        Some(Self { state, ticker })
    }

    /// Clears the line and stops drawing it.
    pub fn stop(&self) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.drawn {
            eprint!("\r\x1b[2K");
            let _ = std::io::stderr().flush();
            state.drawn = false;
        }
        state.stopped = true;
        self.ticker.abort();
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn draw_until_stopped(plan: Arc<dyn ExecutionPlan>, state: Arc<Mutex<LineState>>) {
    tokio::time::sleep(DELAY).await;
    loop {
        let line = render(&ScanReport::of(&plan));
        {
            // Drawing under the lock means `stop` can never be followed by a stray draw.
            let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
            if state.stopped {
                return;
            }
            if !line.is_empty() {
                eprint!("\r\x1b[2K{line}");
                let _ = std::io::stderr().flush();
                state.drawn = true;
            }
        }
        tokio::time::sleep(TICK).await;
    }
}

/// One line: per table, the rows and pages fetched so far, then each region's rows (`✓` once
/// the region is done), or, for a scan of several accounts (thousands of targets do not fit a
/// line), the accounts done of the total (`so far` while the organization is still being
/// listed). Totals come first so that a line cut to fit still says the most.
pub fn render(report: &ScanReport) -> String {
    let scans = &report.scans;
    let labels = target_labels(scans);
    let mut tables: Vec<(&str, Vec<(&str, &TargetProgress)>)> = Vec::new();
    for (scan, label) in scans.iter().zip(&labels) {
        match tables.iter_mut().find(|(name, _)| *name == scan.table) {
            Some((_, regions)) => regions.push((label.as_str(), scan)),
            None => tables.push((scan.table, vec![(label.as_str(), scan)])),
        }
    }
    let parts: Vec<String> = tables
        .iter()
        .map(|(table, regions)| {
            let rows: u64 = regions.iter().map(|(_, p)| p.rows).sum();
            let pages: u64 = regions.iter().map(|(_, p)| p.pages).sum();
            let mut part = format!(
                "{table}: {rows} {}, {pages} page{}",
                row_unit(table),
                if pages == 1 { "" } else { "s" }
            );
            if let Some(accounts) = accounts_of(&report.accounts, table) {
                part.push_str(&accounts);
                return part;
            }
            for (region, progress) in regions {
                let done = if progress.is_done() { " ✓" } else { "" };
                part.push_str(&format!(" · {region} {}{done}", progress.rows));
            }
            part
        })
        .collect();
    let line = parts.join(" | ");
    if line.chars().count() <= MAX_WIDTH {
        return line;
    }
    let mut cut: String = line.chars().take(MAX_WIDTH - 1).collect();
    cut.push('…');
    cut
}

/// ` · accounts 812/1000` for `table`'s scans of several accounts (summed when the table is
/// scanned twice, as in a self-join); `None` when it reads one account.
fn accounts_of(accounts: &[AccountsProgress], table: &str) -> Option<String> {
    let scans: Vec<&AccountsProgress> = accounts.iter().filter(|a| a.table == table).collect();
    if scans.is_empty() {
        return None;
    }
    let done: usize = scans.iter().map(|a| a.done).sum();
    let total: usize = scans.iter().map(|a| a.total).sum();
    let so_far = if scans.iter().all(|a| a.listed) {
        ""
    } else {
        " so far"
    };
    Some(format!(" · accounts {done}/{total}{so_far}"))
}

/// How each scan's target is named: its region, or `account/region` when the scans read more
/// than one account.
pub fn target_labels(scans: &[TargetProgress]) -> Vec<String> {
    let first = scans.first().and_then(|s| s.account.as_deref());
    let many = scans.iter().any(|s| s.account.as_deref() != first);
    scans
        .iter()
        .map(|s| match (&s.account, many) {
            (Some(account), true) => format!("{account}/{}", s.region),
            _ => s.region.clone(),
        })
        .collect()
}

/// What a table's rows are called on the progress line.
fn row_unit(table: &str) -> &'static str {
    match table {
        "workspaces_pools" => "pools",
        "workspaces_directories" => "directories",
        "workspaces_bundles" => "bundles",
        "workspaces" => "workspaces",
        "workspaces_pool_sessions" => "sessions",
        "workspaces_pool_metrics" | "workspaces_metrics" => "datapoints",
        _ => "rows",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(
        table: &'static str,
        region: &str,
        pages: u64,
        rows: u64,
        done: bool,
    ) -> TargetProgress {
        TargetProgress {
            table,
            region: region.to_string(),
            account: Some("123456789012".to_string()),
            api_calls: pages,
            pages,
            rows,
            retries: 0,
            throttled: 0,
            elapsed: done.then_some(std::time::Duration::from_millis(5)),
        }
    }

    fn report(scans: &[TargetProgress]) -> ScanReport {
        ScanReport {
            scans: scans.to_vec(),
            ..ScanReport::default()
        }
    }

    #[test]
    fn totals_then_regions() {
        let line = render(&report(&[
            region("workspaces_pools", "eu-west-1", 1, 25, false),
            region("workspaces_pools", "us-east-1", 3, 75, true),
        ]));
        assert_eq!(
            line,
            "workspaces_pools: 100 pools, 4 pages · eu-west-1 25 · us-east-1 75 ✓"
        );
        assert_eq!(
            render(&report(&[
                region("workspaces", "us-east-1", 1, 7, true),
                region("workspaces_pools", "us-east-1", 1, 3, false),
            ])),
            "workspaces: 7 workspaces, 1 page · us-east-1 7 ✓ | workspaces_pools: 3 pools, 1 page · us-east-1 3"
                .chars()
                .take(MAX_WIDTH - 1)
                .chain(['…'])
                .collect::<String>()
        );
    }

    #[test]
    fn several_accounts_name_their_targets() {
        let mut a = region("workspaces_pools", "us-east-1", 1, 5, true);
        let mut b = region("workspaces_pools", "us-east-1", 1, 7, false);
        a.account = Some("111111111111".into());
        b.account = Some("222222222222".into());
        assert_eq!(
            target_labels(&[a.clone(), b.clone()]),
            ["111111111111/us-east-1", "222222222222/us-east-1"]
        );
        assert!(
            render(&report(&[a.clone(), b])).starts_with(
                "workspaces_pools: 12 pools, 2 pages · 111111111111/us-east-1 5 ✓ · 2"
            )
        );
        assert_eq!(target_labels(&[a]), ["us-east-1"], "one account: regions");
    }

    #[test]
    fn an_organization_shows_its_accounts_done_of_the_total() {
        let mut scans = Vec::new();
        for (account, done) in [("111111111111", true), ("222222222222", false)] {
            for name in ["us-east-1", "eu-west-1"] {
                let mut target = region("workspaces_pools", name, 2, 40, done);
                target.account = Some(account.into());
                scans.push(target);
            }
        }
        let progress = |done, total, listed| AccountsProgress {
            table: "workspaces_pools",
            done,
            total,
            listed,
        };
        let listing = ScanReport {
            scans: scans.clone(),
            accounts: vec![progress(1, 140, false)],
            ..ScanReport::default()
        };
        assert_eq!(
            render(&listing),
            "workspaces_pools: 160 pools, 8 pages · accounts 1/140 so far"
        );
        let listed = ScanReport {
            scans,
            accounts: vec![progress(812, 1000, true)],
            ..ScanReport::default()
        };
        assert_eq!(
            render(&listed),
            "workspaces_pools: 160 pools, 8 pages · accounts 812/1000"
        );
        let self_join = ScanReport {
            accounts: vec![progress(3, 10, true), progress(1, 10, true)],
            ..listed
        };
        assert!(render(&self_join).ends_with(" · accounts 4/20"));
    }

    #[test]
    fn nothing_to_draw_before_the_first_page() {
        assert_eq!(render(&ScanReport::default()), "");
    }

    #[test]
    fn never_wider_than_a_terminal() {
        let many: Vec<_> = (0..20)
            .map(|i| region("workspaces_pools", &format!("region-{i}"), 9, 999, false))
            .collect();
        let line = render(&report(&many));
        assert_eq!(line.chars().count(), MAX_WIDTH);
        assert!(line.ends_with('…'));
    }
}
