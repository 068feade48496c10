import { Ajv } from "ajv";
import { AppError } from "../shared/app-error.ts";
import { parseMcpbTemplate, templateParams, type ArgSpec, type EnvSpec, type Template } from "./launch-mapping.ts";
import {
  NO_HOST_TOOLS,
  type HostCapabilities,
  type JsonSchemaObject,
  type McpbEntry,
  type NormalisedManifest,
  type ParseOptions,
} from "./manifest.ts";
import { isPlainObject, MAX_MANIFEST_DEPTH, parseManifestJson, setOwn, valueDepth, type ManifestInput } from "./manifest-input.ts";
import { explainSchemaErrors } from "./schema-errors.ts";
import { versionProblem } from "./server-json-rules.ts";

/** McpbUserConfigOption is one `user_config` entry of a bundle manifest. */
export interface McpbUserConfigOption {
  type: "string" | "number" | "boolean" | "directory" | "file";
  title?: string;
  description?: string;
  required?: boolean;
  default?: string | number | boolean | string[];
  multiple?: boolean;
  sensitive?: boolean;
  min?: number;
  max?: number;
}

interface McpConfig {
  command: string;
  args?: string[];
  env?: Record<string, string>;
  platform_overrides?: Record<string, { command?: string; args?: string[]; env?: Record<string, string> }>;
}

/** McpbManifest is the part of a bundle's manifest.json that Hearth uses (MCPB spec 0.1–0.4). */
export interface McpbManifest {
  name: string;
  version: string;
  description: string;
  display_name?: string;
  homepage?: string;
  repository?: { type?: string; url: string };
  keywords?: string[];
  server: { type: McpbEntry["serverType"]; entry_point: string; mcp_config?: McpConfig };
  user_config?: Record<string, McpbUserConfigOption>;
  compatibility?: { platforms?: string[] };
}

const str = { type: "string" };
const strList = { type: "array", items: str };
const strMap = { type: "object", additionalProperties: str };
const mcpConfig = { type: "object", required: ["command"], properties: { command: str, args: strList, env: strMap } };

// A subset of the published MCPB schema (static.modelcontextprotocol.io/schemas/2025-08-26/
// mcpb.manifest.schema.json): only what Hearth reads is checked, so newer spec versions still load.
const MCPB_SCHEMA = {
  type: "object",
  required: ["name", "version", "description", "server"],
  properties: {
    name: { type: "string", minLength: 1, maxLength: 200 },
    version: { type: "string", minLength: 1, maxLength: 255 },
    description: str,
    display_name: str,
    homepage: str,
    keywords: strList,
    repository: { type: "object", required: ["url"], properties: { type: str, url: str } },
    server: {
      type: "object",
      required: ["type", "entry_point"],
      properties: {
        type: { enum: ["node", "python", "binary", "uv"] },
        entry_point: str,
        mcp_config: { ...mcpConfig, properties: { ...mcpConfig.properties, platform_overrides: { type: "object" } } },
      },
      if: { properties: { type: { not: { const: "uv" } } } },
      then: { required: ["mcp_config"] },
    },
    user_config: {
      type: "object",
      additionalProperties: {
        type: "object",
        required: ["type"],
        properties: {
          type: { enum: ["string", "number", "boolean", "directory", "file"] },
          title: str,
          description: str,
          required: { type: "boolean" },
          multiple: { type: "boolean" },
          sensitive: { type: "boolean" },
          min: { type: "number" },
          max: { type: "number" },
          default: { type: ["string", "number", "boolean", "array"], items: str },
        },
      },
    },
    compatibility: { type: "object", properties: { platforms: strList } },
  },
};

// strictTypes off: `default` may be any of four types, which strict mode reads as a mistake.
const validateMcpb = new Ajv({ allErrors: true, strictTypes: false }).compile(MCPB_SCHEMA);

function optionSchema(o: McpbUserConfigOption): JsonSchemaObject {
  const base: JsonSchemaObject = { type: o.type === "number" ? "number" : o.type === "boolean" ? "boolean" : "string" };
  if (o.type === "number" && o.min !== undefined) base["minimum"] = o.min;
  if (o.type === "number" && o.max !== undefined) base["maximum"] = o.max;
  // directory/file are strings to validate; the hint lets a form offer a path picker.
  if (o.type === "directory" || o.type === "file") base["x-picker"] = o.type;
  const s: JsonSchemaObject = o.multiple === true ? { type: "array", items: base } : base;
  if (o.title !== undefined) s["title"] = o.title;
  if (o.description !== undefined) s["description"] = o.description;
  if (o.default !== undefined) s["default"] = o.default;
  if (o.sensitive === true) {
    s["x-secret"] = true;
    s["writeOnly"] = true;
  }
  return s;
}

