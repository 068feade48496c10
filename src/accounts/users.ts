import { eq } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { users } from "../db/schema.ts";
import { AppError } from "../shared/app-error.ts";

/** User is an account as the rest of Hearth sees it (never with its password hash). */
export interface User {
  id: number;
  email: string;
  role: "admin" | "user";
}

/** credentialsSchema validates an email and password at every edge (CLI, setup page, sign-in). */
export const credentialsSchema = z.object({
  email: z.email({ error: "must be an email address" }).max(254).transform((e) => e.toLowerCase()),
  password: z.string().min(10, "must be at least 10 characters").max(512, "must be at most 512 characters"),
});

function toUser(row: { id: number; email: string; role: "admin" | "user" }): User {
  return { id: row.id, email: row.email, role: row.role };
}

/** parseCredentials validates raw credentials, turning zod issues into one AppError with details. */
export function parseCredentials(input: unknown): { email: string; password: string } {
  const r = credentialsSchema.safeParse(input);
  if (r.success) return r.data;
  throw new AppError("invalid", "email or password is not acceptable", {
    details: r.error.issues.map((i) => ({ pointer: "/" + i.path.join("/"), message: `${String(i.path[0])} ${i.message}` })),
  });
}

/** upsertAdmin creates an admin, or makes an existing user admin with the new password. */
export async function upsertAdmin(db: Db, input: unknown): Promise<{ user: User; created: boolean }> {
  const { email, password } = parseCredentials(input);
  const passwordHash = await Bun.password.hash(password, { algorithm: "argon2id" });
  const existing = db.select().from(users).where(eq(users.email, email)).get();
  if (existing) {
    db.update(users).set({ passwordHash, role: "admin", updatedAt: Date.now() }).where(eq(users.id, existing.id)).run();
    return { user: { id: existing.id, email, role: "admin" }, created: false };
  }
  const row = db.insert(users).values({ email, passwordHash, role: "admin" }).returning().get();
  return { user: toUser(row), created: true };
}

/** adminExists tells whether first-run setup is still open. */
export function adminExists(db: Db): boolean {
  return db.select({ id: users.id }).from(users).where(eq(users.role, "admin")).limit(1).get() !== undefined;
}

/** findUserByEmail returns the user with that email, if any. */
export function findUserByEmail(db: Db, email: string): User | undefined {
  const row = db.select().from(users).where(eq(users.email, email.toLowerCase())).get();
  return row ? toUser(row) : undefined;
}

/** findUserById returns the user with that id, if any. */
export function findUserById(db: Db, id: number): User | undefined {
  const row = db.select().from(users).where(eq(users.id, id)).get();
  return row ? toUser(row) : undefined;
}

// A real hash to verify against when the email is unknown, so response time doesn't reveal which emails exist.
let decoyHash: Promise<string> | undefined;

/** verifyPassword checks credentials in constant-ish time, returning the user or undefined. */
export async function verifyPassword(db: Db, email: string, password: string): Promise<User | undefined> {
  const row = db.select().from(users).where(eq(users.email, email.toLowerCase())).get();
  if (!row) {
    decoyHash ??= Bun.password.hash("decoy-password-for-timing", { algorithm: "argon2id" });
    await Bun.password.verify(password, await decoyHash);
    return undefined;
  }
  return (await Bun.password.verify(password, row.passwordHash)) ? toUser(row) : undefined;
}

/** changePassword sets a new password after checking the current one; errors point at the field to fix. */
export async function changePassword(db: Db, userId: number, current: string, next: string): Promise<void> {
  const row = db.select().from(users).where(eq(users.id, userId)).get();
  if (!row || !(await Bun.password.verify(current.slice(0, 512), row.passwordHash))) {
    throw new AppError("invalid", "the current password is not right", { details: [{ pointer: "/current", message: "current password is not right" }] });
  }
  const parsed = credentialsSchema.shape.password.safeParse(next);
  if (!parsed.success) throw new AppError("invalid", "the new password is not acceptable", { details: [{ pointer: "/password", message: `new password ${parsed.error.issues[0]!.message}` }] });
  const passwordHash = await Bun.password.hash(parsed.data, { algorithm: "argon2id" });
  db.update(users).set({ passwordHash, updatedAt: Date.now() }).where(eq(users.id, userId)).run();
}
