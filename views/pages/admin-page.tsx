import type { InstanceStats } from "../../src/ui/instance-stats.ts";
import { Layout, type LayoutProps } from "../layout.tsx";
import { plural } from "../../src/shared/plural.ts";

function Stat(p: { label: string; value: number; hint?: string }): JSX.Element {
  return (
    <div class="stat">
      <span class="stat-value">{String(p.value)}</span>
      <span class="stat-label" safe>{p.label}</span>
      {p.hint ? <span class="muted small" safe>{p.hint}</span> : ""}
    </div>
  );
}

/** AdminStats is the live part of the dashboard; htmx re-fetches it every 5 seconds. */
export function AdminStats(p: { stats: InstanceStats }): JSX.Element {
  const s = p.stats;
  return (
    <section id="admin-stats" class="stats" hx-get="/admin/stats" hx-trigger="every 5s" hx-swap="outerHTML" aria-live="polite">
      <Stat label="Servers" value={s.servers} hint={`${s.privateServers} private`} />
      <Stat label="Deployed" value={s.deployed} hint={`${plural(s.failedDeployments, "failed deployment")}`} />
      <Stat label="Server processes" value={s.children} hint={`${s.warmIdle} warm, waiting`} />
      <Stat label="Sessions today" value={s.sessionsToday} hint={`warm pool: ${plural(s.poolHits, "hit")}, ${plural(s.poolMisses, "miss", "misses")}`} />
      <Stat label="Tool calls today" value={s.toolCallsToday} />
      <Stat label="Tool-call errors today" value={s.errorsToday} />
      <Stat label="Users" value={s.users} />
      <p class="muted small stats-time">Updated {new Date(s.at).toISOString().slice(11, 19)} UTC</p>
    </section>
  );
}

/** AdminPage is the instance dashboard for administrators. */
export function AdminPage(p: { stats: InstanceStats; layout: Pick<LayoutProps, "user" | "csrfToken" | "assets"> }): JSX.Element {
  return (
    <Layout title="Admin" {...p.layout}>
      <h1>This Hearth</h1>
      <p class="muted">
        Instance-wide numbers, refreshed live. Prometheus series are at <a href="/metrics">/metrics</a>; who did what is in the <a href="/admin/audit">audit log</a>; <a href="/admin/invitations">invite people</a>.
      </p>
      <AdminStats stats={p.stats} />
    </Layout>
  );
}
