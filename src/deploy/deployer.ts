import { join } from "node:path";
import type { DeploymentSettings } from "../db/schema.ts";
import type { Config } from "../config/config.ts";
import type { InstallProgress } from "../installer/install-options.ts";
import { installRunSpec } from "../installer/installer.ts";
import { getVersion, type ServerRow, type VersionRow } from "../registry/catalog.ts";
import type { NormalisedManifest } from "../registry/manifest.ts";
import { AppError, isAppError } from "../shared/app-error.ts";
import { deploys, installDuration } from "../metrics/metrics.ts";
import { logger } from "../shared/log.ts";
import { getDeployment, setDeploymentState } from "./deployments.ts";
import { applySettingsPatch, withDefaults, type SettingsPatch } from "./settings.ts";
import { probeDeployment, type ProbeDeps } from "./probe.ts";
import { warmDeployment, type WarmDeps } from "./warm.ts";

const log = logger("deploy");

/** DeployEvent is one step of a deploy, streamed to the UI and CLI as a progress bar. */
export type DeployEvent =
  | { phase: "queued" | "probing"; message: string }
  | ({ phase: "install"; step: InstallProgress["phase"] } & Omit<InstallProgress, "phase">)
  | { phase: "ready"; message: string; tools: number; needsConfig: boolean }
  | { phase: "failed"; message: string };

/** DeployRun is a deploy in progress: its events so far, a way to follow them, and its end. */
export interface DeployRun {
  events: DeployEvent[];
  subscribe(fn: (e: DeployEvent) => void): () => void;
  done: Promise<DeployEvent>;
}

/** DeployerDeps is what deploys use: where packages go, the instance's sandbox, and what probes and warms. */
export type DeployerDeps = ProbeDeps & WarmDeps & { config: Pick<Config, "dataDir" | "sandbox"> };

/** Deployer installs, probes and marks servers deployed; one run per server at a time. */
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
    run.done = this.execute(server, v, settings, emit).finally(() => this.running.delete(server.id));
    this.running.set(server.id, run);
    return run;
  }

  private async execute(server: ServerRow, v: VersionRow, settings: DeploymentSettings, emit: (e: DeployEvent) => void): Promise<DeployEvent> {
    const key = server.qualifiedName;
    const manifest = v.manifest as NormalisedManifest;
    emit({ phase: "queued", message: `deploying ${key}@${v.version}` });
    setDeploymentState(this.ctx.dbh, server.id, "installing", { versionId: v.id, error: null, settings });
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
      const deployment = setDeploymentState(this.ctx.dbh, server.id, "installing", { versionId: v.id, installed });
      emit({ phase: "probing", message: "starting it once without config to list its tools" });
      const { snapshot, crashLoop, lastExit } = await probeDeployment(this.ctx, key, deployment, v);
      if (crashLoop) throw new AppError("unavailable", `the server keeps crashing at start${lastExit ? ` (${lastExit})` : ""}:\n${snapshot.error ?? ""}`.slice(0, 4000));
      warmDeployment(this.ctx, key, setDeploymentState(this.ctx.dbh, server.id, "ready", { versionId: v.id }));
      const done: DeployEvent = { phase: "ready", message: snapshot.needsConfig ? "deployed; it needs configuration to list its tools" : `deployed with ${snapshot.tools.length} tools`, tools: snapshot.tools.length, needsConfig: snapshot.needsConfig };
      emit(done);
      deploys.inc({ result: "ready" });
      log.info("deployed", { server: key, version: v.version, tools: snapshot.tools.length });
      return done;
    } catch (e) {
      const message = isAppError(e) ? e.message : `unexpected failure: ${(e as Error).message}`;
      setDeploymentState(this.ctx.dbh, server.id, "failed", { versionId: v.id, error: message });
      const failed: DeployEvent = { phase: "failed", message };
      emit(failed);
      deploys.inc({ result: "failed" });
      log.warn("deploy failed", { server: key, version: v.version, error: message });
      return failed;
    }
  }
}

/** reconcileDeployments runs at start: a deploy interrupted by a stop can't be trusted, so it is marked failed. */
export function reconcileDeployments(ctx: Pick<DeployerDeps, "dbh">): number {
  const r = ctx.dbh.sqlite.query("UPDATE deployments SET state = 'failed', error = 'interrupted by a restart of Hearth: deploy again', updated_at = ? WHERE state = 'installing'").run(Date.now());
  return r.changes;
}
