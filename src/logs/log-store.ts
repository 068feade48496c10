import { Database } from "bun:sqlite";
import { join } from "node:path";
import type { LogLine } from "../supervisor/log-ring.ts";

/** LogStoreOptions bound what is kept: lines per server and age. */
export interface LogStoreOptions {
  maxLinesPerServer?: number;
  maxAgeMs?: number;
  flushMs?: number;
}

/** StoredLogLine is a persisted log line of one server. */
export interface StoredLogLine extends LogLine {
  id: number;
}

// The logs live in their own SQLite file so a child flooding stderr never holds a write lock the
// registry needs. The schema is one table, created idempotently, and a lost logs file loses only
// logs (DESIGN.md, "Data"). Its one change so far (the session column) is applied in code below:
// logs.db has no migrations of its own, and needs none for one nullable column.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS server_logs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  server TEXT NOT NULL,
  at INTEGER NOT NULL,
  stream TEXT NOT NULL,
  text TEXT NOT NULL,
  session TEXT
);
CREATE INDEX IF NOT EXISTS server_logs_server_idx ON server_logs (server, id);
CREATE INDEX IF NOT EXISTS server_logs_at_idx ON server_logs (at);`;

/** LogStore persists per-server stderr and lifecycle lines, batched, bounded by count and age. */
export class LogStore {
  private readonly db: Database;
  private pending: { server: string; line: LogLine }[] = [];
  private readonly timer: Timer;
  private lastPrune = 0;
  private readonly opts: Required<LogStoreOptions>;

  constructor(dataDir: string, opts: LogStoreOptions = {}) {
    this.opts = { maxLinesPerServer: opts.maxLinesPerServer ?? 10_000, maxAgeMs: opts.maxAgeMs ?? 7 * 86_400_000, flushMs: opts.flushMs ?? 500 };
    this.db = new Database(join(dataDir, "logs.db"), { create: true, strict: true });
    this.db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000;");
    this.db.exec(SCHEMA);
    // A logs.db from before session ids: add the column (old lines keep a NULL session).
    const columns = this.db.query("SELECT name FROM pragma_table_info('server_logs')").all() as { name: string }[];
    if (!columns.some((c) => c.name === "session")) this.db.exec("ALTER TABLE server_logs ADD COLUMN session TEXT");
    this.timer = setInterval(() => this.flush(), this.opts.flushMs);
    this.timer.unref();
  }

  /** append queues a line; it is written with the next batch. */
  append(server: string, line: LogLine): void {
    this.pending.push({ server, line });
    // A flood is written in bounded batches rather than growing memory until the timer fires.
    if (this.pending.length >= 5000) this.flush();
  }

  /** flush writes queued lines in one transaction and prunes now and then. */
  flush(now = Date.now()): void {
    if (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      const insert = this.db.query("INSERT INTO server_logs (server, at, stream, text, session) VALUES (?, ?, ?, ?, ?)");
      this.db.transaction(() => {
        for (const { server, line } of batch) insert.run(server, line.at, line.stream, line.text, line.session ?? null);
      })();
    }
    if (now - this.lastPrune > 60_000) this.prune(now);
  }

  /** prune drops lines past the age limit and beyond each server's line budget. */
  prune(now = Date.now()): void {
    this.lastPrune = now;
    this.db.query("DELETE FROM server_logs WHERE at < ?").run(now - this.opts.maxAgeMs);
    const servers = this.db.query("SELECT server, max(id) AS top FROM server_logs GROUP BY server").all() as { server: string; top: number }[];
    const del = this.db.query("DELETE FROM server_logs WHERE server = ? AND id <= ?");
    for (const s of servers) del.run(s.server, s.top - this.opts.maxLinesPerServer);
  }

  /** tail returns a server's newest n lines, oldest first. */
  tail(server: string, n: number): StoredLogLine[] {
    this.flush();
    const rows = this.db.query("SELECT id, at, stream, text, session FROM server_logs WHERE server = ? ORDER BY id DESC LIMIT ?").all(server, n) as (StoredLogLine & { session: string | null })[];
    return rows.reverse().map(({ session, ...line }) => (session === null ? line : { ...line, session }));
  }

  /** close flushes and closes the file. */
  close(): void {
    clearInterval(this.timer);
    this.flush();
    this.db.close();
  }
}
