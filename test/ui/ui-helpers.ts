import { createWebSession } from "../../src/accounts/web-sessions.ts";
import { getDeployment } from "../../src/deploy/deployments.ts";
import { probeDeployment } from "../../src/deploy/probe.ts";
import { findServer, getVersionById } from "../../src/registry/catalog.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
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

/** startWithEcho starts a real Hearth with the echo fixture deployed and its tools listed (as a deploy's probe does). */
export async function startWithEcho(name = "io.github.test/echo", manifest: Record<string, unknown> = {}, flags: Record<string, string> = {}): Promise<HostedInstance> {
  const h = await startHosted(flags);
  h.deployFixture(name, "echo-server.ts", manifest);
  const server = findServer(h.ctx.dbh, { userId: null, isAdmin: true }, name);
  const d = getDeployment(h.ctx.dbh, server.id)!;
  await probeDeployment(h.ctx, name, d, getVersionById(h.ctx.dbh, d.versionId));
  return h;
}
