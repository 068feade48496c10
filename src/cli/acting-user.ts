import { asc, eq } from "drizzle-orm";
import { findUserByEmail, type User } from "../accounts/users.ts";
import type { Db } from "../db/client.ts";
import { users } from "../db/schema.ts";
import { UsageError } from "./usage-error.ts";

/** actingUser picks who an offline command acts as: --as EMAIL, else the first administrator. */
export function actingUser(db: Db, email: string | undefined): User {
  if (email) {
    const u = findUserByEmail(db, email);
    if (!u) throw new UsageError(`no user with email ${email}`);
    return u;
  }
  const admin = db.select().from(users).where(eq(users.role, "admin")).orderBy(asc(users.id)).limit(1).get();
  if (!admin) throw new UsageError("no administrator exists yet: run `hearth admin create` first, or pass --as EMAIL");
  return { id: admin.id, email: admin.email, role: admin.role };
}
