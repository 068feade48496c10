import { Elysia } from "elysia";
import { randomBytes } from "node:crypto";
import { revocationCount } from "../accounts/api-keys.ts";
import { resolvePrincipal, userOf } from "../accounts/principal.ts";
import type { AppContext } from "../http/context.ts";
import { errorResponse, toPublicError } from "../http/errors.ts";
import { enforceRate } from "../http/rate-limit.ts";
import { MAX_MESSAGE_BYTES } from "../relay/limits.ts";
import { rpcError } from "./http-replies.ts";
import type { ProgressToken } from "./child-message.ts";
import { HttpSession, type HttpSessionLimits } from "./http-session.ts";
import { corsHeaders, preflight, rebindingRefusal } from "./origin-guard.ts";
import { inspectClientFrame, type JsonRpcId } from "../relay/frames.ts";
import { serverNameFromPath } from "./path-name.ts";
import { canStillConnect, openSession, requireConnectPrincipal } from "./session-open.ts";
import { ACCESS_RECHECK_MS } from "../relay/session-timing.ts";

const MCP_PATH = /^\/([^/]+)\/([^/]+)\/mcp$/;
// Below 2025-11-25 clients choke on the empty data of a priming event (the SDK gates it the same way).
const FIRST_PRIMING_VERSION = "2025-11-25";
// The spec's assumption for a request without the header when nothing else tells.
const DEFAULT_VERSION = "2025-03-26";
/**
 * SUPPORTED_PROTOCOL_VERSIONS are the revisions an MCP-Protocol-Version header may name: the
 * bundled SDK's own list (a test keeps them equal). Copied, not imported: the SDK's types module
 * builds all its schemas on load, which the server's start-up should not pay for.
 */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly string[] = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05", "2024-10-07"];

/** DEFAULT_HTTP_LIMITS: 15 s keep-alives, 256 requests in flight and 512 events / 4 Mi characters of replay per session, two maximal messages queued per connection. */
export const DEFAULT_HTTP_LIMITS: HttpSessionLimits = { keepAliveMs: 15_000, maxInflight: 256, maxQueuedBytes: 2 * MAX_MESSAGE_BYTES, ringEvents: 512, ringChars: 4 * 1024 * 1024 };

// The body of this 400 must not look like a 2026-07-28 error (-32001/-32004/-32020..-32022):
// clients of that revision read any other 400 as "a 2025 server" and fall back to initialize.
const NO_SESSION =
  "Bad Request: Mcp-Session-Id header is required. This endpoint speaks MCP Streamable HTTP 2025-11-25 with sessions: POST an initialize request (without Mcp-Session-Id) first and send the Mcp-Session-Id it returns on every later request";
const BATCH = "Invalid Request: JSON-RPC batches are not part of MCP since 2025-06-18; POST one message per request";
const NOT_FOUND = "Session not found: it ended or never existed. POST an initialize request without Mcp-Session-Id to start a new session";

type BunServerLike = { timeout?(request: Request, seconds: number): void } | null;

// Accept decides SSE or plain JSON: SSE when listed, JSON when only JSON (or anything) is acceptable.
function responseMode(accept: string | null): "sse" | "json" | undefined {
  const a = (accept ?? "*/*").toLowerCase();
  if (a.includes("text/event-stream")) return "sse";
  if (a.includes("application/json") || a.includes("*/*") || a.includes("application/*")) return "json";
  return undefined;
}

function isJsonContentType(ct: string | null): boolean {
  return (ct ?? "").split(";")[0]!.trim().toLowerCase() === "application/json";
}

// Client messages are parsed for routing only where they carry something the bridge needs.
function parsed(text: string): { params?: { protocolVersion?: unknown; requestId?: unknown; _meta?: { progressToken?: unknown } } } {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === "object" && v !== null ? v : {};
  } catch {
    return {};
  }
}

function progressTokenOf(text: string): ProgressToken | undefined {
  if (!text.includes('"progressToken"')) return undefined;
  const t = parsed(text).params?._meta?.progressToken;
  return typeof t === "string" || typeof t === "number" ? t : undefined;
}

// Whatever resolvePrincipal reads, so a changed credential is always checked afresh.
function credentialDigest(request: Request, url: URL): string {
  const h = new Bun.CryptoHasher("sha256");
  h.update(request.headers.get("authorization") ?? "").update("\n").update(url.searchParams.get("api_key") ?? "").update("\n").update(request.headers.get("cookie") ?? "");
  return h.digest("base64");
}

function idOf(v: unknown): JsonRpcId | undefined {
  return typeof v === "string" || typeof v === "number" ? v : undefined;
}

