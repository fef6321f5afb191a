-- Pools whose application settings persistence is disabled, or enabled without an S3 bucket to keep the settings in.
SELECT
    region,
    pool_name,
    pool_id,
    application_settings_status,
    application_settings_group,
    application_settings_s3_bucket_name,
    CASE
        WHEN application_settings_status IS NULL THEN 'not configured (settings lost at sign-out)'
        WHEN application_settings_status <> 'ENABLED' THEN 'disabled (settings lost at sign-out)'
        ELSE 'enabled without an S3 bucket'
    END AS finding
FROM workspaces_pools
-- The parentheses matter: without them the parser reads `IS DISTINCT FROM ('ENABLED' OR ...)`.
WHERE (application_settings_status IS DISTINCT FROM 'ENABLED')
   OR coalesce(application_settings_s3_bucket_name, '') = ''
ORDER BY finding, region, pool_name;
