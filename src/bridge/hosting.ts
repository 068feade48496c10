import { join } from "node:path";
import type { AppContext } from "../http/context.ts";
import { Supervisor } from "../supervisor/supervisor.ts";
import { detectProtections, type Protections, type SandboxMode } from "../supervisor/sandbox.ts";
import { LogRing } from "../supervisor/log-ring.ts";
import { sessionRoot } from "../supervisor/session-root.ts";
import { LogStore } from "../logs/log-store.ts";
import { registerLiveGauges } from "../metrics/metrics.ts";
import { OpenSessions } from "../relay/open-sessions.ts";
import { UsageCounter } from "./usage.ts";
import { wsBridge } from "./ws.ts";
import { Deployer, reconcileDeployments } from "../deploy/deployer.ts";
import { warmAll } from "../deploy/warm.ts";
import { createPlanner } from "../launch/plan-session.ts";
import { logger } from "../shared/log.ts";
import { MAX_MESSAGE_BYTES } from "../relay/limits.ts";

const log = logger("hosting");

// The operator names host variables installs may see (proxy, CA bundle): nothing else passes.
function pickEnv(names: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names.split(",").map((s) => s.trim()).filter(Boolean)) {
    const v = process.env[n];
    if (v !== undefined) out[n] = v;
  }
  return out;
}

// Said once at start, so an operator reading the logs knows what isolates server children here.
function logSandbox(mode: SandboxMode, p: Protections): void {
  if (mode === "none") log.warn("sandbox off (--sandbox none): server children run unsandboxed");
  else if (p.bwrap.usable) log.info("sandbox active: server children run under bubblewrap", { bwrap: p.bwrap.version });
  else if (mode === "bwrap") log.error("--sandbox bwrap, but bubblewrap is not usable: server children will not start", { reason: p.bwrap.reason });
  else log.warn("sandbox unavailable: server children run with resource limits and parent-death signals only", { reason: p.bwrap.reason });
}


/** Hosting is the running part of Hearth: the supervisor, per-server logs, usage, and the WS upgrader. */
export interface Hosting {
  supervisor: Supervisor;
  usage: UsageCounter;
  logs: Map<string, LogRing>;
  upgrader: ReturnType<typeof wsBridge>;
  /** drain refuses new sessions and ends the open ones: their requests fail with "Hearth is restarting", each gets a notice. */
  drain(): void;
  /** stop ends every child (graceMs between stdin close, SIGTERM and SIGKILL) and closes the logs. */
  stop(graceMs?: number): Promise<void>;
}

/** startHosting detects the host's protections, builds the supervisor and attaches it to the context. */
export async function startHosting(ctx: AppContext, opts: { maxChildren?: number } = {}): Promise<Hosting> {
  const protections = await detectProtections();
  logSandbox(ctx.config.sandbox, protections);
  const logs = new Map<string, LogRing>();
  const logStore = new LogStore(ctx.config.dataDir);
  const logsFor = (key: string) => {
    let ring = logs.get(key);
    if (!ring) {
      logs.set(key, (ring = new LogRing()));
      ring.subscribe((line) => logStore.append(key, line));
    }
    return ring;
  };
  const workRoot = sessionRoot(join(ctx.config.dataDir, "sessions"));
  if (workRoot.fallbackReason) log.warn("session work dirs kept in the data dir: their paths may be too long for Unix sockets", { reason: workRoot.fallbackReason, path: workRoot.path });
  const supervisor = new Supervisor({
    sessionsDir: workRoot.path,
    sandbox: ctx.config.sandbox,
    protections,
    maxChildren: opts.maxChildren ?? ctx.config.maxChildren,
    maxMessageBytes: MAX_MESSAGE_BYTES,
    logsFor,
  });
  ctx.supervisor = supervisor;
  ctx.planSession = createPlanner({ instanceSandbox: ctx.config.sandbox, runtime: process.execPath });
  registerLiveGauges(() => {
    const pool = supervisor.poolStats();
    return { children: supervisor.count(), poolIdle: pool.idle, poolHits: pool.hits, poolMisses: pool.misses };
  });
  ctx.logs = logs;
  ctx.logStore = logStore;
  ctx.deployer = new Deployer(ctx, { runtime: process.execPath, passEnv: pickEnv(ctx.config.passEnv) });
  reconcileDeployments(ctx);
  warmAll(ctx);
  const usage = new UsageCounter(ctx.dbh);
  ctx.usage = usage;
  const sessions = (ctx.sessions = new OpenSessions());
  const drain = () => {
    supervisor.refuseNew();
    sessions.endAll();
  };
  return {
    supervisor,
    usage,
    logs,
    upgrader: wsBridge(ctx, usage, MAX_MESSAGE_BYTES),
    drain,
    async stop(graceMs) {
      drain();
      await supervisor.shutdown(graceMs);
      usage.stop();
      logStore.close();
    },
  };
}
