import { join } from "node:path";
import { startHosting, type Hosting } from "../../src/bridge/hosting.ts";
import type { DeploymentSettings } from "../../src/db/schema.ts";
import { setDeploymentState } from "../../src/deploy/deployments.ts";
import { createApp } from "../../src/http/app.ts";
import type { AppContext } from "../../src/http/context.ts";
import { startServer, type RunningServer } from "../../src/http/server.ts";
import { normaliseServerJson } from "../../src/registry/manifest-server-json.ts";
import { publishVersion } from "../../src/registry/publish.ts";
import { testContext } from "./app.ts";
import { adminWithKey, serverJson } from "./registry.ts";
import { tempDir } from "./temp.ts";

/** FIXTURES is test/fixtures, where the tiny MCP servers live. */
export const FIXTURES = join(import.meta.dir, "..", "fixtures");

/** HostedInstance is a real listening Hearth with a supervisor, an admin key, and cleanup. */
export interface HostedInstance {
  ctx: AppContext;
  hosting: Hosting;
  server: RunningServer;
  key: string;
  wsUrl(name: string, query?: string): string;
  httpUrl(name: string, query?: string): string;
  /** deployFixture publishes a server and marks it deployed with a fixture script as its command. */
  deployFixture(name: string, script: string, manifest?: Record<string, unknown>, settings?: Partial<DeploymentSettings>): void;
  close(): Promise<void>;
}

/** startHosted starts Hearth on port 0 over a temp data dir (sandbox off unless asked). */
export async function startHosted(flags: Record<string, string> = {}): Promise<HostedInstance> {
  const dir = tempDir("hearth-hosted-");
  const ctx = testContext({ data: dir.path, sandbox: "none", ...flags });
  const hosting = await startHosting(ctx);
  const server = startServer(ctx, createApp(ctx), hosting.upgrader);
  ctx.config = { ...ctx.config, publicUrl: server.url };
  const { user, key } = await adminWithKey(ctx, ["read", "connect", "publish"]);
  return {
    ctx,
    hosting,
    server,
    key,
    wsUrl: (name, query = "") => `${server.url.replace(/^http/, "ws")}/${name}/ws${query ? `?${query}` : ""}`,
    httpUrl: (name, query = "") => `${server.url}/${name}/mcp${query ? `?${query}` : ""}`,
    deployFixture(name, script, manifest = {}, settings = {}) {
      const p = publishVersion(ctx.dbh, user, { manifest: normaliseServerJson(serverJson(name, manifest)) });
      const installed = { dir: FIXTURES, cached: true, command: [process.execPath, join(FIXTURES, script)], env: {}, hostVars: {} };
      const row = setDeploymentState(ctx.dbh, p.serverId, "ready", { versionId: p.versionId, installed });
      if (Object.keys(settings).length) {
        ctx.dbh.sqlite.query("UPDATE deployments SET settings = ? WHERE id = ?").run(JSON.stringify({ ...row.settings, ...settings }), row.id);
      }
    },
    async close() {
      await server.stop(200);
      await hosting.stop();
      ctx.dbh.close();
      dir.cleanup();
    },
  };
}
