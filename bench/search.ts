// Registry search at scale: loads N synthetic servers (default 100,000) into a real on-disk
// SQLite database, then prints p50/p99 search latency in-process and over HTTP, side by side.
// Run: bun bench/search.ts [N]
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SetupToken } from "../src/accounts/setup-token.ts";
import { upsertAdmin } from "../src/accounts/users.ts";
import { loadConfig } from "../src/config/config.ts";
import { openInstance } from "../src/db/instance.ts";
import { servers } from "../src/db/schema.ts";
import { createApp } from "../src/http/app.ts";
import { startServer } from "../src/http/server.ts";
import { normaliseServerJson } from "../src/registry/manifest-server-json.ts";
import { publishVersion } from "../src/registry/publish.ts";
import { searchServers } from "../src/registry/search.ts";
import { ANONYMOUS } from "../src/registry/visibility.ts";
import { configureLogging } from "../src/shared/log.ts";
import { fmtMs, percentile, table } from "./lib/stats.ts";

configureLogging({ level: "error" });
const N = Number(process.argv[2] ?? 100_000);
const VOCAB = ("github gitlab postgres mysql sqlite redis mongo slack discord email calendar weather maps search browser files " +
  "memory notes docs jira linear notion figma stripe shopify aws azure gcp kubernetes docker terraform sentry datadog grafana " +
  "prometheus openai anthropic translate pdf image audio video youtube spotify twitter reddit news finance crypto stocks " +
  "analytics crm salesforce hubspot zendesk twilio sms whatsapp telegram rss scraper crawler fetch http api graphql rest " +
  "vector embeddings rag knowledge wiki obsidian todo tasks time timezone math python javascript rust go shell git").split(" ");
const pick = (i: number, k: number) => VOCAB[(i * 2654435761 + k * 40503) % VOCAB.length]!;

const dir = mkdtempSync(join(tmpdir(), "hearth-bench-search-"));
try {
  const { dbh } = openInstance(dir);
  const { user } = await upsertAdmin(dbh.db, { email: "bench@example.com", password: "bench password" });
  const base = normaliseServerJson({ name: "io.github.bench/template", description: "template", version: "1.0.0", packages: [{ registryType: "npm", identifier: "@bench/template", version: "1.0.0", transport: { type: "stdio" } }] });
  let t0 = performance.now();
  dbh.sqlite.transaction(() => {
    for (let i = 0; i < N; i++) {
      const words = [pick(i, 1), pick(i, 2), pick(i, 3)];
      const manifest = { ...base, name: `io.github.owner${i % 997}/${words[0]}-${words[1]}-${i}`, title: `${words[0]} ${words[1]}`, description: `A ${words.join(" ")} server number ${i} for ${pick(i, 4)} and ${pick(i, 5)}` };
      publishVersion(dbh, user, { manifest });
    }
    dbh.db.update(servers).set({ useCount: 1 }).run();
  })();
  const loadMs = performance.now() - t0;
  dbh.sqlite.exec("PRAGMA optimize; INSERT INTO servers_fts(servers_fts) VALUES('optimize');");

  const queries = ["github", "post", "weather maps", "slack email", "owner:io.github.owner7 git", "is:deployed redis", "tag:db", "kubernetes docker terraform", "a", "vector rag", "zzzz-no-match"];
  const inproc: number[] = [];
  for (let round = 0; round < 30; round++) {
    for (const q of queries) {
      t0 = performance.now();
      searchServers(dbh, ANONYMOUS, q, 1 + (round % 3), 20);
      inproc.push(performance.now() - t0);
    }
  }
  const ctx = { config: loadConfig({ flags: { port: "0", data: dir }, env: {} }), dbh, setup: new SetupToken(), version: "bench", startedAt: Date.now() };
  const srv = startServer(ctx, createApp(ctx));
  const http: number[] = [];
  for (let round = 0; round < 30; round++) {
    for (const q of queries) {
      t0 = performance.now();
      const r = await fetch(`${srv.url}/api/v1/servers?q=${encodeURIComponent(q)}&page=${1 + (round % 3)}`);
      await r.arrayBuffer();
      http.push(performance.now() - t0);
    }
  }
  await srv.stop(100);
  dbh.close();
  console.log(`registry search over ${N.toLocaleString()} servers (loaded in ${(loadMs / 1000).toFixed(1)} s; ${queries.length} queries x 30 rounds)\n`);
  console.log(table(["path", "p50", "p99", "max", "target p99"], [
    ["in-process searchServers", fmtMs(percentile(inproc, 50)), fmtMs(percentile(inproc, 99)), fmtMs(Math.max(...inproc)), "<= 15 ms"],
    ["HTTP GET /api/v1/servers", fmtMs(percentile(http, 50)), fmtMs(percentile(http, 99)), fmtMs(Math.max(...http)), ""],
  ]));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
