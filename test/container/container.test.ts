import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { packFixture } from "../fixtures/installer/build.ts";
import { runHearth } from "../helpers/hearth-process.ts";
import { tempDir } from "../helpers/temp.ts";
import { IMAGE, logs, must, podman, PodmanScope, runDetached, top, type Started } from "./podman.ts";

// The image, driven end to end the way an operator runs it: first-run setup through `podman exec`,
// a publish and deploy from a local tarball, an MCP session over the published port, a restart on
// the same volume, and SIGTERM. Runs only when .ci/container.sh (or you) built an image and named it.

const SKIP = IMAGE ? "" : " [skipped: set HEARTH_CONTAINER_IMAGE to a built image; `bash .ci/container.sh` builds one and runs this]";
const WHOAMI = join(import.meta.dir, "../fixtures/container/whoami-server");
const SERVER = "io.github.ct/whoami";
const EMAIL = "ops@example.com";

const scope = new PodmanScope();
const packs = tempDir("hearth-ct-packs-");
let volume: string;
let first: Started;
let key: string;

/** whoami opens a WebSocket MCP session through the container's port and calls the fixture's tool. */
async function whoami(url: string): Promise<{ uid: number; seesDatabase: boolean }> {
  const client = new Client({ name: "container-test", version: "1" });
  await client.connect(new WebSocketClientTransport(new URL(`${url.replace(/^http/, "ws")}/${SERVER}/ws?api_key=${key}`)));
  try {
    const r = await client.callTool({ name: "whoami", arguments: {} });
    const content = r.content as { type: string; text: string }[];
    return JSON.parse(content[0]!.text);
  } finally {
    await client.close();
  }
}

/** exec runs hearth inside the container: the image has no shell, so this is the only way in. */
async function exec(name: string, args: string[]) {
  return podman(["exec", name, "/usr/local/bin/hearth", ...args]);
}

beforeAll(async () => {
  if (!IMAGE) return;
  volume = await scope.volume("data");
  // debug level: the supervisor logs each child it ends, which the SIGTERM test reads.
  first = await runDetached(scope.name("first"), volume, { unmask: true, env: { HEARTH_LOG_LEVEL: "debug" } });
}, 60_000);
afterAll(async () => {
  await scope.cleanup();
  packs.cleanup();
}, 60_000);

describe.skipIf(!IMAGE)(`the image, end to end${SKIP}`, () => {
  it("prints a setup link on first run; admin create and key create work through podman exec", async () => {
    const out = await logs(first.name);
    expect(out).toContain("No administrator yet");
    expect(out).toMatch(/\/setup\?token=/);
    const admin = await exec(first.name, ["admin", "create", "--email", EMAIL, "--password", "twelve chars!!"]);
    expect(admin.code).toBe(0);
    const k = await exec(first.name, ["key", "create", "--user", EMAIL, "--name", "ct", "--scopes", "read,connect,publish"]);
    expect(k.code).toBe(0);
    key = k.stdout.trim().split("\n").at(-1)!;
    expect(key).toMatch(/^hth_/);
  });

  it("runs as uid 10001, passes its HEALTHCHECK, and reports the sandbox active with /proc unmasked", async () => {
    expect((await must(["inspect", first.name, "--format", "{{.Config.User}}"])).trim()).toBe("10001:10001");
    expect(await must(["top", first.name, "huser", "args"])).toMatch(/^10001\s+\/usr\/local\/bin\/hearth serve/m);
    expect((await podman(["healthcheck", "run", first.name])).code).toBe(0);
    const doctor = await exec(first.name, ["doctor"]);
    expect(doctor.stdout).toContain("Server children run sandboxed.");
    expect(await logs(first.name)).toContain("sandbox active");
  });

  it("publishes and deploys a server from a local tarball through the container's port", async () => {
    mkdirSync(join(packs.path, "whoami"));
    const tgz = packFixture(WHOAMI, join(packs.path, "whoami"));
    const pub = await runHearth(["publish", tgz, "--name", SERVER, "--url", first.url, "--key", key]);
    expect(pub.code).toBe(0);
    const dep = await runHearth(["deploy", SERVER, "--url", first.url, "--key", key]);
    expect(dep.stdout + dep.stderr).toContain("ready");
    expect(dep.code).toBe(0);
  }, 120_000);

  it("serves a WebSocket MCP session whose child is sandboxed: no view of the data dir", async () => {
    expect(await whoami(first.url)).toMatchObject({ seesDatabase: false });
  }, 30_000);

  it("stops on SIGTERM with exit 0, ending every child itself first, an open session's included", async () => {
    const session = new Client({ name: "container-test", version: "1" });
    await session.connect(new WebSocketClientTransport(new URL(`${first.url.replace(/^http/, "ws")}/${SERVER}/ws?api_key=${key}`)));
    const closed = new Promise<void>((resolve) => (session.onclose = resolve));
    const before = await top(first.name);
    const hearth = before.find((p) => p.args.startsWith("/usr/local/bin/hearth serve"));
    expect(hearth).toBeDefined();
    const children = before.filter((p) => p.ppid === hearth!.pid);
    expect(children.length).toBeGreaterThanOrEqual(2); // the open session's child and the warm pool's
    await must(["kill", "--signal", "TERM", first.name]);
    expect((await must(["wait", first.name], 30_000)).trim()).toBe("0");
    await closed;
    const out = await logs(first.name);
    const stopping = out.indexOf('"msg":"stopping"');
    const stopped = out.indexOf('"msg":"stopped"');
    expect(stopping).toBeGreaterThan(0);
    expect(stopped).toBeGreaterThan(stopping);
    const ended = out.slice(stopping, stopped).split('"msg":"session child ended"').length - 1;
    expect(ended).toBeGreaterThanOrEqual(children.length);
    for (const p of before) expect(existsSync(`/proc/${p.hpid}`)).toBe(false);
  }, 60_000);

  it("keeps everything on the volume across a new container: admin, key, deployment", async () => {
    const again = await runDetached(scope.name("again"), volume, { unmask: true });
    expect(await logs(again.name)).not.toContain("No administrator yet");
    const state = await (await fetch(`${again.url}/api/v1/servers/${SERVER}/deployment`, { headers: { authorization: `Bearer ${key}` } })).json();
    expect(state.state).toBe("ready");
    expect(await whoami(again.url)).toMatchObject({ seesDatabase: false });
    await must(["stop", "-t", "10", again.name]);
    expect((await must(["inspect", again.name, "--format", "{{.State.ExitCode}}"])).trim()).toBe("0");
  }, 60_000);

  it("without /proc unmasked: says so in the logs and doctor, and keeps serving unsandboxed", async () => {
    const masked = await runDetached(scope.name("masked"), volume);
    const out = await logs(masked.name);
    expect(out).toContain("sandbox unavailable");
    expect(out).toContain("unmask=/proc/*");
    const doctor = await exec(masked.name, ["doctor"]);
    expect(doctor.stdout).toMatch(/no +bubblewrap +not usable: bwrap: Can't mount proc.*unmask=\/proc\/\*/);
    expect(doctor.stdout).toContain("Server children run WITHOUT a sandbox");
    // What still works: the session, under resource limits and parent-death signals (and so it sees /data).
    expect(await whoami(masked.url)).toMatchObject({ uid: 10001, seesDatabase: true });
    await must(["stop", "-t", "10", masked.name]);
    expect((await must(["inspect", masked.name, "--format", "{{.State.ExitCode}}"])).trim()).toBe("0");
  }, 60_000);
});
