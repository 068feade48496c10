import { messageBytes, messages, relayLatency, sessionsOpen, sessionsTotal, toolCalls } from "../metrics/metrics.ts";
import { logger } from "../shared/log.ts";
import type { Lease } from "../supervisor/lease.ts";
import type { AccessRecheck } from "./access-recheck.ts";
import type { ClientEnd, SessionEnd } from "./client-end.ts";
import { childGoneMessage, errorFrame, inspectClientFrame, responseId, type ClientFrame, type JsonRpcId } from "./frames.ts";
import { RESTART_ERROR, RESTART_NOTICE } from "./open-sessions.ts";
import { armDeadline } from "./session-timing.ts";

const log = logger("relay");

/** RelayTransport names the client side in metrics (the `transport` label). */
export type RelayTransport = "ws" | "http" | "playground";

/** RelayTarget is the leased child a session relays to, with the limits that apply to it (an OpenedSession is one). */
export interface RelayTarget {
  lease: Lease;
  serverId: number;
  serverKey: string;
  idleTimeoutMs: number;
  maxAgeMs: number;
}

// UsageSink is where a session's usage is counted (the UsageCounter).
interface UsageSink {
  sessionOpened(serverId: number): void;
  toolCalled(serverId: number): void;
  toolAnswered(serverId: number, ms: number, failed: boolean): void;
}

/** RelayDeps are what a session reports to and asks: its transport label, usage, the access re-check and the open-sessions list. */
export interface RelayDeps {
  transport: RelayTransport;
  usage?: UsageSink;
  /** access is re-checked on each client message (WS, playground); Streamable HTTP checks each request's credential in front instead. */
  access?: AccessRecheck;
  sessions?: { add(endForRestart: () => void): () => void };
}

interface InFlight {
  at: number;
  tool: boolean;
}

// Labelled series resolved once per transport: a label lookup per relayed message would cost more than the relay.
function seriesFor(transport: RelayTransport) {
  return {
    toClient: { count: messages.labels("to-client", transport), bytes: messageBytes.labels("to-client", transport) },
    toServer: { count: messages.labels("to-server", transport), bytes: messageBytes.labels("to-server", transport) },
    latency: relayLatency.labels(transport),
  };
}
const SERIES = { ws: seriesFor("ws"), http: seriesFor("http"), playground: seriesFor("playground") };

// A tool call failed if the child answered with a JSON-RPC error or a result flagged isError.
function isFailure(line: string): boolean {
  return line.includes('"error"') || line.includes('"isError":true');
}

function cancelledId(text: string): JsonRpcId | undefined {
  try {
    const id = (JSON.parse(text) as { params?: { requestId?: unknown } }).params?.requestId;
    return typeof id === "string" || typeof id === "number" ? id : undefined;
  } catch {
    return undefined;
  }
}

// What the lease (and the child's log) is told when a session ends.
const RELEASE_REASON: Record<SessionEnd["reason"], string> = {
  idle: "idle timeout",
  "max-age": "maximum session age",
  "child-exit": "the server process ended",
  "access-lost": "access to the server ended",
  restart: "Hearth is restarting",
  client: "the client ended the session",
};

const ACCESS_LOST: SessionEnd = { reason: "access-lost", error: { message: "the API key was revoked or expired, or access to this server ended" } };
const RESTART: SessionEnd = { reason: "restart", notice: RESTART_NOTICE, error: { message: RESTART_ERROR } };
const MAX_AGE: SessionEnd = { reason: "max-age", notice: "Hearth is closing this session: it reached its maximum age", error: { message: "Hearth ended this session: it reached its maximum age" } };

/**
 * RelaySession is one client session relayed to its leased child, whatever the transport: it
 * passes lines both ways unchanged, keeps the requests in flight (to time them, count tool calls
 * and fail them if the child dies), ends the session when idle, too old, refused by the access
 * re-check or stopped with Hearth, pauses the child while the client can't keep up, and releases
 * the lease exactly once.
 */
export class RelaySession {
  private state: "open" | "ended" = "open";
  private lastActivity = Date.now();
  private paused = false;
  private readonly inflight = new Map<JsonRpcId, InFlight>();
  private readonly timers: { idle?: Timer; age?: Timer } = {};
  private readonly series: (typeof SERIES)[RelayTransport];
  private readonly calls: ReturnType<typeof toolCalls.labels>;
  private readonly unsubscribe: () => void;
  private readonly unregister: (() => void) | undefined;

  constructor(
    readonly target: RelayTarget,
    private readonly end: ClientEnd,
    private readonly deps: RelayDeps,
  ) {
    this.series = SERIES[deps.transport];
    this.calls = toolCalls.labels(target.serverKey);
    const child = target.lease.child;
    this.unsubscribe = child.on("message", (line) => this.fromChild(line));
    void child.ended.then(() => this.childEnded());
    this.unregister = deps.sessions?.add(() => this.close(RESTART));
    deps.usage?.sessionOpened(target.serverId);
    sessionsOpen.inc({ server: target.serverKey, transport: deps.transport });
    sessionsTotal.inc({ server: target.serverKey, transport: deps.transport });
    this.watchIdle();
    armDeadline(Date.now() + target.maxAgeMs, () => this.close(MAX_AGE), (t) => (this.timers.age = t));
  }

