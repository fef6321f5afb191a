-- Pools whose session timeouts are missing or outside sensible ranges, with what is wrong.
--
-- Sensible here (the API allows wider):
--   disconnect_timeout_in_seconds       300 .. 14400  (5 min .. 4 h): shorter drops users on a network blip,
--                                                      longer holds sessions nobody returns to
--   idle_disconnect_timeout_in_seconds  300 .. 3600   (5 min .. 1 h): 0 or missing never frees idle sessions
--   max_user_duration_in_seconds        3600 .. 86400 (1 h .. 24 h)
SELECT
    region,
    pool_name,
    pool_id,
    disconnect_timeout_in_seconds,
    idle_disconnect_timeout_in_seconds,
    max_user_duration_in_seconds,
    findings
FROM (
    SELECT
        *,
        concat_ws('; ',
            CASE
                WHEN disconnect_timeout_in_seconds IS NULL THEN 'disconnect timeout not set'
                WHEN disconnect_timeout_in_seconds < 300 THEN 'disconnect timeout under 5 min'
                WHEN disconnect_timeout_in_seconds > 14400 THEN 'disconnect timeout over 4 h'
            END,
            CASE
                WHEN idle_disconnect_timeout_in_seconds IS NULL THEN 'idle disconnect not set'
                WHEN idle_disconnect_timeout_in_seconds = 0 THEN 'idle disconnect disabled'
                WHEN idle_disconnect_timeout_in_seconds < 300 THEN 'idle disconnect under 5 min'
                WHEN idle_disconnect_timeout_in_seconds > 3600 THEN 'idle disconnect over 1 h'
            END,
            CASE
                WHEN max_user_duration_in_seconds IS NULL THEN 'max session duration not set'
                WHEN max_user_duration_in_seconds < 3600 THEN 'max session duration under 1 h'
                WHEN max_user_duration_in_seconds > 86400 THEN 'max session duration over 24 h'
            END
        ) AS findings
    FROM workspaces_pools
)
WHERE findings <> ''
ORDER BY region, pool_name;
