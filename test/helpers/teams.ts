import { createApiKey, revokeApiKey } from "../../src/accounts/api-keys.ts";
import { createTeam, setMember } from "../../src/accounts/teams.ts";
import type { User } from "../../src/accounts/users.ts";
import { createWebSession } from "../../src/accounts/web-sessions.ts";
import { users } from "../../src/db/schema.ts";
import type { AppContext } from "../../src/http/context.ts";
import { normaliseServerJson } from "../../src/registry/manifest-server-json.ts";
import { publishVersion } from "../../src/registry/publish.ts";
import { serverJson } from "./registry.ts";

/** Person is a user with a signed-in browser session and a full-rights key. */
export interface Person {
  user: User;
  /** cookie is `hearth_session=…` for a signed-in browser. */
  cookie: string;
  csrf: string;
  /** bearer is an Authorization header with a key carrying every scope. */
  bearer: string;
}

/** TeamWorld is team "acme" (owner, publisher, member) and team "other" (outsider), each with servers. */
export interface TeamWorld {
  admin: Person;
  owner: Person;
  publisher: Person;
  member: Person;
  outsider: Person;
  /** keys of the acme publisher, one per scope, plus an expired and a revoked one (full scopes). */
  keys: Record<"read" | "connect" | "publish" | "admin" | "expired" | "revoked", string>;
}

/** SEEDED_PASSWORD is every seeded person's password (hashed once: argon2id is slow on purpose). */
export const SEEDED_PASSWORD = "seeded password 1234";
let seededHash: string | undefined;

function person(ctx: AppContext, email: string, role: "admin" | "user" = "user"): Person {
  seededHash ??= Bun.password.hashSync(SEEDED_PASSWORD);
  const row = ctx.dbh.db.insert(users).values({ email, passwordHash: seededHash, role }).returning().get();
  const user = { id: row.id, email: row.email, role: row.role };
  const s = createWebSession(ctx.dbh.db, user.id);
  const { key } = createApiKey(ctx.dbh.db, user.id, { name: "all", scopes: ["read", "connect", "publish", "admin"] });
  return { user, cookie: `hearth_session=${s.token}`, csrf: s.csrfToken, bearer: `Bearer ${key}` };
}

/**
 * teamWorld seeds: acme/secret (private), acme/open (public), other/hidden (private), with the
 * people and keys of TeamWorld. Real rows through the real domain functions.
 */
export function teamWorld(ctx: AppContext): TeamWorld {
  const admin = person(ctx, "root@example.com", "admin");
  const owner = person(ctx, "owner@example.com");
  const publisher = person(ctx, "publisher@example.com");
  const member = person(ctx, "member@example.com");
  const outsider = person(ctx, "outsider@example.com");
  createTeam(ctx.dbh.db, owner.user, "acme");
  setMember(ctx.dbh.db, owner.user, "acme", publisher.user.email, "publisher");
  setMember(ctx.dbh.db, owner.user, "acme", member.user.email, "member");
  createTeam(ctx.dbh.db, outsider.user, "other");
  const pub = (who: User, name: string, visibility: "public" | "private") =>
    publishVersion(ctx.dbh, who, { manifest: normaliseServerJson(serverJson(name, { description: `${name} does things` })), visibility });
  pub(publisher.user, "acme/secret", "private");
  pub(owner.user, "acme/open", "public");
  pub(outsider.user, "other/hidden", "private");
  const key = (scopes: string[], extra: { expiresAt?: number } = {}) => createApiKey(ctx.dbh.db, publisher.user.id, { name: scopes.join("+"), scopes, ...extra });
  const revoked = key(["read", "connect", "publish", "admin"]);
  revokeApiKey(ctx.dbh.db, revoked.id);
  return {
    admin,
    owner,
    publisher,
    member,
    outsider,
    keys: {
      read: key(["read"]).key,
      connect: key(["connect"]).key,
      publish: key(["publish"]).key,
      admin: key(["admin"]).key,
      expired: key(["read", "connect", "publish", "admin"], { expiresAt: Date.now() - 1000 }).key,
      revoked: revoked.key,
    },
  };
}
