-- Which pools are closest to running out of sessions: available against desired and actual capacity, worst headroom first.
--
-- headroom_pct is the share of the pool's actual (provisioned) sessions still free for new users.
-- Pools with no actual capacity (stopped, starting) have no headroom to speak of and come last.
SELECT
    region,
    pool_name,
    pool_id,
    state,
    running_mode,
    desired_user_sessions,
    actual_user_sessions,
    active_user_sessions,
    available_user_sessions,
    desired_user_sessions - actual_user_sessions AS capacity_shortfall,
    CASE
        WHEN actual_user_sessions > 0
        THEN round(100.0 * available_user_sessions / actual_user_sessions, 1)
    END AS headroom_pct
FROM workspaces_pools
ORDER BY headroom_pct ASC NULLS LAST, capacity_shortfall DESC, region, pool_name;
