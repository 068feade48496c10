import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** registry holds every Hearth metric; /metrics renders it. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: "hearth_process_" });

/** httpRequests counts HTTP requests by route template (never raw paths: names would explode cardinality) and status. */
export const httpRequests = new Counter({ name: "hearth_http_requests_total", help: "HTTP requests by route and status", labelNames: ["route", "method", "status"] as const, registers: [registry] });

/** sessionsOpen is the number of open client sessions by server and transport. */
export const sessionsOpen = new Gauge({ name: "hearth_sessions_open", help: "Open client sessions", labelNames: ["server", "transport"] as const, registers: [registry] });

/** sessionsTotal counts sessions ever opened by server and transport. */
export const sessionsTotal = new Counter({ name: "hearth_sessions_total", help: "Client sessions opened", labelNames: ["server", "transport"] as const, registers: [registry] });

/** messages counts relayed JSON-RPC messages by direction. */
export const messages = new Counter({ name: "hearth_messages_total", help: "Relayed JSON-RPC messages", labelNames: ["direction", "transport"] as const, registers: [registry] });

/** messageBytes counts relayed bytes by direction. */
export const messageBytes = new Counter({ name: "hearth_message_bytes_total", help: "Relayed bytes", labelNames: ["direction", "transport"] as const, registers: [registry] });

/** relayLatency is request-to-response time through the relay, as the client's requests see it. */
export const relayLatency = new Histogram({
  name: "hearth_relay_request_seconds",
  help: "Time from a client request entering Hearth to the child's response leaving it",
  labelNames: ["transport"] as const,
  buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [registry],
});

/** toolCalls counts tools/call requests by server and outcome. */
export const toolCalls = new Counter({ name: "hearth_tool_calls_total", help: "tools/call requests", labelNames: ["server"] as const, registers: [registry] });

/** childSpawns times spawn-to-first-message of children, and counts how they end. */
export const childEnds = new Counter({ name: "hearth_child_ends_total", help: "Server children that ended, by end state", labelNames: ["state"] as const, registers: [registry] });

/** installDuration times installs of server packages. */
export const installDuration = new Histogram({ name: "hearth_install_seconds", help: "Package install duration", labelNames: ["result"] as const, buckets: [0.01, 0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300], registers: [registry] });

/** deploys counts deploy outcomes (a crash loop is a failed deploy). */
export const deploys = new Counter({ name: "hearth_deploys_total", help: "Deploys by outcome", labelNames: ["result"] as const, registers: [registry] });

/** searchDuration times registry searches (the hottest database path). */
export const searchDuration = new Histogram({ name: "hearth_search_seconds", help: "Registry search time", buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.015, 0.025, 0.05, 0.1, 0.25], registers: [registry] });

/** gauges sampled at scrape time from live state (children, pool). */
export function registerLiveGauges(read: () => { children: number; poolIdle: number; poolHits: number; poolMisses: number }): void {
  for (const name of ["hearth_children", "hearth_pool_idle", "hearth_pool_hits", "hearth_pool_misses"]) registry.removeSingleMetric(name);
  new Gauge({ name: "hearth_children", help: "Live server children (sessions and warm pool)", registers: [registry], collect() { this.set(read().children); } });
  new Gauge({ name: "hearth_pool_idle", help: "Warm, unused children", registers: [registry], collect() { this.set(read().poolIdle); } });
  new Gauge({ name: "hearth_pool_hits", help: "Sessions served from the warm pool", registers: [registry], collect() { this.set(read().poolHits); } });
  new Gauge({ name: "hearth_pool_misses", help: "Sessions that needed a cold spawn", registers: [registry], collect() { this.set(read().poolMisses); } });
}

/** routeOf maps a path to a route template, so metrics have bounded labels. */
export function routeOf(path: string): string {
  if (path.startsWith("/static/")) return "/static/:name";
  if (/^\/api\/v1\/servers\/[^/]+\/[^/]+\/(deploy|deployment|logs)$/.test(path)) return `/api/v1/servers/:ns/:name/${path.split("/").at(-1)}`;
  if (/^\/api\/v1\/servers\/[^/]+\/[^/]+$/.test(path)) return "/api/v1/servers/:ns/:name";
  if (/^\/v0(\.1)?\/servers\/.+/.test(path)) return path.startsWith("/v0.1") ? "/v0.1/servers/:name/*" : "/v0/servers/:name/*";
  if (/^\/[^/]+\/[^/]+\/(ws|mcp)$/.test(path)) return `/:ns/:name/${path.split("/").at(-1)}`;
  if (/^\/(api|v0|v0\.1|healthz|readyz|metrics|setup|login|logout|publish)(\/|$)/.test(path) || path === "/") return path;
  if (/^\/[^/]+\/[^/]+(\/[a-z]+)?$/.test(path)) return "/:ns/:name/page";
  return "other";
}
