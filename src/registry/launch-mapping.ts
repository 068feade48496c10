import { AppError } from "../shared/app-error.ts";
import { setOwn } from "./manifest-input.ts";

/**
 * TemplatePart is one piece of an argument or env value: literal text, a config value
 * (`{var}` in server.json, `${user_config.var}` in .mcpb), or a host value such as the
 * bundle directory (`${__dirname}`) that only the installer knows.
 */
export type TemplatePart = string | { param: string } | { host: string };

/** Template is a value built from parts; a template with no param parts is fixed text. */
export type Template = TemplatePart[];

/**
 * ArgSpec is one command-line item. `value` is a positional item, `named` is a flag followed
 * by its value as a separate argv item, `switch` is a bare flag present only when its boolean
 * param is true. A `repeated` spec emits once per element of its (single) array param.
 */
export type ArgSpec =
  | { kind: "value"; template: Template; repeated: boolean }
  | { kind: "named"; flag: string; template: Template; repeated: boolean }
  | { kind: "switch"; flag: string; param: string };

/** EnvSpec sets one environment variable from a template. */
export interface EnvSpec {
  name: string;
  template: Template;
}

/**
 * LaunchMapping says how a config object becomes argv and env. `runtimeArgs` are for the
 * runtime in front of the package (npx, docker, uvx flags in server.json); `args` follow the
 * package. An item whose params are all unset is left out, never passed as an empty string.
 */
export interface LaunchMapping {
  runtimeArgs: ArgSpec[];
  args: ArgSpec[];
  env: EnvSpec[];
}

/** ResolvedLaunch is what a spawn needs: argv items and env, with no shell in between. */
export interface ResolvedLaunch {
  runtimeArgv: string[];
  argv: string[];
  env: Record<string, string>;
}

/** literal wraps fixed text as a template. */
export function literal(text: string): Template {
  return [text];
}

/**
 * parseBraceTemplate splits server.json `{name}` references; only names in `known` become
 * params, others stay as text because the spec says unknown `{x}` is left unchanged.
 */
export function parseBraceTemplate(text: string, known: ReadonlySet<string>): Template {
  return splitTemplate(text, /\{([^{}\s]+)\}/g, (name) => (known.has(name) ? { param: name } : null));
}

/** parseMcpbTemplate splits `${user_config.x}` (a param) and `${__dirname}`-style host values. */
export function parseMcpbTemplate(text: string, known: ReadonlySet<string>): Template {
  return splitTemplate(text, /\$\{([^{}]+)\}/g, (name) => {
    if (name.startsWith("user_config.")) {
      const key = name.slice("user_config.".length);
      return known.has(key) ? { param: key } : null;
    }
    return { host: name };
  });
}

function splitTemplate(text: string, re: RegExp, classify: (name: string) => TemplatePart | null): Template {
  const parts: Template = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const part = classify(m[1] ?? "");
    if (part === null) continue;
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push(part);
    last = m.index + m[0].length;
  }
  if (last < text.length || parts.length === 0) parts.push(text.slice(last));
  return mergeText(parts);
}

function mergeText(parts: Template): Template {
  const out: Template = [];
  for (const p of parts) {
    const prev = out[out.length - 1];
    if (typeof p === "string" && typeof prev === "string") out[out.length - 1] = prev + p;
    else out.push(p);
  }
  return out;
}

/** templateParams lists the config params a template reads, in order, without repeats. */
export function templateParams(t: Template): string[] {
  const names: string[] = [];
  for (const p of t) if (typeof p === "object" && "param" in p && !names.includes(p.param)) names.push(p.param);
  return names;
}

function stringify(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "bigint") return String(v);
  if (typeof v === "boolean") return v ? "true" : "false";
  if (Array.isArray(v)) return v.map(stringify).join(",");
  return JSON.stringify(v);
}

function lookup(config: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(config, name) ? config[name] : undefined;
}

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
}

function checkSafe(text: string, where: string): string {
  // NUL cannot cross exec(); refusing it beats a confusing spawn failure later.
  if (text.includes("\0")) {
    throw new AppError("invalid", "config value contains a NUL character", {
      details: [{ pointer: "", message: `${where} would contain a NUL character` }],
    });
  }
  return text;
}

/** fillTemplate substitutes params and host values; it returns null when a param it needs is unset. */
export function fillTemplate(
  t: Template,
  config: Record<string, unknown>,
  hostVars: Record<string, string> = {},
  override?: { param: string; value: unknown },
): string | null {
  let out = "";
  for (const p of t) {
    if (typeof p === "string") out += p;
    else if ("param" in p) {
      const v = override && override.param === p.param ? override.value : lookup(config, p.param);
      if (!isSet(v)) return null;
      out += stringify(v);
    } else out += Object.hasOwn(hostVars, p.host) ? hostVars[p.host] : "${" + p.host + "}";
  }
  return out;
}

function expandArg(spec: ArgSpec, config: Record<string, unknown>, hostVars: Record<string, string>): string[] {
  if (spec.kind === "switch") return lookup(config, spec.param) === true ? [spec.flag] : [];
  const withFlag = (v: string): string[] => (spec.kind === "named" ? [spec.flag, v] : [v]);
  if (spec.repeated) {
    const arrayParam = templateParams(spec.template).find((n) => Array.isArray(lookup(config, n)));
    if (arrayParam !== undefined) {
      const items = lookup(config, arrayParam) as unknown[];
      return items.flatMap((item) => {
        const v = fillTemplate(spec.template, config, hostVars, { param: arrayParam, value: item });
        return v === null ? [] : withFlag(v);
      });
    }
  }
  const v = fillTemplate(spec.template, config, hostVars);
  return v === null ? [] : withFlag(v);
}

/**
 * resolveLaunch turns a validated config into argv and env. It never quotes or joins:
 * each item is passed to exec as-is, so values cannot inject shell syntax.
 */
export function resolveLaunch(
  mapping: LaunchMapping,
  config: Record<string, unknown>,
  hostVars: Record<string, string> = {},
): ResolvedLaunch {
  const expand = (specs: ArgSpec[], where: string): string[] =>
    specs.flatMap((s) => expandArg(s, config, hostVars)).map((a) => checkSafe(a, where));
  const env: Record<string, string> = {};
  for (const e of mapping.env) {
    const v = fillTemplate(e.template, config, hostVars);
    if (v !== null) setOwn(env, e.name, checkSafe(v, `environment variable ${e.name}`));
  }
  return { runtimeArgv: expand(mapping.runtimeArgs, "an argument"), argv: expand(mapping.args, "an argument"), env };
}
