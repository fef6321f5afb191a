-- IP access control groups with a rule admitting any address (0.0.0.0/0 or ::/0), with each directory they are attached to (NULL: attached to none yet)
-- A directory names its groups in ip_group_ids; ids are unique within an account and region,
-- so the join names both.
WITH rules AS (
    SELECT account_id, region, group_id, group_name, unnest(user_rules) AS rule
    FROM workspaces_ip_groups
),
open_rules AS (
    SELECT account_id, region, group_id, group_name,
           rule['ip_rule'] AS ip_rule, rule['rule_desc'] AS rule_desc
    FROM rules
    WHERE rule['ip_rule'] IN ('0.0.0.0/0', '::/0')
),
attachments AS (
    SELECT account_id, region, directory_id, workspace_type,
           coalesce(workspace_directory_name, directory_name, alias) AS directory_label,
           unnest(ip_group_ids) AS group_id
    FROM workspaces_directories
)
SELECT o.account_id,
       o.region,
       o.group_id,
       o.group_name,
       o.ip_rule,
       o.rule_desc,
       a.directory_id,
       a.directory_label AS directory_name,
       a.workspace_type
FROM open_rules o
LEFT JOIN attachments a
       ON a.account_id = o.account_id AND a.region = o.region AND a.group_id = o.group_id
ORDER BY a.directory_id IS NULL, o.account_id, o.region, o.group_id, a.directory_id;
