-- Pools holding desired sessions that nobody is using (desired capacity, no active users): candidates to scale down or stop.
SELECT
    region,
    pool_name,
    pool_id,
    state,
    running_mode,
    desired_user_sessions,
    actual_user_sessions,
    available_user_sessions,
    coalesce(active_user_sessions, 0) AS active_user_sessions
FROM workspaces_pools
WHERE desired_user_sessions > 0
  AND coalesce(active_user_sessions, 0) = 0
ORDER BY desired_user_sessions DESC, region, pool_name;
