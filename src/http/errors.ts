import { isAppError, type AppErrorCode, type AppErrorDetail } from "../shared/app-error.ts";
import { logger } from "../shared/log.ts";

const log = logger("http");

/** statusOf is the one mapping from error codes to HTTP statuses. */
export const statusOf: Record<AppErrorCode, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  invalid: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

/** PublicError is what a user may see of a failure. */
export interface PublicError {
  status: number;
  code: AppErrorCode;
  message: string;
  details: AppErrorDetail[];
  extra: Record<string, unknown>;
}

/** toPublicError turns anything thrown into what may be shown; unknown errors are logged, not shown. */
export function toPublicError(err: unknown, requestId?: string): PublicError {
  if (isAppError(err)) {
    if (err.code === "internal" && err.cause) log.error("internal error", { requestId, error: err.message, cause: String(err.cause) });
    return { status: statusOf[err.code], code: err.code, message: err.message, details: err.details, extra: err.extra };
  }
  log.error("unhandled error", { requestId, error: err instanceof Error ? err.message : String(err), stack: err instanceof Error ? err.stack : undefined });
  return { status: 500, code: "internal", message: "Something went wrong on our side. It has been logged.", details: [], extra: {} };
}

/** wantsJson tells API callers (JSON bodies) from browsers (pages) and htmx (fragments). */
export function wantsJson(request: Request): boolean {
  const path = new URL(request.url).pathname;
  if (/^\/(api|v0|v0\.1)(\/|$)/.test(path) || /\/(mcp|ws)$/.test(path)) return true;
  const accept = request.headers.get("accept") ?? "";
  return accept.includes("application/json") && !accept.includes("text/html");
}

/** HtmlErrors renders a failure for a browser: the app's pages pass one in; without one every answer is JSON. */
export interface HtmlErrors {
  /** page is the whole page a browser navigation gets (the request says who is signed in). */
  page(pub: PublicError, request: Request): string;
  /** fragment is what an htmx request swaps in. */
  fragment(pub: PublicError): string;
}

/** errorResponse renders a PublicError as JSON, an htmx fragment, or a full page, by who asked (JSON when there is no `html`). */
export function errorResponse(pub: PublicError, request: Request, extraHeaders: Record<string, string> = {}, html?: HtmlErrors): Response {
  if (pub.code === "rate_limited" && typeof pub.extra.retryAfter === "number") extraHeaders = { "retry-after": String(pub.extra.retryAfter), ...extraHeaders };
  if (!html || wantsJson(request)) {
    const body = { error: pub.message, code: pub.code, ...(pub.details.length ? { details: pub.details } : {}), ...pub.extra };
    return Response.json(body, { status: pub.status, headers: extraHeaders });
  }
  const headers = { "content-type": "text/html; charset=utf-8", ...extraHeaders };
  // htmx 4 swaps error responses too; the fragment is self-contained so it reads well wherever it lands.
  const body = request.headers.get("hx-request") ? html.fragment(pub) : html.page(pub, request);
  return new Response(body, { status: pub.status, headers });
}
