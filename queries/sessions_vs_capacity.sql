-- Sessions per pool against its capacity: sessions listed and connected beside desired, actual, active and available
SELECT p.account_id,
       p.region,
       p.pool_name,
       p.pool_id,
       p.state,
       p.desired_user_sessions AS desired,
       p.actual_user_sessions AS actual,
       p.active_user_sessions AS active,
       p.available_user_sessions AS available,
       count(s.session_id) AS sessions,
       count(s.session_id) FILTER (WHERE s.connection_state = 'CONNECTED') AS connected,
       round(100.0 * count(s.session_id) / nullif(p.actual_user_sessions, 0), 1) AS pct_of_actual
FROM workspaces_pools p
LEFT JOIN workspaces_pool_sessions s
       ON s.account_id = p.account_id AND s.region = p.region AND s.pool_id = p.pool_id
GROUP BY p.account_id, p.region, p.pool_name, p.pool_id, p.state, p.desired_user_sessions,
         p.actual_user_sessions, p.active_user_sessions, p.available_user_sessions
ORDER BY pct_of_actual DESC NULLS LAST, p.account_id, p.region, p.pool_name;
