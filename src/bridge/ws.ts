import type { Server, ServerWebSocket } from "bun";
import { keyStillValid } from "../accounts/api-keys.ts";
import { resolvePrincipal } from "../accounts/principal.ts";
import type { AppContext } from "../http/context.ts";
import { sameOrigin } from "../accounts/csrf-guard.ts";
import { errorResponse, toPublicError } from "../http/errors.ts";
import { enforceRate } from "../http/rate-limit.ts";
import type { Upgrader } from "../http/server.ts";
import { AccessRecheck } from "../relay/access-recheck.ts";
import type { ClientEnd, EndReason } from "../relay/client-end.ts";
import { logNotification } from "../relay/frames.ts";
import { RelaySession } from "../relay/relay-session.ts";
import { AppError } from "../shared/app-error.ts";
import { rebindingRefusal } from "./origin-guard.ts";
import { serverNameFromPath } from "./path-name.ts";
import { canStillConnect, openSession, type OpenedSession } from "./session-open.ts";
import type { UsageCounter } from "./usage.ts";

const WS_PATH = /^\/([^/]+)\/([^/]+)\/ws$/;

// Past this much unsent data to one client, the relay stops reading its child.
const BACKPRESSURE_BYTES = 4 * 1024 * 1024;

// How each way a session ends closes the socket (RFC 6455 codes: 1001 going away, 1008 policy, 1011 server error, 1012 restart).
const CLOSE: Record<EndReason, [number, string]> = {
  idle: [1001, "idle timeout"],
  "max-age": [1001, "maximum session age"],
  "child-exit": [1011, "server process exited"],
  "access-lost": [1008, "the API key was revoked or expired, or access to this server ended"],
  restart: [1012, "Hearth is restarting"],
  client: [1000, "session ended"],
};

/** WsData is the per-connection state of one WebSocket session: the opened session, then its relay. */
export interface WsData {
  session: OpenedSession;
  relay?: RelaySession;
}

type Ws = ServerWebSocket<WsData>;

// The WebSocket framing of a relayed session: one message per frame, close codes per reason.
function wsEnd(ws: Ws): ClientEnd {
  return {
    send(line) {
      ws.send(line);
      return ws.getBufferedAmount() <= BACKPRESSURE_BYTES;
    },
    close(how) {
      if (how.notice) ws.send(logNotification("info", how.notice));
      const [code, reason] = CLOSE[how.reason];
      ws.close(code, reason);
    },
  };
}

// A revoked or expired key, or a user who lost access to the server (removed from its team), ends
// the open session on its next message (re-checked at most every ACCESS_RECHECK_MS).
function accessOf(ctx: AppContext, session: OpenedSession): AccessRecheck {
  const { keyId, userId, serverKey } = session;
  return new AccessRecheck((now) => (keyId === undefined || keyStillValid(ctx.dbh.db, keyId, now)) && canStillConnect(ctx, userId, serverKey));
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
        const data: WsData = { session };
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
        ws.data.relay = new RelaySession(session, wsEnd(ws), { transport: "ws", usage, access: accessOf(ctx, session), sessions: ctx.sessions });
      },
      message(ws: Ws, message: string | Buffer) {
        if (typeof message !== "string") return ws.close(1003, "binary frames are not supported: send JSON-RPC as text");
        ws.data.relay?.fromClient(message);
      },
      drain(ws: Ws) {
        if (ws.getBufferedAmount() < BACKPRESSURE_BYTES / 2) ws.data.relay?.drained();
      },
      close(ws: Ws) {
        if (ws.data.relay) ws.data.relay.clientClosed();
        else void ws.data.session.lease.release("client closed the session");
      },
    },
  };
}
