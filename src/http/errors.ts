import { isAppError, type AppErrorCode, type AppErrorDetail } from "../shared/app-error.ts";
import { logger } from "../shared/log.ts";
import { ErrorFragment, ErrorPage } from "../../views/pages/error-page.tsx";
import { pageAssets } from "./assets.ts";

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

const titles: Record<number, string> = {
  400: "Bad request",
  401: "Sign in required",
  403: "Not allowed",
  404: "Not found",
  409: "Conflict",
  413: "Too large",
  422: "Not acceptable",
  429: "Too many requests",
  500: "Something went wrong",
  503: "Unavailable",
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

/** SignedIn is who the error page's header shows as signed in (and the token its sign-out form carries). */
export type SignedIn = { user?: { email: string; role: string } | undefined; csrfToken?: string | undefined };

/** errorResponse renders a PublicError as JSON, an htmx fragment, or a full page, by who asked. */
export function errorResponse(pub: PublicError, request: Request, extraHeaders: Record<string, string> = {}, signedIn: () => SignedIn = () => ({})): Response {
  if (pub.code === "rate_limited" && typeof pub.extra.retryAfter === "number") extraHeaders = { "retry-after": String(pub.extra.retryAfter), ...extraHeaders };
  if (wantsJson(request)) {
    const body = { error: pub.message, code: pub.code, ...(pub.details.length ? { details: pub.details } : {}), ...pub.extra };
    return Response.json(body, { status: pub.status, headers: extraHeaders });
  }
  const html = { "content-type": "text/html; charset=utf-8", ...extraHeaders };
  if (request.headers.get("hx-request")) {
    // htmx 4 swaps error responses too; keep the fragment self-contained so it reads well wherever it lands.
    return new Response(String(ErrorFragment({ message: pub.message, details: pub.details })), { status: pub.status, headers: html });
  }
  const title = titles[pub.status] ?? "Error";
  return new Response(String(ErrorPage({ status: pub.status, title, message: pub.message, assets: pageAssets, ...signedIn() })), { status: pub.status, headers: html });
}
