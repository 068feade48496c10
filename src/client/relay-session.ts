/**
 * RelaySession is the client side of `hearth connect`: lines from the IDE go to a Hearth session
 * over WebSocket and back, unchanged. When the session drops (idle close, Hearth restart, network)
 * it reconnects with exponential backoff and jitter and re-establishes the MCP session by replaying
 * the IDE's `initialize` (its duplicate answer is swallowed) and `notifications/initialized`;
 * requests that were in flight fail with a JSON-RPC error instead of hanging.
 */
export interface RelayOptions {
  url: string;
  /** write sends one line to the IDE (stdout). */
  write: (line: string) => void;
  /** log writes a diagnostic (stderr only: stdout belongs to the protocol). */
  log: (text: string) => void;
  pingMs?: number;
  maxBackoffMs?: number;
  /** maxAttempts bounds consecutive failed reconnects before giving up. */
  maxAttempts?: number;
  /** onFirstFailure explains a session that never opened (bad key, unknown server, bad config). */
  onFirstFailure?: () => Promise<void>;
}

type Id = string | number;
const PING_PREFIX = "hearth-ping-";
// Close codes after which reconnecting can't help: policy (revoked key), unsupported data, too big.
const FINAL_CODES = new Set([1003, 1008, 1009]);

function parse(line: string): { id?: Id; method?: string; result?: unknown; error?: unknown } | undefined {
  try {
    const m = JSON.parse(line) as unknown;
    return typeof m === "object" && m !== null && !Array.isArray(m) ? (m as { id?: Id; method?: string }) : undefined;
  } catch {
    return undefined;
  }
}

export class RelaySession {
  private ws: WebSocket | undefined;
  private open = false;
  private queue: string[] = [];
  private readonly inflight = new Set<Id>();
  private initialize: { line: string; id: Id } | undefined;
  private initialized: string | undefined;
  private swallowId: Id | undefined;
  /** initAnswered: the IDE has its initialize answer, so a replay's answer must be hidden. */
  private initAnswered = false;
  private attempts = 0;
  private everOpened = false;
  private closed = false;
  private pingTimer: Timer | undefined;
  private pingSeq = 0;
  /** done resolves when the relay ends for good (stdin EOF, or reconnecting gave up). */
  readonly done: Promise<number>;
  private finish: (code: number) => void = () => {};

  constructor(private readonly o: RelayOptions) {
    this.done = new Promise((resolve) => (this.finish = resolve));
    this.connect();
    this.pingTimer = setInterval(() => this.ping(), o.pingMs ?? 30_000);
  }

  /** fromIde relays one line from the IDE, remembering what a reconnect must replay. */
  fromIde(line: string): void {
    if (!line.trim()) return;
    const m = parse(line);
    if (m?.method === "initialize" && m.id !== undefined) this.initialize = { line, id: m.id };
    if (m?.method === "notifications/initialized") this.initialized = line;
    if (m?.method !== undefined && m.id !== undefined) this.inflight.add(m.id);
    this.send(line);
  }

  /** close ends the relay (the IDE closed stdin). */
  close(): void {
    this.closed = true;
    clearInterval(this.pingTimer);
    this.ws?.close(1000, "client done");
    this.finish(0);
  }

  private send(line: string): void {
    if (this.open && this.ws) this.ws.send(line);
    else this.queue.push(line);
  }

  private ping(): void {
    if (this.open) this.ws?.send(JSON.stringify({ jsonrpc: "2.0", id: `${PING_PREFIX}${++this.pingSeq}`, method: "ping" }));
  }

  private connect(): void {
    const ws = new WebSocket(this.o.url, ["mcp"]);
    this.ws = ws;
    ws.onopen = () => {
      this.open = true;
      this.everOpened = true;
      const replaying = this.attempts > 0 && this.initialize;
      this.attempts = 0;
      if (replaying && this.initialize) {
        // A fresh server session: initialize it as the IDE did, and hide the second answer.
        // If the session dropped before answering, the IDE still waits for that answer: let it through.
        this.swallowId = this.initAnswered ? this.initialize.id : undefined;
        ws.send(this.initialize.line);
        if (this.initialized) ws.send(this.initialized);
        this.o.log("hearth connect: reconnected; the MCP session was re-established");
      }
      for (const line of this.queue.splice(0)) ws.send(line);
    };
    ws.onmessage = (e) => {
      const line = String(e.data);
      const m = parse(line);
      if (m?.id !== undefined && m.method === undefined) {
        if (typeof m.id === "string" && m.id.startsWith(PING_PREFIX)) return;
        if (this.swallowId !== undefined && m.id === this.swallowId) {
          this.swallowId = undefined;
          return;
        }
        this.inflight.delete(m.id);
        if (m.id === this.initialize?.id) this.initAnswered = true;
      }
      this.o.write(line);
    };
    ws.onclose = (e) => {
      this.open = false;
      if (this.closed) return;
      // Requests the lost session was working on will never be answered: say so rather than hang.
      for (const id of this.inflight) {
        if (this.initialize && id === this.initialize.id && this.swallowId === undefined) continue;
        this.o.write(JSON.stringify({ jsonrpc: "2.0", id, error: { code: -32000, message: `the connection to Hearth was lost (${e.code}${e.reason ? `: ${e.reason}` : ""}); retry the request` } }));
      }
      this.inflight.clear();
      if (!this.everOpened) {
        // Never connected: retrying won't fix a wrong URL, key or config; say which and stop.
        clearInterval(this.pingTimer);
        void (this.o.onFirstFailure?.() ?? Promise.resolve()).finally(() => this.finish(2));
        return;
      }
      if (FINAL_CODES.has(e.code)) {
        this.o.log(`hearth connect: the server closed the session (${e.code} ${e.reason}); not reconnecting`);
        clearInterval(this.pingTimer);
        this.finish(1);
        return;
      }
      this.reconnect(e.code, e.reason);
    };
    ws.onerror = () => {
      // onclose follows with the code; nothing to add here.
    };
  }

  private reconnect(code: number, reason: string): void {
    this.attempts++;
    if (this.attempts > (this.o.maxAttempts ?? 8)) {
      this.o.log(`hearth connect: giving up after ${this.attempts - 1} reconnect attempts (last close ${code} ${reason})`);
      clearInterval(this.pingTimer);
      this.finish(1);
      return;
    }
    const base = Math.min(this.o.maxBackoffMs ?? 10_000, 250 * 2 ** (this.attempts - 1));
    const delay = base / 2 + Math.random() * (base / 2);
    this.o.log(`hearth connect: connection closed (${code}${reason ? ` ${reason}` : ""}); reconnecting in ${Math.round(delay)} ms`);
    setTimeout(() => this.connect(), delay);
  }
}
