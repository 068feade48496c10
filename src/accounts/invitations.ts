import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import type { Db } from "../db/client.ts";
import { invitations, users } from "../db/schema.ts";
import { AppError } from "../shared/app-error.ts";
import { credentialsSchema, findUserByEmail, type User } from "./users.ts";

/** INVITE_TTL_MS is how long an invitation link works unless told otherwise (7 days). */
export const INVITE_TTL_MS = 7 * 86_400_000;

/** Invitation is what admins see of an invitation: never its token. */
export type Invitation = Omit<typeof invitations.$inferSelect, "tokenHash">;

const newInviteSchema = z.object({
  email: credentialsSchema.shape.email,
  role: z.enum(["admin", "user"], { error: "must be admin or user" }).default("user"),
  ttlMs: z.number().int().min(60_000, "must be at least a minute").max(90 * 86_400_000, "must be at most 90 days").default(INVITE_TTL_MS),
});

function sha256(s: string): string {
  return new Bun.CryptoHasher("sha256").update(s).digest("hex");
}

function invalid(e: z.ZodError): AppError {
  return new AppError("invalid", "the invitation is not acceptable", { details: e.issues.map((i) => ({ pointer: "/" + i.path.join("/"), message: `${i.path.join(".")} ${i.message}` })) });
}

/** createInvitation makes a one-time sign-up link token for an email that has no account yet. */
export function createInvitation(db: Db, createdBy: number | null, input: unknown): { token: string; id: number; email: string; expiresAt: number } {
  const r = newInviteSchema.safeParse(input);
  if (!r.success) throw invalid(r.error);
  if (findUserByEmail(db, r.data.email)) throw new AppError("conflict", `${r.data.email} already has an account`);
  const token = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
  const expiresAt = Date.now() + r.data.ttlMs;
  const row = db.insert(invitations).values({ tokenHash: sha256(token), email: r.data.email, role: r.data.role, createdBy, expiresAt }).returning({ id: invitations.id }).get();
  return { token, id: row.id, email: r.data.email, expiresAt };
}

/** findInvitation returns the live (unused, unexpired) invitation for a link token, if any. */
export function findInvitation(db: Db, token: string, now = Date.now()): Invitation | undefined {
  if (!token || token.length > 100) return undefined;
  const row = db.select().from(invitations).where(and(eq(invitations.tokenHash, sha256(token)), isNull(invitations.usedAt), gt(invitations.expiresAt, now))).get();
  if (!row) return undefined;
  const { tokenHash: _, ...rest } = row;
  return rest;
}

/** acceptInvitation creates the invited account with its password; the link works once. */
export async function acceptInvitation(db: Db, token: string, password: string): Promise<User> {
  const invite = findInvitation(db, token);
  if (!invite) throw new AppError("not_found", "this invitation link was already used or has expired; ask an administrator for a new one");
  const p = credentialsSchema.shape.password.safeParse(password);
  if (!p.success) throw new AppError("invalid", "the password is not acceptable", { details: [{ pointer: "/password", message: `password ${p.error.issues[0]!.message}` }] });
  const passwordHash = await Bun.password.hash(p.data, { algorithm: "argon2id" });
  // Claimed and created in one transaction, so two tabs racing the same link make one account.
  return db.transaction((tx) => {
    const claimed = tx.update(invitations).set({ usedAt: Date.now() }).where(and(eq(invitations.id, invite.id), isNull(invitations.usedAt))).returning({ id: invitations.id }).all();
    if (!claimed.length) throw new AppError("not_found", "this invitation link was already used");
    if (tx.select({ id: users.id }).from(users).where(eq(users.email, invite.email)).get()) throw new AppError("conflict", `${invite.email} already has an account; sign in instead`);
    const row = tx.insert(users).values({ email: invite.email, passwordHash, role: invite.role }).returning().get();
    return { id: row.id, email: row.email, role: row.role };
  });
}

/** listInvitations returns recent invitations, newest first (for the admin page). */
export function listInvitations(db: Db, limit = 100): Invitation[] {
  return db
    .select({ id: invitations.id, email: invitations.email, role: invitations.role, createdBy: invitations.createdBy, expiresAt: invitations.expiresAt, usedAt: invitations.usedAt, createdAt: invitations.createdAt })
    .from(invitations)
    .orderBy(desc(invitations.id))
    .limit(limit)
    .all();
}
