-- WorkSpaces Pools end of support is 2027-12-31: per pool, its directory and bundle, and whether a PERSONAL directory exists to move its users to
-- A PERSONAL directory "for the same users" is one in the same account and region registered for
-- the same directory (AD domain) name, or with the same user identity type when the pool's has
-- no name. Ids are unique within an account and region, so every join names both.
WITH personal AS (
    SELECT account_id, region, directory_id, directory_name, user_identity_type,
           coalesce(workspace_directory_name, directory_name, directory_id) AS label
    FROM workspaces_directories
    WHERE workspace_type = 'PERSONAL'
),
targets AS (
    SELECT p.account_id, p.region, p.pool_id,
           count(pe.directory_id) AS personal_directories,
           string_agg(pe.label, ', ') AS candidates
    FROM workspaces_pools p
    LEFT JOIN workspaces_directories d
           ON d.account_id = p.account_id AND d.region = p.region
          AND d.directory_id = p.directory_id
    LEFT JOIN personal pe
           ON pe.account_id = p.account_id AND pe.region = p.region
          AND (pe.directory_name = d.directory_name
               OR (d.directory_name IS NULL AND pe.user_identity_type = d.user_identity_type))
    GROUP BY p.account_id, p.region, p.pool_id
)
SELECT p.account_id,
       p.region,
       p.pool_name,
       p.pool_id,
       p.state,
       p.active_user_sessions,
       d.directory_id,
       d.workspace_directory_name,
       d.directory_name,
       d.user_identity_type,
       b.name AS bundle_name,
       b.compute_type,
       t.personal_directories > 0 AS personal_target_exists,
       t.candidates AS personal_directories
FROM workspaces_pools p
JOIN targets t USING (account_id, region, pool_id)
LEFT JOIN workspaces_directories d
       ON d.account_id = p.account_id AND d.region = p.region AND d.directory_id = p.directory_id
LEFT JOIN workspaces_bundles b
       ON b.account_id = p.account_id AND b.region = p.region AND b.bundle_id = p.bundle_id
ORDER BY personal_target_exists, p.active_user_sessions DESC, p.account_id, p.region, p.pool_name;
