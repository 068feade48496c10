import { AppError } from "../shared/app-error.ts";
import { logger } from "../shared/log.ts";
import type { Child, ChildEndState, ChildEvents, ChildState } from "./child.ts";
import type { LogRing } from "./log-ring.ts";
import { parseJsonObject } from "../shared/json-object.ts";

const log = logger("supervisor.shared");

type Id = string | number;
type Msg = { jsonrpc?: string; id?: Id | null; method?: string; params?: Record<string, unknown>; result?: unknown; error?: unknown };

/** Route remembers which session sent a request the child is working on, and under what id. */
interface Route {
  session: SessionChannel;
  id: Id;
  /** token is the rewritten progress token the request carried, forgotten with its answer. */
  token?: number;
}

/**
 * SharedChild lets one STDIO child serve many client sessions (session policy `shared`, for servers
 * the operator marks stateless). Each session talks to its own SessionChannel, which satisfies the
 * same Child contract the bridge already relays through, so WS, Streamable HTTP and the playground
 * need no change. Between them and the child, ids are rewritten:
 *
 * - a session's request gets a fresh numeric id on the child; the answer goes back to that session
 *   alone, under its own id (so ids that collide across sessions never mix);
 * - progress tokens are rewritten the same way, and `notifications/cancelled` follows its request;
 * - `initialize` reaches the child once: its result is cached and answered to every later session
 *   (under that session's id), and `notifications/initialized` is passed on once;
 * - a request from the child (sampling, elicitation, roots, ping) goes to the session with the most
 *   recent request still in flight — the likeliest cause — else to the most recently active session,
 *   under a rewritten id whose answer is mapped back; other notifications (logs, list changes) go to all;
 * - nothing skips the rewriting: a line the router can't read is refused to its session, and a child
 *   answer to no id we issued (id null) is dropped.
 */
export class SharedChild {
  private readonly sessions = new Set<SessionChannel>();
  private readonly toSession = new Map<number, Route>();
  private readonly serverRequests = new Map<number, Route>();
  private readonly progress = new Map<number, { session: SessionChannel; token: Id }>();
  private nextId = 1;
  private initialized: { result: unknown } | undefined;
  private initializing: { childId: number; waiters: Route[] } | undefined;
  private initializedSent = false;
  private paused = 0;

  constructor(
    readonly child: Child,
    /** sandboxed says whether the child runs under bubblewrap (reported on every session's lease). */
    readonly sandboxed: boolean,
    private readonly onEmpty: () => void,
  ) {
    child.on("message", (line) => this.fromChild(line));
    void child.ended.then((end) => {
      for (const s of [...this.sessions]) s.end(end);
      this.sessions.clear();
    });
  }

  /** size is the number of attached sessions. */
  get size(): number {
    return this.sessions.size;
  }

  /** alive says the child can still take sessions. */
  get alive(): boolean {
    return this.child.state.state === "running";
  }

  /** attach opens a channel for one more session on this child. */
  attach(label: string): SessionChannel {
    const s = new SessionChannel(this, `${this.child.label}/${label}`);
    this.sessions.add(s);
    return s;
  }

