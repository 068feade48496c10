import { join } from "node:path";
import type { DeployAttempt, DeploymentSettings } from "../db/schema.ts";
import type { Config } from "../config/config.ts";
import type { InstallProgress } from "../installer/install-options.ts";
import { installRunSpec } from "../installer/installer.ts";
import { getVersion, getVersionById, type ServerRow, type VersionRow } from "../registry/catalog.ts";
import type { NormalisedManifest } from "../registry/manifest.ts";
import { AppError, isAppError } from "../shared/app-error.ts";
import { deploys, installDuration } from "../metrics/metrics.ts";
import { logger } from "../shared/log.ts";
import { rollbackTarget } from "./deployed-versions.ts";
import { beginDeployAttempt, failDeployAttempt, getDeployment, switchDeployment, type Deployment } from "./deployments.ts";
import { applySettingsPatch, withDefaults, type SettingsPatch } from "./settings.ts";
import { probeDeployment, type ProbeDeps } from "./probe.ts";
import { warmDeployment, type WarmDeps } from "./warm.ts";

const log = logger("deploy");

/** DeployEvent is one step of a deploy, streamed to the UI and CLI as a progress bar. */
export type DeployEvent =
  | { phase: "queued" | "probing"; message: string }
  | ({ phase: "install"; step: InstallProgress["phase"] } & Omit<InstallProgress, "phase">)
  | { phase: "ready"; message: string; version: string; tools: number; needsConfig: boolean }
  /** serving names the version that kept serving through a failed redeploy, if one did. */
  | { phase: "failed"; message: string; version: string; serving?: string };

/** DeployRun is a deploy in progress: its events so far, a way to follow them, and its end. */
export interface DeployRun {
  events: DeployEvent[];
  subscribe(fn: (e: DeployEvent) => void): () => void;
  done: Promise<DeployEvent>;
}

/** DeployerDeps is what deploys use: where packages go, the instance's sandbox, and what probes and warms. */
export type DeployerDeps = ProbeDeps & WarmDeps & { config: Pick<Config, "dataDir" | "sandbox"> };

/**
 * Deployer installs and probes a version beside the one serving, and switches to it only when the
 * probe succeeds; one run per server at a time. Until the switch, sessions and the warm pool stay on
 * the old version; after it, new sessions reach the new one and open ones finish on their old child.
 */
export class Deployer {
  private readonly running = new Map<number, DeployRun>();

  constructor(private readonly ctx: DeployerDeps, private readonly opts: { runtime: string; passEnv: Record<string, string> }) {}

  /** current returns the run in progress for a server, if any. */
  current(serverId: number): DeployRun | undefined {
    return this.running.get(serverId);
  }

  /**
   * deploy starts (or joins) a deploy of the given version (default: latest) and returns its run.
   * A settings change given with it is checked before anything starts and applies to this deploy.
   */
  deploy(server: ServerRow, version = "latest", change?: { patch: SettingsPatch; admin: boolean }): DeployRun {
    const existing = this.running.get(server.id);
    if (existing) return existing;
    const v = getVersion(this.ctx.dbh, server.id, version);
    if (!v.deployable) throw new AppError("invalid", `${server.qualifiedName}@${v.version} can't be deployed here: ${v.notDeployableReason ?? "no runnable package"}`);
    const current = withDefaults(getDeployment(this.ctx.dbh, server.id)?.settings);
    const settings = change ? applySettingsPatch(current, change.patch, { admin: change.admin, instanceSandbox: this.ctx.config.sandbox }) : current;
    return this.start(server, v, { settings, changed: Boolean(change), kind: "deploy" });
  }

  /**
   * rollback goes back to a version that served here before (default: the newest earlier one),
   * through the same install, probe and switch as a deploy, so a rollback that fails changes nothing.
   */
  rollback(server: ServerRow, version?: string): DeployRun {
    if (this.running.has(server.id)) throw new AppError("conflict", `a deploy of ${server.qualifiedName} is running; roll back once it has ended`);
    const v = rollbackTarget(this.ctx.dbh, server, version);
    return this.start(server, v, { settings: withDefaults(getDeployment(this.ctx.dbh, server.id)?.settings), changed: false, kind: "rollback" });
  }

  private start(server: ServerRow, v: VersionRow, how: { settings: DeploymentSettings; changed: boolean; kind: DeployAttempt["kind"] }): DeployRun {
    const events: DeployEvent[] = [];
    const listeners = new Set<(e: DeployEvent) => void>();
    const emit = (e: DeployEvent) => {
      events.push(e);
      for (const fn of listeners) fn(e);
    };
    const run: DeployRun = {
      events,
      subscribe(fn) {
        listeners.add(fn);
        return () => listeners.delete(fn);
      },
      done: Promise.resolve(undefined as unknown as DeployEvent),
    };
    run.done = this.execute(server, v, how, emit).finally(() => this.running.delete(server.id));
    this.running.set(server.id, run);
    return run;
  }

