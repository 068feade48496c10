import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { ToolListing } from "./snapshots.ts";

/** ProbeResult is a listing, or the reason there is none (needsConfig when credentials seem missing). */
export type ProbeResult = (ToolListing & { ok: true }) | { ok: false; needsConfig: boolean; error: string };

// Servers that need credentials usually say so when started without them; these words in the
// failure mark the snapshot "needs configuration" rather than "broken" (Smithery's lazy loading).
const CREDENTIALS_HINT = /api[ _-]?key|token|credential|secret|password|auth|unauthori[sz]ed|forbidden|required|missing|not set|env/i;

async function listAll<T>(fetchPage: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string }>, maxPages = 20): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < maxPages; i++) {
    const page = await fetchPage(cursor);
    all.push(...page.items);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return all;
}

/**
 * probeTools connects to a server started with no config, lists its tools, prompts and resources
 * (each only if the server declares the capability), and closes the connection. It never throws:
 * failures come back as a result, with `stderrTail` folded into the message when given.
 */
export async function probeTools(transport: Transport, opts: { timeoutMs?: number; stderrTail?: () => string } = {}): Promise<ProbeResult> {
  const timeout = opts.timeoutMs ?? 20_000;
  // Loaded on first probe: the SDK client builds its zod schemas at import, which would cost
  // every start-up of Hearth tens of milliseconds for something only deploys use.
  const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
  const client = new Client({ name: "hearth-probe", version: "1" }, { capabilities: {} });
  const reqOpts = { timeout };
  try {
    await client.connect(transport, reqOpts);
    const caps = client.getServerCapabilities() ?? {};
    const tools = caps.tools ? await listAll(async (cursor) => {
      const r = await client.listTools({ cursor }, reqOpts);
      return { items: r.tools as unknown[], nextCursor: r.nextCursor };
    }) : [];
    const prompts = caps.prompts ? await listAll(async (cursor) => {
      const r = await client.listPrompts({ cursor }, reqOpts);
      return { items: r.prompts as unknown[], nextCursor: r.nextCursor };
    }) : [];
    const resources = caps.resources ? await listAll(async (cursor) => {
      const r = await client.listResources({ cursor }, reqOpts);
      return { items: r.resources as unknown[], nextCursor: r.nextCursor };
    }) : [];
    return { ok: true, tools, prompts, resources };
  } catch (e) {
    const tail = opts.stderrTail?.().trim() ?? "";
    const message = `${(e as Error).message}${tail ? `\n${tail.slice(-2000)}` : ""}`;
    return { ok: false, needsConfig: CREDENTIALS_HINT.test(message), error: message };
  } finally {
    await client.close().catch(() => undefined);
  }
}
