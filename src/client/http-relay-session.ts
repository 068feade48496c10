/**
 * HttpRelaySession is `hearth connect --transport http`: lines from the IDE are POSTed to a Hearth
 * Streamable HTTP session (MCP 2025-11-25) and every answer, inline SSE or JSON, goes back as a line;
 * a GET stream carries what the server sends on its own. When the session is gone (404 after an
 * idle close or a Hearth restart, or the connection refused while Hearth restarts) it re-establishes
 * the session by replaying the IDE's `initialize` (hiding the second answer) and `initialized`,
 * retrying with exponential backoff and jitter, then resends the message. A request whose answer
 * can no longer come fails with a JSON-RPC error instead of hanging.
 *
 * Written on fetch rather than the SDK's StreamableHTTPClientTransport because a relay must see
 * which POST stream a response was owed on (to fail it) and must pass the IDE's messages through
 * unchanged, which the SDK transport (built for its own Client) doesn't expose.
 */
import { EventSourceParserStream } from "eventsource-parser/stream";
import { parseJsonObject } from "../shared/json-object.ts";
import { plural } from "../shared/plural.ts";

/** HttpRelayOptions configures one relay. */
export interface HttpRelayOptions {
  /** url is the server's `/mcp` endpoint with its `config=`/`profile=` query. */
  url: string;
  key: string;
  write: (line: string) => void;
  log: (text: string) => void;
  pingMs?: number;
  maxBackoffMs?: number;
  maxAttempts?: number;
  /** onFirstFailure explains a session that never opened (the status and body Hearth answered). */
  onFirstFailure?: (status: number, body: unknown) => Promise<void>;
}

type Id = string | number;
type Msg = { id?: Id; method?: string; result?: { protocolVersion?: string } };
const PING_PREFIX = "hearth-ping-";

const parse = (line: string): Msg | undefined => parseJsonObject<Msg>(line);

// Refused means the message never reached Hearth (it is restarting), so resending it is safe.
const refused = (e: unknown) => ["ECONNREFUSED", "ConnectionRefused"].includes((e as { code?: string }).code ?? "");

export class HttpRelaySession {
  private sid: string | undefined;
  private version: string | undefined;
  private initialize: { line: string; id: Id } | undefined;
  private initialized: string | undefined;
  private ready: Promise<boolean> | undefined;
  private readonly inflight = new Set<Id>();
  private swallowId: Id | undefined;
  private everOpened = false;
  private closed = false;
  private get: AbortController | undefined;
  private readonly pingTimer: Timer;
  private pingSeq = 0;
  /** done resolves with the exit code when the relay ends (0 stdin EOF, 1 gave up, 2 never opened). */
  readonly done: Promise<number>;
  private finish: (code: number) => void = () => {};