/**
 * StreamableHttpBridge answers `/{ns}/{name}/mcp` (MCP Streamable HTTP, 2025-11-25): POST
 * initialize opens a session with its own child, later POSTs carry one message each, GET listens
 * (or resumes with Last-Event-ID), DELETE ends the session.
 */
export class StreamableHttpBridge {
  private readonly sessions = new Map<string, HttpSession>();
  private readonly verified = new Map<string, { digest: string; at: number; gen: number }>();

  constructor(
    private readonly ctx: AppContext,
    private readonly limits: HttpSessionLimits = DEFAULT_HTTP_LIMITS,
  ) {}

  /** handle answers one request to an MCP endpoint. */
  async handle(request: Request, server: BunServerLike): Promise<Response> {
    const url = new URL(request.url);
    const m = MCP_PATH.exec(url.pathname);
    const name = m ? serverNameFromPath(m[1]!, m[2]!) : undefined;
    if (name === undefined) return rpcError(404, -32000, `nothing here at ${url.pathname}`);
    const refusal = rebindingRefusal(request, { publicUrl: this.ctx.config.publicUrl, bindHost: this.ctx.config.host });
    if (refusal) return rpcError(403, -32000, refusal);
    if (request.method === "OPTIONS") return preflight(request);
    let res: Response;
    try {
      if (request.method === "POST") res = await this.post(request, url, name, server);
      else if (request.method === "GET") res = this.get(request, url, name);
      else if (request.method === "DELETE") res = this.delete(request, url, name);
      else res = rpcError(405, -32000, "Method Not Allowed: the MCP endpoint takes POST, GET and DELETE", { allow: "GET, POST, DELETE" });
    } catch (e) {
      res = errorResponse(toPublicError(e), request);
    }
    for (const [k, v] of Object.entries(corsHeaders(request))) res.headers.set(k, v);
    return res;
  }

  private async post(request: Request, url: URL, name: string, server: BunServerLike): Promise<Response> {
    const mode = responseMode(request.headers.get("accept"));
    if (!mode) return rpcError(406, -32000, "Not Acceptable: the client must accept application/json and/or text/event-stream");
    if (!isJsonContentType(request.headers.get("content-type"))) return rpcError(415, -32000, "Unsupported Media Type: POST one JSON-RPC message as application/json");
    if (Number(request.headers.get("content-length") ?? 0) > MAX_MESSAGE_BYTES) return this.tooLarge();
    const text = await request.text();
    if (text.length > MAX_MESSAGE_BYTES / 3 && Buffer.byteLength(text) > MAX_MESSAGE_BYTES) return this.tooLarge();
    const frame = inspectClientFrame(text);
    if (frame.kind === "invalid") return rpcError(400, frame.error.code, frame.error.code === -32600 && text.trimStart().startsWith("[") ? BATCH : frame.error.message);
    const sid = request.headers.get("mcp-session-id");
    const json = mode === "json";
    // A JSON answer may be minutes away with nothing written meanwhile; Bun's idle timeout must not cut it.
    if (json && frame.kind === "request") server?.timeout?.(request, 0);
    if (frame.kind === "request" && frame.method === "initialize") {
      if (sid !== null) return rpcError(400, -32600, "Invalid Request: initialize opens a new session; send it without an Mcp-Session-Id header");
      const version = parsed(text).params?.protocolVersion;
      const session = await this.open(request, url, name);
      return session.request({ frame, text, json, initialize: true, prime: !json && typeof version === "string" && version >= FIRST_PRIMING_VERSION, progressToken: progressTokenOf(text) });
    }
    if (sid === null) return rpcError(400, -32000, NO_SESSION);
    const session = this.find(sid, name, request, url);
    if (session instanceof Response) return session;
    const refused = this.checkVersion(request, session);
    if (refused) return refused;
    if (frame.kind === "request") {
      return session.request({ frame, text, json, prime: !json && this.versionOf(request, session) >= FIRST_PRIMING_VERSION, progressToken: progressTokenOf(text) });
    }
    const cancelled = frame.kind === "notification" && frame.method === "notifications/cancelled" ? idOf(parsed(text).params?.requestId) : undefined;
    await session.forward(text, frame, cancelled);
    return new Response(null, { status: 202, headers: { "mcp-session-id": session.id } });
  }

