import { missingScope } from "../accounts/api-keys.ts";
import { AppError } from "../shared/app-error.ts";
import type { Principal } from "../accounts/principal.ts";
import type { User } from "../accounts/users.ts";
import { pageAssets } from "../http/assets.ts";
import { principalFor } from "../accounts/web-auth.ts";
import type { AppContext } from "../http/context.ts";
import { viewerOf, type Viewer } from "../registry/visibility.ts";
import type { LayoutProps } from "../../views/layout.tsx";

/** PageContext is what every page handler needs to know about who is asking. */
export interface PageContext {
  principal: Principal;
  viewer: Viewer;
  /** user is the signed-in (or key-holding) user, if any. */
  user: User | undefined;
  /** csrfToken is the browser session's token; forms carry it as `_csrf`. */
  csrfToken: string | undefined;
  /** layout is the part of LayoutProps that depends on the request. */
  layout: Pick<LayoutProps, "user" | "csrfToken" | "assets">;
}

/** pageContext resolves the request's principal once and derives what views need from it. */
export function pageContext(ctx: AppContext, request: Request): PageContext {
  const principal = principalFor(ctx, request);
  const user = principal.kind === "session" || principal.kind === "key" ? principal.user : undefined;
  const csrfToken = principal.kind === "session" ? principal.csrfToken : undefined;
  return {
    principal,
    viewer: viewerOf(principal),
    user,
    csrfToken,
    layout: { user: principal.kind === "session" ? { email: principal.user.email, role: principal.user.role } : undefined, csrfToken, assets: pageAssets },
  };
}

/** isFragmentRequest tells an htmx swap of part of a page from a full navigation or a history restore. */
export function isFragmentRequest(request: Request): boolean {
  const h = request.headers;
  return h.get("hx-request") === "true" && h.get("hx-history-restore-request") !== "true" && h.get("hx-request-type") !== "full";
}

/** loginPath is where an anonymous visitor of a members-only page is sent, coming back afterwards. */
export function loginPath(request: Request): string {
  const u = new URL(request.url);
  return `/login?next=${encodeURIComponent(u.pathname + u.search)}`;
}

/**
 * requireAdminScope refuses an instance page to a key without the admin scope: a signed-in admin's
 * browser passes, but an admin's connect- or read-only key must not open the admin pages.
 */
export function requireAdminScope(page: PageContext): void {
  if (page.principal.kind === "key" && !page.principal.scopes.includes("admin")) throw missingScope("admin", page.principal.user.email);
}
