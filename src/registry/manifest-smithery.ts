import { AppError } from "../shared/app-error.ts";
import { annotateSecrets, compileConfigSchema, validateConfig } from "./config-schema.ts";
import { literal } from "./launch-mapping.ts";
import {
  emptyConfigSchema,
  type JsonSchemaObject,
  type NormalisedManifest,
  type ParseOptions,
  type RunSpec,
  type SmitheryBuild,
} from "./manifest.ts";
import { isPlainObject, parseManifestYaml, type ManifestInput } from "./manifest-input.ts";
import { versionProblem } from "./server-json-rules.ts";

/**
 * SmitheryIdentity supplies what smithery.yaml never says. `name` may be left out when the
 * publisher names the server at publish time (the manifest's name is then ""); `version` is
 * required because a registry entry without one cannot exist.
 */
export interface SmitheryIdentity {
  name?: string;
  version?: string;
  description?: string;
  title?: string;
}

// Documented smithery.yaml fields across its eras; anything else is reported and skipped.
const KNOWN_TOP = new Set(["startCommand", "build", "runtime", "env", "configSchema", "exampleConfig"]);
const KNOWN_START = new Set(["type", "configSchema", "exampleConfig", "commandFunction"]);
const KNOWN_BUILD = new Set(["dockerfile", "dockerBuildPath"]);

interface Reading {
  warnings: string[];
  configSchema: JsonSchemaObject;
  schemaFrom?: string;
  exampleConfig?: Record<string, unknown>;
  runs: RunSpec | null;
  reason?: string;
}

function readBuild(v: unknown, r: Reading): SmitheryBuild | undefined {
  if (v === undefined) return undefined;
  if (!isPlainObject(v)) {
    r.warnings.push("build is not a mapping; ignored");
    return undefined;
  }
  const build: SmitheryBuild = {};
  for (const [k, val] of Object.entries(v)) {
    if (KNOWN_BUILD.has(k) && typeof val === "string") build[k as keyof SmitheryBuild] = val;
    else r.warnings.push(`build.${k} is not understood by Hearth; ignored`);
  }
  return build;
}

function readConfigSchema(v: unknown, where: string, r: Reading): void {
  if (v === undefined || v === null) return;
  if (!isPlainObject(v)) {
    r.warnings.push(`${where} is not a JSON Schema object; the server is treated as taking no settings`);
    return;
  }
  if (Object.keys(v).length === 0) return;
  try {
    compileConfigSchema(v);
    r.configSchema = annotateSecrets(v);
    r.schemaFrom = where;
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    r.warnings.push(`${where} was skipped: ${e.details[0]?.message ?? e.message}`);
  }
}

function readExample(v: unknown, where: string, r: Reading): void {
  if (v === undefined || v === null) return;
  if (!isPlainObject(v)) {
    r.warnings.push(`${where} is not a mapping; ignored`);
    return;
  }
  r.exampleConfig = v;
  const check = validateConfig(r.configSchema, v);
  if (!check.ok) {
    const first = check.errors[0];
    r.warnings.push(`${where} does not match configSchema: ${first ? `${first.param || "config"} ${first.reason}` : "invalid"}`);
  }
}

function commandRun(command: unknown, args: unknown): RunSpec | null {
  if (typeof command !== "string" || command === "") return null;
  const list = Array.isArray(args) ? args.filter((a): a is string => typeof a === "string") : [];
  const launch = { runtimeArgs: [], args: list.map((a) => ({ kind: "value" as const, template: literal(a), repeated: false })), env: [] };
  // The command names files of the publisher's repository (node dist/index.js), so it needs that checkout.
  return { kind: "command", command, launch, requires: "source-checkout" };
}

