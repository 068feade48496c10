import { and, asc, eq } from "drizzle-orm";
import type { User } from "../accounts/users.ts";
import type { DbHandle } from "../db/client.ts";
import { profiles } from "../db/schema.ts";
import { validateConfig } from "../registry/config-schema.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";
import { SEALED_COLUMNS } from "../secrets/sealed-columns.ts";
import type { Keyring } from "../secrets/keyring.ts";
import { AppError } from "../shared/app-error.ts";

/** Profile is a user's saved config for one server, decrypted. */
export interface Profile {
  id: string;
  userId: number;
  serverId: number;
  name: string;
  config: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

/** PROFILE_ID is the shape of a profile id: `prf_` and 16 random characters (not guessable, not a count). */
export const PROFILE_ID = /^prf_[A-Za-z0-9_-]{16}$/;

const context = SEALED_COLUMNS.find((c) => c.table === "profiles")!.context;

function newProfileId(): string {
  return `prf_${Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString("base64url")}`;
}

type Row = typeof profiles.$inferSelect;

function decrypt(keyring: Keyring, row: Row): Profile {
  return { ...row, config: keyring.openJson<Record<string, unknown>>(row.config, context(row.id)) };
}

// A profile must be a complete, valid config on its own, so `profile=<id>` alone always connects.
function checkConfig(schema: JsonSchemaObject, config: Record<string, unknown>): void {
  const r = validateConfig(schema, config);
  if (r.ok) return;
  throw new AppError("invalid", "the profile's config does not match this server's configuration schema", {
    details: r.errors.map((e) => ({ pointer: `/config${e.pointer}`, message: `${e.param || "config"} ${e.reason}` })),
  });
}

function nameTaken(e: unknown): boolean {
  return e instanceof Error && /UNIQUE constraint failed: profiles\./.test(e.message);
}

/** createProfile validates a config against the server's schema and stores it encrypted. */
export function createProfile(dbh: DbHandle, keyring: Keyring, input: { userId: number; serverId: number; schema: JsonSchemaObject; name: string; config: Record<string, unknown> }): Profile {
  checkConfig(input.schema, input.config);
  const id = newProfileId();
  try {
    const row = dbh.db.insert(profiles).values({ id, userId: input.userId, serverId: input.serverId, name: input.name, config: keyring.sealJson(input.config, context(id)) }).returning().get();
    return { ...row, config: input.config };
  } catch (e) {
    if (nameTaken(e)) throw new AppError("conflict", `you already have a profile named "${input.name.slice(0, 100)}" for this server`);
    throw e;
  }
}

/** listProfiles returns a user's profiles, for one server or all, oldest first. */
export function listProfiles(dbh: DbHandle, keyring: Keyring, userId: number, serverId?: number): Profile[] {
  const where = serverId === undefined ? eq(profiles.userId, userId) : and(eq(profiles.userId, userId), eq(profiles.serverId, serverId));
  return dbh.db.select().from(profiles).where(where).orderBy(asc(profiles.createdAt), asc(profiles.id)).all().map((r) => decrypt(keyring, r));
}

/** getProfile returns a profile its owner (or an admin) may use; anyone else gets 404, as for a missing one. */
export function getProfile(dbh: DbHandle, keyring: Keyring, id: string, user: Pick<User, "id" | "role">): Profile {
  const row = PROFILE_ID.test(id) ? dbh.db.select().from(profiles).where(eq(profiles.id, id)).get() : undefined;
  if (!row || (row.userId !== user.id && user.role !== "admin")) throw new AppError("not_found", `no profile ${id.slice(0, 40)}`);
  return decrypt(keyring, row);
}

/**
 * updateProfile renames a profile and/or merges config into it: each top-level setting given
 * replaces the stored one, `null` removes it, settings not given (a secret left blank) are kept.
 */
export function updateProfile(dbh: DbHandle, keyring: Keyring, p: Profile, schema: JsonSchemaObject, change: { name?: string; config?: Record<string, unknown> }): Profile {
  const config = { ...p.config };
  for (const [k, v] of Object.entries(change.config ?? {})) {
    if (v === null) delete config[k];
    else Object.defineProperty(config, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  checkConfig(schema, config);
  const name = change.name ?? p.name;
  try {
    const row = dbh.db.update(profiles).set({ name, config: keyring.sealJson(config, context(p.id)), updatedAt: Date.now() }).where(eq(profiles.id, p.id)).returning().get();
    return { ...row, config };
  } catch (e) {
    if (nameTaken(e)) throw new AppError("conflict", `you already have a profile named "${name.slice(0, 100)}" for this server`);
    throw e;
  }
}

/** deleteProfile removes a profile. */
export function deleteProfile(dbh: DbHandle, id: string): void {
  dbh.db.delete(profiles).where(eq(profiles.id, id)).run();
}
