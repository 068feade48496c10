import { Elysia } from "elysia";
import { z } from "zod";
import { requireKeyNamespace } from "../accounts/principal.ts";
import { principalFor, requireUser } from "../accounts/web-auth.ts";
import type { AppContext } from "../http/context.ts";
import { serverConfigSchema } from "../profiles/server-schema.ts";
import { canManage, findServer } from "../registry/catalog.ts";
import { viewerOf } from "../registry/visibility.ts";
import { keyringOf } from "../secrets/keyring.ts";
import { maskSecrets } from "../secrets/mask.ts";
import { AppError } from "../shared/app-error.ts";
import { clearTestConfig, getTestConfig, setTestConfig, type TestConfig } from "./test-config.ts";

const MAX_CONFIG_CHARS = 64 * 1024;
const body = z.object({
  config: z.record(z.string(), z.unknown()).refine((c) => JSON.stringify(c).length <= MAX_CONFIG_CHARS, `must be at most ${MAX_CONFIG_CHARS} characters of JSON`),
});

// Same rule as deployments: the namespace's publishers and owners, and admins (private servers stay 404 to others).
function owned(ctx: AppContext, request: Request, ns: string, name: string, scope: "publish" | "read") {
  const user = requireUser(ctx, request, scope);
  const principal = principalFor(ctx, request);
  const viewer = viewerOf(principal);
  const server = findServer(ctx.dbh, viewer, `${ns}/${name}`);
  if (!canManage(viewer, server)) throw new AppError("forbidden", `only publishers and owners of ${server.namespace} and admins manage this server's test config`);
  requireKeyNamespace(principal, server.namespace);
  return { user, server };
}

function shown(ctx: AppContext, serverId: number, t: TestConfig | undefined) {
  return t ? { config: maskSecrets(serverConfigSchema(ctx.dbh, serverId), t.config), updatedAt: new Date(t.updatedAt).toISOString() } : { config: null, updatedAt: null };
}

/** testConfigRoutes let owners store the config the tool-list probe runs with (encrypted; secrets masked in answers). */
export function testConfigRoutes(ctx: AppContext) {
  return new Elysia({ name: "test-config" })
    .get(
      "/api/v1/servers/:ns/:name/test-config",
      ({ params, request }) => {
        const { server } = owned(ctx, request, params.ns, params.name, "read");
        return shown(ctx, server.id, getTestConfig(ctx.dbh, keyringOf(ctx), server.id));
      },
      { detail: { summary: "The config the tool-list probe uses (secret settings shown as set)", tags: ["hosting"] } },
    )
    .put(
      "/api/v1/servers/:ns/:name/test-config",
      ({ params, body: b, request }) => {
        const { user, server } = owned(ctx, request, params.ns, params.name, "publish");
        const t = setTestConfig(ctx.dbh, keyringOf(ctx), server.id, serverConfigSchema(ctx.dbh, server.id), b.config, user.id);
        return shown(ctx, server.id, t);
      },
      { body, detail: { summary: "Store (merge) the probe's test config; null removes a setting; used from the next deploy", tags: ["hosting"] } },
    )
    .delete(
      "/api/v1/servers/:ns/:name/test-config",
      ({ params, request, set }) => {
        const { server } = owned(ctx, request, params.ns, params.name, "publish");
        clearTestConfig(ctx.dbh, server.id);
        set.status = 204;
        return null;
      },
      { detail: { summary: "Remove the probe's test config", tags: ["hosting"] } },
    );
}
