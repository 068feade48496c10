import { createWebSession } from "../../src/accounts/web-sessions.ts";
import type { User } from "../../src/accounts/users.ts";
import type { AppContext } from "../../src/http/context.ts";
import { normaliseServerJson } from "../../src/registry/manifest-server-json.ts";
import { publishVersion, type Published } from "../../src/registry/publish.ts";
import { recordSnapshot } from "../../src/registry/snapshots.ts";
import { serverJson } from "../helpers/registry.ts";

/** Browser is a signed-in browser session: its cookie and the CSRF token its forms carry. */
export interface Browser {
  cookie: string;
  csrf: string;
  /** headers for a same-origin form post from this browser. */
  post(extra?: Record<string, string>): Record<string, string>;
}

/** browserFor signs a user in the way /login does and returns what a browser would then send. */
export function browserFor(ctx: AppContext, user: User): Browser {
  const s = createWebSession(ctx.dbh.db, user.id);
  const cookie = `hearth_session=${s.token}`;
  return {
    cookie,
    csrf: s.csrfToken,
    post: (extra = {}) => ({ cookie, origin: "http://localhost", "content-type": "application/x-www-form-urlencoded", ...extra }),
  };
}

/** publish puts a server.json-described server into the catalog as `user`. */
export function publish(ctx: AppContext, user: User, name: string, overrides: Record<string, unknown> = {}, opts: { visibility?: "public" | "private" } = {}): Published {
  return publishVersion(ctx.dbh, user, { manifest: normaliseServerJson(serverJson(name, overrides)), visibility: opts.visibility });
}

/** listTools records a tool listing for a published version, as a deploy's probe would. */
export function listTools(ctx: AppContext, versionId: number, tools: unknown[], extra: { prompts?: unknown[]; resources?: unknown[]; needsConfig?: boolean; error?: string } = {}) {
  return recordSnapshot(ctx.dbh, versionId, { tools, prompts: extra.prompts ?? [], resources: extra.resources ?? [], needsConfig: extra.needsConfig, error: extra.error });
}

/** form encodes fields as a urlencoded body. */
export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}
