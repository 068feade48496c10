// Registry search at scale: loads N synthetic servers (default 100,000) into a real on-disk
// SQLite database, then prints p50/p99 search latency in-process (with the FTS index as loaded and
// optimized) and over HTTP, side by side,
// and a per-query breakdown so a slow query shape is visible by name.
// Run: bun bench/search.ts [N]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SetupToken } from "../src/accounts/setup-token.ts";
import { upsertAdmin } from "../src/accounts/users.ts";
import { loadConfig } from "../src/config/config.ts";
import { openInstance } from "../src/db/instance.ts";
import { createApp } from "../src/http/app.ts";
import { startServer } from "../src/http/server.ts";
import { indexServer, toolsText } from "../src/registry/search-index.ts";
import { searchServers } from "../src/registry/search.ts";
import { ANONYMOUS } from "../src/registry/visibility.ts";
import { configureLogging } from "../src/shared/log.ts";
import { fmtMs, percentile, table } from "./lib/stats.ts";
import { hash, pick, TAGS, VOCAB } from "./lib/synthetic.ts";

configureLogging({ level: "error" });
const N = Number(process.argv[2] ?? 100_000);
const ROUNDS = 30;

// ORIGINAL is the list this bench started with; the rest add query shapes a search box sees:
// words that match nearly everything (every official name starts io.github; every description
// says "server"), letters and short prefixes as someone types, filters with and without words.
const ORIGINAL = ["github", "post", "weather maps", "slack email", "owner:io.github.owner7 git", "is:deployed redis", "tag:db",
  "kubernetes docker terraform", "a", "vector rag", "zzzz-no-match"];
const QUERIES = [
  ...ORIGINAL,
  "mcp server", "github issues", "server", "s", "we", "", "owner:io.github.owner7", "tag:db postgres", "is:verified",
  "is:deployed", "is:deployed github", "tag:ai server",
];

