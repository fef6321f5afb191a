-- AlwaysOn WorkSpaces connected fewer hours in the last 30 days than the AutoStop break-even of their compute type: cheaper billed by the hour.
--
-- connected_hours counts the hours of the last 30 days in which a user was connected (UserConnected,
-- period_seconds = 3600, Maximum = 1), as AWS's Cost Optimizer for Amazon WorkSpaces counts the
-- billable hours of an AlwaysOn WorkSpace. break_even_hours is the Cost Optimizer's default
-- monthly threshold for the compute type, above which monthly (AlwaysOn) billing is cheaper:
-- the ValueLimit, StandardLimit, PerformanceLimit, PowerLimit, PowerProLimit, GraphicsLimit and
-- GraphicsProLimit parameters of its template, deployment/workspaces-cost-optimizer.template in
-- https://github.com/aws-solutions/cost-optimizer-for-amazon-workspaces (SO0018), which turns an
-- AlwaysOn WorkSpace to AutoStop at the end of the month when its hours are at or below it.
-- Compute types without a threshold there, and WorkSpaces being created, terminated or in error,
-- are left out.
WITH break_even(compute_type_name, break_even_hours) AS (
    VALUES ('VALUE', 81), ('STANDARD', 85), ('PERFORMANCE', 83), ('POWER', 83),
           ('POWERPRO', 80), ('GRAPHICS', 217), ('GRAPHICSPRO', 80)
),
hours AS (
    SELECT account_id,
           region,
           workspace_id,
           count(*) FILTER (WHERE maximum >= 1) AS connected_hours
    FROM workspaces_metrics
    WHERE metric_name = 'UserConnected'
      AND period_seconds = 3600
      AND timestamp >= now() - INTERVAL '30 days'
    GROUP BY account_id, region, workspace_id
)
SELECT w.account_id,
       w.region,
       w.workspace_id,
       w.user_name,
       w.state,
       w.compute_type_name,
       w.bundle_id,
       coalesce(h.connected_hours, 0) AS connected_hours,
       b.break_even_hours
FROM workspaces w
JOIN break_even b ON b.compute_type_name = w.compute_type_name
LEFT JOIN hours h
  ON h.account_id = w.account_id AND h.region = w.region AND h.workspace_id = w.workspace_id
WHERE w.running_mode = 'ALWAYS_ON'
  AND w.state NOT IN ('PENDING', 'TERMINATING', 'TERMINATED', 'ERROR')
  AND coalesce(h.connected_hours, 0) <= b.break_even_hours
ORDER BY connected_hours, w.account_id, w.region, w.workspace_id;
