-- Every image, oldest first: its type, state and system, the bundles built on it, and the accounts it is shared with
WITH bundles AS (
    SELECT account_id, region, image_id,
           count(*) AS bundles,
           array_agg(bundle_id ORDER BY bundle_id) AS bundle_ids
    FROM workspaces_bundles
    GROUP BY account_id, region, image_id
),
shares AS (
    SELECT account_id, region, image_id,
           array_agg(shared_account_id ORDER BY shared_account_id) AS shared_with
    FROM workspaces_image_permissions
    GROUP BY account_id, region, image_id
)
SELECT i.created,
       i.account_id,
       i.region,
       i.image_id,
       i.name,
       i.image_type,
       i.owner_account_id,
       i.state,
       i.operating_system_type,
       i.required_tenancy,
       coalesce(b.bundles, 0) AS bundles,
       b.bundle_ids,
       s.shared_with
FROM workspaces_images i
LEFT JOIN bundles b
       ON b.account_id = i.account_id AND b.region = i.region AND b.image_id = i.image_id
LEFT JOIN shares s
       ON s.account_id = i.account_id AND s.region = i.region AND s.image_id = i.image_id
ORDER BY i.created, i.account_id, i.region, i.image_id;
