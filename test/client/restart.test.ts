import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { createApiKey } from "../../src/accounts/api-keys.ts";
import { upsertAdmin } from "../../src/accounts/users.ts";
import { openInstance } from "../../src/db/instance.ts";
import { setDeploymentState } from "../../src/deploy/deployments.ts";
import { normaliseServerJson } from "../../src/registry/manifest-server-json.ts";
import { publishVersion } from "../../src/registry/publish.ts";
import { ROOT, startHearth, type HearthProcess } from "../helpers/hearth-process.ts";
import { FIXTURES } from "../helpers/hosted.ts";
import { serverJson } from "../helpers/registry.ts";
import { tempDir } from "../helpers/temp.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// A data dir with an admin key and the echo fixture deployed, as `hearth serve` will find it.
async function dataDir(): Promise<{ data: string; key: string }> {
  const t = tempDir("hearth-restart-");
  cleanups.push(t.cleanup);
  const data = join(t.path, "data");
  const { dbh } = openInstance(data);
  try {
    const { user } = await upsertAdmin(dbh.db, { email: "ops@example.com", password: "twelve chars!!" });
    const { key } = createApiKey(dbh.db, user.id, { name: "t", scopes: ["read", "connect"] });
    const p = publishVersion(dbh, user, { manifest: normaliseServerJson(serverJson("io.github.test/echo")) });
    setDeploymentState(dbh, p.serverId, "ready", { versionId: p.versionId, installed: { dir: FIXTURES, cached: true, command: [process.execPath, join(FIXTURES, "echo-server.ts")], env: {}, hostVars: {} } });
    return { data, key };
  } finally {
    dbh.close();
  }
}

describe("hearth connect across a Hearth restart", () => {
  for (const transport of ["ws", "http"]) {
    it(`(${transport}) comes back after \`hearth serve\` restarts on the same port, and the next call succeeds`, async () => {
      const { data, key } = await dataDir();
      let hearth: HearthProcess = await startHearth({ data, args: ["--sandbox", "none"] });
      cleanups.push(() => hearth.stop());
      const port = new URL(hearth.url).port;
      const ide = new Client({ name: "ide", version: "1" });
      const stderr: string[] = [];
      const t = new StdioClientTransport({ command: process.execPath, args: [join(ROOT, "src/main.ts"), "connect", `${hearth.url}/io.github.test/echo`, "--key", key, "--transport", transport], env: { PATH: process.env.PATH ?? "/usr/bin", HOME: "/nonexistent" }, stderr: "pipe" });
      t.stderr?.on("data", (d: Buffer) => stderr.push(String(d)));
      await ide.connect(t);
      cleanups.push(() => ide.close());
      expect((await ide.callTool({ name: "echo", arguments: { message: "before" } })).content).toEqual([{ type: "text", text: "before" }]);

      expect(await hearth.stop()).toBe(0);
      hearth = await startHearth({ data, args: ["--sandbox", "none", "--port", port] });
      expect(new URL(hearth.url).port).toBe(port);

      const after = await ide.callTool({ name: "echo", arguments: { message: "after" } });
      expect(after.content).toEqual([{ type: "text", text: "after" }]);
      expect(stderr.join("")).toMatch(/re-?established/);
    }, 60_000);
  }
});
