-- Personal WorkSpaces nobody has connected to for more than 30 days, or ever: user, bundle, running mode and directory, least recently used first
-- Ids are unique within an account and region, so every join names both. A WorkSpace the
-- connection status does not know (none answered for it) counts as never connected.
SELECT w.account_id,
       w.region,
       w.workspace_id,
       w.user_name,
       w.state,
       c.connection_state,
       c.last_known_user_connection_timestamp AS last_connection,
       CAST(floor((to_unixtime(now()) - to_unixtime(c.last_known_user_connection_timestamp)) / 86400) AS BIGINT) AS days_idle,
       w.bundle_id,
       b.name AS bundle_name,
       w.running_mode,
       w.directory_id,
       coalesce(d.workspace_directory_name, d.directory_name, d.alias) AS directory_name
FROM workspaces w
LEFT JOIN workspaces_connection_status c
       ON c.account_id = w.account_id AND c.region = w.region AND c.workspace_id = w.workspace_id
LEFT JOIN workspaces_bundles b
       ON b.account_id = w.account_id AND b.region = w.region AND b.bundle_id = w.bundle_id
LEFT JOIN workspaces_directories d
       ON d.account_id = w.account_id AND d.region = w.region AND d.directory_id = w.directory_id
WHERE c.last_known_user_connection_timestamp IS NULL
   OR c.last_known_user_connection_timestamp < now() - INTERVAL '30 days'
ORDER BY last_connection NULLS FIRST, w.account_id, w.region, w.workspace_id;
