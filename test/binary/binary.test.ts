import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ROOT, runHearth, startHearth } from "../helpers/hearth-process.ts";
import { tempDir } from "../helpers/temp.ts";

// Builds the real single executable once, then runs it alone in an empty directory.
const build = tempDir("hearth-bin-");
const lonely = tempDir("hearth-lonely-");
const binary = join(lonely.path, "hearth");

beforeAll(() => {
  const out = join(build.path, "hearth");
  const r = Bun.spawnSync(["bun", "build", "--compile", "--minify", "--bytecode", "--format=esm", join(ROOT, "src/main.ts"), "--outfile", out], { cwd: ROOT, stderr: "pipe", stdout: "pipe" });
  if (r.exitCode !== 0) throw new Error(`build failed: ${r.stderr.toString()}`);
  copyFileSync(out, binary);
  Bun.spawnSync(["chmod", "+x", binary]);
  mkdirSync(join(lonely.path, "cwd"));
}, 120_000);
afterAll(() => {
  build.cleanup();
  lonely.cleanup();
});

describe("the compiled binary, alone in an empty directory", () => {
  it("creates its data dir, migrates, serves pages and embedded assets, restarts, and exits 0 on SIGTERM", async () => {
    const cwd = join(lonely.path, "cwd");
    const h = await startHearth({ data: "./hearth-data", cmd: [binary], cwd, env: { PATH: "/nonexistent" } });
    try {
      expect(existsSync(join(cwd, "hearth-data", "hearth.db"))).toBe(true);
      expect((await fetch(`${h.url}/healthz`)).status).toBe(200);
      expect((await (await fetch(`${h.url}/readyz`)).json()).status).toBe("ready");
      const home = await fetch(`${h.url}/`);
      expect(home.status).toBe(200);
      expect(await home.text()).toContain("Hearth");
      const htmx = await fetch(`${h.url}/static/htmx.min.js`);
      expect(htmx.status).toBe(200);
      expect((await htmx.text()).length).toBeGreaterThan(10_000);
      expect((await fetch(`${h.url}/static/app.css`)).status).toBe(200);
    } finally {
      expect(await h.stop()).toBe(0);
    }
    const again = await startHearth({ data: "./hearth-data", cmd: [binary], cwd, env: { PATH: "/nonexistent" } });
    expect((await fetch(`${again.url}/readyz`)).status).toBe(200);
    expect(await again.stop()).toBe(0);
  });

  it("runs CLI commands against its data dir", async () => {
    const data = join(lonely.path, "cli-data");
    const r = await runHearth(["admin", "create", "--data", data, "--email", "bin@example.com", "--password", "binary password"], { cmd: [binary] });
    expect(r.code).toBe(0);
    expect((await runHearth(["version"], { cmd: [binary] })).stdout).toContain("hearth ");
  });
  it("names itself by absolute path in the Connect tab's stdio entries, so an IDE needs no hearth on its PATH", async () => {
    const data = join(lonely.path, "connect-data");
    expect((await runHearth(["admin", "create", "--data", data, "--email", "bin@example.com", "--password", "binary password"], { cmd: [binary] })).code).toBe(0);
    const manifest = join(lonely.path, "server.json");
    const pkg = { registryType: "npm", identifier: "@bin/echo", version: "1.0.0", transport: { type: "stdio" } };
    writeFileSync(manifest, JSON.stringify({ name: "io.github.bin/echo", description: "Echo", version: "1.0.0", packages: [pkg] }));
    expect((await runHearth(["publish", manifest, "--data", data], { cmd: [binary] })).code).toBe(0);
    const h = await startHearth({ data, cmd: [binary], cwd: join(lonely.path, "cwd"), env: { PATH: "/nonexistent" } });
    try {
      const page = await (await fetch(`${h.url}/io.github.bin/echo/connect`)).text();
      // The snippet is JSON inside the page, escaped: the binary's path and then `connect`.
      expect(page).toContain(`&quot;command&quot;: &quot;${binary}&quot;`);
      expect(page).not.toContain("&quot;command&quot;: &quot;hearth&quot;");
    } finally {
      expect(await h.stop()).toBe(0);
    }
  });
});
