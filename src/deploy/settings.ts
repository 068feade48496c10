import { z } from "zod";
import type { DeploymentLimits, DeploymentSettings } from "../db/schema.ts";
import { AppError } from "../shared/app-error.ts";
import type { ResourceLimits, SandboxMode } from "../supervisor/sandbox.ts";

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

/** limitsPatchSchema validates per-server limits; each is optional and replaces only its default (null: back to it). */
export const limitsPatchSchema = z
  .object({
    addressSpaceMiB: int(0, 1 << 20)
      .refine((v) => v === 0 || v >= 512, "must be 0 (no address-space limit, for browsers) or at least 512 (Bun needs 512)")
      .describe("RLIMIT_AS in MiB; 0 for none (Bun needs at least 512)")
      .nullable(),
    memoryMiB: int(16, 1 << 20).describe("cgroup memory.max in MiB").nullable(),
    openFiles: int(16, 1 << 20).nullable(),
    processes: int(1, 1 << 22).nullable(),
    pids: int(1, 1 << 22).nullable(),
    cpuSeconds: int(1, 31 * 86400).nullable(),
  })
  .partial()
  .strict();

/**
 * settingsPatchSchema validates a change to a server's deployment settings, as a JSON merge patch:
 * only the fields given change, and null puts one back to its default (sandbox: the instance's mode;
 * limits: null, every limit).
 */
export const settingsPatchSchema = z
  .object({
    maxSessions: int(1, 10_000).describe("max concurrent children (sessions) of this server").nullable(),
    idleTimeoutSec: int(5, 7 * 86400).nullable(),
    maxAgeSec: int(10, 31 * 86400).nullable(),
    network: z.enum(["host", "none"]).nullable(),
    poolSize: int(0, 32).describe("warm children kept ready (config-free servers only)").nullable(),
    sandbox: z.enum(["auto", "bwrap", "none"]).nullable(),
    sessionPolicy: z.enum(["per-session", "shared"]).nullable(),
    preset: z.enum(["browser"]).describe("browser: what a headless browser needs in the sandbox, and no address-space limit").nullable(),
    limits: limitsPatchSchema.nullable(),
  })
  .partial()
  .strict();

/** SettingsPatch is a validated change to a server's settings. */
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** withDefaults fills a stored settings object (rows written by older Hearths lack newer fields). */
export function withDefaults(stored: Partial<DeploymentSettings> | null | undefined): DeploymentSettings {
  return { ...DEFAULT_SETTINGS, ...stored, limits: { ...DEFAULT_LIMITS, ...stored?.limits } };
}

// merged applies one level of a merge patch: undefined keeps a value, null drops it (so withDefaults refills it).
function merged<T extends object>(current: T, patch: object): Partial<T> {
  const out: Record<string, unknown> = { ...(current as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out as Partial<T>;
}

/** SettingsActor is who changes settings, and the instance's --sandbox mode a reset falls back to. */
export interface SettingsActor {
  admin: boolean;
  instanceSandbox: SandboxMode;
}

/**
 * applySettingsPatch merges a change into the current settings. Turning the sandbox off is for
 * admins only: a server's owner is exactly whose code the sandbox contains. A non-admin may set
 * "auto" or "bwrap", so resetting sandbox to the instance default is theirs only when that default
 * is one of those: on an instance run with `--sandbox none`, resetting a server's "bwrap" would turn
 * its sandbox off, so that needs an admin too (a server already unsandboxed loses nothing).
 */
export function applySettingsPatch(current: DeploymentSettings, patch: SettingsPatch, actor: SettingsActor): DeploymentSettings {
  if (patch.sandbox === "none" && !actor.admin) throw new AppError("forbidden", 'only an administrator may set sandbox "none" for a server');
  const unsandboxes = patch.sandbox === null && actor.instanceSandbox === "none" && current.sandbox !== undefined && current.sandbox !== "none";
  if (unsandboxes && !actor.admin) throw new AppError("forbidden", 'only an administrator may reset sandbox to the instance default here: this instance runs with --sandbox none, so the reset would turn the sandbox off');
  const { limits, ...rest } = patch;
  const next = withDefaults({ ...merged(current, rest), limits: limits === null ? {} : merged(current.limits, presetLimits(current, patch)) });
  if (next.poolSize > next.maxSessions) {
    const message = `poolSize (${next.poolSize}) can't exceed maxSessions (${next.maxSessions})`;
    throw new AppError("invalid", message, { details: [{ pointer: "/poolSize", message }] });
  }
  return next;
}

/**
 * presetLimits is the limits part of a patch with what a preset implies: a browser reserves tens
 * of GiB of address space it never uses (V8 cages, PartitionAlloc) and dies with SIGTRAP under any
 * RLIMIT_AS a server would get, so preset browser turns it off (cgroup memory.max still bounds
 * real memory where delegated). A limit given in the same patch wins; dropping the preset puts
 * back the default it had turned off.
 */
function presetLimits(current: DeploymentSettings, patch: SettingsPatch): Record<string, unknown> {
  const limits: Record<string, unknown> = { ...patch.limits };
  if (limits.addressSpaceMiB !== undefined) return limits;
  if (patch.preset === "browser") limits.addressSpaceMiB = 0;
  if (patch.preset === null && current.preset === "browser" && current.limits.addressSpaceMiB === 0) limits.addressSpaceMiB = null;
  return limits;
}

/** resourceLimitsOf turns settings' MiB values into the byte counts prlimit and cgroups take (an address space of 0 is no limit). */
export function resourceLimitsOf(l: DeploymentLimits): ResourceLimits {
  const mib = (v: number | undefined) => (v === undefined ? undefined : v * 2 ** 20);
  return { addressSpaceBytes: l.addressSpaceMiB === 0 ? undefined : mib(l.addressSpaceMiB), memoryBytes: mib(l.memoryMiB), openFiles: l.openFiles, processes: l.processes, pids: l.pids, cpuSeconds: l.cpuSeconds };
}

/** parseSettingsPatch validates a settings change from outside (API body, CLI flags): 422 with each field's problem. */
export function parseSettingsPatch(input: unknown): SettingsPatch {
  // A whole-settings null has no default to go back to (it's not "reset everything"): refused by the schema.
  const parsed = settingsPatchSchema.safeParse(input === undefined ? {} : input);
  if (parsed.success) return parsed.data;
  throw new AppError("invalid", "these deployment settings are not acceptable", {
    details: parsed.error.issues.map((i) => ({ pointer: "/" + i.path.join("/"), message: `${i.path.join(".") || "settings"}: ${i.message}` })),
  });
}
