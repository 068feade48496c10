import type { Server, ServerWebSocket } from "bun";
import { keyStillValid, revocationCount } from "../accounts/api-keys.ts";
import { resolvePrincipal } from "../accounts/principal.ts";
import type { AppContext } from "../http/context.ts";
import { sameOrigin } from "../accounts/csrf-guard.ts";
import { errorResponse, toPublicError } from "../http/errors.ts";
import { enforceRate } from "../http/rate-limit.ts";
import type { Upgrader } from "../http/server.ts";
import { messageBytes, messages, relayLatency, sessionsOpen, sessionsTotal, toolCalls } from "../metrics/metrics.ts";
import { AppError } from "../shared/app-error.ts";
import { logger } from "../shared/log.ts";
import { RESTART_ERROR, RESTART_NOTICE } from "./open-sessions.ts";
import { rebindingRefusal } from "./origin-guard.ts";
import { serverNameFromPath } from "./path-name.ts";
import { childGoneMessage, errorFrame, inspectClientFrame, logNotification, responseId, type JsonRpcId } from "./relay.ts";
import { canStillConnect, openSession, type OpenedSession } from "./session-open.ts";
import { ACCESS_RECHECK_MS, armDeadline } from "./session-timing.ts";
import type { UsageCounter } from "./usage.ts";

const log = logger("bridge.ws");
const WS_PATH = /^\/([^/]+)\/([^/]+)\/ws$/;
// Labelled series resolved once: a label lookup per relayed message would cost more than the relay.
const toClient = { count: messages.labels("to-client", "ws"), bytes: messageBytes.labels("to-client", "ws") };
const toServer = { count: messages.labels("to-server", "ws"), bytes: messageBytes.labels("to-server", "ws") };
const wsLatency = relayLatency.labels("ws");

// Past this much unsent data to one client, the relay stops reading its child.
const BACKPRESSURE_BYTES = 4 * 1024 * 1024;

/** WsData is the per-connection state of one WebSocket session. */
export interface WsData {
  session: OpenedSession;
  /** inflight maps request ids to when they arrived (and whether a tool call), to fail them if the child dies and to time the relay. */
  inflight: Map<JsonRpcId, { at: number; tool: boolean }>;
  lastActivity: number;
  /** keyCheckedAt is when the session's API key was last confirmed valid. */
  keyCheckedAt: number;
  /** keyCheckedGen is revocationCount() at that check: a revocation since forces a new one. */
  keyCheckedGen: number;
  timers: { idle?: Timer; age?: Timer };
  unsubscribe?: () => void;
  /** unregister takes the session off the open-sessions list Hearth ends when it stops. */
  unregister?: () => void;
  closing: boolean;
}

type Ws = ServerWebSocket<WsData>;

// A tool call failed if the child answered with a JSON-RPC error or a result flagged isError.
function isFailure(line: string): boolean {
  return line.includes('"error"') || line.includes('"isError":true');
}

// A revoked or expired key, or a user who lost access to the server (removed from its team), ends
// the open sessions on their next message; the check is a few indexed reads at most every
// ACCESS_RECHECK_MS (the same for Streamable HTTP), so the relay's hot path stays free of database work.
function accessStillOk(ctx: AppContext, ws: Ws): boolean {
  const { keyId, userId, serverKey } = ws.data.session;
  const now = Date.now();
  if (now - ws.data.keyCheckedAt < ACCESS_RECHECK_MS && ws.data.keyCheckedGen === revocationCount()) return true;
  ws.data.keyCheckedAt = now;
  ws.data.keyCheckedGen = revocationCount();
  return (keyId === undefined || keyStillValid(ctx.dbh.db, keyId, now)) && canStillConnect(ctx, userId, serverKey);
}

function closeWith(ws: Ws, code: number, reason: string, notice?: string): void {
  if (ws.data.closing) return;
  ws.data.closing = true;
  if (notice) ws.send(logNotification("info", notice));
  ws.close(code, reason);
}

// Hearth is stopping: open requests get an error now (not at the client's timeout), then 1012.
function closeForRestart(ws: Ws): void {
  if (ws.data.closing) return;
  for (const id of ws.data.inflight.keys()) ws.send(errorFrame(id, -32000, RESTART_ERROR));
  ws.data.inflight.clear();
  closeWith(ws, 1012, "Hearth is restarting", RESTART_NOTICE);
}

// Activity is a timestamp written per message; one timer re-arms itself for the remaining idle
// time, so the relay's hot path never touches timers.
function watchIdle(ws: Ws): void {
  const { session, timers } = ws.data;
  const left = ws.data.lastActivity + session.idleTimeoutMs - Date.now();
  if (left > 0) {
    timers.idle = setTimeout(() => watchIdle(ws), left);
    return;
  }
  closeWith(ws, 1001, "idle timeout", `Hearth is closing this session after ${Math.round(session.idleTimeoutMs / 1000)} s without messages`);
}

