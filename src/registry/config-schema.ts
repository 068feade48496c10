import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { AppError } from "../shared/app-error.ts";
import { describeSchemaError, pruneSchemaErrors } from "./schema-errors.ts";
import {
  literal,
  parseBraceTemplate,
  type ArgSpec,
  type EnvSpec,
  type LaunchMapping,
  type Template,
} from "./launch-mapping.ts";
import type { JsonSchemaObject } from "./manifest.ts";
import { isPlainObject, setOwn } from "./manifest-input.ts";
import { isSecretField } from "../secrets/secret-field.ts";
import { maskValue } from "../secrets/mask.ts";

/** ServerJsonInput is a server.json Input (camelCase), as the schema has already checked it. */
export interface ServerJsonInput {
  description?: string;
  isRequired?: boolean;
  format?: "string" | "number" | "boolean" | "filepath";
  value?: string;
  isSecret?: boolean;
  default?: string;
  placeholder?: string;
  choices?: string[];
  variables?: Record<string, ServerJsonInput>;
}

/** ServerJsonArgument is a positional or named runtime/package argument. */
export interface ServerJsonArgument extends ServerJsonInput {
  type: "positional" | "named";
  name?: string;
  valueHint?: string;
  isRepeated?: boolean;
}

/** ServerJsonKeyValue is an environment variable or an HTTP header. */
export interface ServerJsonKeyValue extends ServerJsonInput {
  name: string;
}

/** PackageConfig is what one package contributes: the form users fill and how it reaches the process. */
export interface PackageConfig {
  configSchema: JsonSchemaObject;
  launch: LaunchMapping;
  warnings: string[];
}

/** RemoteConfig is the same for a remote endpoint: URL template and headers. */
export interface RemoteConfig {
  configSchema: JsonSchemaObject;
  urlTemplate: Template;
  headers: EnvSpec[];
  warnings: string[];
}

function typed(format: ServerJsonInput["format"], raw: string): unknown {
  if (format === "number") {
    const n = Number(raw);
    return raw.trim() !== "" && Number.isFinite(n) ? n : undefined;
  }
  if (format === "boolean") return raw === "true" ? true : raw === "false" ? false : undefined;
  return raw;
}

/** Collects params under unique names; server.json lets two inputs derive the same name. */
class ParamCollector {
  readonly properties: Record<string, JsonSchemaObject> = {};
  readonly required: string[] = [];
  readonly warnings: string[] = [];

  add(wanted: string, input: ServerJsonInput, where: string, repeated = false): string {
    let name = wanted;
    for (let i = 2; Object.hasOwn(this.properties, name); i++) name = `${wanted}_${i}`;
    if (name !== wanted) this.warnings.push(`${where}: setting "${wanted}" is declared twice; the second is "${name}"`);
    const base: JsonSchemaObject = {
      type: input.format === "number" ? "number" : input.format === "boolean" ? "boolean" : "string",
    };
    if (input.choices && input.choices.length > 0) {
      const values = input.choices.map((c) => typed(input.format, c)).filter((c) => c !== undefined);
      base["enum"] = values;
    }
    const prop: JsonSchemaObject = repeated ? { type: "array", items: base } : { ...base };
    if (input.description !== undefined) prop["description"] = input.description;
    if (input.default !== undefined) {
      const d = typed(input.format, input.default);
      if (d === undefined) this.warnings.push(`${where}: default "${input.default}" is not a ${input.format}; ignored`);
      else prop["default"] = repeated ? [d] : d;
    }
    if (input.placeholder !== undefined) prop["examples"] = [input.placeholder];
    if (input.isSecret === true) {
      prop["x-secret"] = true;
      prop["writeOnly"] = true;
    }
    setOwn(this.properties, name, prop);
    if (input.isRequired === true) this.required.push(name);
    return name;
  }

  /** Turns `value` + `variables` into a template whose `{var}`s are params of their own. */
  template(value: string, variables: Record<string, ServerJsonInput> | undefined, where: string): Template {
    const renamed = new Map<string, string>();
    for (const [key, input] of Object.entries(variables ?? {})) renamed.set(key, this.add(key, input, `${where} {${key}}`));
    const t = parseBraceTemplate(value, new Set(renamed.keys()));
    return t.map((p) => (typeof p === "object" && "param" in p ? { param: renamed.get(p.param) ?? p.param } : p));
  }

  schema(): JsonSchemaObject {
    const s: JsonSchemaObject = { type: "object", properties: this.properties };
    if (this.required.length > 0) s["required"] = this.required;
    return s;
  }
}

