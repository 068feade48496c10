import { utcDay } from "../bridge/usage.ts";
import type { AppContext } from "../http/context.ts";

/** InstanceStats are the instance-wide numbers on the admin dashboard. */
export interface InstanceStats {
  servers: number;
  privateServers: number;
  deployed: number;
  failedDeployments: number;
  children: number;
  warmIdle: number;
  poolHits: number;
  poolMisses: number;
  sessionsToday: number;
  toolCallsToday: number;
  errorsToday: number;
  users: number;
  at: number;
}

/** instanceStats reads the dashboard numbers: the catalog and usage from SQLite, children from the supervisor. */
export function instanceStats(ctx: AppContext, now = Date.now()): InstanceStats {
  ctx.usage?.flush(now);
  const q = <T>(sql: string, ...args: (string | number)[]) => ctx.dbh.sqlite.query(sql).get(...args) as T;
  const servers = q<{ n: number; p: number; d: number }>("SELECT count(*) AS n, coalesce(sum(visibility = 'private'), 0) AS p, coalesce(sum(deployed), 0) AS d FROM servers");
  const failed = q<{ n: number }>("SELECT count(*) AS n FROM deployments WHERE state = 'failed'");
  const today = q<{ s: number; c: number; e: number }>("SELECT coalesce(sum(sessions), 0) AS s, coalesce(sum(tool_calls), 0) AS c, coalesce(sum(errors), 0) AS e FROM usage_daily WHERE day = ?", utcDay(now));
  const users = q<{ n: number }>("SELECT count(*) AS n FROM users");
  const pool = ctx.supervisor?.poolStats() ?? { hits: 0, misses: 0, idle: 0 };
  return {
    servers: servers.n,
    privateServers: servers.p,
    deployed: servers.d,
    failedDeployments: failed.n,
    children: ctx.supervisor?.count() ?? 0,
    warmIdle: pool.idle,
    poolHits: pool.hits,
    poolMisses: pool.misses,
    sessionsToday: today.s,
    toolCallsToday: today.c,
    errorsToday: today.e,
    users: users.n,
    at: now,
  };
}