  constructor(private readonly o: HttpRelayOptions) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.pingTimer = setInterval(() => void this.ping(), o.pingMs ?? 30_000);
  }

  /** fromIde relays one line from the IDE. */
  fromIde(line: string): void {
    const m = parse(line);
    if (!m) return void (line.trim() && this.o.log(`hearth connect: skipped a line from the IDE that is not a JSON-RPC message`));
    if (m.method !== undefined && m.id !== undefined) this.inflight.add(m.id);
    if (m.method === "initialize" && m.id !== undefined) {
      this.initialize = { line, id: m.id };
      this.ready = this.open(false);
      return;
    }
    if (m.method === "notifications/initialized") this.initialized = line;
    void this.deliver(line, m);
  }

  /** close ends the relay (the IDE closed stdin) and the server session with it. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pingTimer);
    this.get?.abort();
    // Clients rarely end sessions; this one does, so Hearth can stop the child now, not at its idle timeout.
    const ended = this.sid ? fetch(this.o.url, { method: "DELETE", headers: this.headers(), signal: AbortSignal.timeout(2000) }).catch(() => undefined) : Promise.resolve();
    void ended.finally(() => this.finish(0));
  }

  private headers(): Record<string, string> {
    return {
      authorization: `Bearer ${this.o.key}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(this.sid ? { "mcp-session-id": this.sid } : {}),
      ...(this.version ? { "mcp-protocol-version": this.version } : {}),
    };
  }

  // Opens (or after a loss re-opens) the server session; resolves false when it can't.
  private async open(replay: boolean): Promise<boolean> {
    const init = this.initialize as { line: string; id: Id };
    for (let attempt = 0; ; attempt++) {
      if (this.closed) return false;
      this.sid = undefined;
      this.version = undefined;
      let r: Response;
      try {
        r = await fetch(this.o.url, { method: "POST", body: init.line, headers: this.headers() });
      } catch (e) {
        if (!this.everOpened) return this.firstFailure(0, { error: (e as Error).message });
        if (!(await this.backoff(attempt, (e as Error).message))) return false;
        continue;
      }
      if (r.ok) {
        this.sid = r.headers.get("mcp-session-id") ?? undefined;
        if (replay) this.swallowId = init.id;
        await this.consume(r, init.id);
        if (!this.everOpened) this.everOpened = true;
        if (replay && this.initialized) {
          await this.deliver(this.initialized, parse(this.initialized) ?? {}, true);
          this.o.log("hearth connect: the session was re-established");
        }
        return true;
      }
      const body = (await r.json().catch(() => undefined)) as unknown;
      if (!this.everOpened) return this.firstFailure(r.status, body);
      if (r.status < 500 || !(await this.backoff(attempt, `HTTP ${r.status}`))) return this.giveUp(`Hearth refused the new session (${r.status})`);
    }
  }

  private async backoff(attempt: number, why: string): Promise<boolean> {
    if (attempt >= (this.o.maxAttempts ?? 8)) return this.giveUp(`gave up after ${plural(attempt, "attempt")} (${why})`);
    const base = Math.min(this.o.maxBackoffMs ?? 10_000, 250 * 2 ** attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    this.o.log(`hearth connect: Hearth is unreachable (${why}); retrying in ${Math.round(delay)} ms`);
    await Bun.sleep(delay);
    return !this.closed;
  }

  private async firstFailure(status: number, body: unknown): Promise<false> {
    if (this.initialize) this.fail(this.initialize.id, "Hearth refused the session");
    clearInterval(this.pingTimer);
    await (this.o.onFirstFailure?.(status, body) ?? Promise.resolve());
    this.finish(2);
    return false;
  }

  private giveUp(why: string): false {
    this.o.log(`hearth connect: ${why}; not reconnecting`);
    for (const id of this.inflight) this.fail(id, "the connection to Hearth was lost");
    clearInterval(this.pingTimer);
    this.finish(1);
    return false;
  }

  // POSTs one message once the session is ready; a lost session is re-opened and the message resent.
  private async deliver(line: string, m: Msg, opening = false): Promise<void> {
    for (let tries = 0; tries < 2; tries++) {
      if (!opening && !(await (this.ready ?? Promise.resolve(true)))) return void (m.id !== undefined && m.method && this.fail(m.id, "there is no session with Hearth"));
      const sid = this.sid;
      let r: Response;
      try {
        r = await fetch(this.o.url, { method: "POST", body: line, headers: this.headers() });
      } catch (e) {
        if (!refused(e)) return void (m.id !== undefined && m.method && this.fail(m.id, `the connection to Hearth was lost (${(e as Error).message}); retry the request`));
        this.lost(sid);
        continue;
      }
      if (r.status === 404 && sid) {
        await r.body?.cancel();
        this.lost(sid);
        continue;
      }
      if (!r.ok) {
        const body = (await r.json().catch(() => undefined)) as { error?: string } | undefined;
        return void (m.id !== undefined && m.method && this.fail(m.id, `Hearth answered ${r.status}${body?.error ? `: ${body.error}` : ""}`));
      }
      if (m.method === "notifications/initialized") this.listen();
      return this.consume(r, m.method !== undefined ? m.id : undefined);
    }
  }

  // The session `sid` is gone: start re-opening it (once, however many messages noticed).
  private lost(sid: string | undefined): void {
    if (sid !== undefined && sid !== this.sid) return;
    this.get?.abort();
    this.sid = undefined;
    this.ready = this.open(true);
  }

  // Relays a POST's answer (JSON or an SSE stream); a request whose answer never came is failed.
  private async consume(r: Response, owed: Id | undefined): Promise<void> {
    const type = r.headers.get("content-type") ?? "";
    try {
      if (type.includes("text/event-stream") && r.body) {
        const events = r.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
        for await (const ev of events) if (ev.data) this.fromServer(ev.data);
      } else if (type.includes("application/json")) {
        this.fromServer(await r.text());
      } else {
        await r.body?.cancel();
      }
    } catch {
      // the stream broke: handled below like an answer that never came
    }
    if (owed !== undefined && this.inflight.has(owed) && owed !== this.swallowId) this.fail(owed, "the connection to Hearth was lost before the answer came; retry the request");
  }

  // The GET stream: what the server sends outside any request (notifications, server requests).
  private listen(): void {
    this.get?.abort();
    const ctl = new AbortController();
    this.get = ctl;
    void (async () => {
      try {
        const r = await fetch(this.o.url, { method: "GET", headers: { ...this.headers(), accept: "text/event-stream" }, signal: ctl.signal });
        if (r.ok && r.body) {
          const events = r.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
          for await (const ev of events) if (ev.data) this.fromServer(ev.data);
        } else await r.body?.cancel();
      } catch {
        // aborted, or Hearth went away: the next message re-opens the session
      }
    })();
  }

  private fromServer(line: string): void {
    const m = parse(line);
    if (m?.id !== undefined && m.method === undefined) {
      if (typeof m.id === "string" && m.id.startsWith(PING_PREFIX)) return;
      if (m.id === this.initialize?.id && m.result?.protocolVersion) this.version = m.result.protocolVersion;
      if (this.swallowId !== undefined && m.id === this.swallowId) {
        this.swallowId = undefined;
        return;
      }
      this.inflight.delete(m.id);
    }
    this.o.write(line);
  }

  private fail(id: Id, message: string): void {
    if (!this.inflight.delete(id)) return;
    this.o.write(JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32000, message } }));
  }

  private async ping(): Promise<void> {
    if (!this.sid || this.closed) return;
    const line = JSON.stringify({ jsonrpc: "2.0", id: `${PING_PREFIX}${++this.pingSeq}`, method: "ping" });
    const r = await fetch(this.o.url, { method: "POST", body: line, headers: this.headers() }).catch(() => undefined);
    await r?.body?.cancel().catch(() => undefined);
  }
}
