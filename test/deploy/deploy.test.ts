import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HELLO, packFixture } from "../fixtures/installer/build.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { serverJson } from "../helpers/registry.ts";
import { tempDir } from "../helpers/temp.ts";
import { itOnline } from "../helpers/online.ts";

// Installs go to the npm registry for dependencies; this machine's TLS needs its CA passed through,
// which is exactly the operator's --pass-env setting.
const PASS_ENV = "NODE_EXTRA_CA_CERTS,SSL_CERT_FILE,HTTPS_PROXY,HTTP_PROXY,NO_PROXY";
const EVERYTHING = join(import.meta.dir, "../../node_modules/@modelcontextprotocol/server-everything");

let h: HostedInstance;
const packs = tempDir("hearth-packs-");
let helloTgz: string;
let everythingTgz: string;

beforeAll(async () => {
  h = await startHosted({ "pass-env": PASS_ENV });
  mkdirSync(join(packs.path, "hello"));
  mkdirSync(join(packs.path, "everything"));
  helloTgz = packFixture(HELLO, join(packs.path, "hello"));
  everythingTgz = packFixture(EVERYTHING, join(packs.path, "everything"));
}, 60_000);
afterAll(async () => {
  await h.close();
  packs.cleanup();
});

async function publishWithArtifact(doc: Record<string, unknown>, tgz: string) {
  const form = new FormData();
  form.set("file", new Blob([JSON.stringify(doc)]), "server.json");
  form.set("artifact", Bun.file(tgz), "package.tgz");
  return fetch(`${h.server.url}/api/v1/servers`, { method: "POST", body: form, headers: { authorization: `Bearer ${h.key}` } });
}

async function deployWithEvents(name: string): Promise<{ phase: string; step?: string; message?: string; tools?: number }[]> {
  const r = await fetch(`${h.server.url}/api/v1/servers/${name}/deploy`, { method: "POST", headers: { authorization: `Bearer ${h.key}`, accept: "text/event-stream" } });
  expect(r.headers.get("content-type")).toContain("text/event-stream");
  const text = await r.text();
  return text.split("\n\n").flatMap((block) => block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6))));
}

describe("deploy", () => {
  // Both resolve their dependencies' manifests from the registry (bun's cache keeps only tarballs).
  itOnline("installs an uploaded npm tarball, probes its tools, and streams progress to ready", async () => {
    const published = await publishWithArtifact(
      serverJson("io.github.test/hello", { packages: [{ registryType: "npm", identifier: "hearth-fixture-hello", version: "1.0.0", transport: { type: "stdio" } }] }),
      helloTgz,
    );
    expect(published.status).toBe(201);
    const events = await deployWithEvents("io.github.test/hello");
    expect(events[0]!.phase).toBe("queued");
    expect(events.some((e) => e.phase === "install")).toBe(true);
    expect(events.some((e) => e.phase === "probing")).toBe(true);
    expect(events.at(-1)).toMatchObject({ phase: "ready", tools: 1, message: "deployed with 1 tool" });
    const state = await (await fetch(`${h.server.url}/api/v1/servers/io.github.test/hello/deployment`, { headers: { authorization: `Bearer ${h.key}` } })).json();
    expect(state.state).toBe("ready");
    const detail = await (await fetch(`${h.server.url}/api/v1/servers/io.github.test/hello`)).json();
    expect(detail.isDeployed).toBe(true);
    expect(detail.tools.map((t: { name: string }) => t.name)).toEqual(["hello"]);
    const logs = await (await fetch(`${h.server.url}/api/v1/servers/io.github.test/hello/logs`, { headers: { authorization: `Bearer ${h.key}` } })).json();
    expect(logs.lines.some((l: { text: string }) => l.text.includes("hello-server ready"))).toBe(true);
    // What is left is the warm pool (one spawned, unused child), nothing else.
    expect(h.hosting.supervisor.count()).toBe(h.hosting.supervisor.poolStats().idle);
    expect(h.hosting.supervisor.poolStats().idle).toBe(1);
  }, 120_000);

  itOnline("deploys @modelcontextprotocol/server-everything and serves tools/list through a WebSocket session", async () => {
    const pkg = JSON.parse(readFileSync(join(EVERYTHING, "package.json"), "utf8")) as { version: string };
    const published = await publishWithArtifact(
      serverJson("io.github.test/everything", {
        packages: [{ registryType: "npm", identifier: "@modelcontextprotocol/server-everything", version: pkg.version, transport: { type: "stdio" }, packageArguments: [{ type: "positional", value: "stdio" }] }],
      }),
      everythingTgz,
    );
    expect(published.status).toBe(201);
    const events = await deployWithEvents("io.github.test/everything");
    expect(events.at(-1)).toMatchObject({ phase: "ready" });
    const before = h.hosting.supervisor.poolStats();
    const client = new Client({ name: "t", version: "1" });
    await client.connect(new WebSocketClientTransport(new URL(h.wsUrl("io.github.test/everything", `api_key=${h.key}`))));
    expect(h.hosting.supervisor.poolStats().hits).toBe(before.hits + 1);
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toContain("echo");
    const r = await client.callTool({ name: "echo", arguments: { message: "through hearth" } });
    expect(JSON.stringify(r.content)).toContain("through hearth");
    await client.close();
  }, 180_000);

  it("refuses a deploy by a key without the publish scope, and of an unknown server", async () => {
    const unknown = await fetch(`${h.server.url}/api/v1/servers/io.github.test/nothing/deploy`, { method: "POST", headers: { authorization: `Bearer ${h.key}` } });
    expect(unknown.status).toBe(404);
    const anon = await fetch(`${h.server.url}/api/v1/servers/io.github.test/hello/deploy`, { method: "POST" });
    expect(anon.status).toBe(401);
  });

  it("marks a package that fails to install as failed, with the installer's error", async () => {
    const bogus = join(packs.path, "bogus.tgz");
    await Bun.write(bogus, "this is not a tarball");
    await publishWithArtifact(serverJson("io.github.test/broken", { packages: [{ registryType: "npm", identifier: "hearth-fixture-broken", version: "1.0.0", transport: { type: "stdio" } }] }), bogus);
    const events = await deployWithEvents("io.github.test/broken");
    const last = events.at(-1)!;
    expect(last.phase).toBe("failed");
    expect(last.message!.length).toBeGreaterThan(10);
    const state = await (await fetch(`${h.server.url}/api/v1/servers/io.github.test/broken/deployment`, { headers: { authorization: `Bearer ${h.key}` } })).json();
    expect(state).toMatchObject({ state: "failed" });
  }, 60_000);
});
