import { createApiKey } from "../../src/accounts/api-keys.ts";
import { upsertAdmin, type User } from "../../src/accounts/users.ts";
import type { AppContext } from "../../src/http/context.ts";
import { users } from "../../src/db/schema.ts";

/** serverJson builds a minimal valid server.json (2025-12-11) with an npm package, overridable. */
export function serverJson(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    $schema: "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json",
    name,
    description: `The ${name.split("/")[1]} server`,
    version: "1.0.0",
    packages: [{ registryType: "npm", identifier: `@example/${name.split("/")[1]}`, version: "1.0.0", transport: { type: "stdio" } }],
    ...overrides,
  };
}

/** adminWithKey creates an admin and a key with the given scopes. */
export async function adminWithKey(ctx: AppContext, scopes = ["read", "connect", "publish"]): Promise<{ user: User; key: string; auth: { authorization: string } }> {
  const { user } = await upsertAdmin(ctx.dbh.db, { email: "admin@example.com", password: "admin password 1" });
  const { key } = createApiKey(ctx.dbh.db, user.id, { name: "test", scopes });
  return { user, key, auth: { authorization: `Bearer ${key}` } };
}

/** plainUserWithKey creates a non-admin user and key (for visibility and ownership tests). */
export function plainUserWithKey(ctx: AppContext, email: string, scopes = ["read", "connect", "publish"]): { user: User; key: string; auth: { authorization: string } } {
  const row = ctx.dbh.db.insert(users).values({ email, passwordHash: "x", role: "user" }).returning().get();
  const user = { id: row.id, email: row.email, role: row.role };
  const { key } = createApiKey(ctx.dbh.db, user.id, { name: "test", scopes });
  return { user, key, auth: { authorization: `Bearer ${key}` } };
}
