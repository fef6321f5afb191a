-- How many pools each region has in each state, with their desired and active sessions.
SELECT
    region,
    state,
    count(*) AS pools,
    sum(desired_user_sessions) AS desired_user_sessions,
    sum(active_user_sessions) AS active_user_sessions
FROM workspaces_pools
GROUP BY region, state
ORDER BY region, state;
