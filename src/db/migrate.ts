import type { Database } from "bun:sqlite";
import { migrations as embedded, type EmbeddedMigration } from "../../migrations/index.ts";
import { AppError } from "../shared/app-error.ts";

// Our own ledger rather than drizzle's: its migrator reads a folder, which the compiled binary lacks.
const LEDGER = `CREATE TABLE IF NOT EXISTS hearth_migrations (
  tag TEXT PRIMARY KEY NOT NULL,
  hash TEXT NOT NULL,
  applied_at INTEGER NOT NULL
)`;

/** MigrationStatus says what is applied, what is pending, what this binary doesn't know, and which applied ones it knows differently. */
export interface MigrationStatus {
  applied: string[];
  pending: string[];
  unknown: string[];
  /** changed lists applied migrations whose embedded SQL no longer matches the hash recorded when they ran. */
  changed: string[];
}

function hashOf(sql: string): string {
  return new Bun.CryptoHasher("sha256").update(sql).digest("hex");
}

/** migrationStatus compares the database's ledger with the migrations embedded in this binary. */
export function migrationStatus(sqlite: Database, list: EmbeddedMigration[] = embedded): MigrationStatus {
  sqlite.exec(LEDGER);
  const rows = sqlite.query("SELECT tag, hash FROM hearth_migrations ORDER BY tag").all() as { tag: string; hash: string }[];
  const applied = rows.map((r) => r.tag);
  const known = new Map(list.map((m) => [m.tag, m]));
  const done = new Set(applied);
  return {
    applied,
    pending: list.filter((m) => !done.has(m.tag)).map((m) => m.tag),
    unknown: applied.filter((t) => !known.has(t)),
    changed: rows.filter((r) => known.has(r.tag) && hashOf(known.get(r.tag)!.sql) !== r.hash).map((r) => r.tag),
  };
}

/** migrate applies every pending migration, each in its own transaction; running it twice is a no-op. */
export function migrate(sqlite: Database, list: EmbeddedMigration[] = embedded): string[] {
  const status = migrationStatus(sqlite, list);
  if (status.unknown.length > 0) {
    throw new AppError(
      "unavailable",
      `the database was written by a newer Hearth (unknown migration ${status.unknown.join(", ")}): run that newer version, or restore a backup made by this one`,
    );
  }
  // The schema this binary expects is not the one the database has: applying more on top of it
  // would build on a guess, so nothing is applied.
  if (status.changed.length > 0) {
    throw new AppError(
      "unavailable",
      `migration ${status.changed.join(", ")} was changed after this database applied it (its SQL no longer matches the recorded hash): run the Hearth version that applied it, or restore a backup made by this one; nothing was changed`,
    );
  }
  const pending = list.filter((m) => status.pending.includes(m.tag));
  for (const m of pending) {
    const statements = m.sql.split("--> statement-breakpoint").map((s) => s.trim()).filter(Boolean);
    const apply = sqlite.transaction(() => {
      for (const stmt of statements) sqlite.exec(stmt);
      sqlite.query("INSERT INTO hearth_migrations (tag, hash, applied_at) VALUES (?, ?, ?)").run(m.tag, hashOf(m.sql), Date.now());
    });
    try {
      apply();
    } catch (cause) {
      throw new AppError("internal", `migration ${m.tag} failed and was rolled back: ${(cause as Error).message}`, { cause });
    }
  }
  return pending.map((m) => m.tag);
}
