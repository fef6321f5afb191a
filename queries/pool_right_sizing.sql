-- Per pool, peak and typical utilisation over the last 14 days against desired capacity: which to grow, which to shrink.
--
-- From UserSessionsCapacityUtilization by the day (period_seconds = 86400) over the last 14 days:
-- peak_utilization_pct is the highest daily Maximum (the busiest moment of the fortnight),
-- typical_peak_pct the median of the daily Maximums (a typical day's busiest moment).
-- grow: the pool reached 90 % of its sessions at peak (it is turning users away, or about to);
-- shrink: even its busiest moment left 40 % of its sessions unused (peak below 60 %);
-- suggested_desired_sessions is the size at which that peak would use 80 % of the sessions (for a
-- pool that was full, a lower bound: demand beyond 100 % does not show in the utilisation).
WITH daily AS (
    SELECT account_id,
           region,
           pool_id,
           max(maximum) AS peak_utilization_pct,
           approx_median(maximum) AS typical_peak_pct,
           count(*) AS days_with_data
    FROM workspaces_pool_metrics
    WHERE metric_name = 'UserSessionsCapacityUtilization'
      AND period_seconds = 86400
      AND timestamp >= now() - INTERVAL '14 days'
    GROUP BY account_id, region, pool_id
)
SELECT p.account_id,
       p.region,
       p.pool_name,
       p.pool_id,
       p.desired_user_sessions,
       round(d.peak_utilization_pct, 1) AS peak_utilization_pct,
       round(d.typical_peak_pct, 1) AS typical_peak_pct,
       d.days_with_data,
       CASE
           WHEN d.peak_utilization_pct >= 90 THEN 'grow'
           WHEN d.peak_utilization_pct < 60 THEN 'shrink'
           ELSE 'keep'
       END AS recommendation,
       CAST(greatest(1, ceil(p.desired_user_sessions * d.peak_utilization_pct / 80)) AS BIGINT) AS suggested_desired_sessions
FROM workspaces_pools p
JOIN daily d ON d.account_id = p.account_id AND d.region = p.region AND d.pool_id = p.pool_id
ORDER BY recommendation, peak_utilization_pct DESC, p.account_id, p.region, p.pool_name;