  private get(request: Request, url: URL, name: string): Response {
    const accept = (request.headers.get("accept") ?? "*/*").toLowerCase();
    if (!accept.includes("text/event-stream") && !accept.includes("*/*")) return rpcError(406, -32000, "Not Acceptable: GET opens an event stream; accept text/event-stream");
    const sid = request.headers.get("mcp-session-id");
    if (sid === null) return rpcError(400, -32000, NO_SESSION);
    const session = this.find(sid, name, request, url);
    if (session instanceof Response) return session;
    const refused = this.checkVersion(request, session);
    if (refused) return refused;
    const last = request.headers.get("last-event-id");
    return last ? session.resume(last) : session.listen(this.versionOf(request, session) >= FIRST_PRIMING_VERSION);
  }

  private delete(request: Request, url: URL, name: string): Response {
    const sid = request.headers.get("mcp-session-id");
    if (sid === null) return rpcError(400, -32000, NO_SESSION);
    const session = this.find(sid, name, request, url);
    if (session instanceof Response) return session;
    const refused = this.checkVersion(request, session);
    if (refused) return refused;
    session.relay.close({ reason: "client", error: { message: "the client ended this session" } });
    return new Response(null, { status: 200 });
  }

  // Auth, visibility, config (422) and the lease all happen in openSession, before any child starts.
  private async open(request: Request, url: URL, name: string): Promise<HttpSession> {
    const principal = resolvePrincipal(this.ctx.dbh.db, request);
    enforceRate(this.ctx, request, "session", principal);
    const opened = await openSession(this.ctx, principal, name, url.searchParams);
    const id = randomBytes(24).toString("base64url");
    let session: HttpSession;
    try {
      session = new HttpSession(id, opened, userOf(principal)!.id, this.limits, { usage: this.ctx.usage, sessions: this.ctx.sessions }, (s) => {
        this.sessions.delete(s.id);
        this.verified.delete(s.id);
      });
    } catch (e) {
      void opened.lease.release("the session could not be set up");
      throw e;
    }
    this.sessions.set(id, session);
    this.verified.set(id, { digest: credentialDigest(request, url), at: Date.now(), gen: revocationCount() });
    return session;
  }

  // A session id is not a credential: every request must carry the owner's credential. The same
  // credential as last checked is trusted for ACCESS_RECHECK_MS (as on WebSocket), or until this
  // process revokes a key; anything else is authenticated afresh and must belong to the session's user.
  private find(sid: string, name: string, request: Request, url: URL): HttpSession | Response {
    const session = this.sessions.get(sid);
    if (!session || session.opened.serverKey !== name) return rpcError(404, -32001, NOT_FOUND);
    const digest = credentialDigest(request, url);
    const seen = this.verified.get(sid);
    const now = Date.now();
    if (seen && seen.digest === digest && now - seen.at < ACCESS_RECHECK_MS && seen.gen === revocationCount()) return session;
    const principal = resolvePrincipal(this.ctx.dbh.db, request);
    requireConnectPrincipal(principal);
    if (userOf(principal)?.id !== session.ownerId) return rpcError(404, -32001, NOT_FOUND);
    // Losing access (removed from the server's team) ends the session like an unknown one.
    if (!canStillConnect(this.ctx, session.ownerId, name)) return rpcError(404, -32001, NOT_FOUND);
    this.verified.set(sid, { digest, at: now, gen: revocationCount() });
    return session;
  }

  private versionOf(request: Request, session: HttpSession): string {
    return request.headers.get("mcp-protocol-version") ?? session.negotiatedVersion ?? DEFAULT_VERSION;
  }

  private checkVersion(request: Request, session: HttpSession): Response | undefined {
    const v = request.headers.get("mcp-protocol-version");
    if (v === null || v === session.negotiatedVersion || SUPPORTED_PROTOCOL_VERSIONS.includes(v)) return undefined;
    return rpcError(400, -32000, `Bad Request: unsupported MCP-Protocol-Version ${JSON.stringify(v.slice(0, 40))} (supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(", ")})`);
  }

  private tooLarge(): Response {
    return rpcError(413, -32000, `Payload Too Large: one message may be at most ${MAX_MESSAGE_BYTES} bytes`);
  }
}

/**
 * streamableHttpRoutes mounts the bridge at `/{ns}/{name}/mcp`. The body is left unparsed
 * (`parse: "none"`): the bridge reads the raw text and relays it byte for byte.
 */
export function streamableHttpRoutes(ctx: AppContext, limits?: HttpSessionLimits) {
  const bridge = new StreamableHttpBridge(ctx, limits);
  return new Elysia({ name: "bridge-streamable-http" }).all("/:ns/:name/mcp", ({ request, server }) => bridge.handle(request, server as BunServerLike), {
    parse: "none",
    detail: {
      summary: "MCP Streamable HTTP endpoint (2025-11-25): POST messages, GET an event stream, DELETE the session",
      tags: ["mcp"],
    },
  });
}
