import type { UsageDay } from "../../src/bridge/usage.ts";
import type { ServerPage } from "../../src/ui/server-page-data.ts";
import { BarChart } from "../components/bar-chart.tsx";
import { ServerShell, type ServerShellProps } from "../components/server-shell.tsx";

/** ServerUsagePage charts a server's hosted traffic per day: sessions, tool calls, error rate, latency. */
export function ServerUsagePage(p: { data: ServerPage; days: UsageDay[]; layout: ServerShellProps["layout"] }): JSX.Element {
  const label = (d: UsageDay) => d.day.slice(5);
  const anything = p.days.some((d) => d.sessions > 0 || d.toolCalls > 0);
  // Over the period, the rate and the average are weighted by each day's calls, never summed.
  const calls = p.days.reduce((a, d) => a + d.toolCalls, 0);
  const timed = p.days.filter((d) => d.avgLatencyMs !== null && d.toolCalls > 0);
  const timedCalls = timed.reduce((a, d) => a + d.toolCalls, 0);
  const errorRate = calls ? (100 * p.days.reduce((a, d) => a + d.errors, 0)) / calls : null;
  const latency = timedCalls ? timed.reduce((a, d) => a + d.avgLatencyMs! * d.toolCalls, 0) / timedCalls : null;
  return (
    <ServerShell data={p.data} tab="usage" layout={p.layout}>
      <p class="muted">
        The last {String(p.days.length)} days (UTC) of sessions through this Hearth. Only counts and timings are kept, never what was sent.
      </p>
      {anything ? "" : <div class="alert info" role="status">No sessions yet in this period.</div>}
      <div class="charts">
        <BarChart title="Sessions per day" points={p.days.map((d) => ({ label: label(d), value: d.sessions }))} />
        <BarChart title="Tool calls per day" points={p.days.map((d) => ({ label: label(d), value: d.toolCalls }))} />
        <BarChart
          title="Tool-call error rate"
          unit="%"
          format={(v) => v.toFixed(v < 10 ? 1 : 0)}
          summary={{ label: "Over the period", value: errorRate }}
          points={p.days.map((d) => ({ label: label(d), value: d.toolCalls ? (100 * d.errors) / d.toolCalls : null }))}
        />
        <BarChart
          title="Average tool-call latency"
          unit=" ms"
          format={(v) => v.toFixed(v < 10 ? 1 : 0)}
          summary={{ label: "Average over the period", value: latency }}
          points={p.days.map((d) => ({ label: label(d), value: d.avgLatencyMs }))} />
      </div>
    </ServerShell>
  );
}