  /** ended is true once the session closed, for whatever reason. */
  get ended(): boolean {
    return this.state === "ended";
  }

  /**
   * fromClient relays one client message to the child, unchanged. A transport that already
   * inspected the message passes its frame; an invalid one is answered with a JSON-RPC error.
   * The promise settles once the line is written to the child (a send that failed is logged).
   */
  fromClient(text: string, frame: ClientFrame = inspectClientFrame(text)): Promise<void> | undefined {
    if (this.state !== "open") return;
    if (this.deps.access && !this.deps.access.stillOk()) return void this.close(ACCESS_LOST);
    if (frame.kind === "invalid") return void this.end.send(errorFrame(frame.id, frame.error.code, frame.error.message));
    if (frame.kind === "request") {
      const tool = frame.method === "tools/call";
      this.inflight.set(frame.id, { at: performance.now(), tool });
      if (tool) {
        this.deps.usage?.toolCalled(this.target.serverId);
        this.calls.inc();
      }
    } else if (frame.kind === "notification" && frame.method === "notifications/cancelled") {
      // The child won't answer a cancelled request: it must not keep the session "busy" forever.
      const id = cancelledId(text);
      if (id !== undefined) this.inflight.delete(id);
    }
    this.series.toServer.count.inc();
    this.series.toServer.bytes.inc(text.length);
    this.lastActivity = Date.now();
    return this.target.lease.child.send(text).catch((e: Error) => log.debug("send to child failed", { error: e.message }));
  }

  /** touch counts something other than a message as activity (an HTTP GET stream opened or resumed). */
  touch(): void {
    this.lastActivity = Date.now();
  }

  /** drained tells the core the client caught up: a child paused for it reads on. */
  drained(): void {
    if (!this.paused) return;
    this.paused = false;
    this.target.lease.child.resumeOutput();
  }

  /** close ends the session once: in-flight requests get `how.error` through the end, then the end closes and the lease is released. */
  close(how: SessionEnd): void {
    if (this.state !== "open") return;
    this.state = "ended";
    for (const id of this.inflight.keys()) this.end.send(errorFrame(id, -32000, how.error.message, how.error.data));
    this.inflight.clear();
    this.end.close(how);
    this.finish(RELEASE_REASON[how.reason]);
  }

  /** clientClosed ends the session because the client went away: nothing more is sent. */
  clientClosed(): void {
    if (this.state !== "open") return;
    this.state = "ended";
    this.finish("client closed the session");
  }

  private fromChild(line: string): void {
    if (this.state !== "open") return;
    const id = responseId(line);
    const started = id === undefined ? undefined : this.inflight.get(id);
    if (started !== undefined) {
      this.inflight.delete(id!);
      const ms = performance.now() - started.at;
      this.series.latency.observe(ms / 1000);
      if (started.tool) this.deps.usage?.toolAnswered(this.target.serverId, ms, isFailure(line));
    }
    this.series.toClient.count.inc();
    this.series.toClient.bytes.inc(line.length);
    this.lastActivity = Date.now();
    // A client that doesn't read: stop reading the child (its stdout pipe fills, it blocks on
    // write) rather than buffering without bound; drained() resumes it.
    if (!this.end.send(line, id) && !this.paused) {
      this.paused = true;
      this.target.lease.child.pauseOutput();
    }
  }

  private childEnded(): void {
    if (this.state !== "open") return;
    const gone = childGoneMessage(this.target.lease.child);
    this.close({ reason: "child-exit", error: { message: gone.message, data: { stderrTail: gone.stderrTail } } });
  }

  // Activity is a timestamp written per message; one timer re-arms itself for the remaining idle
  // time, so the hot path never touches timers. A request still being worked on counts as activity:
  // a slow tool call is not an idle session.
  private watchIdle(): void {
    if (this.state !== "open") return;
    const idle = this.target.idleTimeoutMs;
    const left = this.lastActivity + idle - Date.now();
    if (left > 0 || this.inflight.size > 0) {
      armDeadline(Date.now() + (left > 0 ? left : idle), () => this.watchIdle(), (t) => (this.timers.idle = t));
      return;
    }
    const secs = Math.round(idle / 1000);
    this.close({ reason: "idle", notice: `Hearth is closing this session after ${secs} s without messages`, error: { message: "Hearth ended this session: idle timeout" } });
  }

  private finish(reason: string): void {
    clearTimeout(this.timers.idle);
    clearTimeout(this.timers.age);
    this.unsubscribe();
    this.unregister?.();
    sessionsOpen.dec({ server: this.target.serverKey, transport: this.deps.transport });
    if (this.paused) this.target.lease.child.resumeOutput();
    void this.target.lease.release(reason);
  }
}
