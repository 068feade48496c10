// Web UI render time at scale: loads N synthetic servers (default 100,000) into a real on-disk
// SQLite database the way bench/search.ts does, then times whole requests through the app
// (app.handle: routing, the database reads, JSX rendering) for the pages people open most: home,
// search results (full page and the live-search fragment), and a server's tabs. Prints p50/p95.
// Run: bun bench/render.ts [N]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SetupToken } from "../src/accounts/setup-token.ts";
import { upsertAdmin } from "../src/accounts/users.ts";
import { createWebSession } from "../src/accounts/web-sessions.ts";
import { loadConfig } from "../src/config/config.ts";
import { openInstance } from "../src/db/instance.ts";
import { createApp } from "../src/http/app.ts";
import { indexServer, toolsText } from "../src/registry/search-index.ts";
import { configureLogging } from "../src/shared/log.ts";
import { fmtMs, percentile, table } from "./lib/stats.ts";
import { hash, pick, TAGS, VOCAB } from "./lib/synthetic.ts";

configureLogging({ level: "error" });
const N = Number(process.argv[2] ?? 100_000);
const ROUNDS = 60;
const WARMUP = 5;
const TARGET_P95_MS = 30;

// A server page worth rendering: a config schema with every kind of field, and a dozen tools with
// schemas, like a real GitHub server.
const CONFIG_SCHEMA = {
  type: "object",
  required: ["token"],
  properties: {
    token: { type: "string", description: "A personal access token", "x-secret": true },
    org: { type: "string", description: "Default organisation" },
    mode: { enum: ["read", "write", "admin"], default: "read" },
    retries: { type: "integer", minimum: 0, maximum: 10, default: 3 },
    verbose: { type: "boolean", default: false },
    proxy: { type: "object", properties: { url: { type: "string" }, insecure: { type: "boolean" } } },
  },
};
const RICH_TOOLS = Array.from({ length: 12 }, (_, k) => ({
  name: `tool_${k}_${pick(k, 30)}`,
  description: `Does ${pick(k, 31)} things with ${pick(k, 32)}: a description long enough to wrap over a couple of lines in the UI.`,
  inputSchema: {
    type: "object",
    required: ["owner", "repo"],
    properties: {
      owner: { type: "string", description: "Repository owner" },
      repo: { type: "string", description: "Repository name" },
      state: { enum: ["open", "closed", "all"], default: "open" },
      labels: { type: "array", items: { type: "string" } },
      page: { type: "integer", minimum: 1, default: 1 },
    },
  },
}));

