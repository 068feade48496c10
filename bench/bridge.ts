// Bridge overhead, side by side in one run: 2,000 sequential `echo` calls to server-everything
// direct over stdio vs through Hearth's WebSocket and Streamable HTTP endpoints (same child
// runtime: the embedded bun), and connect-to-initialized cold vs from the warm pool.
// Run: bun bench/bridge.ts [calls] (`bun run bench` runs these with peers and rounds)
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { configureLogging } from "../src/shared/log.ts";
import { connectTimes } from "./lib/connect.ts";
import { NAME, startBenchHearth } from "./lib/hearth.ts";
import { hearthWs } from "./lib/paths.ts";
import { fmtMs, percentile, table } from "./lib/stats.ts";

configureLogging({ level: "error" });
const CALLS = Number(process.argv[2] ?? 2000);

async function echoLatencies(transport: Transport, calls: number): Promise<number[]> {
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(transport);
  for (let i = 0; i < 50; i++) await client.callTool({ name: "echo", arguments: { message: "warm-up" } });
  const out: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await client.callTool({ name: "echo", arguments: { message: `hello ${i}` } });
    out.push(performance.now() - t0);
  }
  await client.close();
  return out;
}

const b = await startBenchHearth();
try {
  const rows: (string | number)[][] = [];
  const direct = await echoLatencies(new StdioClientTransport({ command: b.command[0]!, args: b.command.slice(1), env: { PATH: process.env.PATH ?? "", ...b.env } }), CALLS);
  const base = percentile(direct, 50);
  const add = (label: string, s: number[], target: string) => rows.push([label, fmtMs(percentile(s, 50)), fmtMs(percentile(s, 99)), `${(percentile(s, 50) / base).toFixed(2)}x`, target]);
  add("direct stdio (SDK client -> embedded bun child)", direct, "1.00x");
  add("Hearth WebSocket /ws", await echoLatencies(new WebSocketClientTransport(new URL(b.h.wsUrl(NAME, `api_key=${b.h.key}`))), CALLS), "<= 1.15x");
  try {
    add("Hearth Streamable HTTP /mcp", await echoLatencies(new StreamableHTTPClientTransport(new URL(b.h.httpUrl(NAME)), { requestInit: { headers: { authorization: `Bearer ${b.h.key}` } } }), CALLS), "<= 2x");
  } catch (e) {
    rows.push(["Hearth Streamable HTTP /mcp", "n/a", "n/a", "n/a", `failed: ${(e as Error).message.slice(0, 60)}`]);
  }
  console.log(`bridge overhead: ${CALLS} sequential echo calls to server-everything (medians; ratio = median / direct median)\n`);
  console.log(table(["path", "median", "p99", "ratio", "target"], rows));
  const cold = await connectTimes(b, hearthWs(b), 10, 0);
  const warm = await connectTimes(b, hearthWs(b), 10, 1);
  console.log("\nconnect to initialized over WebSocket (10 connects each)\n");
  console.log(table(["mode", "median", "min", "max", "target"], [
    ["cold (spawn + load + initialize)", fmtMs(percentile(cold, 50)), fmtMs(Math.min(...cold)), fmtMs(Math.max(...cold)), "<= 250 ms"],
    ["warm pool (pre-spawned child)", fmtMs(percentile(warm, 50)), fmtMs(Math.min(...warm)), fmtMs(Math.max(...warm)), "<= 30 ms"],
  ]));
} finally {
  await b.close();
}