function readStart(v: unknown, build: SmitheryBuild | undefined, r: Reading): void {
  if (Array.isArray(v)) {
    r.warnings.push("startCommand is a list, not a mapping; it is used as a command line");
    r.runs = commandRun(v[0], v.slice(1));
    if (!r.runs) r.reason = "startCommand is a list without a command";
    return;
  }
  if (!isPlainObject(v)) {
    r.warnings.push("startCommand is not a mapping; ignored");
    r.reason = "smithery.yaml has no usable startCommand";
    return;
  }
  readConfigSchema(v["configSchema"], "startCommand.configSchema", r);
  readExample(v["exampleConfig"], "startCommand.exampleConfig", r);
  for (const k of Object.keys(v)) {
    if (!KNOWN_START.has(k) && !(k === "command" || k === "args" || k === "stdio")) {
      r.warnings.push(`startCommand.${k} is not understood by Hearth; ignored`);
    }
  }
  const type = v["type"];
  const fn = v["commandFunction"];
  if (type === "http") {
    r.reason = "hosted by Smithery (HTTP) — Hearth can't build it";
    return;
  }
  if (type !== "stdio" && type !== undefined) r.warnings.push(`startCommand.type "${String(type)}" is not stdio or http`);
  if (typeof fn === "string" && fn.trim() !== "") {
    // Publisher code: kept as text here, evaluated later only in a throwaway sandboxed child.
    r.runs = { kind: "smithery-function", source: fn, ...(build ? { build } : {}) };
    return;
  }
  if (fn !== undefined) r.warnings.push("startCommand.commandFunction is not a string; ignored");
  const stdio = v["stdio"];
  const direct = isPlainObject(stdio) ? stdio : v;
  if (direct["command"] !== undefined) {
    r.warnings.push(
      `startCommand${direct === v ? "" : ".stdio"}.command is not part of smithery.yaml; used as the start command`,
    );
    r.runs = commandRun(direct["command"], direct["args"]);
  }
  if (!r.runs) r.reason = "smithery.yaml doesn't say how to start it (no commandFunction)";
}

function runtimeReason(runtime: unknown): string {
  if (runtime === "typescript") return "needs a Smithery CLI build (typescript) — Hearth can't build it";
  if (runtime === "python") return "needs a Smithery build (python) — Hearth can't build it";
  if (runtime === "container") return "needs a container built from its Dockerfile — Hearth can't build it";
  return "smithery.yaml has no startCommand";
}

/**
 * parseSmitheryManifest imports a smithery.yaml. Real files vary widely: what is understood is kept,
 * everything else becomes a warning, and only an unreadable file (or one that is not a mapping)
 * is refused. commandFunction is kept as text and never evaluated here.
 */
export function parseSmitheryManifest(
  input: ManifestInput,
  identity: SmitheryIdentity = {},
  _opts: ParseOptions = {},
): NormalisedManifest {
  const version = identity.version?.trim();
  if (!version) {
    throw new AppError("invalid", "smithery.yaml has no version", {
      details: [{ pointer: "/version", message: "smithery.yaml does not carry a version: give one when publishing (e.g. 1.2.0)" }],
    });
  }
  const bad = versionProblem(version);
  if (bad) throw new AppError("invalid", "manifest is invalid", { details: [{ pointer: "/version", message: `version ${bad}` }] });
  const { value: doc, warnings: yamlWarnings } = parseManifestYaml(input);
  if (!isPlainObject(doc)) {
    throw new AppError("invalid", "manifest is invalid", {
      details: [{ pointer: "", message: "smithery.yaml must be a mapping of settings (startCommand, build, runtime)" }],
    });
  }
  const r: Reading = { warnings: [...yamlWarnings], configSchema: emptyConfigSchema(), runs: null };
  for (const k of Object.keys(doc)) if (!KNOWN_TOP.has(k)) r.warnings.push(`unknown field "${k}" ignored`);
  const runtime = doc["runtime"];
  if (runtime !== undefined && !["typescript", "container", "python"].includes(runtime as string)) {
    r.warnings.push(`runtime ${JSON.stringify(runtime)} is not typescript, container or python; ignored`);
  }
  const build = readBuild(doc["build"], r);
  if (doc["startCommand"] !== undefined) readStart(doc["startCommand"], build, r);
  else r.reason = runtimeReason(runtime);
  // Later smithery.yaml eras put these at the top level; the startCommand ones win when both exist.
  if (doc["configSchema"] !== undefined && r.schemaFrom === undefined) {
    readConfigSchema(doc["configSchema"], "configSchema", r);
  }
  if (r.exampleConfig === undefined) readExample(doc["exampleConfig"], "exampleConfig", r);
  if (r.runs?.kind === "command" && isPlainObject(doc["env"])) {
    const env = Object.entries(doc["env"]).filter((e): e is [string, string] => typeof e[1] === "string");
    r.runs.launch = { ...r.runs.launch, env: env.map(([name, v]) => ({ name, template: literal(v) })) };
  }
  const m: NormalisedManifest = {
    name: identity.name ?? "",
    description: identity.description ?? "",
    version,
    packages: [],
    remotes: [],
    runs: r.runs,
    configSchema: r.configSchema,
    warnings: r.warnings,
    source: "smithery.yaml",
    raw: doc,
  };
  if (identity.title !== undefined) m.title = identity.title;
  if (r.exampleConfig !== undefined) m.exampleConfig = r.exampleConfig;
  if (!r.runs) m.notRunnableReason = r.reason ?? "Hearth doesn't know how to start it";
  return m;
}
