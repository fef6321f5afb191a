-- Every error a pool reports, one row per error, with the pool it belongs to.
SELECT
    region,
    pool_name,
    pool_id,
    state,
    pool_error['error_code'] AS error_code,
    pool_error['error_message'] AS error_message
FROM (
    SELECT region, pool_name, pool_id, state, unnest(errors) AS pool_error
    FROM workspaces_pools
)
ORDER BY region, pool_name, error_code;