const dir = mkdtempSync(join(tmpdir(), "hearth-bench-search-"));
try {
  const { dbh } = openInstance(dir);
  const { user } = await upsertAdmin(dbh.db, { email: "bench@example.com", password: "bench password" });
  // The loader writes rows directly (publishVersion's manifest checks cost ~1 ms a server and
  // aren't what is measured) but indexes through indexServer, the same writer publish uses.
  const t0 = performance.now();
  const sql = dbh.sqlite;
  const insNs = sql.query("INSERT INTO namespaces (name, kind, owner_user_id) VALUES (?, 'user', ?) RETURNING id");
  const insServer = sql.query(`INSERT INTO servers (namespace_id, qualified_name, title, description, tags, visibility, verified, deployed, use_count)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`);
  const insVersion = sql.query(`INSERT INTO server_versions (server_id, version, source, manifest, server_json, deployable, is_latest)
    VALUES (?, '1.0.0', 'server.json', '{}', '{}', 1, 1) RETURNING id`);
  const insSnap = sql.query("INSERT INTO tool_snapshots (version_id, tools, prompts, resources, content_hash) VALUES (?, ?, '[]', '[]', 'x')");
  sql.transaction(() => {
    const nsIds: number[] = [];
    for (let o = 0; o < Math.min(997, N); o++) nsIds.push((insNs.get(`io.github.owner${o}`, user.id) as { id: number }).id);
    for (let i = 0; i < N; i++) {
      const words = [pick(i, 1), pick(i, 2), pick(i, 3)];
      const name = `io.github.owner${i % 997}/${words[0]}-${words[1]}-${i}`;
      const title = `${words[0]} ${words[1]}`;
      const description = `A ${words.join(" ")}${i % 2 ? " MCP" : ""} server number ${i} for ${pick(i, 4)} and ${pick(i, 5)}`;
      const tags = hash(i, 21) % 10 < 6 ? [TAGS[hash(i, 22) % TAGS.length]!, TAGS[hash(i, 23) % TAGS.length]!].filter((t, k, a) => a.indexOf(t) === k) : [];
      // Popularity is skewed like a real catalog: a few servers get most of the use.
      const useCount = Math.floor(100_000 / (1 + (hash(i, 24) % 5000)));
      const id = (insServer.get(nsIds[i % 997]!, name, title, description, JSON.stringify(tags), i % 100 === 0 ? "private" : "public",
        hash(i, 25) % 20 === 0 ? 1 : 0, hash(i, 26) % 33 === 0 ? 1 : 0, useCount) as { id: number }).id;
      const versionId = (insVersion.get(id) as { id: number }).id;
      let tools = "";
      if (hash(i, 27) % 5 === 0) {
        const list = [{ name: `${pick(i, 8)}_${pick(i, 9)}`, description: `Reads ${pick(i, 10)} data` }, { name: `list_${pick(i, 11)}`, description: "Lists items" }];
        insSnap.run(versionId, JSON.stringify(list));
        tools = toolsText(list);
      }
      indexServer(sql, { serverId: id, name, title, description, tags, tools });
    }
  })();
  const loadMs = performance.now() - t0;
  sql.exec("PRAGMA optimize");

  // Each query runs on pages 1-3, round after round, in process.
  const inProcess = () => {
    const perQuery = new Map<string, number[]>(QUERIES.map((q) => [q, []]));
    for (let round = 0; round < ROUNDS; round++) {
      for (const q of QUERIES) {
        const start = performance.now();
        searchServers(dbh, ANONYMOUS, q, 1 + (round % 3), 20);
        perQuery.get(q)!.push(performance.now() - start);
      }
    }
    return { all: [...perQuery.values()].flat(), perQuery };
  };
  // As loaded, FTS5 keeps the index in several segments (each probe seeks in all of them);
  // 'optimize' merges them into one, as a maintenance job would.
  const segments = (sql.query("SELECT count(DISTINCT segid) AS n FROM servers_fts_idx").get() as { n: number }).n;
  const loaded = inProcess();
  sql.exec("INSERT INTO servers_fts(servers_fts) VALUES('optimize')");
  const { all: inproc, perQuery } = inProcess();
  const ctx = { config: loadConfig({ flags: { port: "0", data: dir }, env: {} }), dbh, setup: new SetupToken(), version: "bench", startedAt: Date.now() };
  const srv = startServer(ctx, createApp(ctx));
  const http: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const q of QUERIES) {
      const start = performance.now();
      const r = await fetch(`${srv.url}/api/v1/servers?q=${encodeURIComponent(q)}&page=${1 + (round % 3)}`);
      await r.arrayBuffer();
      http.push(performance.now() - start);
    }
  }
  await srv.stop(100);
  const totals = QUERIES.map((q) => searchServers(dbh, ANONYMOUS, q, 1, 20));
  const original = ORIGINAL.flatMap((q) => perQuery.get(q)!);
  dbh.close();
  console.log(`registry search over ${N.toLocaleString()} servers (loaded in ${(loadMs / 1000).toFixed(1)} s; ${QUERIES.length} queries x ${ROUNDS} rounds, pages 1-3)\n`);
  console.log(table(["path", "p50", "p99", "max", "target p99"], [
    [`in-process, index as loaded (${segments} segments)`, fmtMs(percentile(loaded.all, 50)), fmtMs(percentile(loaded.all, 99)), fmtMs(Math.max(...loaded.all)), "<= 15 ms"],
    ["in-process, index optimized", fmtMs(percentile(inproc, 50)), fmtMs(percentile(inproc, 99)), fmtMs(Math.max(...inproc)), "<= 15 ms"],
    ["  first 11 queries only", fmtMs(percentile(original, 50)), fmtMs(percentile(original, 99)), fmtMs(Math.max(...original)), ""],
    ["HTTP GET /api/v1/servers", fmtMs(percentile(http, 50)), fmtMs(percentile(http, 99)), fmtMs(Math.max(...http)), ""],
  ]));
  console.log("\nper query (in-process, index optimized)\n");
  console.log(table(["query", "p50", "max", "total"], QUERIES.map((q, k) => {
    const s = perQuery.get(q)!;
    const page = totals[k]! as { total: number; totalExact?: boolean };
    return [JSON.stringify(q), fmtMs(percentile(s, 50)), fmtMs(Math.max(...s)), `${page.total}${page.totalExact === false ? "+" : ""}`];
  })));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