const dir = mkdtempSync(join(tmpdir(), "hearth-bench-render-"));
try {
  const { dbh } = openInstance(dir);
  const { user } = await upsertAdmin(dbh.db, { email: "bench@example.com", password: "bench password" });
  const t0 = performance.now();
  const sql = dbh.sqlite;
  const insNs = sql.query("INSERT INTO namespaces (name, kind, owner_user_id) VALUES (?, 'user', ?) RETURNING id");
  const insServer = sql.query(`INSERT INTO servers (namespace_id, qualified_name, title, description, tags, visibility, verified, deployed, use_count)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`);
  const insVersion = sql.query(`INSERT INTO server_versions (server_id, version, source, manifest, server_json, deployable, config_schema, is_latest)
    VALUES (?, '1.0.0', 'server.json', ?, '{}', 1, ?, 1) RETURNING id`);
  const insSnap = sql.query("INSERT INTO tool_snapshots (version_id, tools, prompts, resources, content_hash) VALUES (?, ?, '[]', '[]', 'x')");
  const manifest = JSON.stringify({ runs: { kind: "npm", package: "@bench/server", version: "1.0.0", launch: { args: [], env: [] } }, remotes: [] });
  let pageServer = "";
  sql.transaction(() => {
    const nsIds: number[] = [];
    for (let o = 0; o < Math.min(997, N); o++) nsIds.push((insNs.get(`io.github.owner${o}`, user.id) as { id: number }).id);
    for (let i = 0; i < N; i++) {
      const words = [pick(i, 1), pick(i, 2), pick(i, 3)];
      const name = `io.github.owner${i % 997}/${words[0]}-${words[1]}-${i}`;
      const title = `${words[0]} ${words[1]}`;
      const description = `A ${words.join(" ")}${i % 2 ? " MCP" : ""} server number ${i} for ${pick(i, 4)} and ${pick(i, 5)}`;
      const tags = hash(i, 21) % 10 < 6 ? [TAGS[hash(i, 22) % TAGS.length]!] : [];
      const useCount = Math.floor(100_000 / (1 + (hash(i, 24) % 5000)));
      const id = (insServer.get(nsIds[i % 997]!, name, title, description, JSON.stringify(tags), i % 100 === 0 ? "private" : "public",
        hash(i, 25) % 20 === 0 ? 1 : 0, hash(i, 26) % 33 === 0 ? 1 : 0, useCount) as { id: number }).id;
      const rich = i === Math.floor(N / 2) + 1; // a public one (every 100th is private)
      const versionId = (insVersion.get(id, manifest, JSON.stringify(rich ? CONFIG_SCHEMA : { type: "object", properties: {} })) as { id: number }).id;
      let tools = "";
      if (rich || hash(i, 27) % 5 === 0) {
        const list = rich ? RICH_TOOLS : [{ name: `${pick(i, 8)}_${pick(i, 9)}`, description: `Reads ${pick(i, 10)} data` }, { name: `list_${pick(i, 11)}`, description: "Lists items" }];
        insSnap.run(versionId, JSON.stringify(list));
        tools = toolsText(list);
      }
      if (rich) pageServer = name;
      indexServer(sql, { serverId: id, name, title, description, tags, tools });
    }
  })();
  const loadMs = performance.now() - t0;
  sql.exec("PRAGMA optimize");
  sql.exec("INSERT INTO servers_fts(servers_fts) VALUES('optimize')");

  const ctx = { config: loadConfig({ flags: { port: "0", data: dir }, env: {} }), dbh, setup: new SetupToken(), version: "bench", startedAt: Date.now() };
  const app = createApp(ctx);
  const signedIn = `hearth_session=${createWebSession(dbh.db, user.id).token}`;
  const fragment = { "hx-request": "true", "hx-request-type": "partial" };
  const pages: [string, string, Record<string, string>][] = [
    ["home /", "/", {}],
    ["home, signed in (admin)", "/", { cookie: signedIn }],
    ["search results page /?q=github", "/?q=github", {}],
    ["search, live fragment, q=github docker", "/?q=github%20docker", fragment],
    ["search, filters is:deployed tag:db", "/?q=is%3Adeployed%20tag%3Adb", fragment],
    ["search, sorted by most used", "/?q=server&sort=popular", fragment],
    ["search, sorted by name, owner filter", "/?q=owner%3Aio.github.owner7&sort=name", fragment],
    ["search, page 3 of a broad query", "/?q=server&page=3", fragment],
    ["server page (overview)", `/${pageServer}`, {}],
    ["server tools tab (12 tools)", `/${pageServer}/tools`, {}],
    ["server connect tab (config form)", `/${pageServer}/connect`, {}],
  ];
  const rows: (string | number)[][] = [];
  const all: number[] = [];
  let worstP95 = 0;
  for (const [label, path, headers] of pages) {
    const samples: number[] = [];
    let bytes = 0;
    for (let r = 0; r < WARMUP + ROUNDS; r++) {
      const start = performance.now();
      const res = await app.handle(new Request(`http://localhost${path}`, { headers }));
      const body = await res.text();
      const ms = performance.now() - start;
      if (res.status !== 200) throw new Error(`${path} answered ${res.status}: ${body.slice(0, 200)}`);
      bytes = body.length;
      if (r >= WARMUP) samples.push(ms);
    }
    const p95 = percentile(samples, 95);
    worstP95 = Math.max(worstP95, p95);
    all.push(...samples);
    rows.push([label, fmtMs(percentile(samples, 50)), fmtMs(p95), fmtMs(Math.max(...samples)), `${(bytes / 1024).toFixed(1)} KiB`]);
  }
  dbh.close();
  console.log(`web UI render over ${N.toLocaleString()} servers (loaded in ${(loadMs / 1000).toFixed(1)} s; ${ROUNDS} rounds each after ${WARMUP} warm-up; app.handle, whole request)\n`);
  console.log(table(["page", "p50", "p95", "max", "size"], rows));
  console.log(`\nall pages: p50 ${fmtMs(percentile(all, 50))}, p95 ${fmtMs(percentile(all, 95))}; worst page p95 ${fmtMs(worstP95)} (target <= ${TARGET_P95_MS} ms: ${worstP95 <= TARGET_P95_MS ? "met" : "NOT met"})`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
