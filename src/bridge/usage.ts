import type { DbHandle } from "../db/client.ts";

interface Pending {
  sessions: number;
  toolCalls: number;
  errors: number;
  latencyMsSum: number;
  latencyCount: number;
}

const empty = (): Pending => ({ sessions: 0, toolCalls: 0, errors: 0, latencyMsSum: 0, latencyCount: 0 });

/** utcDay is the usage bucket of a time: its UTC date, YYYY-MM-DD. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * UsageCounter counts sessions, tool calls, errors and call latency per server in memory and writes
 * them in one transaction every few seconds (to usage_daily and the ranking's use_count): a write
 * per call would serialise the relay behind SQLite. Nothing of a call's content is recorded.
 */
export class UsageCounter {
  private pending = new Map<number, Pending>();
  private readonly timer: Timer;

  constructor(private readonly dbh: DbHandle, flushMs = 2000) {
    this.timer = setInterval(() => this.flush(), flushMs);
    this.timer.unref();
  }

  private of(serverId: number): Pending {
    let p = this.pending.get(serverId);
    if (!p) this.pending.set(serverId, (p = empty()));
    return p;
  }

  /** sessionOpened counts a new client session. */
  sessionOpened(serverId: number): void {
    this.of(serverId).sessions++;
  }

  /** toolCalled counts one tools/call towards the server's use count (Smithery's useCount). */
  toolCalled(serverId: number): void {
    this.of(serverId).toolCalls++;
  }

  /** toolAnswered records a tools/call's latency and whether it failed (JSON-RPC error or isError). */
  toolAnswered(serverId: number, ms: number, failed: boolean): void {
    const p = this.of(serverId);
    p.latencyMsSum += Math.round(ms);
    p.latencyCount++;
    if (failed) p.errors++;
  }

  /** flush writes pending counts into today's row of each server. */
  flush(now = Date.now()): void {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    const day = utcDay(now);
    const use = this.dbh.sqlite.query("UPDATE servers SET use_count = use_count + ? WHERE id = ?");
    const daily = this.dbh.sqlite.query(
      `INSERT INTO usage_daily (server_id, day, sessions, tool_calls, errors, latency_ms_sum, latency_count) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (server_id, day) DO UPDATE SET sessions = sessions + excluded.sessions, tool_calls = tool_calls + excluded.tool_calls,
         errors = errors + excluded.errors, latency_ms_sum = latency_ms_sum + excluded.latency_ms_sum, latency_count = latency_count + excluded.latency_count`,
    );
    this.dbh.sqlite.transaction(() => {
      for (const [id, p] of batch) {
        if (p.toolCalls) use.run(p.toolCalls, id);
        // A server deleted since the count was taken has no row to add to; its usage goes with it.
        const exists = this.dbh.sqlite.query("SELECT 1 FROM servers WHERE id = ?").get(id);
        if (exists) daily.run(id, day, p.sessions, p.toolCalls, p.errors, p.latencyMsSum, p.latencyCount);
      }
    })();
  }

  /** stop flushes and stops the timer. */
  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

/** UsageDay is one day of a server's usage. */
export interface UsageDay {
  day: string;
  sessions: number;
  toolCalls: number;
  errors: number;
  avgLatencyMs: number | null;
}

/** usageHistory returns the last `days` UTC days of a server's usage, oldest first, with empty days filled. */
export function usageHistory(dbh: DbHandle, serverId: number, days = 30, now = Date.now()): UsageDay[] {
  const from = utcDay(now - (days - 1) * 86_400_000);
  const rows = dbh.sqlite
    .query("SELECT day, sessions, tool_calls AS toolCalls, errors, latency_ms_sum AS sum, latency_count AS n FROM usage_daily WHERE server_id = ? AND day >= ?")
    .all(serverId, from) as { day: string; sessions: number; toolCalls: number; errors: number; sum: number; n: number }[];
  const byDay = new Map(rows.map((r) => [r.day, r]));
  return Array.from({ length: days }, (_, i) => {
    const day = utcDay(now - (days - 1 - i) * 86_400_000);
    const r = byDay.get(day);
    return { day, sessions: r?.sessions ?? 0, toolCalls: r?.toolCalls ?? 0, errors: r?.errors ?? 0, avgLatencyMs: r && r.n ? r.sum / r.n : null };
  });
}