  private async execute(server: ServerRow, v: VersionRow, how: { settings: DeploymentSettings; changed: boolean; kind: DeployAttempt["kind"] }, emit: (e: DeployEvent) => void): Promise<DeployEvent> {
    const key = server.qualifiedName;
    const manifest = v.manifest as NormalisedManifest;
    const attempt: DeployAttempt = { versionId: v.id, version: v.version, kind: how.kind, state: "installing", error: null, at: Date.now() };
    const before = beginDeployAttempt(this.ctx.dbh, server.id, attempt, how.settings);
    const serving = before.state === "ready" ? getVersionById(this.ctx.dbh, before.versionId).version : undefined;
    const verb = how.kind === "rollback" ? `rolling ${key} back to ${v.version}` : `deploying ${key}@${v.version}`;
    emit({ phase: "queued", message: serving ? `${verb}; ${serving} keeps serving until it is ready` : verb });
    try {
      if (!manifest.runs) throw new AppError("invalid", "this version has nothing Hearth can run");
      const installStarted = performance.now();
      const installed = await installRunSpec(manifest.runs, {
        cacheDir: join(this.ctx.config.dataDir, "packages"),
        runtime: this.opts.runtime,
        passEnv: this.opts.passEnv,
        artifactPath: v.artifactSha256 ? join(this.ctx.config.dataDir, "artifacts", v.artifactSha256) : undefined,
        onProgress: ({ phase, ...rest }) => emit({ phase: "install", step: phase, ...rest }),
      });
      installDuration.observe({ result: installed.cached ? "cached" : "installed" }, (performance.now() - installStarted) / 1000);
      // The candidate lives only in memory until its probe passes: the row keeps naming what serves.
      const candidate: Deployment = { ...before, versionId: v.id, installed, settings: how.settings, state: "installing" };
      emit({ phase: "probing", message: "starting it once without config to list its tools" });
      const { snapshot, crashLoop, lastExit } = await probeDeployment(this.ctx, key, candidate, v);
      if (crashLoop) throw new AppError("unavailable", `the server keeps crashing at start${lastExit ? ` (${lastExit})` : ""}:\n${snapshot.error ?? ""}`.slice(0, 4000));
      const live = switchDeployment(this.ctx.dbh, server.id, { attempt: { ...attempt, state: "ready" }, installed, ...(how.changed ? { settings: how.settings } : {}) });
      // A new plan replaces the pool's idle children; children of open sessions are not the pool's.
      warmDeployment(this.ctx, key, live);
      const what = how.kind === "rollback" ? `rolled back to ${v.version}` : "deployed";
      const count = `${snapshot.tools.length} ${snapshot.tools.length === 1 ? "tool" : "tools"}`;
      const message = snapshot.needsConfig ? `${what}; it needs configuration to list its tools` : `${what} with ${count}`;
      const done: DeployEvent = { phase: "ready", message, version: v.version, tools: snapshot.tools.length, needsConfig: snapshot.needsConfig };
      emit(done);
      deploys.inc({ result: "ready" });
      log.info(how.kind === "rollback" ? "rolled back" : "deployed", { server: key, version: v.version, tools: snapshot.tools.length });
      return done;
    } catch (e) {
      const message = isAppError(e) ? e.message : `unexpected failure: ${(e as Error).message}`;
      const after = failDeployAttempt(this.ctx.dbh, server.id, { ...attempt, state: "failed", error: message });
      const kept = after.state === "ready" ? serving : undefined;
      const failed: DeployEvent = { phase: "failed", message, version: v.version, ...(kept ? { serving: kept } : {}) };
      emit(failed);
      deploys.inc({ result: "failed" });
      log.warn(`${how.kind} failed`, { server: key, version: v.version, error: message, serving: kept });
      return failed;
    }
  }
}

const INTERRUPTED = "interrupted by a restart of Hearth: deploy again";

/**
 * reconcileDeployments runs at start: a deploy interrupted by a stop can't be trusted, so it is
 * marked failed; a redeploy interrupted beside a serving version leaves that version serving.
 */
export function reconcileDeployments(ctx: Pick<DeployerDeps, "dbh">): number {
  const now = Date.now();
  const r = ctx.dbh.sqlite.query("UPDATE deployments SET state = 'failed', error = ?, updated_at = ? WHERE state = 'installing'").run(INTERRUPTED, now);
  ctx.dbh.sqlite
    .query("UPDATE deployments SET last_deploy = json_set(last_deploy, '$.state', 'failed', '$.error', ?), updated_at = ? WHERE json_extract(last_deploy, '$.state') = 'installing'")
    .run(INTERRUPTED, now);
  return r.changes;
}
