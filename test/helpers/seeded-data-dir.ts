import { join } from "node:path";
import { createApiKey } from "../../src/accounts/api-keys.ts";
import { upsertAdmin } from "../../src/accounts/users.ts";
import type { DeploymentSettings } from "../../src/db/schema.ts";
import { openInstance } from "../../src/db/instance.ts";
import { setDeploymentState } from "../../src/deploy/deployments.ts";
import { normaliseServerJson } from "../../src/registry/manifest-server-json.ts";
import { publishVersion } from "../../src/registry/publish.ts";
import { FIXTURES } from "./hosted.ts";
import { serverJson } from "./registry.ts";

/**
 * seedDataDir prepares a data dir for a real `hearth serve`: an admin with a key, and one server
 * deployed with a fixture script as its command (no install, so no network). Returns the key
 * (admin-scoped too, so tests can read /metrics).
 */
export async function seedDataDir(dataDir: string, name: string, script: string, settings: Partial<DeploymentSettings> = {}): Promise<string> {
  const { dbh } = openInstance(dataDir);
  try {
    const { user } = await upsertAdmin(dbh.db, { email: "admin@example.com", password: "admin password 1" });
    const { key } = createApiKey(dbh.db, user.id, { name: "test", scopes: ["read", "connect", "publish", "admin"] });
    const p = publishVersion(dbh, user, { manifest: normaliseServerJson(serverJson(name)) });
    const installed = { dir: FIXTURES, cached: true, command: [process.execPath, join(FIXTURES, script)], env: {}, hostVars: {} };
    const row = setDeploymentState(dbh, p.serverId, "ready", { versionId: p.versionId, installed });
    if (Object.keys(settings).length) dbh.sqlite.query("UPDATE deployments SET settings = ? WHERE id = ?").run(JSON.stringify({ ...row.settings, ...settings }), row.id);
    return key;
  } finally {
    dbh.close();
  }
}
