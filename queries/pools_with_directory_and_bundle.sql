-- Every pool with its directory and its bundle (a pool whose directory or bundle is gone still shows, with NULLs)
SELECT p.account_id,
       p.region,
       p.pool_name,
       p.pool_id,
       p.state,
       p.running_mode,
       d.directory_id,
       d.workspace_directory_name,
       d.directory_type,
       d.user_identity_type,
       d.state AS directory_state,
       b.bundle_id,
       b.name AS bundle_name,
       b.owner AS bundle_owner,
       b.compute_type
FROM workspaces_pools p
LEFT JOIN workspaces_directories d
       ON d.account_id = p.account_id AND d.region = p.region AND d.directory_id = p.directory_id
LEFT JOIN workspaces_bundles b
       ON b.account_id = p.account_id AND b.region = p.region AND b.bundle_id = p.bundle_id
ORDER BY p.account_id, p.region, p.pool_name;
