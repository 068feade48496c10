import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { AppError, type AppErrorDetail } from "../shared/app-error.ts";
import { buildRemoteConfig } from "./config-schema.ts";
import {
  emptyConfigSchema,
  NO_HOST_TOOLS,
  type NormalisedManifest,
  type NormalisedPackage,
  type NormalisedRemote,
  type ParseOptions,
} from "./manifest.ts";
import {
  isPlainObject,
  MAX_MANIFEST_DEPTH,
  parseManifestJson,
  valueDepth,
  type ManifestInput,
} from "./manifest-input.ts";
import { normalisePackage } from "./manifest-packages.ts";
import type { ServerJson } from "./server-json.ts";
import { camelise, pickSchema, snakePointer } from "./server-json-legacy.ts";
import { semanticProblems } from "./server-json-rules.ts";
import { explainSchemaErrors } from "./schema-errors.ts";
import schema20250709 from "./schemas/2025-07-09/server.schema.json" with { type: "json" };
import schema20250929 from "./schemas/2025-09-29/server.schema.json" with { type: "json" };
import schema20251017 from "./schemas/2025-10-17/server.schema.json" with { type: "json" };
import schema20251211 from "./schemas/2025-12-11/server.schema.json" with { type: "json" };

// Vendored files, by schema date; see schemas/README.md for where each came from.
const SCHEMAS: Record<string, Record<string, unknown>> = {
  "2025-07-09": schema20250709,
  "2025-09-29": schema20250929,
  "2025-10-17": schema20251017,
  "2025-12-11": schema20251211,
};

// ajv-formats is CommonJS; under Bun the default import may be the module object or the function.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

// strict: false because the official files use the non-standard `example` annotation.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validators = new Map<string, ValidateFunction>();

/**
 * inlineRefs replaces local `#/definitions/X` refs by their targets (draft-07 ignores a $ref's
 * siblings). ajv's schemaPath then records which anyOf branch failed, which the error wording
 * needs; the official schemas have no recursive definitions.
 */
function inlineRefs(schema: Record<string, unknown>): Record<string, unknown> {
  const defs = (schema["definitions"] ?? {}) as Record<string, unknown>;
  const walk = (node: unknown, depth: number): unknown => {
    if (depth > 50) throw new Error("server.json schema refs nest too deeply");
    if (Array.isArray(node)) return node.map((n) => walk(n, depth + 1));
    if (!isPlainObject(node)) return node;
    const ref = node["$ref"];
    if (typeof ref === "string" && ref.startsWith("#/definitions/")) {
      return walk(defs[ref.slice("#/definitions/".length)], depth + 1);
    }
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, depth + 1)]));
  };
  const { definitions: _defs, $ref: rootRef, ...rest } = schema;
  const root = typeof rootRef === "string" ? (walk({ $ref: rootRef }, 0) as Record<string, unknown>) : {};
  return { ...(walk(rest, 0) as Record<string, unknown>), ...root };
}

/** serverJsonValidator compiles the vendored schema for a date once and keeps it for the process. */
export function serverJsonValidator(date: string): ValidateFunction {
  let v = validators.get(date);
  if (!v) {
    const schema = SCHEMAS[date];
    if (!schema) throw new Error(`no vendored server.json schema for ${date}`);
    v = ajv.compile(inlineRefs(schema));
    validators.set(date, v);
  }
  return v;
}

function reject(details: AppErrorDetail[]): AppError {
  return new AppError("invalid", "manifest is invalid", { details });
}

const NAME_RULE =
  "must be namespace/name with exactly one slash: letters, digits, dots and dashes in the namespace " +
  "(plus underscores in the name), starting and ending with a letter or digit";

function hint(pointer: string, e: ErrorObject): string | undefined {
  if (pointer === "/name" && e.keyword === "pattern") return NAME_RULE;
  if (e.keyword === "not" && pointer.endsWith("/version")) return 'must be an exact version, not "latest"';
  if (e.keyword === "pattern" && /\/file(Sha256|_sha256)$/.test(pointer)) return "must be 64 lowercase hex digits (SHA-256)";
  if (e.keyword === "pattern" && pointer.endsWith("/url")) return "must be an http(s) URL without spaces";
  return undefined;
}

const KNOWN_TOP = new Set([
  "$schema", "name", "title", "description", "version", "websiteUrl", "repository", "icons", "packages", "remotes", "_meta",
]);