// A bare named flag (`--rm`, `--stdio`) says nothing about a value; anything below says "ask the user".
function asksForValue(a: ServerJsonInput): boolean {
  return (
    a.description !== undefined ||
    a.default !== undefined ||
    (a.choices?.length ?? 0) > 0 ||
    a.isRequired === true ||
    a.isSecret === true ||
    a.format !== undefined
  );
}

function argSpec(a: ServerJsonArgument, params: ParamCollector, where: string): ArgSpec {
  const repeated = a.isRepeated === true;
  if (a.type === "positional") {
    if (a.value !== undefined) return { kind: "value", template: params.template(a.value, a.variables, where), repeated };
    const hint = a.valueHint ?? "value";
    if (!asksForValue(a)) return { kind: "value", template: literal(hint), repeated: false };
    return { kind: "value", template: [{ param: params.add(hint, a, where, repeated) }], repeated };
  }
  const flag = a.name ?? "";
  if (a.value !== undefined) {
    return { kind: "named", flag, template: params.template(a.value, a.variables, where), repeated };
  }
  if (!asksForValue(a)) return { kind: "value", template: literal(flag), repeated: false };
  const wanted = flag.replace(/^-+/, "") || flag;
  // Spec says booleans become "true"/"false", but `--flag true` breaks argparse/commander
  // store-true flags, which is what a boolean named argument almost always is.
  if (a.format === "boolean" && !repeated) return { kind: "switch", flag, param: params.add(wanted, a, where) };
  // Flag and value are separate argv items, as VS Code's registry installer does.
  return { kind: "named", flag, template: [{ param: params.add(wanted, a, where, repeated) }], repeated };
}

function envSpec(kv: ServerJsonKeyValue, params: ParamCollector, where: string): EnvSpec {
  if (kv.value !== undefined) return { name: kv.name, template: params.template(kv.value, kv.variables, where) };
  return { name: kv.name, template: [{ param: params.add(kv.name, kv, where) }] };
}

/** buildPackageConfig derives a package's configSchema and launch mapping from its declared inputs. */
export function buildPackageConfig(
  pkg: {
    runtimeArguments?: ServerJsonArgument[];
    packageArguments?: ServerJsonArgument[];
    environmentVariables?: ServerJsonKeyValue[];
  },
  where: string,
): PackageConfig {
  const params = new ParamCollector();
  const runtimeArgs = (pkg.runtimeArguments ?? []).map((a, i) => argSpec(a, params, `${where}/runtimeArguments/${i}`));
  const args = (pkg.packageArguments ?? []).map((a, i) => argSpec(a, params, `${where}/packageArguments/${i}`));
  const env = (pkg.environmentVariables ?? []).map((e, i) => envSpec(e, params, `${where}/environmentVariables/${i}`));
  return { configSchema: params.schema(), launch: { runtimeArgs, args, env }, warnings: params.warnings };
}

/** buildRemoteConfig derives a remote's configSchema from its URL `variables` and headers. */
export function buildRemoteConfig(
  remote: { url: string; variables?: Record<string, ServerJsonInput>; headers?: ServerJsonKeyValue[] },
  where: string,
): RemoteConfig {
  const params = new ParamCollector();
  const urlTemplate = params.template(remote.url, remote.variables, where);
  const headers = (remote.headers ?? []).map((h, i) => envSpec(h, params, `${where}/headers/${i}`));
  return { configSchema: params.schema(), urlTemplate, headers, warnings: params.warnings };
}

/**
 * annotateSecrets marks credential-like top-level properties of a publisher's configSchema with
 * `x-secret` + `writeOnly`, so they are masked and stored encrypted; it returns a copy.
 */
export function annotateSecrets(schema: JsonSchemaObject): JsonSchemaObject {
  const props = schema["properties"];
  if (typeof props !== "object" || props === null || Array.isArray(props)) return schema;
  const out = Object.fromEntries(
    Object.entries(props as Record<string, unknown>).map(([name, value]) => {
      const prop = isPlainObject(value) ? value : null;
      return [name, prop && isSecretField(name, prop) ? { ...prop, "x-secret": true, writeOnly: true } : value];
    }),
  );
  return { ...schema, properties: out };
}

/** ConfigError is one problem with a user's config, in Smithery's 422 shape. */
export interface ConfigError {
  /** Dot path of the setting, e.g. `model.name`; empty for the config as a whole. */
  param: string;
  pointer: string;
  reason: string;
  /** The offending value; secrets are replaced by "[redacted]" so errors can be logged and shown. */
  received?: unknown;
}

declare const validated: unique symbol;