/** userConfigSchema turns `user_config` into a configSchema (sensitive → x-secret + writeOnly). */
export function userConfigSchema(userConfig: Record<string, McpbUserConfigOption> | undefined): JsonSchemaObject {
  const properties: Record<string, JsonSchemaObject> = {};
  const required: string[] = [];
  for (const [key, o] of Object.entries(userConfig ?? {})) {
    setOwn(properties, key, optionSchema(o));
    if (o.required === true) required.push(key);
  }
  return required.length > 0 ? { type: "object", properties, required } : { type: "object", properties };
}

// ["--db", "${user_config.db}"] is one flag with one value: left out together when db is unset.
function argSpecs(args: string[], known: Set<string>, multiple: Set<string>): ArgSpec[] {
  const out: ArgSpec[] = [];
  for (let i = 0; i < args.length; i++) {
    const t: Template = parseMcpbTemplate(args[i] ?? "", known);
    const params = templateParams(t);
    const repeated = params.length === 1 && multiple.has(params[0] ?? "");
    const prev = out[out.length - 1];
    const prevText = prev?.kind === "value" && prev.template.length === 1 ? prev.template[0] : undefined;
    if (params.length > 0 && typeof prevText === "string" && prevText.startsWith("-") && !prevText.includes("=")) {
      out[out.length - 1] = { kind: "named", flag: prevText, template: t, repeated };
    } else out.push({ kind: "value", template: t, repeated });
  }
  return out;
}

function refusal(m: McpbManifest, host: HostCapabilities): string | undefined {
  const platforms = m.compatibility?.platforms;
  if (platforms && platforms.length > 0 && !platforms.includes("linux")) {
    return `made for ${platforms.join(", ")} only — not Linux`;
  }
  if (m.server.type === "python" && !host.python) return "needs Python — not available on this host";
  if (m.server.type === "uv" && !host.uv) return "needs Python (uv) — not available on this host";
  return undefined;
}

/** parseMcpbManifest reads a bundle's manifest.json (already taken out of the zip by the installer). */
export function parseMcpbManifest(input: ManifestInput, opts: ParseOptions & { name?: string } = {}): NormalisedManifest {
  return normaliseMcpbManifest(parseManifestJson(input), opts);
}

/** normaliseMcpbManifest validates and normalises an already-parsed manifest.json. */
export function normaliseMcpbManifest(raw: unknown, opts: ParseOptions & { name?: string } = {}): NormalisedManifest {
  if (!isPlainObject(raw) || valueDepth(raw) > MAX_MANIFEST_DEPTH) {
    throw new AppError("invalid", "manifest is invalid", { details: [{ pointer: "", message: "manifest.json must be a JSON object" }] });
  }
  if (!validateMcpb(raw)) {
    throw new AppError("invalid", "manifest is invalid", { details: explainSchemaErrors(validateMcpb.errors ?? []) });
  }
  const m = raw as unknown as McpbManifest;
  const bad = versionProblem(m.version);
  if (bad) throw new AppError("invalid", "manifest is invalid", { details: [{ pointer: "/version", message: `version ${bad}` }] });
  const warnings: string[] = [];
  const known = new Set(Object.keys(m.user_config ?? {}));
  const multiple = new Set([...known].filter((k) => m.user_config?.[k]?.multiple === true));
  const linux = m.server.mcp_config?.platform_overrides?.["linux"];
  if (linux) warnings.push("server.mcp_config.platform_overrides.linux applied");
  const cfg = { ...m.server.mcp_config, ...(linux ?? {}) };
  const env: EnvSpec[] = Object.entries(cfg.env ?? {}).map(([name, v]) => ({ name, template: parseMcpbTemplate(v, known) }));
  const entry: McpbEntry = { serverType: m.server.type, entryPoint: m.server.entry_point, command: cfg.command ?? "" };
  const launch = { runtimeArgs: [], args: argSpecs(cfg.args ?? [], known, multiple), env };
  const reason = refusal(m, opts.host ?? NO_HOST_TOOLS);
  const out: NormalisedManifest = {
    name: opts.name ?? m.name,
    description: m.description,
    version: m.version,
    packages: [],
    remotes: [],
    runs: reason === undefined ? { kind: "mcpb", entry, launch } : null,
    configSchema: userConfigSchema(m.user_config),
    warnings,
    source: "mcpb",
    raw,
  };
  if (m.display_name !== undefined) out.title = m.display_name;
  if (m.homepage !== undefined) out.websiteUrl = m.homepage;
  if (m.repository !== undefined) out.repository = { url: m.repository.url, source: m.repository.type ?? "git" };
  if (m.keywords !== undefined) out.tags = m.keywords;
  if (reason !== undefined) out.notRunnableReason = reason;
  return out;
}
