-- Every pool with what a move off WorkSpaces Pools (end of support 2027-12-31) needs: identity, size, image, directory, settings and errors.
--
-- suggested_wave orders the work: idle pools can be moved or retired first, auto-stop pools
-- next, always-on pools with active users last (they need a planned cut-over).
SELECT
    region,
    account_id,
    pool_id,
    pool_arn,
    pool_name,
    description,
    state,
    running_mode,
    bundle_id,
    directory_id,
    desired_user_sessions,
    actual_user_sessions,
    active_user_sessions,
    application_settings_status,
    application_settings_s3_bucket_name,
    disconnect_timeout_in_seconds,
    idle_disconnect_timeout_in_seconds,
    max_user_duration_in_seconds,
    coalesce(cardinality(errors), 0) AS open_errors,
    created_at,
    CASE
        WHEN coalesce(active_user_sessions, 0) = 0 THEN 1
        WHEN running_mode = 'AUTO_STOP' THEN 2
        ELSE 3
    END AS suggested_wave,
    CAST(floor((to_unixtime(TIMESTAMP '2028-01-01T00:00:00Z') - to_unixtime(now())) / 86400) AS BIGINT)
        AS days_until_end_of_support
FROM workspaces_pools
ORDER BY suggested_wave, region, pool_name;
