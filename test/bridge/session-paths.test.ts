import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { afterEach, describe, expect, it } from "bun:test";
import { chownSync, existsSync, mkdirSync, statSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { sessionRoot } from "../../src/supervisor/session-root.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { descendantsOf, waitUntil } from "../helpers/processes.ts";
import { tempDir } from "../helpers/temp.ts";

// What Chromium appends to its TMPDIR for its singleton socket; sun_path holds 107 bytes and a NUL.
const CHROMIUM_SOCKET = "/org.chromium.Chromium.XXXXXX/SingletonSocket";
const SUN_PATH_MAX = 107;

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  expect(descendantsOf(process.pid)).toEqual([]);
});

async function envOf(h: HostedInstance, name: string, vars: string[]): Promise<Record<string, string>> {
  const client = new Client({ name: "t", version: "1" });
  await client.connect(new WebSocketClientTransport(new URL(h.wsUrl(name, `api_key=${h.key}`))));
  const out: Record<string, string> = {};
  for (const v of vars) {
    const r = (await client.callTool({ name: "env", arguments: { name: v } })) as { content: { text: string }[] };
    out[v] = r.content[0]!.text;
  }
  await client.close();
  return out;
}

describe("session work dirs", () => {
  for (const sandbox of ["none", "auto"] as const) {
    it(`are short enough for a Unix socket under HOME and TMPDIR even with a deep data dir (sandbox ${sandbox})`, async () => {
      const outer = tempDir("hearth-deep-");
      cleanups.push(outer.cleanup);
      const data = join(outer.path, "home/someone/projects/a-rather-long-project-name/deployments/hearth-data");
      mkdirSync(data, { recursive: true });
      const h = await startHosted({ data, sandbox });
      cleanups.push(() => h.close());
      h.deployFixture("io.github.test/env", "env-server.ts", {}, { poolSize: 0 });
      const env = await envOf(h, "io.github.test/env", ["HOME", "TMPDIR"]);
      for (const dir of [env.HOME!, env.TMPDIR!]) {
        expect((dir + CHROMIUM_SOCKET).length).toBeLessThanOrEqual(SUN_PATH_MAX);
        expect(dir.startsWith(data)).toBe(false);
      }
      // The work dir goes with the session.
      expect(await waitUntil(() => !existsSync(env.HOME!), 5000)).toBe(true);
    }, 30_000);
  }
});

describe("sessionRoot", () => {
  const uid = process.getuid!();

  it("makes <base>/hearth-<uid> private to Hearth's uid", () => {
    const base = tempDir("hearth-root-");
    cleanups.push(base.cleanup);
    const got = sessionRoot("/fallback", base.path);
    expect(got).toEqual({ path: join(base.path, `hearth-${uid}`) });
    expect(statSync(got.path).mode & 0o777).toBe(0o700);
  });

  it("falls back to the data dir when the short root is a symlink someone planted", () => {
    const base = tempDir("hearth-root-");
    cleanups.push(base.cleanup);
    mkdirSync(join(base.path, "elsewhere"));
    symlinkSync(join(base.path, "elsewhere"), join(base.path, `hearth-${uid}`));
    const got = sessionRoot("/fallback", base.path);
    expect(got.path).toBe("/fallback");
    expect(got.fallbackReason).toContain("not a directory");
  });

  it.skipIf(uid !== 0)("falls back when the short root belongs to another uid [root only: needs chown]", () => {
    const base = tempDir("hearth-root-");
    cleanups.push(base.cleanup);
    mkdirSync(join(base.path, `hearth-${uid}`));
    chownSync(join(base.path, `hearth-${uid}`), 12345, 12345);
    expect(sessionRoot("/fallback", base.path)).toMatchObject({ path: "/fallback", fallbackReason: expect.stringContaining("uid 12345") });
  });
});
