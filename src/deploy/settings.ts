import { z } from "zod";
import type { DeploymentLimits, DeploymentSettings } from "../db/schema.ts";
import { AppError } from "../shared/app-error.ts";
import type { ResourceLimits } from "../supervisor/sandbox.ts";

/**
 * DEFAULT_LIMITS bound every child unless its server says otherwise: 8 GiB of address space (about
 * 2 GiB of usable heap for a Bun server; Bun itself needs ≥ 512 MiB to start), 1 GiB of real
 * memory and 256 processes where cgroups are delegated, 4096 open files, one CPU-hour.
 * RLIMIT_NPROC counts every task (threads too) of the uid, Hearth's and all children's together,
 * so its default is a host-wide fork-bomb stop, not a per-child budget (pids.max is that).
 */
export const DEFAULT_LIMITS: DeploymentLimits = { addressSpaceMiB: 8192, memoryMiB: 1024, openFiles: 4096, processes: 16384, pids: 256, cpuSeconds: 3600 };

/** DEFAULT_SETTINGS mirror Smithery's hosting (5 minutes idle, one child per session) plus one warm child. */
export const DEFAULT_SETTINGS: DeploymentSettings = {
  maxSessions: 20,
  idleTimeoutSec: 300,
  maxAgeSec: 3600,
  network: "host",
  poolSize: 1,
  sessionPolicy: "per-session",
  limits: DEFAULT_LIMITS,
};

const int = (min: number, max: number) => z.number().int().min(min).max(max);

/** limitsPatchSchema validates per-server limits; each is optional and replaces only its default. */
export const limitsPatchSchema = z
  .object({
    addressSpaceMiB: int(512, 1 << 20).describe("RLIMIT_AS in MiB (Bun needs at least 512)"),
    memoryMiB: int(16, 1 << 20).describe("cgroup memory.max in MiB"),
    openFiles: int(16, 1 << 20),
    processes: int(1, 1 << 22),
    pids: int(1, 1 << 22),
    cpuSeconds: int(1, 31 * 86400),
  })
  .partial()
  .strict();

/** settingsPatchSchema validates a change to a server's deployment settings: only the fields given change. */
export const settingsPatchSchema = z
  .object({
    maxSessions: int(1, 10_000).describe("max concurrent children (sessions) of this server"),
    idleTimeoutSec: int(5, 7 * 86400),
    maxAgeSec: int(10, 31 * 86400),
    network: z.enum(["host", "none"]),
    poolSize: int(0, 32).describe("warm children kept ready (config-free servers only)"),
    sandbox: z.enum(["auto", "bwrap", "none"]),
    sessionPolicy: z.enum(["per-session", "shared"]),
    limits: limitsPatchSchema,
  })
  .partial()
  .strict();

/** SettingsPatch is a validated change to a server's settings. */
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** withDefaults fills a stored settings object (rows written by older Hearths lack newer fields). */
export function withDefaults(stored: Partial<DeploymentSettings> | null | undefined): DeploymentSettings {
  return { ...DEFAULT_SETTINGS, ...stored, limits: { ...DEFAULT_LIMITS, ...stored?.limits } };
}

/**
 * applySettingsPatch merges a change into the current settings. Turning the sandbox off is for
 * admins only: a server's owner is exactly whose code the sandbox contains.
 */
export function applySettingsPatch(current: DeploymentSettings, patch: SettingsPatch, actor: { admin: boolean }): DeploymentSettings {
  if (patch.sandbox === "none" && !actor.admin) throw new AppError("forbidden", 'only an administrator may set sandbox "none" for a server');
  const next = withDefaults({ ...current, ...patch, limits: { ...current.limits, ...patch.limits } });
  if (next.poolSize > next.maxSessions) {
    const message = `poolSize (${next.poolSize}) can't exceed maxSessions (${next.maxSessions})`;
    throw new AppError("invalid", message, { details: [{ pointer: "/poolSize", message }] });
  }
  return next;
}

/** resourceLimitsOf turns settings' MiB values into the byte counts prlimit and cgroups take. */
export function resourceLimitsOf(l: DeploymentLimits): ResourceLimits {
  const mib = (v: number | undefined) => (v === undefined ? undefined : v * 2 ** 20);
  return { addressSpaceBytes: mib(l.addressSpaceMiB), memoryBytes: mib(l.memoryMiB), openFiles: l.openFiles, processes: l.processes, pids: l.pids, cpuSeconds: l.cpuSeconds };
}

/** parseSettingsPatch validates a settings change from outside (API body, CLI flags): 422 with each field's problem. */
export function parseSettingsPatch(input: unknown): SettingsPatch {
  const parsed = settingsPatchSchema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  throw new AppError("invalid", "these deployment settings are not acceptable", {
    details: parsed.error.issues.map((i) => ({ pointer: "/" + i.path.join("/"), message: `${i.path.join(".") || "settings"}: ${i.message}` })),
  });
}
