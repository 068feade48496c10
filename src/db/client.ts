import { Database } from "bun:sqlite";
import { drizzle, type BunSQLiteDatabase } from "drizzle-orm/bun-sqlite";
import { join } from "node:path";
import { AppError } from "../shared/app-error.ts";
import { ensureDataDir } from "./data-dir.ts";
import * as schema from "./schema.ts";

/** Db is Hearth's typed handle on the main database. */
export type Db = BunSQLiteDatabase<typeof schema>;

/** DbHandle pairs the drizzle handle with the raw SQLite connection (for pragmas, FTS and close). */
export interface DbHandle {
  db: Db;
  sqlite: Database;
  path: string;
  close(): void;
}

/** DB_FILE is the main database's file name inside the data dir. */
export const DB_FILE = "hearth.db";

/** openDatabase opens (creating if absent) the SQLite file with WAL, foreign keys and a busy timeout. */
export function openDatabase(path: string): DbHandle {
  let sqlite: Database;
  try {
    sqlite = new Database(path, { create: true, strict: true });
  } catch (cause) {
    throw new AppError("unavailable", `cannot open database ${path}: ${(cause as Error).message}`, { cause });
  }
  try {
    // quick_check reads every page header: a corrupt or foreign file fails here, before any write.
    sqlite.exec("PRAGMA busy_timeout = 5000");
    const check = sqlite.query("PRAGMA quick_check").get() as { quick_check: string } | null;
    if (check?.quick_check !== "ok") throw new Error(check?.quick_check ?? "quick_check returned nothing");
    sqlite.exec("PRAGMA journal_mode = WAL");
    sqlite.exec("PRAGMA synchronous = NORMAL");
    sqlite.exec("PRAGMA foreign_keys = ON");
  } catch (cause) {
    sqlite.close();
    throw new AppError(
      "unavailable",
      `database ${path} is unreadable or corrupt (${(cause as Error).message}): restore it from a backup or move it aside`,
      { cause },
    );
  }
  const db = drizzle(sqlite, { schema });
  return {
    db,
    sqlite,
    path,
    close() {
      // Fold the WAL back into the main file so a copied data dir is complete on its own.
      try {
        sqlite.exec("PRAGMA wal_checkpoint(TRUNCATE)");
      } catch {
        // best effort: a checkpoint can fail while another process reads; closing still flushes safely.
      }
      sqlite.close();
    },
  };
}

/** openDataDir checks the data dir and opens its main database. */
export function openDataDir(dir: string): DbHandle {
  ensureDataDir(dir);
  return openDatabase(join(dir, DB_FILE));
}

/** openMemoryDatabase gives tests a private in-memory database with the same pragmas. */
export function openMemoryDatabase(): DbHandle {
  return openDatabase(":memory:");
}
