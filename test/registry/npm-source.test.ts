import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { serverJsonFromNpm } from "../../src/registry/npm-source.ts";
import { parseNpmSpec } from "../../src/registry/npm-spec.ts";
import { isAppError } from "../../src/shared/app-error.ts";
import { runHearth } from "../helpers/hearth-process.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";

const REGISTRY = "https://registry.npmjs.org";
// The live registry is reachable on developers' machines and in CI; elsewhere these tests say why they skip.
const online = await fetch(`${REGISTRY}/is-number/latest`, { signal: AbortSignal.timeout(8000) })
  .then((r) => r.ok)
  .catch(() => false);
const offlineReason = online ? "" : " (skipped: the npm registry is unreachable from here)";

async function refusal(p: Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("expected a refusal");
}

describe("parseNpmSpec", () => {
  const ok: [string, { name: string; version: string }][] = [
    ["npm:@modelcontextprotocol/server-memory", { name: "@modelcontextprotocol/server-memory", version: "latest" }],
    ["@modelcontextprotocol/server-memory@2026.8.31", { name: "@modelcontextprotocol/server-memory", version: "2026.8.31" }],
    ["  is-number@next ", { name: "is-number", version: "next" }],
    ["https://www.npmjs.com/package/@scope/pkg/v/1.2.3", { name: "@scope/pkg", version: "1.2.3" }],
    ["https://npmjs.com/package/pkg", { name: "pkg", version: "latest" }],
  ];
  for (const [text, want] of ok) it(`reads ${JSON.stringify(text)}`, () => expect(parseNpmSpec(text)).toEqual(want));

  const bad = ["", "npm:", "pkg@", "@scope/pkg@", "@../x", "../../etc/passwd", "http://169.254.169.254/latest", "a b", "pkg@^1.0.0", "pkg@1.0.0/../../x", ".hidden", "node_modules", "@scope/", "Pkg Name", "https://www.npmjs.com/package/%E0", "https://www.npmjs.com/package/ok/v/%ZZ"];
  for (const text of bad) {
    it(`refuses ${JSON.stringify(text)} with a sentence, not a stack`, () => {
      let err: unknown;
      try {
        parseNpmSpec(text);
      } catch (e) {
        err = e;
      }
      expect(isAppError(err) && err.code).toBe("invalid");
      expect((err as Error).message).toContain("is not an npm package");
    });
  }
});

describe("serverJsonFromNpm asks only the configured registry", () => {
  const hits: string[] = [];
  const elsewhere: string[] = [];
  let registry: ReturnType<typeof Bun.serve>;
  let other: ReturnType<typeof Bun.serve>;
  beforeAll(() => {
    other = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: (r) => (elsewhere.push(new URL(r.url).pathname), new Response("no", { status: 500 })) });
    // A registry of our own making: its answers point at another host, which must never be asked.
    registry = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch(r) {
        const path = new URL(r.url).pathname;
        hits.push(path);
        if (path === "/@acme%2fsrv/latest") {
          return Response.json({ name: "@acme/srv", version: "1.0.0", description: "<script>alert(1)</script>", bin: { srv: "i.js" }, dist: { tarball: `${other.url}evil.tgz` } });
        }
        if (path === "/hop/latest") return new Response(null, { status: 302, headers: { location: `${other.url}hop` } });
        return new Response("", { status: 404 });
      },
    });
  });
  afterAll(() => {
    registry.stop(true);
    other.stop(true);
  });
  const opts = () => ({ registry: registry.url.href.replace(/\/$/, ""), passEnv: {} });

  it("makes a server.json from the metadata, fetching nothing from the host the document names", async () => {
    const got = await serverJsonFromNpm(parseNpmSpec("@acme/srv"), opts());
    expect(got.serverJson).toMatchObject({ name: "acme/srv", version: "1.0.0", packages: [{ registryType: "npm", identifier: "@acme/srv", version: "1.0.0", registryBaseUrl: opts().registry }] });
    expect(hits).toContain("/@acme%2fsrv/latest");
    expect(elsewhere).toEqual([]);
  });

  it("does not follow a redirect off the registry", async () => {
    const err = await refusal(serverJsonFromNpm(parseNpmSpec("hop"), opts()));
    expect(err.code).toBe("unavailable");
    expect(elsewhere).toEqual([]);
  });

  it("turns a 404 into a sentence naming the package", async () => {
    const err = await refusal(serverJsonFromNpm(parseNpmSpec("nope"), opts()));
    expect(err.code).toBe("not_found");
    expect(err.message).toBe(`there is no npm package nope on ${opts().registry}`);
  });
});

