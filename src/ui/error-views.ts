import { principalFor } from "../accounts/web-auth.ts";
import type { DbHandle } from "../db/client.ts";
import { pageAssets } from "../http/assets.ts";
import type { HtmlErrors } from "../http/errors.ts";
import { ErrorFragment, ErrorPage } from "../../views/pages/error-page.tsx";

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

// The error page's header shows a browser session's user, as on every other page. Resolving who is
// asking must not fail the error page itself (a revoked key is the error being shown, for one).
function signedIn(ctx: { dbh: DbHandle }, request: Request): { user?: { email: string; role: string }; csrfToken?: string } {
  try {
    const p = principalFor(ctx, request);
    return p.kind === "session" ? { user: { email: p.user.email, role: p.user.role }, csrfToken: p.csrfToken } : {};
  } catch {
    return {};
  }
}

/** errorViews renders the app's failures for a browser: the error page (with who is signed in) or the htmx fragment. */
export function errorViews(ctx: { dbh: DbHandle }): HtmlErrors {
  return {
    page: (pub, request) => String(ErrorPage({ status: pub.status, title: titles[pub.status] ?? "Error", message: pub.message, assets: pageAssets, ...signedIn(ctx, request) })),
    fragment: (pub) => String(ErrorFragment({ message: pub.message, details: pub.details })),
  };
}
