//! A big fleet's metrics in full calls: 1,000 pools × 7 metrics × 1 statistic over a day, or
//! over 14 days, is 14 `GetMetricData` calls of 500 queries (after 40 pages of pools), never a
//! call per pool; named ids make the same calls without the listing.

use wsql_emulator::Fleet;

use crate::metrics::{GET_METRIC_DATA, queries_of};
use crate::support::{POOLS, REGION, harness_with, quoted};

#[tokio::test]
async fn a_thousand_pools_and_seven_metrics_fill_fourteen_calls() {
    let h = harness_with(Fleet::seeded(5, &[REGION], 1000), &[REGION], None).await;
    for window in ["1 day", "14 days"] {
        h.clear();
        let rows = h
            .number(&format!(
                "SELECT count(maximum) FROM workspaces_pool_metrics WHERE timestamp >= now() - INTERVAL '{window}'"
            ))
            .await;
        let calls = h.calls(GET_METRIC_DATA);
        let queries: Vec<usize> = calls.iter().map(queries_of).collect();
        assert_eq!(queries, vec![500; 14], "{window}");
        assert_eq!(h.calls(POOLS).len(), 40, "{window}: 1,000 pools, 25 a page");
        let stats: std::collections::BTreeSet<String> = calls
            .iter()
            .flat_map(|c| {
                c.body["MetricDataQueries"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default()
            })
            .map(|q| {
                q["MetricStat"]["Stat"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string()
            })
            .collect();
        assert_eq!(stats.into_iter().collect::<Vec<_>>(), ["Maximum"]);
        assert!(rows > 0, "{window}");
    }

    let ids: Vec<String> = h
        .emulator
        .fleet()
        .pools(REGION)
        .iter()
        .map(|p| p.pool_id.clone())
        .collect();
    h.clear();
    h.number(&format!(
        "SELECT count(maximum) FROM workspaces_pool_metrics WHERE pool_id IN ({}) AND timestamp >= now() - INTERVAL '1 day'",
        quoted(&ids)
    ))
    .await;
    let queries: Vec<usize> = h.calls(GET_METRIC_DATA).iter().map(queries_of).collect();
    assert_eq!(queries, vec![500; 14], "named ids");
    assert_eq!(h.calls(POOLS).len(), 0, "no listing");
}
