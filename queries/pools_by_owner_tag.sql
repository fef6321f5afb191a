-- Pools per `owner` tag: how many, the capacity they ask for, the sessions they hold, and the bundles they run
WITH sessions AS (
    SELECT account_id, region, pool_id, count(*) AS sessions
    FROM workspaces_pool_sessions
    GROUP BY account_id, region, pool_id
)
SELECT coalesce(p.tags['owner'], '(untagged)') AS owner,
       count(*) AS pools,
       sum(p.desired_user_sessions) AS desired_sessions,
       sum(coalesce(s.sessions, 0)) AS sessions,
       count(DISTINCT p.bundle_id) AS bundles,
       count(DISTINCT b.compute_type) AS compute_types
FROM workspaces_pools p
LEFT JOIN sessions s
       ON s.account_id = p.account_id AND s.region = p.region AND s.pool_id = p.pool_id
LEFT JOIN workspaces_bundles b
       ON b.account_id = p.account_id AND b.region = p.region AND b.bundle_id = p.bundle_id
GROUP BY 1
ORDER BY pools DESC, owner;
