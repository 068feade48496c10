import { AppError } from "../shared/app-error.ts";
import { validateConfig, type TypedConfig } from "../registry/config-schema.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";

// Query parameters with a meaning of their own; everything else is a dot-notation config value.
const RESERVED = new Set(["config", "api_key", "profile"]);
const MAX_CONFIG_CHARS = 64 * 1024;

function invalid(configSchema: JsonSchemaObject, detail: string, errors: { param: string; pointer: string; reason: string; received?: unknown }[]): AppError {
  return new AppError("invalid", detail, { extra: { title: "Invalid configuration", status: 422, detail, configSchema, errors } });
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split(".");
  let node = target;
  for (const [i, part] of parts.entries()) {
    if (part === "__proto__" || part === "constructor" || part === "prototype" || part === "") return;
    if (i === parts.length - 1) {
      Object.defineProperty(node, part, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    const next = Object.hasOwn(node, part) ? node[part] : undefined;
    if (typeof next !== "object" || next === null || Array.isArray(next)) {
      const fresh: Record<string, unknown> = {};
      Object.defineProperty(node, part, { value: fresh, enumerable: true, writable: true, configurable: true });
      node = fresh;
    } else {
      node = next as Record<string, unknown>;
    }
  }
}

/**
 * rawConfigFromQuery reads Smithery's connection conventions: `config=<base64 JSON>` and/or
 * dot-notation parameters (`apiKey=x&model.name=y`, JSON-parsed when they parse), the latter winning.
 * Both go over `base` (a profile's saved config): `config=` replaces the top-level settings it
 * names, a dot-notation parameter replaces the one (possibly nested) value it names.
 */
export function rawConfigFromQuery(params: URLSearchParams, configSchema: JsonSchemaObject, base: Record<string, unknown> = {}): Record<string, unknown> {
  let config: Record<string, unknown> = structuredClone(base);
  const encoded = params.get("config");
  if (encoded !== null) {
    if (encoded.length > MAX_CONFIG_CHARS) throw invalid(configSchema, "the config parameter is too large", [{ param: "config", pointer: "/", reason: `more than ${MAX_CONFIG_CHARS} characters` }]);
    let parsed: unknown;
    try {
      const text = new TextDecoder("utf-8", { fatal: true }).decode(Buffer.from(encoded.replace(/-/g, "+").replace(/_/g, "/"), "base64"));
      parsed = JSON.parse(text);
    } catch {
      throw invalid(configSchema, "config must be base64-encoded JSON", [{ param: "config", pointer: "/", reason: "not base64 JSON", received: encoded.slice(0, 40) }]);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw invalid(configSchema, "config must encode a JSON object", [{ param: "config", pointer: "/", reason: "not an object" }]);
    }
    // JSON.parse makes "__proto__" an own key; defineProperty keeps it one (never the prototype).
    for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) Object.defineProperty(config, k, { value: v, enumerable: true, writable: true, configurable: true });
  }
  for (const [key, raw] of params) {
    if (RESERVED.has(key)) continue;
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string: keep it as typed
    }
    setPath(config, key, value);
  }
  return config;
}

/**
 * resolveConnectionConfig validates the raw config against the version's schema, filling defaults;
 * bad config is a 422 in Smithery's shape. `hideValues` (a profile was used) leaves the offending
 * values out of the error, since they may have come from the encrypted profile.
 */
export function resolveConnectionConfig(configSchema: JsonSchemaObject, raw: Record<string, unknown>, opts: { hideValues?: boolean } = {}): TypedConfig {
  const r = validateConfig(configSchema, raw);
  if (r.ok) return r.value;
  const errors = opts.hideValues ? r.errors.map(({ received: _r, ...e }) => e) : r.errors;
  throw invalid(configSchema, `the configuration is not valid: ${r.errors.map((e) => `${e.param || "/"} ${e.reason}`).join("; ")}`, errors);
}