  /** detach ends one session: the child is told to cancel what it was still doing for it. */
  detach(s: SessionChannel, reason: string): void {
    if (!this.sessions.delete(s)) return;
    for (const [childId, route] of this.toSession) {
      if (route.session !== s) continue;
      this.toSession.delete(childId);
      this.write({ jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: childId, reason: `the client session ended: ${reason}` } });
    }
    for (const [childId, route] of this.serverRequests) if (route.session === s) this.serverRequests.delete(childId);
    for (const [token, p] of this.progress) if (p.session === s) this.progress.delete(token);
    if (this.initializing) this.initializing.waiters = this.initializing.waiters.filter((w) => w.session !== s);
    for (; s.pausedHere > 0; s.pausedHere--) this.resume();
    s.end({ state: "exited", code: null, signal: null, reason });
    if (this.sessions.size === 0) this.onEmpty();
  }

  /** fromSession takes one message a session sent and passes it on rewritten (or answers it from cache). */
  async fromSession(s: SessionChannel, line: string): Promise<void> {
    const msg = parse(line);
    // Passed on verbatim, a line the router can't read (a batch, say) would keep the session's ids
    // unrewritten, so one session could answer another's pending server→client request by
    // guessing the child's id. It is refused to this session alone and never reaches the child.
    if (!msg) return s.deliver(unroutable(line));
    s.lastActive = Date.now();
    if (msg.method !== undefined && msg.id !== undefined && msg.id !== null) return this.request(s, msg as Msg & { id: Id; method: string });
    if (msg.method !== undefined) return this.notification(s, msg);
    if (typeof msg.id === "number") {
      // An answer to a request the child sent: back under the child's own id.
      const route = this.serverRequests.get(msg.id);
      if (!route || route.session !== s) return;
      this.serverRequests.delete(msg.id);
      return this.write({ ...msg, id: route.id });
    }
  }

  private async request(s: SessionChannel, msg: Msg & { id: Id; method: string }): Promise<void> {
    if (msg.method === "initialize") {
      if (this.initialized) return s.deliver(JSON.stringify({ jsonrpc: "2.0", id: msg.id, result: this.initialized.result }));
      if (this.initializing) {
        this.initializing.waiters.push({ session: s, id: msg.id });
        return;
      }
    }
    const childId = this.nextId++;
    const route: Route = { session: s, id: msg.id };
    this.toSession.set(childId, route);
    if (msg.method === "initialize") this.initializing = { childId, waiters: [] };
    const meta = msg.params?._meta as { progressToken?: Id } | undefined;
    let params = msg.params;
    if (meta?.progressToken !== undefined) {
      route.token = this.nextId++;
      this.progress.set(route.token, { session: s, token: meta.progressToken });
      params = { ...msg.params, _meta: { ...meta, progressToken: route.token } };
    }
    return this.write({ ...msg, id: childId, ...(params ? { params } : {}) });
  }

  private async notification(s: SessionChannel, msg: Msg): Promise<void> {
    if (msg.method === "notifications/initialized") {
      if (this.initializedSent) return;
      this.initializedSent = true;
      return this.write(msg);
    }
    if (msg.method === "notifications/cancelled") {
      const wanted = msg.params?.requestId;
      const entry = [...this.toSession].find(([, r]) => r.session === s && r.id === wanted);
      if (!entry) return;
      return this.write({ ...msg, params: { ...msg.params, requestId: entry[0] } });
    }
    return this.write(msg);
  }

  private fromChild(line: string): void {
    const msg = parse(line);
    if (!msg) return;
    if (msg.method === undefined) {
      if (typeof msg.id === "number") return this.response(msg as Msg & { id: number });
      // An answer to no id we issued (id null: an error the child couldn't attribute) belongs to no
      // session; broadcast, it would show every session what another one sent.
      return log.debug("dropped a response the child sent to no request of ours", { child: this.child.label, id: msg.id ?? null });
    }
    if (msg.method !== undefined && msg.id !== undefined && msg.id !== null) {
      const s = this.likeliestSession();
      if (!s) return void this.write({ jsonrpc: "2.0", id: msg.id, error: { code: -32603, message: "no client session is attached to answer this request" } });
      const sessionId = this.nextId++;
      this.serverRequests.set(sessionId, { session: s, id: msg.id });
      // serverRequests is keyed by the id the session sees; the value keeps the child's own id.
      return s.deliver(JSON.stringify({ ...msg, id: sessionId }));
    }
    if (msg.method === "notifications/progress") {
      const p = this.progress.get(msg.params?.progressToken as number);
      if (p) p.session.deliver(JSON.stringify({ ...msg, params: { ...msg.params, progressToken: p.token } }));
      return;
    }
    if (msg.method === "notifications/cancelled") {
      const entry = [...this.serverRequests].find(([, r]) => r.id === msg.params?.requestId);
      if (entry) entry[1].session.deliver(JSON.stringify({ ...msg, params: { ...msg.params, requestId: entry[0] } }));
      return;
    }
    for (const s of this.sessions) s.deliver(line);
  }

  private response(msg: Msg & { id: number }): void {
    const route = this.toSession.get(msg.id);
    if (!route) return; // its session left; the child was told to cancel
    this.toSession.delete(msg.id);
    if (route.token !== undefined) this.progress.delete(route.token);
    if (this.initializing?.childId === msg.id) {
      const waiters = this.initializing.waiters;
      this.initializing = undefined;
      // A failed initialize is not cached: the waiting sessions get the same answer and may retry.
      if (msg.result !== undefined) this.initialized = { result: msg.result };
      for (const w of waiters) w.session.deliver(JSON.stringify({ ...msg, id: w.id }));
    }
    route.session.deliver(JSON.stringify({ ...msg, id: route.id }));
  }

  private likeliestSession(): SessionChannel | undefined {
    let best: SessionChannel | undefined;
    let bestRequest = -1;
    for (const [childId, r] of this.toSession) if (childId > bestRequest) [best, bestRequest] = [r.session, childId];
    if (best) return best;
    for (const s of this.sessions) if (!best || s.lastActive >= best.lastActive) best = s;
    return best;
  }

  private write(msg: Msg): Promise<void> {
    return this.child.send(JSON.stringify(msg));
  }

  /** pause stops reading the child while any session's client is slow (output is shared, so all wait). */
  pause(): void {
    if (this.paused++ === 0) this.child.pauseOutput();
  }

  /** resume undoes one pause. */
  resume(): void {
    if (this.paused > 0 && --this.paused === 0) this.child.resumeOutput();
  }
}

