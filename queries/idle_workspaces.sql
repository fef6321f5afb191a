-- Personal WorkSpaces nobody connected to in the last 30 days (no UserConnected = 1), with running mode and bundle.
--
-- From UserConnected by the day (period_seconds = 86400) over the last 30 days: a WorkSpace is
-- idle when no day has a Maximum of 1. last_connected_day is the latest day with a connection
-- in the window (NULL: none, or no metric at all: never connected, or stopped the whole time).
-- WorkSpaces being created, terminated or in error are left out.
WITH connected AS (
    SELECT account_id,
           region,
           workspace_id,
           max(maximum) AS connected,
           max(timestamp) FILTER (WHERE maximum >= 1) AS last_connected_day
    FROM workspaces_metrics
    WHERE metric_name = 'UserConnected'
      AND period_seconds = 86400
      AND timestamp >= now() - INTERVAL '30 days'
    GROUP BY account_id, region, workspace_id
)
SELECT w.account_id,
       w.region,
       w.workspace_id,
       w.user_name,
       w.state,
       w.running_mode,
       w.bundle_id,
       w.compute_type_name,
       c.last_connected_day
FROM workspaces w
LEFT JOIN connected c
  ON c.account_id = w.account_id AND c.region = w.region AND c.workspace_id = w.workspace_id
WHERE coalesce(c.connected, 0) < 1
  AND w.state NOT IN ('PENDING', 'TERMINATING', 'TERMINATED', 'ERROR')
ORDER BY w.account_id, w.region, w.running_mode, w.workspace_id;
