import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import type { Principal } from "../accounts/principal.ts";
import { keyStillValid } from "../accounts/api-keys.ts";
import { canStillConnect, openSession } from "../bridge/session-open.ts";
import type { AppContext } from "../http/context.ts";
import { AppError, isAppError } from "../shared/app-error.ts";
import { logger } from "../shared/log.ts";
import { AccessRecheck } from "../relay/access-recheck.ts";
import { encodeConfig } from "../client/config-encoding.ts";
import { PlaygroundEnd } from "./playground-end.ts";

const log = logger("playground");

/** PlaygroundSession is one page visit's live MCP session with a deployed server. */
export interface PlaygroundSession {
  id: string;
  userId: number;
  serverKey: string;
  /** configKey tells whether a new config needs a new session. */
  configKey: string;
  client: Client;
  /** tools as the running server listed them (for servers that list none without config). */
  tools: unknown[] | undefined;
  lastUsed: number;
  timer: Timer | undefined;
}

/** PlaygroundOptions bound the sessions: idle time, and how many a user and the instance may hold. */
export interface PlaygroundOptions {
  idleMs: number;
  perUser: number;
  total: number;
  callTimeoutMs: number;
}

/** DEFAULT_PLAYGROUND closes a forgotten tab's session after 5 minutes idle, like a client session. */
export const DEFAULT_PLAYGROUND: PlaygroundOptions = { idleMs: 5 * 60_000, perUser: 4, total: 40, callTimeoutMs: 60_000 };

/** PAGE_ID is the shape of a page visit's id (random, made when the page is rendered). */
export const PAGE_ID = /^[A-Za-z0-9_-]{16,64}$/;

/** newPageId makes a page visit's id. */
export function newPageId(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64url");
}

/**
 * PlaygroundSessions keeps the playground's server-side MCP sessions, one per page visit, keyed by
 * a random id the page carries. A session is a supervisor lease (opened as a client session is,
 * so auth, visibility, deployment state, config validation and limits are the bridge's own) driven
 * by the SDK client over a PlaygroundEnd, so the relay core applies the deployment's limits, access
 * re-checks, usage and drain as for any client session. It ends when the page says goodbye, after
 * idleMs, or when the core ends it (child exit, max age); the core releases the lease exactly once.
 */
export class PlaygroundSessions {
  private readonly sessions = new Map<string, PlaygroundSession>();

  constructor(private readonly ctx: AppContext, private readonly opts: PlaygroundOptions = DEFAULT_PLAYGROUND) {}

  /** size is how many sessions are open. */
  get size(): number {
    return this.sessions.size;
  }

  /** find returns the visit's session if it belongs to this user and server. */
  find(id: string, userId: number, serverKey: string): PlaygroundSession | undefined {
    const s = this.sessions.get(id);
    return s && s.userId === userId && s.serverKey === serverKey ? s : undefined;
  }

  /** session returns the visit's session for this config (over the caller's `profile`, if chosen), opening (or reopening) it as needed; beforeOpen may refuse a new one (rate limits). */
  async session(id: string, principal: Principal, serverKey: string, config: Record<string, unknown>, profile = "", beforeOpen?: () => void): Promise<PlaygroundSession> {
    if (!PAGE_ID.test(id)) throw new AppError("bad_request", "this playground page has no valid session id; reload it");
    if (principal.kind !== "session") throw new AppError("unauthorized", "sign in to use the playground");
    const userId = principal.user.id;
    const configKey = JSON.stringify([profile, config]);
    const existing = this.sessions.get(id);
    if (existing && (existing.userId !== userId || existing.serverKey !== serverKey)) throw new AppError("forbidden", "this playground session belongs to another page");
    if (existing?.configKey === configKey) {
      this.touch(existing);
      return existing;
    }
    beforeOpen?.();
    if (existing) await this.close(id, "configuration changed");
    this.makeRoom(userId);
    const params = new URLSearchParams(Object.keys(config).length ? { config: encodeConfig(config) } : {});
    if (profile) params.set("profile", profile);
    const opened = await openSession(this.ctx, principal, serverKey, params);
    const { keyId } = opened;
    const access = new AccessRecheck((now) => (keyId === undefined || keyStillValid(this.ctx.dbh.db, keyId, now)) && canStillConnect(this.ctx, opened.userId, serverKey));
    const transport = new PlaygroundEnd(opened, { usage: this.ctx.usage, sessions: this.ctx.sessions, access });
    const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
    const client = new Client({ name: "hearth-playground", version: this.ctx.version }, { capabilities: {} });
    try {
      await client.connect(transport, { timeout: 30_000 });
    } catch (e) {
      await transport.close().catch(() => undefined);
      const tail = opened.lease.child.logs.tail(10, "stderr").map((l) => l.text).join("\n");
      throw new AppError("unavailable", `the server did not start a session: ${(e as Error).message}${tail ? `\n${tail}` : ""}`.slice(0, 4000), { cause: e });
    }
    const s: PlaygroundSession = { id, userId, serverKey, configKey, client, tools: undefined, lastUsed: Date.now(), timer: undefined };
    this.sessions.set(id, s);
    // A child that exits (crash, max age) ends the session; the next run opens a new one.
    client.onclose = () => {
      if (this.sessions.get(id) === s) this.forget(s);
    };
    this.touch(s);
    log.info("playground session opened", { server: serverKey, user: userId });
    return s;
  }

