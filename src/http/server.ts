import type { Server, WebSocketHandler } from "bun";
import { existsSync } from "node:fs";
import { AppError } from "../shared/app-error.ts";
import { httpRequests, routeOf } from "../metrics/metrics.ts";
import { logger } from "../shared/log.ts";
import type { App } from "./app.ts";
import type { AppContext } from "./context.ts";
import { rememberPeer } from "./client-ip.ts";
import { applySecurityHeaders } from "./security-headers.ts";

const log = logger("http");

/**
 * Upgrader lets the bridge take WebSocket upgrades before Elysia sees them: Elysia's `.ws` parses
 * JSON frames, and the bridge must relay frames byte for byte.
 */
export interface Upgrader<T> {
  /** tryUpgrade returns a Response to answer with, true when upgraded, or undefined to pass the request on. */
  tryUpgrade(request: Request, server: Server<T>): Promise<Response | true | undefined> | Response | true | undefined;
  websocket: WebSocketHandler<T>;
}

/** RunningServer is a listening Hearth: where it is, and how to stop it. */
export interface RunningServer {
  server: Server<unknown>;
  port: number;
  url: string;
  /** stop stops accepting, lets in-flight requests finish (up to graceMs), then closes what is left. */
  stop(graceMs?: number): Promise<void>;
}

function tlsOptions(ctx: AppContext) {
  const { tlsCert, tlsKey } = ctx.config;
  if (!tlsCert || !tlsKey) return undefined;
  for (const [flag, path] of [["--tls-cert", tlsCert], ["--tls-key", tlsKey]] as const) {
    if (!existsSync(path)) throw new AppError("unavailable", `${flag} ${path} does not exist: give the path of a PEM file`);
  }
  return { cert: Bun.file(tlsCert), key: Bun.file(tlsKey) };
}

function listenError(config: { host: string; port: number }, e: unknown): AppError {
  const err = e as { code?: string; message?: string };
  const where = `${config.host}:${config.port}`;
  if (err.code === "EADDRINUSE") return new AppError("unavailable", `port ${config.port} on ${config.host} is already in use: stop the other process or pass --port (HEARTH_PORT)`, { cause: e });
  if (err.code === "EACCES") return new AppError("unavailable", `not allowed to listen on ${where}: use a port above 1023 or run with the right capability`, { cause: e });
  if (/certificate|private key|pem|tls|ssl/i.test(err.message ?? "")) {
    return new AppError("unavailable", `the TLS certificate or key could not be loaded (${err.message}): check --tls-cert/--tls-key are a matching PEM pair`, { cause: e });
  }
  return new AppError("unavailable", `cannot listen on ${where}: ${err.message ?? String(e)}`, { cause: e });
}

/**
 * checkPortFree binds the configured address and lets it go at once. `serve` calls it before it
 * opens the database or starts children, so a port conflict (another Hearth on the same data dir,
 * say) exits with one line and changes nothing. Port 0 always binds.
 */
export function checkPortFree(config: { host: string; port: number }): void {
  if (config.port === 0) return;
  try {
    Bun.serve({ hostname: config.host, port: config.port, fetch: () => new Response(null, { status: 503 }) }).stop(true);
  } catch (e) {
    throw listenError(config, e);
  }
}

/** startServer listens with Bun.serve, adding request logs, security headers and the WS upgrade hook. */
export function startServer<T>(ctx: AppContext, app: App, upgrader?: Upgrader<T>): RunningServer {
  const https = Boolean(ctx.config.tlsCert);
  let seq = 0;
  let server: Server<T>;
  try {
    server = Bun.serve<T>({
      hostname: ctx.config.host,
      port: ctx.config.port,
      tls: tlsOptions(ctx),
      maxRequestBodySize: ctx.config.maxBodyBytes,
      // Bun's default closes idle connections after 10 s, shorter than SSE keep-alives (15 s).
      idleTimeout: 60,
      development: false,
      async fetch(request, srv) {
        const started = performance.now();
        const requestId = (++seq).toString(36) + "-" + Date.now().toString(36);
        let response: Response;
        rememberPeer(request, srv.requestIP(request)?.address);
        if (upgrader) {
          const r = await upgrader.tryUpgrade(request, srv);
          if (r === true) return undefined as unknown as Response;
          if (r) response = r;
          else response = await app.handle(request);
        } else {
          response = await app.handle(request);
        }
        applySecurityHeaders(response.headers, https);
        response.headers.set("x-request-id", requestId);
        // Never the query (it can carry api_key and config), nor an invitation link's one-time token.
        const path = new URL(request.url).pathname.replace(/^\/invite\/[^/]+/, "/invite/[token]");
        httpRequests.inc({ route: routeOf(path), method: request.method, status: response.status });
        log.info("request", { requestId, method: request.method, path, status: response.status, ms: Math.round((performance.now() - started) * 10) / 10 });
        return response;
      },
      error(e) {
        const err = e as { code?: string };
        const status = err.code === "ERR_BODY_TOO_LARGE" ? 413 : 500;
        if (status === 500) log.error("server error", { error: e.message });
        return new Response(status === 413 ? "request body too large" : "internal error", { status });
      },
      websocket: upgrader?.websocket as WebSocketHandler<T>,
    });
  } catch (e) {
    throw listenError(ctx.config, e);
  }
  const port = server.port ?? ctx.config.port;
  const scheme = https ? "https" : "http";
  const host = ctx.config.host.includes(":") ? `[${ctx.config.host}]` : ctx.config.host;
  return {
    server: server as Server<unknown>,
    port,
    url: `${scheme}://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`,
    async stop(graceMs = 5000) {
      const graceful = server.stop(false);
      const timeout = new Promise<"timeout">((r) => setTimeout(r, graceMs, "timeout").unref());
      if ((await Promise.race([graceful.then(() => "done" as const), timeout])) === "timeout") await server.stop(true);
    },
  };
}
