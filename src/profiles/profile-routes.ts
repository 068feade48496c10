import { Elysia } from "elysia";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { requireKeyNamespace } from "../accounts/principal.ts";
import { principalFor, requireUser } from "../accounts/web-auth.ts";
import type { AppContext } from "../http/context.ts";
import { servers } from "../db/schema.ts";
import { findServer } from "../registry/catalog.ts";
import { viewerOf } from "../registry/visibility.ts";
import { keyringOf } from "../secrets/keyring.ts";
import { profileJson } from "./profile-json.ts";
import { createProfile, deleteProfile, getProfile, listProfiles, updateProfile, type Profile } from "./profiles.ts";
import { serverConfigSchema } from "./server-schema.ts";

const MAX_CONFIG_CHARS = 64 * 1024;
const name = z.string().trim().min(1, "must not be empty").max(100, "must be at most 100 characters");
const config = z
  .record(z.string(), z.unknown())
  .refine((c) => JSON.stringify(c).length <= MAX_CONFIG_CHARS, `must be at most ${MAX_CONFIG_CHARS} characters of JSON`);
const createBody = z.object({ server: z.string().min(3).max(300), name, config: config.default({}) });
const patchBody = z.object({ name: name.optional(), config: config.optional() }).refine((b) => b.name !== undefined || b.config !== undefined, "give name and/or config");

function serverName(ctx: AppContext, serverId: number): string {
  return ctx.dbh.db.select({ q: servers.qualifiedName }).from(servers).where(eq(servers.id, serverId)).get()?.q ?? "";
}

/** profileRoutes are the saved-config API: a user's profiles, with secrets masked in every answer. */
export function profileRoutes(ctx: AppContext) {
  const show = (p: Profile, qualifiedName = serverName(ctx, p.serverId)) => profileJson(ctx.config.publicUrl, qualifiedName, serverConfigSchema(ctx.dbh, p.serverId), p);
  // A key restricted to a namespace reads and changes only the profiles of that namespace's servers.
  const mine = (request: Request, id: string) => {
    const p = getProfile(ctx.dbh, keyringOf(ctx), id, requireUser(ctx, request, "connect"));
    requireKeyNamespace(principalFor(ctx, request), serverName(ctx, p.serverId).split("/")[0]!);
    return p;
  };
  return new Elysia({ name: "profiles" })
    .get(
      "/api/v1/profiles",
      ({ query, request }) => {
        const user = requireUser(ctx, request, "connect");
        const server = query.server ? findServer(ctx.dbh, viewerOf(principalFor(ctx, request)), query.server) : undefined;
        return { profiles: listProfiles(ctx.dbh, keyringOf(ctx), user.id, server?.id).map((p) => show(p)) };
      },
      { query: z.object({ server: z.string().max(300).optional() }), detail: { summary: "Your saved configs (profiles), optionally for one server", tags: ["profiles"] } },
    )
    .post(
      "/api/v1/profiles",
      ({ body, request, set }) => {
        const user = requireUser(ctx, request, "connect");
        const server = findServer(ctx.dbh, viewerOf(principalFor(ctx, request)), body.server);
        requireKeyNamespace(principalFor(ctx, request), server.namespace);
        const schema = serverConfigSchema(ctx.dbh, server.id);
        const p = createProfile(ctx.dbh, keyringOf(ctx), { userId: user.id, serverId: server.id, schema, name: body.name, config: body.config });
        set.status = 201;
        return show(p, server.qualifiedName);
      },
      { body: createBody, detail: { summary: "Save a config for a server as a profile (checked against its config schema, stored encrypted)", tags: ["profiles"] } },
    )
    .get("/api/v1/profiles/:id", ({ params, request }) => show(mine(request, params.id)), { detail: { summary: "One profile (secret settings shown as set, never their values)", tags: ["profiles"] } })
    .patch(
      "/api/v1/profiles/:id",
      ({ params, body, request }) => {
        const p = mine(request, params.id);
        return show(updateProfile(ctx.dbh, keyringOf(ctx), p, serverConfigSchema(ctx.dbh, p.serverId), body));
      },
      { body: patchBody, detail: { summary: "Rename a profile or merge settings into it (null removes a setting; settings not given are kept)", tags: ["profiles"] } },
    )
    .delete(
      "/api/v1/profiles/:id",
      ({ params, request, set }) => {
        deleteProfile(ctx.dbh, mine(request, params.id).id);
        set.status = 204;
        return null;
      },
      { detail: { summary: "Delete a profile", tags: ["profiles"] } },
    );
}
