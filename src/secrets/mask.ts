import { isSecretField } from "./secret-field.ts";

/** A config JSON Schema as stored; secrets sits below the registry, so it names the shape itself. */
type JsonSchemaObject = Record<string, unknown>;

/** SECRET_MASK is shown in place of a stored secret: it says the value is set, never what it is. */
export const SECRET_MASK = "••• set";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * maskSecrets copies a config with every secret setting replaced by SECRET_MASK, following the
 * schema into nested objects. What the schema does not describe is judged by its name (src/secrets/secret-field.ts).
 */
export function maskSecrets(schema: JsonSchemaObject | undefined, config: Obj): Obj {
  const props = isObj(schema?.["properties"]) ? (schema["properties"] as Obj) : {};
  const out: Obj = {};
  for (const [k, v] of Object.entries(config)) {
    const sub = Object.hasOwn(props, k) ? props[k] : undefined;
    const value = isSecretField(k, sub) ? SECRET_MASK : maskValue(sub, v);
    Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * maskValue masks the secrets inside any config value: an object's settings, and the items of an
 * array (judged by the marks on its `items`, as a 422 judges them). Anything else is shown as is.
 */
export function maskValue(schema: unknown, value: unknown): unknown {
  if (isObj(value)) return maskSecrets(isObj(schema) ? schema : undefined, value);
  if (!Array.isArray(value)) return value;
  const items = isObj(schema) && isObj(schema["items"]) ? schema["items"] : undefined;
  return value.map((v) => (isSecretField("", items) ? SECRET_MASK : maskValue(items, v)));
}

// Every string inside a secret value: a child prints an array's keys one by one, not as JSON.
function stringsIn(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (Array.isArray(v)) return v.flatMap(stringsIn);
  return isObj(v) ? Object.values(v).flatMap(stringsIn) : [];
}

/** secretValues lists the secret strings in a config (to prove in tests and logs they never leak). */
export function secretValues(schema: JsonSchemaObject | undefined, config: Obj): string[] {
  const props = isObj(schema?.["properties"]) ? (schema["properties"] as Obj) : {};
  return Object.entries(config).flatMap(([k, v]) => {
    const sub = Object.hasOwn(props, k) ? props[k] : undefined;
    if (isSecretField(k, sub)) return [...stringsIn(v), ...(typeof v === "string" ? [] : [JSON.stringify(v)])];
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