  /** callTool runs one tool and measures it; protocol errors come back as AppErrors with the server's message. */
  async callTool(s: PlaygroundSession, name: string, args: Record<string, unknown>): Promise<{ result: Record<string, unknown>; ms: number }> {
    this.touch(s);
    const started = performance.now();
    try {
      const result = (await s.client.callTool({ name, arguments: args }, undefined, { timeout: this.opts.callTimeoutMs })) as Record<string, unknown>;
      return { result, ms: performance.now() - started };
    } catch (e) {
      if (isAppError(e)) throw e;
      // A child that died mid-call: the relay core failed the call with its stderr tail, shown here.
      const tail = (e as { data?: { stderrTail?: unknown } }).data?.stderrTail;
      const detail = typeof tail === "string" && tail ? `\n${tail}` : "";
      throw new AppError("unavailable", `the call failed after ${Math.round(performance.now() - started)} ms: ${(e as Error).message}${detail}`.slice(0, 4000), { cause: e, extra: { ms: performance.now() - started } });
    } finally {
      this.touch(s);
    }
  }

  /** listTools asks the running server for its tools (and keeps them for the page's tool picker). */
  async listTools(s: PlaygroundSession): Promise<unknown[]> {
    this.touch(s);
    const r = await s.client.listTools(undefined, { timeout: this.opts.callTimeoutMs });
    s.tools = r.tools;
    return r.tools;
  }

  /** close ends one visit's session (the page was left); unknown ids are ignored. */
  async close(id: string, reason = "page closed", userId?: number): Promise<void> {
    const s = this.sessions.get(id);
    if (!s || (userId !== undefined && s.userId !== userId)) return;
    this.forget(s);
    await s.client.close().catch(() => undefined);
    log.info("playground session closed", { server: s.serverKey, reason });
  }

  /** closeAll ends every session (shutdown, tests). */
  async closeAll(): Promise<void> {
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id, "shutting down")));
  }

  private forget(s: PlaygroundSession): void {
    clearTimeout(s.timer);
    this.sessions.delete(s.id);
  }

  private touch(s: PlaygroundSession): void {
    s.lastUsed = Date.now();
    clearTimeout(s.timer);
    s.timer = setTimeout(() => void this.close(s.id, "idle"), this.opts.idleMs);
    s.timer.unref?.();
  }

  // Past the limits, the least recently used session goes: an abandoned tab, most likely.
  private makeRoom(userId: number): void {
    const mine = [...this.sessions.values()].filter((s) => s.userId === userId);
    const oldest = (list: PlaygroundSession[]) => list.reduce<PlaygroundSession | undefined>((a, b) => (!a || b.lastUsed < a.lastUsed ? b : a), undefined);
    if (mine.length >= this.opts.perUser) void this.close(oldest(mine)!.id, "too many sessions for one user");
    else if (this.sessions.size >= this.opts.total) void this.close(oldest([...this.sessions.values()])!.id, "too many playground sessions");
  }
}
