import type { JsonSchemaObject } from "../registry/manifest.ts";

/** SECRET_MASK is shown in place of a stored secret: it says the value is set, never what it is. */
export const SECRET_MASK = "••• set";

// Same rule as the config form (src/ui/schema-fields.ts): marked secret by the schema, or named like a credential.
const SECRET_NAME = /(api[_-]?key|token|secret|password|passwd|credential|private[_-]?key)/i;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** isSecretSetting says a setting holds a credential, from its schema or, failing that, its name. */
export function isSecretSetting(name: string, schema: unknown): boolean {
  if (isObj(schema) && (schema["x-secret"] === true || schema["writeOnly"] === true || schema["secret"] === true || schema["format"] === "password")) return true;
  return SECRET_NAME.test(name);
}

/**
 * maskSecrets copies a config with every secret setting replaced by SECRET_MASK, following the
 * schema into nested objects. What the schema does not describe is judged by its name.
 */
export function maskSecrets(schema: JsonSchemaObject | undefined, config: Obj): Obj {
  const props = isObj(schema?.["properties"]) ? (schema["properties"] as Obj) : {};
  const out: Obj = {};
  for (const [k, v] of Object.entries(config)) {
    const sub = Object.hasOwn(props, k) ? props[k] : undefined;
    const value = isSecretSetting(k, sub) ? SECRET_MASK : isObj(v) ? maskSecrets(sub as JsonSchemaObject | undefined, v) : v;
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** secretValues lists the secret strings in a config (to prove in tests and logs they never leak). */
export function secretValues(schema: JsonSchemaObject | undefined, config: Obj): string[] {
  const props = isObj(schema?.["properties"]) ? (schema["properties"] as Obj) : {};
  return Object.entries(config).flatMap(([k, v]) => {
    const sub = Object.hasOwn(props, k) ? props[k] : undefined;
    if (isSecretSetting(k, sub)) return typeof v === "string" ? [v] : [JSON.stringify(v)];
    return isObj(v) ? secretValues(sub as JsonSchemaObject | undefined, v) : [];
  });
}

/** redactValues replaces every occurrence of the given secret strings in a text (a child's stderr, say). */
export function redactValues(text: string, secrets: string[]): string {
  let out = text;
  // Very short values would blank out ordinary words; they are not worth hiding at that price.
  for (const s of secrets.filter((v) => v.length >= 4).sort((a, b) => b.length - a.length)) out = out.split(s).join("[redacted]");
  return out;
}