describe.skipIf(!online)(`hearth publish npm: against the real registry${offlineReason}`, () => {
  let h: HostedInstance;
  beforeAll(async () => {
    h = await startHosted({ passEnv: "NODE_EXTRA_CA_CERTS,SSL_CERT_FILE,HTTPS_PROXY,HTTP_PROXY,NO_PROXY" });
  });
  afterAll(async () => {
    await h.close();
  });
  const publish = (...args: string[]) => runHearth(["publish", ...args, "--url", h.server.url, "--key", h.key], { env: process.env.NODE_EXTRA_CA_CERTS ? { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS } : {} });
  const count = () => (h.ctx.dbh.sqlite.query("SELECT count(*) AS n FROM server_versions").get() as { n: number }).n;

  it(
    "publishes @modelcontextprotocol/server-memory, which deploys and lists its tools to a real SDK client",
    async () => {
      const r = await publish("npm:@modelcontextprotocol/server-memory");
      expect(r.stderr).toContain("server.json made from the package's metadata");
      expect(r.code).toBe(0);
      const name = "io.github.modelcontextprotocol/server-memory";
      expect(r.stdout).toContain(`published ${name}@`);
      const deploy = await fetch(`${h.server.url}/api/v1/servers/${name}/deploy`, { method: "POST", headers: { authorization: `Bearer ${h.key}`, accept: "text/event-stream" } });
      const events = (await deploy.text()).split("\n").filter((l) => l.startsWith("data: ")).map((l) => JSON.parse(l.slice(6)) as { phase: string });
      expect(events.at(-1)).toMatchObject({ phase: "ready" });
      const client = new Client({ name: "npm-test", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(new URL(h.httpUrl(name)), { requestInit: { headers: { authorization: `Bearer ${h.key}` } } }));
      const tools = (await client.listTools()).tools.map((t) => t.name);
      await client.close();
      expect(tools).toContain("create_entities");
    },
    180_000,
  );

  it("refuses an unknown package, a missing version, a package with no bin and a malformed name, storing nothing", async () => {
    const before = count();
    const unknown = await publish("npm:@hearth-test-nonexistent/no-such-package-zz");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("there is no npm package @hearth-test-nonexistent/no-such-package-zz on https://registry.npmjs.org");
    const version = await publish("npm:@modelcontextprotocol/server-memory@0.0.1-nope");
    expect(version.stderr).toMatch(/@modelcontextprotocol\/server-memory has no version or tag 0\.0\.1-nope \(its latest is \S+\)/);
    const noBin = await publish("npm:is-number");
    expect(noBin.code).toBe(2);
    expect(noBin.stderr).toContain('has no "bin" in its package.json, so there is no command to start it as a stdio MCP server');
    const malformed = await publish("npm:../../admin");
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("is not a valid npm package name");
    for (const r of [unknown, version, noBin, malformed]) expect(r.stderr).not.toContain("    at ");
    expect(count()).toBe(before);
  });

  it("--dry-run prints the server.json and stores nothing", async () => {
    const before = count();
    const r = await runHearth(["publish", "npm:@modelcontextprotocol/server-memory", "--dry-run", "--name", "acme/memory"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ name: "acme/memory", packages: [{ identifier: "@modelcontextprotocol/server-memory" }] });
    expect(count()).toBe(before);
  });
});

describe("serverJsonFromNpm bounds what it reads", () => {
  let registry: ReturnType<typeof Bun.serve>;
  beforeAll(() => {
    // A registry that answers a version document with a body that never ends.
    registry = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      fetch: () => {
        const chunk = new TextEncoder().encode(`"${"x".repeat(64 * 1024)}",`);
        let timer: Timer | undefined;
        const body = new ReadableStream<Uint8Array>({
          start(c) {
            c.enqueue(new TextEncoder().encode("["));
            timer = setInterval(() => c.enqueue(chunk), 1);
          },
          cancel() {
            clearInterval(timer);
          },
        });
        return new Response(body, { headers: { "content-type": "application/json" } });
      },
    });
  });
  afterAll(() => registry.stop(true));

  it("stops reading a metadata document at its size limit instead of buffering it whole", async () => {
    const e = await refusal(serverJsonFromNpm(parseNpmSpec("endless@1.0.0"), { registry: `http://127.0.0.1:${registry.port}`, passEnv: {}, timeoutMs: 5000 }));
    expect(isAppError(e) && e.code).toBe("too_large");
  });
});
