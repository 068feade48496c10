import type { DbHandle } from "../db/client.ts";
import { getDeployment } from "../deploy/deployments.ts";
import { getVersion, getVersionById } from "../registry/catalog.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";

/** EMPTY_SCHEMA is the schema of a server that takes no config. */
export const EMPTY_SCHEMA: JsonSchemaObject = { type: "object", properties: {} };

/** serverConfigSchema is the schema connections are checked against: the deployed version's, else the latest's. */
export function serverConfigSchema(dbh: DbHandle, serverId: number): JsonSchemaObject {
  const d = getDeployment(dbh, serverId);
  const v = d ? getVersionById(dbh, d.versionId) : getVersion(dbh, serverId, "latest");
  return (v.configSchema ?? EMPTY_SCHEMA) as JsonSchemaObject;
}
