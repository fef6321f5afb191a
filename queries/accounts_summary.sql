-- Per account and region: pools by state, the sessions they ask for and hold, and the capacity left, most pools first
SELECT
    account_id,
    region,
    count(*) AS pools,
    count(*) FILTER (WHERE state = 'RUNNING') AS running,
    count(*) FILTER (WHERE state IN ('STOPPED', 'STOPPING')) AS stopped,
    count(*) FILTER (WHERE state NOT IN ('RUNNING', 'STOPPED', 'STOPPING')) AS other_states,
    count(*) FILTER (WHERE errors IS NOT NULL AND array_length(errors) > 0) AS with_errors,
    sum(desired_user_sessions) AS desired_sessions,
    sum(active_user_sessions) AS active_sessions,
    sum(available_user_sessions) AS available_sessions
FROM workspaces_pools
GROUP BY account_id, region
ORDER BY pools DESC, account_id, region;
