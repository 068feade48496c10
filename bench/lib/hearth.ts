// Shared by benchmarks: a real Hearth with server-everything deployed from a packed tarball, and
// the direct-stdio baseline started with exactly the command Hearth's installer produced.
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { getDeployment } from "../../src/deploy/deployments.ts";
import { findServer } from "../../src/registry/catalog.ts";
import { ANONYMOUS } from "../../src/registry/visibility.ts";
import { startHosted, type HostedInstance } from "../../test/helpers/hosted.ts";
import { serverJson } from "../../test/helpers/registry.ts";
import { tempDir } from "../../test/helpers/temp.ts";
import { packFixture } from "../../test/fixtures/installer/build.ts";
import { track } from "./cleanup.ts";

/** EVERYTHING is the installed devDependency we pack and deploy. */
export const EVERYTHING = join(import.meta.dir, "../../node_modules/@modelcontextprotocol/server-everything");
/** NAME is the bench server's qualified name. */
export const NAME = "io.github.bench/everything";

/** BenchHearth is a hosted Hearth with server-everything deployed, and its start command. */
export interface BenchHearth {
  h: HostedInstance;
  command: string[];
  env: Record<string, string>;
  close(): Promise<void>;
}

/** startBenchHearth deploys server-everything (embedded runtime) on a fresh Hearth. */
export async function startBenchHearth(flags: Record<string, string> = {}): Promise<BenchHearth> {
  // Rate limits off: one client opening thousands of sessions is the load being measured, not abuse.
  const h = await startHosted({ "pass-env": "NODE_EXTRA_CA_CERTS,SSL_CERT_FILE,HTTPS_PROXY,HTTP_PROXY,NO_PROXY", "log-level": "error", "rate-session": "off", "rate-publish": "off", ...flags });
  const packs = tempDir("hearth-bench-pack-");
  mkdirSync(join(packs.path, "p"));
  const tgz = packFixture(EVERYTHING, join(packs.path, "p"));
  const { version } = JSON.parse(readFileSync(join(EVERYTHING, "package.json"), "utf8")) as { version: string };
  const form = new FormData();
  form.set("file", new Blob([JSON.stringify(serverJson(NAME, { packages: [{ registryType: "npm", identifier: "@modelcontextprotocol/server-everything", version, transport: { type: "stdio" }, packageArguments: [{ type: "positional", value: "stdio" }] }] }))]), "server.json");
  form.set("artifact", Bun.file(tgz), "p.tgz");
  const pub = await fetch(`${h.server.url}/api/v1/servers`, { method: "POST", body: form, headers: { authorization: `Bearer ${h.key}` } });
  if (pub.status !== 201) throw new Error(`publish failed: ${await pub.text()}`);
  const dep = await fetch(`${h.server.url}/api/v1/servers/${NAME}/deploy`, { method: "POST", headers: { authorization: `Bearer ${h.key}` } });
  if (!dep.ok) throw new Error(`deploy failed: ${await dep.text()}`);
  const server = findServer(h.ctx.dbh, { ...ANONYMOUS, isAdmin: true }, NAME);
  const installed = getDeployment(h.ctx.dbh, server.id)!.installed!;
  return {
    h,
    command: [...installed.command, "stdio"],
    env: installed.env,
    async close() {
      await h.close();
      packs.cleanup();
    },
  };
}

/** setPoolSize changes the bench server's warm pool (0 = every connect is cold). */
export function setPoolSize(b: BenchHearth, size: number): void {
  setDeploymentSetting(b, "poolSize", size);
}

/** setDeploymentSetting changes one numeric deployment setting of the bench server (e.g. maxSessions). */
export function setDeploymentSetting(b: BenchHearth, key: "poolSize" | "maxSessions" | "idleTimeoutSec", value: number): void {
  b.h.ctx.dbh.sqlite.query(`UPDATE deployments SET settings = json_set(settings, '$.${key}', ?)`).run(value);
}

/** withBenchHearth runs fn against a fresh bench Hearth, registered for cleanup on signals, and closes it. */
export async function withBenchHearth<T>(needles: string[], fn: (b: BenchHearth) => Promise<T>): Promise<T> {
  const b = await startBenchHearth();
  needles.push(b.h.ctx.config.dataDir);
  const untrack = track(() => b.close());
  try {
    return await fn(b);
  } finally {
    untrack();
    await b.close();
  }
}
