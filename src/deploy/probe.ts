import type { DbHandle } from "../db/client.ts";
import type { VersionRow } from "../registry/catalog.ts";
import { validateConfig } from "../registry/config-schema.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";
import { recordSnapshot, type Snapshot } from "../registry/snapshots.ts";
import { probeTools } from "../registry/tool-probe.ts";
import { keyringOf, type Keyring } from "../secrets/keyring.ts";
import { redactValues } from "../secrets/mask.ts";
import { redactedError } from "../secrets/redacted-error.ts";
import { ChildTransport } from "../supervisor/child-transport.ts";
import type { Supervisor } from "../supervisor/supervisor.ts";
import type { Deployment } from "./deployments.ts";
import type { PlanSession } from "./session-planner.ts";
import { getTestConfig } from "./test-config.ts";

const BACKOFF_MS = [250, 1000, 4000];

/** ProbeDeps is what a probe uses: the store, the owner's test config, and the planner and supervisor that start its child. */
export interface ProbeDeps {
  dbh: DbHandle;
  /** secrets opens the stored test config; without them the probe runs with no config. */
  secrets?: Keyring;
  supervisor?: Supervisor;
  planSession?: PlanSession;
}

/** ProbeOutcome is a stored snapshot, plus whether the server kept crashing (a crash loop) and how its last child ended. */
export interface ProbeOutcome {
  snapshot: Snapshot;
  crashLoop: boolean;
  lastExit?: string;
}

// Every string value in a config, however deep: what must not show up in a recorded error.
function stringsIn(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (typeof v === "object" && v !== null) return Object.values(v).flatMap(stringsIn);
  return [];
}

// The owner's stored test config, if any (none in processes without a keyring).
function probeConfig(ctx: ProbeDeps, serverId: number): { config: Record<string, unknown>; secrets: string[] } {
  const config = (ctx.secrets ? getTestConfig(ctx.dbh, keyringOf(ctx), serverId)?.config : undefined) ?? {};
  return { config, secrets: stringsIn(config) };
}

/**
 * probeDeployment lists a deployed version's tools with the owner's test config, or none
 * (Smithery's lazy loading): when the schema requires settings the snapshot says "needs config"
 * without starting anything; a crash is retried with exponential backoff, and repeated crashes
 * are reported as a crash loop. The test config's values never reach the recorded error.
 */
export async function probeDeployment(ctx: ProbeDeps, serverKey: string, deployment: Deployment, version: VersionRow): Promise<ProbeOutcome> {
  const schema = (version.configSchema ?? { type: "object", properties: {} }) as JsonSchemaObject;
  const given = probeConfig(ctx, deployment.serverId);
  const empty = validateConfig(schema, given.config);
  if (!empty.ok) {
    const needs = empty.errors.map((e) => e.param).filter(Boolean).join(", ");
    const why = Object.keys(given.config).length ? "the stored test config does not fit this version" : "needs configuration to list tools";
    return { crashLoop: false, snapshot: recordSnapshot(ctx.dbh, version.id, { tools: [], prompts: [], resources: [], needsConfig: true, error: `${why} (${needs || "required settings"})` }) };
  }
  if (!ctx.supervisor || !ctx.planSession) throw new Error("probeDeployment needs a supervisor and a planner");
  // A commandFunction that throws or loops fails here, and with it the deploy, with its message.
  let resolved;
  try {
    resolved = await ctx.planSession({ serverKey, deployment, version }, empty.value);
  } catch (e) {
    throw redactedError(e, given.secrets);
  }
  const plan = { ...resolved, maxSessions: Number.MAX_SAFE_INTEGER };
  let last = "";
  let lastExit: string | undefined;
  for (let attempt = 0; attempt <= BACKOFF_MS.length; attempt++) {
    const lease = ctx.supervisor.lease(plan);
    // The child's own end (with the limit it hit, if any) goes last: the probe keeps the tail of this text.
    const stderr = () => {
      const end = lease.child.state;
      const lines = lease.child.logs.tail(30, "stderr").map((l) => l.text);
      return [...lines, ...(end.state === "failed" ? [end.error.message] : [])].join("\n");
    };
    const r = await probeTools(new ChildTransport(lease), { timeoutMs: 30_000, stderrTail: stderr });
    await lease.release("probe finished");
    if (r.ok) return { crashLoop: false, snapshot: recordSnapshot(ctx.dbh, version.id, r) };
    // A child stopped by a resource limit crashed; whatever its stderr says, config is not what it lacks.
    const end = lease.child.state;
    const hitLimit = end.state === "failed" && end.error.extra.limit !== undefined;
    if (r.needsConfig && !hitLimit) return { crashLoop: false, snapshot: recordSnapshot(ctx.dbh, version.id, { tools: [], prompts: [], resources: [], needsConfig: true, error: redactValues(r.error, given.secrets) }) };
    last = redactValues(r.error, given.secrets);
    lastExit = end.state === "failed" ? redactValues(end.error.message, given.secrets) : undefined;
    if (attempt < BACKOFF_MS.length) await Bun.sleep(BACKOFF_MS[attempt]!);
  }
  return { crashLoop: true, lastExit, snapshot: recordSnapshot(ctx.dbh, version.id, { tools: [], prompts: [], resources: [], error: last }) };
}