/** wsBridge takes `/{ns}/{name}/ws` upgrades and relays frames to a per-session child, unchanged. */
export function wsBridge(ctx: AppContext, usage: UsageCounter, maxMessageBytes: number): Upgrader<WsData> {
  return {
    async tryUpgrade(request: Request, server: Server<WsData>) {
      const url = new URL(request.url);
      const m = WS_PATH.exec(url.pathname);
      if (!m) return undefined;
      try {
        const name = serverNameFromPath(m[1]!, m[2]!);
        if (name === undefined) throw new AppError("not_found", `nothing here at ${url.pathname}`);
        if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
          throw new AppError("bad_request", "this is a WebSocket endpoint: connect with a WebSocket client (subprotocol mcp), or use /mcp for Streamable HTTP");
        }
        const refusal = rebindingRefusal(request, { publicUrl: ctx.config.publicUrl, bindHost: ctx.config.host });
        if (refusal) throw new AppError("forbidden", refusal);
        const principal = resolvePrincipal(ctx.dbh.db, request);
        // A cookie rides along on a handshake from any site it is sent to (another localhost port, a
        // sibling subdomain), so a cookie-only upgrade must name our origin; browsers always send
        // Origin on a WebSocket handshake, so a missing one is refused too. Keys work from anywhere.
        if (principal.kind === "session" && (request.headers.get("origin") === null || !sameOrigin(ctx, request))) {
          throw new AppError("forbidden", "a signed-in browser may open this WebSocket only from Hearth's own pages; other clients connect with an API key (Authorization: Bearer or ?api_key=)");
        }
        enforceRate(ctx, request, "session", principal);
        const session = await openSession(ctx, principal, name, url.searchParams);
        const offered = (request.headers.get("sec-websocket-protocol") ?? "").split(",").map((s) => s.trim());
        const headers = offered.includes("mcp") ? { "Sec-WebSocket-Protocol": "mcp" } : undefined;
        const data: WsData = { session, inflight: new Map(), lastActivity: Date.now(), keyCheckedAt: Date.now(), keyCheckedGen: revocationCount(), timers: {}, closing: false };
        if (server.upgrade(request, { headers, data })) return true;
        void session.lease.release("upgrade failed");
        throw new AppError("bad_request", "the WebSocket upgrade failed");
      } catch (e) {
        return errorResponse(toPublicError(e), request);
      }
    },
    websocket: {
      maxPayloadLength: maxMessageBytes,
      idleTimeout: 120,
      sendPings: true,
      open(ws: Ws) {
        const { session } = ws.data;
        usage.sessionOpened(session.serverId);
        sessionsOpen.inc({ server: session.serverKey, transport: "ws" });
        sessionsTotal.inc({ server: session.serverKey, transport: "ws" });
        ws.data.unsubscribe = session.lease.child.on("message", (line) => {
          const id = responseId(line);
          const started = id === undefined ? undefined : ws.data.inflight.get(id);
          if (started !== undefined) {
            ws.data.inflight.delete(id!);
            const ms = performance.now() - started.at;
            wsLatency.observe(ms / 1000);
            if (started.tool) usage.toolAnswered(session.serverId, ms, isFailure(line));
          }
          toClient.count.inc();
          toClient.bytes.inc(line.length);
          ws.send(line);
          ws.data.lastActivity = Date.now();
          // A client that doesn't read: stop reading the child (its stdout pipe fills, it blocks on
          // write) rather than buffering without bound; `drain` resumes it.
          if (ws.getBufferedAmount() > BACKPRESSURE_BYTES) session.lease.child.pauseOutput();
        });
        ws.data.unregister = ctx.sessions?.add(() => closeForRestart(ws));
        watchIdle(ws);
        armDeadline(Date.now() + session.maxAgeMs, () => closeWith(ws, 1001, "maximum session age", "Hearth is closing this session: it reached its maximum age"), (t) => (ws.data.timers.age = t));
        void session.lease.child.ended.then(() => {
          if (ws.data.closing) return;
          const gone = childGoneMessage(session);
          for (const id of ws.data.inflight.keys()) ws.send(errorFrame(id, -32000, gone.message, { stderrTail: gone.stderrTail }));
          ws.data.inflight.clear();
          closeWith(ws, 1011, "server process exited");
        });
      },
      message(ws: Ws, message: string | Buffer) {
        if (typeof message !== "string") return closeWith(ws, 1003, "binary frames are not supported: send JSON-RPC as text");
        if (!accessStillOk(ctx, ws)) return closeWith(ws, 1008, "the API key was revoked or expired, or access to this server ended");
        const frame = inspectClientFrame(message);
        if (frame.kind === "invalid") return void ws.send(errorFrame(frame.id, frame.error.code, frame.error.message));
        if (frame.kind === "request") {
          ws.data.inflight.set(frame.id, { at: performance.now(), tool: frame.method === "tools/call" });
          if (frame.method === "tools/call") {
            usage.toolCalled(ws.data.session.serverId);
            toolCalls.inc({ server: ws.data.session.serverKey });
          }
        }
        toServer.count.inc();
        toServer.bytes.inc(message.length);
        ws.data.lastActivity = Date.now();
        ws.data.session.lease.child.send(message).catch((e: Error) => log.debug("send to child failed", { error: e.message }));
      },
      drain(ws: Ws) {
        if (ws.getBufferedAmount() < BACKPRESSURE_BYTES / 2) ws.data.session.lease.child.resumeOutput();
      },
      close(ws: Ws) {
        sessionsOpen.dec({ server: ws.data.session.serverKey, transport: "ws" });
        ws.data.closing = true;
        clearTimeout(ws.data.timers.idle);
        clearTimeout(ws.data.timers.age);
        ws.data.unsubscribe?.();
        ws.data.unregister?.();
        void ws.data.session.lease.release("client closed the session");
      },
    },
  };
}
