import { afterEach, beforeEach, expect } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnChild } from "../../src/supervisor/child.ts";
import type { Child, SpawnChildOptions } from "../../src/supervisor/child.ts";
import { killMarked } from "../helpers/processes.ts";

/** BUN is the runtime running the tests; fixtures run on it too. */
export const BUN = process.execPath;
/** ROOT is the project root (node_modules lives there, so sandboxed fixtures bind it read-only). */
export const ROOT = join(import.meta.dir, "../..");
/** MARK is the env var every test child carries, so leftovers can be found even after reparenting. */
export const MARK = "HEARTH_TEST_MARK";

/** fixture is the argv running one of test/fixtures with bun. */
export function fixture(name: string, ...args: string[]): string[] {
  return [BUN, join(ROOT, "test/fixtures", name), ...args];
}

/**
 * useChildren gives each test a fresh marker and temp dir and, after it, stops what it spawned and
 * fails the test if any marked process is still alive (then kills it, so the next test starts clean).
 */
export function useChildren() {
  const state = { mark: "", tmp: "", spawned: [] as Child[] };
  beforeEach(() => {
    state.mark = crypto.randomUUID();
    state.tmp = mkdtempSync(join(tmpdir(), "hearth-sup-"));
  });
  afterEach(async () => {
    await Promise.all(state.spawned.map((c) => c.stop({ graceMs: 200 })));
    state.spawned = [];
    const left = await settleMarked(state.mark);
    rmSync(state.tmp, { recursive: true, force: true });
    expect(left.map((p) => `${p.pid} ${p.comm}`)).toEqual([]);
  });
  return {
    get mark() {
      return state.mark;
    },
    get tmp() {
      return state.tmp;
    },
    spawn(opts: SpawnChildOptions): Child {
      const child = spawnChild({ ...opts, env: { [MARK]: state.mark, ...opts.env } });
      state.spawned.push(child);
      return child;
    },
  };
}

// A process SIGKILLed a moment ago may still be exiting; give it a short while before calling it a leak.
async function settleMarked(mark: string) {
  for (let i = 0; i < 50; i++) {
    if (killMarked(MARK, mark).length === 0) return [];
    await Bun.sleep(20);
  }
  return killMarked(MARK, mark);
}

/** Inbox collects a child's messages and lets a test wait for one that matches. */
export class Inbox {
  readonly raw: string[] = [];
  private waiters: { pred: (m: Record<string, unknown>) => boolean; resolve: (m: Record<string, unknown>) => void }[] = [];

  constructor(child: Child) {
    child.on("message", (line) => {
      this.raw.push(line);
      const msg = JSON.parse(line) as Record<string, unknown>;
      const hit = this.waiters.find((w) => w.pred(msg));
      if (hit) {
        this.waiters = this.waiters.filter((w) => w !== hit);
        hit.resolve(msg);
      }
    });
  }

  /** next resolves with the first message (already seen or future) matching pred. */
  next(pred: (m: Record<string, unknown>) => boolean, timeoutMs = 10_000): Promise<Record<string, unknown>> {
    const seen = this.raw.map((l) => JSON.parse(l) as Record<string, unknown>).find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching message within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ pred, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  /** method waits for a notification or request with this method name. */
  method(name: string, timeoutMs?: number): Promise<Record<string, unknown>> {
    return this.next((m) => m.method === name, timeoutMs);
  }
}

/** Rpc speaks raw JSON-RPC lines to a child, the way the bridge does. */
export class Rpc {
  readonly inbox: Inbox;
  private nextId = 1;

  constructor(private readonly child: Child) {
    this.inbox = new Inbox(child);
  }

  /** request sends a request and resolves with its response message. */
  async request(method: string, params: Record<string, unknown> = {}, timeoutMs?: number): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    await this.child.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    return this.inbox.next((m) => m.id === id && !("method" in m), timeoutMs);
  }

  /** notify sends a notification. */
  notify(method: string, params: Record<string, unknown> = {}): Promise<void> {
    return this.child.send(JSON.stringify({ jsonrpc: "2.0", method, params }));
  }

  /** initialize runs the MCP handshake and resolves with the initialize result. */
  async initialize(): Promise<Record<string, unknown>> {
    const res = await this.request("initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "hearth-test", version: "0" },
    });
    await this.notify("notifications/initialized");
    return res;
  }
}
