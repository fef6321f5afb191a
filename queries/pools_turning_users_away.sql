-- Pools that turned users away in the last 7 days (CloudWatch InsufficientCapacityError), with their peak utilisation and desired capacity.
--
-- From workspaces_pool_metrics by the hour (period_seconds = 3600) over the last 7 days:
-- rejected_sessions is the Sum of InsufficientCapacityError (session requests the pool had no
-- capacity for), hours_rejecting the hours in which it rejected any; peak_utilization_pct is the
-- highest hourly Maximum of UserSessionsCapacityUtilization, peak_desired_sessions the most
-- sessions the pool asked for (DesiredUserSessionCapacity) in the week, beside what it asks for now.
SELECT p.account_id,
       p.region,
       p.pool_name,
       p.pool_id,
       p.running_mode,
       sum(m.sum) FILTER (WHERE m.metric_name = 'InsufficientCapacityError') AS rejected_sessions,
       count(*) FILTER (WHERE m.metric_name = 'InsufficientCapacityError' AND m.sum > 0) AS hours_rejecting,
       round(max(m.maximum) FILTER (WHERE m.metric_name = 'UserSessionsCapacityUtilization'), 1) AS peak_utilization_pct,
       max(m.maximum) FILTER (WHERE m.metric_name = 'DesiredUserSessionCapacity') AS peak_desired_sessions,
       p.desired_user_sessions
FROM workspaces_pools p
JOIN workspaces_pool_metrics m
  ON m.account_id = p.account_id AND m.region = p.region AND m.pool_id = p.pool_id
WHERE m.metric_name IN ('InsufficientCapacityError', 'UserSessionsCapacityUtilization', 'DesiredUserSessionCapacity')
  AND m.period_seconds = 3600
  AND m.timestamp >= now() - INTERVAL '7 days'
GROUP BY p.account_id, p.region, p.pool_name, p.pool_id, p.running_mode, p.desired_user_sessions
HAVING sum(m.sum) FILTER (WHERE m.metric_name = 'InsufficientCapacityError') > 0
ORDER BY rejected_sessions DESC, p.account_id, p.region, p.pool_name;