/** parseServerJson reads, validates and normalises a server.json of any published schema date. */
export function parseServerJson(input: ManifestInput, opts: ParseOptions = {}): NormalisedManifest {
  return normaliseServerJson(parseManifestJson(input), opts);
}

/** normaliseServerJson validates an already-parsed server.json (e.g. from a registry API) and normalises it. */
export function normaliseServerJson(raw: unknown, opts: ParseOptions = {}): NormalisedManifest {
  if (!isPlainObject(raw)) throw reject([{ pointer: "", message: "the manifest must be a JSON object" }]);
  if (valueDepth(raw) > MAX_MANIFEST_DEPTH) {
    throw reject([{ pointer: "", message: `objects and arrays are nested more than ${MAX_MANIFEST_DEPTH} levels deep` }]);
  }
  const pick = pickSchema(raw);
  const validate = serverJsonValidator(pick.date);
  if (!validate(raw)) throw reject(explainSchemaErrors(validate.errors ?? [], hint));
  const doc = (pick.snakeCase ? camelise(raw) : raw) as unknown as ServerJson;
  const problems = semanticProblems(doc);
  if (problems.length > 0) {
    throw reject(pick.snakeCase ? problems.map((p) => ({ ...p, pointer: snakePointer(p.pointer) })) : problems);
  }
  const warnings = [...pick.warnings];
  for (const key of Object.keys(raw)) {
    const camel = pick.snakeCase ? Object.keys(camelise({ [key]: null }))[0] : key;
    if (camel !== undefined && KNOWN_TOP.has(camel)) continue;
    warnings.push(
      key === "status"
        ? 'field "status" is no longer part of server.json (registries track it); ignored'
        : `unknown field "${key}" ignored`,
    );
  }
  return assemble(doc, raw, pick.date, warnings, opts);
}

function assemble(
  doc: ServerJson,
  raw: unknown,
  schemaDate: string,
  warnings: string[],
  opts: ParseOptions,
): NormalisedManifest {
  const host = opts.host ?? NO_HOST_TOOLS;
  const packages: NormalisedPackage[] = (doc.packages ?? []).map((p, i) => {
    const n = normalisePackage(p, `/packages/${i}`, host);
    warnings.push(...n.warnings);
    return n.pkg;
  });
  const remotes: NormalisedRemote[] = (doc.remotes ?? []).map((r, i) => {
    const c = buildRemoteConfig(r, `/remotes/${i}`);
    warnings.push(...c.warnings);
    return { type: r.type, url: r.url, urlTemplate: c.urlTemplate, headers: c.headers, configSchema: c.configSchema };
  });
  const chosen = packages.find((p) => p.deployable && p.run !== null);
  const m: NormalisedManifest = {
    name: doc.name,
    description: doc.description,
    version: doc.version,
    packages,
    remotes,
    runs: chosen?.run ?? null,
    configSchema: (chosen ?? remotes[0] ?? packages[0])?.configSchema ?? emptyConfigSchema(),
    schemaDate,
    warnings,
    source: "server.json",
    raw,
  };
  if (doc.title !== undefined) m.title = doc.title;
  if (doc.websiteUrl !== undefined) m.websiteUrl = doc.websiteUrl;
  if (doc.repository !== undefined) m.repository = pick(doc.repository, ["url", "source", "id", "subfolder"]);
  if (doc.icons !== undefined) m.icons = doc.icons.map((i) => pick(i, ["src", "mimeType", "sizes", "theme"]));
  if (!chosen) m.notRunnableReason = notRunnable(packages, remotes);
  return m;
}

// Copies only the fields the shape declares: schemas let publishers add others, which stay in `raw`.
function pick<T extends object>(o: T, keys: Array<keyof T>): T {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, o[k]])) as T;
}

function notRunnable(packages: NormalisedPackage[], remotes: NormalisedRemote[]): string {
  if (packages.length === 0 && remotes.length > 0) {
    return `remote-only server: its publisher hosts it at ${remotes.map((r) => r.url).join(", ")}`;
  }
  if (packages.length === 0) return "the manifest declares no packages and no remotes";
  // One reason is said alone ("needs Python (uvx) — not available on this host"); several are listed.
  const reasons = [...new Set(packages.map((p) => p.notDeployableReason ?? "Hearth doesn't know how to run it"))];
  return reasons.length === 1 ? (reasons[0] ?? "") : `no package runs here: ${reasons.join("; ")}`;
}
