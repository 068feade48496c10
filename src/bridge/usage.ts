import type { DbHandle } from "../db/client.ts";

/**
 * UsageCounter counts sessions and tool calls per server in memory and writes them in one
 * transaction every few seconds: a write per call would serialise the relay behind SQLite.
 * Nothing of a call's content is recorded.
 */
export class UsageCounter {
  private calls = new Map<number, number>();
  private readonly sessions = new Map<number, number>();
  private timer: Timer | undefined;

  constructor(private readonly dbh: DbHandle, flushMs = 2000) {
    this.timer = setInterval(() => this.flush(), flushMs);
    this.timer.unref();
  }

  /** sessionOpened counts a new client session (for the usage pages; ranking uses tool calls, as Smithery's useCount). */
  sessionOpened(serverId: number): void {
    this.sessions.set(serverId, (this.sessions.get(serverId) ?? 0) + 1);
  }

  /** sessionsSinceStart returns how many sessions a server has had since Hearth started. */
  sessionsSinceStart(serverId: number): number {
    return this.sessions.get(serverId) ?? 0;
  }

  /** toolCalled counts one tools/call towards the server's use count. */
  toolCalled(serverId: number): void {
    this.calls.set(serverId, (this.calls.get(serverId) ?? 0) + 1);
  }

  /** flush writes pending counts. */
  flush(): void {
    if (this.calls.size === 0) return;
    const pending = this.calls;
    this.calls = new Map();
    const stmt = this.dbh.sqlite.query("UPDATE servers SET use_count = use_count + ? WHERE id = ?");
    this.dbh.sqlite.transaction(() => {
      for (const [id, n] of pending) stmt.run(n, id);
    })();
  }

  /** stop flushes and stops the timer. */
  stop(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
