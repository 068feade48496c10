import { timingSafeEqual } from "node:crypto";
import type { AppContext } from "../http/context.ts";
import { sameOrigin } from "../accounts/csrf-guard.ts";
import { AppError } from "../shared/app-error.ts";
import { pageContext, type PageContext } from "./page-context.ts";

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** checkOrigin refuses a cross-site browser POST (Origin, else Referer, must be ours; see sameOrigin). */
export function checkOrigin(ctx: AppContext, request: Request): void {
  if (!sameOrigin(ctx, request)) throw new AppError("forbidden", "this form was sent from another site; reload the page and try again");
}

/**
 * requireCsrf guards a state-changing form: a signed-in browser session whose CSRF token came as
 * the `_csrf` field or the X-CSRF-Token header (htmx requests, public/app.js), from our own origin.
 * API keys are for the API, not for these forms.
 */
export function requireCsrf(ctx: AppContext, request: Request, form: FormData | undefined): PageContext & { csrfToken: string } {
  checkOrigin(ctx, request);
  const page = pageContext(ctx, request);
  if (page.principal.kind !== "session" || !page.csrfToken) throw new AppError("unauthorized", "sign in to do this");
  const field = form?.get("_csrf");
  const sent = request.headers.get("x-csrf-token") ?? (typeof field === "string" ? field : "");
  if (!sent || !sameToken(sent, page.csrfToken)) throw new AppError("forbidden", "this form has expired; reload the page and try again");
  return { ...page, csrfToken: page.csrfToken };
}

/** readForm reads a urlencoded or multipart body, refusing anything else. */
export async function readForm(request: Request): Promise<FormData> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  if (!type.startsWith("application/x-www-form-urlencoded") && !type.startsWith("multipart/form-data")) {
    throw new AppError("bad_request", "send this form as application/x-www-form-urlencoded or multipart/form-data");
  }
  try {
    return await request.formData();
  } catch (e) {
    throw new AppError("bad_request", "the form could not be read", { cause: e });
  }
}

/** formString returns a form field as it was typed ("" when missing or a file). */
export function formString(form: FormData, name: string): string {
  const v = form.get(name);
  return typeof v === "string" ? v : "";
}