/**
 * TypedConfig is a config that passed validateConfig, defaults filled in; only its success makes
 * one, so a config nobody validated can't be planned into a child (src/launch/plan-session.ts).
 */
export type TypedConfig = Record<string, unknown> & { readonly [validated]: true };

/** ConfigValidation is the outcome of validateConfig; `value` has the schema's defaults filled in. */
export type ConfigValidation = { ok: true; value: TypedConfig } | { ok: false; errors: ConfigError[] };

// ajv-formats is CommonJS; under Bun the default import may be the module object or the function.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

// strict: false because publisher schemas carry annotations ajv does not know (x-from, secret, examples).
const configAjv = new Ajv({ strict: false, allErrors: true, useDefaults: true });
addFormats(configAjv);

// Compiled validators by schema text, oldest first; bounded because schemas come from publishers.
const CACHE_LIMIT = 256;
const compiled = new Map<string, { schema: JsonSchemaObject; validate: ValidateFunction }>();

/** compileConfigSchema compiles (once, cached) a configSchema, or throws AppError "invalid" saying why not. */
export function compileConfigSchema(schema: JsonSchemaObject): ValidateFunction {
  const key = JSON.stringify(schema);
  const hit = compiled.get(key);
  if (hit) {
    compiled.delete(key);
    compiled.set(key, hit);
    return hit.validate;
  }
  // $id would clash between publishers; $schema may name a draft this instance lacks. Both are dropped.
  const { $id: _id, $schema: _schema, ...body } = schema;
  let validate: ValidateFunction;
  try {
    validate = configAjv.compile(body);
  } catch (cause) {
    const why = cause instanceof Error ? cause.message : String(cause);
    throw new AppError("invalid", "configSchema is not a valid JSON Schema", {
      cause,
      details: [{ pointer: "/configSchema", message: `configSchema is not a valid JSON Schema: ${why}` }],
    });
  }
  compiled.set(key, { schema: body, validate });
  if (compiled.size > CACHE_LIMIT) {
    const [oldKey, old] = compiled.entries().next().value as [string, { schema: JsonSchemaObject }];
    compiled.delete(oldKey);
    configAjv.removeSchema(old.schema);
  }
  return validate;
}

function segments(pointer: string): string[] {
  return pointer === "" ? [] : pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function valueAt(root: unknown, pointer: string): unknown {
  let v: unknown = root;
  for (const seg of segments(pointer)) {
    if (typeof v !== "object" || v === null || !Object.hasOwn(v, seg)) return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

// A value is redacted when its own setting is secret or it sits inside one that is. Array items
// are judged by the marks on `items` (names are judged where they are: the array's own name
// makes no string of it secret, as everywhere else); what the schema doesn't describe, by name.
// A value that is not itself secret but holds settings (the whole config, a nested object, an
// array of them) is shown with the secrets inside it masked.
function redactedAt(schema: JsonSchemaObject, pointer: string, received: unknown): unknown {
  let s: unknown = schema;
  let name: string | undefined;
  for (const seg of segments(pointer)) {
    if (name !== undefined && isSecretField(name, s)) return "[redacted]";
    const props = isPlainObject(s) ? s["properties"] : undefined;
    if (isPlainObject(props) && Object.hasOwn(props, seg)) [s, name] = [props[seg], seg];
    else if (isPlainObject(s) && isPlainObject(s["items"]) && /^\d+$/.test(seg)) [s, name] = [s["items"], ""];
    else [s, name] = [undefined, seg];
  }
  return name !== undefined && isSecretField(name, s) ? "[redacted]" : maskValue(s, received);
}

/** validateConfig checks a config against a configSchema with ajv and reports Smithery-style errors. */
export function validateConfig(schema: JsonSchemaObject, config: unknown): ConfigValidation {
  if (!isPlainObject(config)) {
    return { ok: false, errors: [{ param: "", pointer: "", reason: "config must be a JSON object", received: config }] };
  }
  const validate = compileConfigSchema(schema);
  // Defaults are filled into a copy: the caller's object stays as the user sent it.
  const value = structuredClone(config);
  if (validate(value)) return { ok: true, value: value as TypedConfig };
  const errors = pruneSchemaErrors((validate.errors ?? []) as ErrorObject<string, Record<string, unknown>>[]).map(
    (e): ConfigError => {
      const d = describeSchemaError(e);
      const received = d.keyword === "required" ? undefined : valueAt(config, d.pointer);
      const out: ConfigError = { param: segments(d.pointer).join("."), pointer: d.pointer, reason: d.predicate };
      if (received !== undefined) out.received = redactedAt(schema, d.pointer, received);
      return out;
    },
  );
  return { ok: false, errors };
}