/** SessionChannel is one session's view of a shared child: a Child whose ids are its own. */
export class SessionChannel implements Child {
  readonly ended: Promise<ChildEndState>;
  lastActive = Date.now();
  pausedHere = 0;
  private finished: ChildEndState | undefined;
  private resolveEnded: (s: ChildEndState) => void = () => {};
  private readonly listeners = { message: new Set<ChildEvents["message"]>(), stderr: new Set<ChildEvents["stderr"]>(), state: new Set<ChildEvents["state"]>() };

  constructor(
    private readonly shared: SharedChild,
    readonly label: string,
  ) {
    this.ended = new Promise((resolve) => (this.resolveEnded = resolve));
  }

  get state(): ChildState {
    return this.finished ?? this.shared.child.state;
  }

  get pid(): number | undefined {
    return this.shared.child.pid;
  }

  get logs(): LogRing {
    return this.shared.child.logs;
  }

  send(line: string): Promise<void> {
    if (this.finished) return Promise.reject(new AppError("unavailable", `cannot send to ${this.label}: the session has ended`));
    return this.shared.fromSession(this, line);
  }

  pauseOutput(): void {
    this.pausedHere++;
    this.shared.pause();
  }

  resumeOutput(): void {
    if (this.pausedHere === 0) return;
    this.pausedHere--;
    this.shared.resume();
  }

  stop(opts: { reason?: string } = {}): Promise<ChildEndState> {
    this.shared.detach(this, opts.reason ?? "stopped");
    return this.ended;
  }

  on<E extends keyof ChildEvents>(event: E, listener: ChildEvents[E]): () => void {
    const set = this.listeners[event] as Set<ChildEvents[E]>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** deliver hands one message from the child to this session's listeners. */
  deliver(line: string): void {
    if (this.finished) return;
    for (const fn of this.listeners.message) fn(line);
  }

  /** end finishes this session's view: the shared child ended, or the session detached. */
  end(state: ChildEndState): void {
    if (this.finished) return;
    const prev = this.state;
    this.finished = state;
    for (const fn of this.listeners.state) fn(state, prev);
    this.resolveEnded(state);
  }
}

// The JSON-RPC error for a line that is not one message: -32700 when it isn't JSON at all.
function unroutable(line: string): string {
  let json = true;
  try {
    JSON.parse(line);
  } catch {
    json = false;
  }
  const error = json
    ? { code: -32600, message: "Invalid Request: send one JSON-RPC message object per line (batches are not part of MCP since 2025-06-18)" }
    : { code: -32700, message: "Parse error: the message is not valid JSON" };
  return JSON.stringify({ jsonrpc: "2.0", id: null, error });
}

const parse = (line: string): Msg | undefined => parseJsonObject<Msg>(line);
