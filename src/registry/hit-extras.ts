// What a result card shows beyond the servers row, read from the latest version in the same query.

/**
 * HIT_EXTRAS selects, for `servers s`, the latest version's npm package name (`npmName`, a title
 * when the manifest has none) and `toolsNote`: why its tools are not listed, when they are not.
 */
export const HIT_EXTRAS = `(SELECT p.value ->> 'identifier' FROM server_versions v, json_each(v.manifest, '$.packages') p
    WHERE v.server_id = s.id AND v.is_latest = 1 AND p.value ->> 'registryType' = 'npm' LIMIT 1) AS npmName,
  (SELECT CASE
      WHEN v.not_deployable_reason IS NOT NULL THEN v.not_deployable_reason
      WHEN ts.id IS NULL THEN 'not deployed here yet, so its tools have not been listed'
      WHEN json_array_length(ts.tools) > 0 THEN NULL
      WHEN ts.needs_config THEN 'it lists its tools only once configured'
      WHEN ts.error IS NOT NULL THEN 'listing its tools failed'
    END
    FROM server_versions v LEFT JOIN tool_snapshots ts ON ts.id = (SELECT MAX(id) FROM tool_snapshots WHERE version_id = v.id)
    WHERE v.server_id = s.id AND v.is_latest = 1) AS toolsNote`;
