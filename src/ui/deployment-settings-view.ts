import type { DeploymentSettings } from "../db/schema.ts";
import { DEFAULT_SETTINGS, limitsPatchSchema, settingsPatchSchema, withDefaults } from "../deploy/settings.ts";
import type { CgroupEnforcement } from "../supervisor/cgroup.ts";
import type { SandboxMode } from "../supervisor/sandbox.ts";
import type { DeploymentSettingsPanelProps, SettingField } from "../../views/components/deployment-settings-panel.tsx";
import type { ServerPage } from "./server-page-data.ts";
import { plural } from "../shared/plural.ts";

/** SettingName is a form field's name: a setting, or `limits.<limit>`. */
export type SettingName = keyof Omit<DeploymentSettings, "limits"> | `limits.${keyof DeploymentSettings["limits"]}`;

interface Spec {
  name: SettingName;
  label: string;
  unit?: string;
  /** one is the unit for a value of 1, when the unit is a counted noun (sessions → session). */
  one?: string;
  hint?: string;
  /** options are [value, label] for the choices; numbers otherwise. */
  options?: [string, string][];
}

// The form's fields, in the order shown; bounds come from the API's schema so both refuse alike.
const SPECS: Spec[] = [
  { name: "sandbox", label: "Sandbox", hint: "Only an administrator may turn it off for a server." },
  { name: "network", label: "Network", options: [["host", "host network"], ["none", "none (loopback only)"]] },
  { name: "sessionPolicy", label: "Session policy", options: [["per-session", "one child per session"], ["shared", "one child shared by all sessions"]] },
  { name: "poolSize", label: "Warm children", hint: "Kept started ahead of sessions (servers that need no config only)." },
  { name: "maxSessions", label: "Max sessions", unit: "sessions", one: "session" },
  { name: "idleTimeoutSec", label: "Idle timeout", unit: "s" },
  { name: "maxAgeSec", label: "Max age", unit: "s" },
  { name: "limits.addressSpaceMiB", label: "Address space", unit: "MiB", hint: "RLIMIT_AS; 0 for none (browsers); Bun needs at least 512." },
  { name: "limits.memoryMiB", label: "Memory", unit: "MiB", hint: "cgroup memory.max, where cgroups are delegated." },
  { name: "limits.openFiles", label: "Open files", unit: "files", one: "file" },
  { name: "limits.processes", label: "Processes", unit: "tasks", one: "task", hint: "RLIMIT_NPROC, counted per uid across the host." },
  { name: "limits.pids", label: "Pids", unit: "tasks", one: "task", hint: "cgroup pids.max for one child and its descendants." },
  { name: "limits.cpuSeconds", label: "CPU time", unit: "s" },
];

const CGROUP_LIMITS: SettingName[] = ["limits.memoryMiB", "limits.pids"];

/** SETTING_NAMES are every field the settings form takes. */
export const SETTING_NAMES: readonly SettingName[] = SPECS.map((s) => s.name);

/** isNumeric says whether a field holds a whole number (the others are choices). */
export function isNumeric(name: SettingName): boolean {
  return !["sandbox", "network", "sessionPolicy"].includes(name);
}

/** settingValue reads one field's current value from settings (sandbox may be unset: the instance's mode). */
export function settingValue(s: DeploymentSettings, name: SettingName): string | number | undefined {
  if (name.startsWith("limits.")) return s.limits[name.slice(7) as keyof DeploymentSettings["limits"]];
  return s[name as keyof Omit<DeploymentSettings, "limits">] as string | number | undefined;
}

function bounds(name: SettingName): { min?: number; max?: number } {
  const shape = name.startsWith("limits.") ? limitsPatchSchema.shape[name.slice(7) as keyof typeof limitsPatchSchema.shape] : settingsPatchSchema.shape[name as "maxSessions"];
  const n = shape.unwrap().unwrap() as { minValue?: number | null; maxValue?: number | null };
  return { min: n.minValue ?? undefined, max: n.maxValue ?? undefined };
}

function shownValue(now: string | number | undefined, spec: Spec): string {
  if (typeof now === "number" && spec.one && spec.unit) return plural(now, spec.one, spec.unit);
  return `${now ?? ""}${spec.unit ? ` ${spec.unit}` : ""}`;
}

/** SettingsFormState is a refused submission: what was typed, and each field's problem. */
export interface SettingsFormState {
  values: Partial<Record<SettingName, string>>;
  errors: Partial<Record<SettingName, string>>;
  /** error is a problem that names no field. */
  error?: string;
}

/**
 * settingsPanelView is the Deployments page's settings panel: the effective settings (defaults
 * marked) and the form to change them. Sandbox "none" is offered to admins, or shown when set.
 */
export function settingsPanelView(data: ServerPage, o: { instanceSandbox: SandboxMode; admin: boolean; cgroup?: CgroupEnforcement | undefined; state?: SettingsFormState; saved?: boolean }): Omit<DeploymentSettingsPanelProps, "base" | "csrfToken"> {
  const current = data.deployment?.settings ?? withDefaults(undefined);
  const fields: SettingField[] = SPECS.map((spec) => {
    const now = settingValue(current, spec.name);
    const isDefault = spec.name === "sandbox" ? now === undefined : now === settingValue(DEFAULT_SETTINGS, spec.name);
    const shown = spec.name === "sandbox" && now === undefined ? `instance default (${o.instanceSandbox})` : shownValue(now, spec);
    let options = spec.options;
    if (spec.name === "sandbox") {
      // "Instance default" (sent empty: a reset) is offered whenever the viewer may pick it; see applySettingsPatch.
      const mayReset = now === undefined || now === "none" || o.admin || o.instanceSandbox !== "none";
      options = [...(mayReset ? ([["", `instance default (${o.instanceSandbox})`]] as [string, string][]) : []), ["auto", "auto (bubblewrap when it works here)"], ["bwrap", "bubblewrap (required)"]];
      if (o.admin || now === "none") options.push(["none", "none (no sandbox)"]);
    }
    const value = o.state?.values[spec.name] ?? (now === undefined ? "" : String(now));
    // memory.max and pids.max exist only where cgroup v2 is delegated: elsewhere say so, not "in effect".
    const notEnforced = CGROUP_LIMITS.includes(spec.name) && o.cgroup && !o.cgroup.enforced ? o.cgroup.reason : undefined;
    return { name: spec.name, id: `ds-${spec.name.replace(".", "-")}`, label: spec.label, unit: spec.unit, hint: spec.hint, shown, isDefault, value, options, ...(options ? {} : bounds(spec.name)), error: o.state?.errors[spec.name], notEnforced };
  });
  return { deployed: Boolean(data.deployment), fields, error: o.state?.error, saved: o.saved, open: Boolean(o.state) };
}
