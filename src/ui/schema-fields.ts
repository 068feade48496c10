// A JSON Schema (a configSchema, a tool's inputSchema) as form fields, and a submitted form back
// as a value. The form is a plain HTML form so it works without JS; values that a field can't hold
// (arrays, free-form objects, unions) are a JSON textarea with an example of the shape expected.

import { isSecretField } from "../secrets/secret-field.ts";

type Schema = Record<string, unknown>;
const isObj = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);

/** FieldKind is how one setting is edited. */
export type FieldKind = "text" | "secret" | "number" | "integer" | "boolean" | "enum" | "json" | "group";

/** Field is one input (or a fieldset, for `group`) derived from a schema property. */
export interface Field {
  key: string;
  /** name is the form field name: prefix plus the dot path (`config.model.name`). */
  name: string;
  id: string;
  label: string;
  description?: string;
  required: boolean;
  kind: FieldKind;
  /** secret: the setting holds a credential (src/secrets/secret-field.ts), or sits inside one; never echoed back. */
  secret: boolean;
  /** options of an enum, each with the exact value it stands for. */
  options?: { value: string; label: string; data: unknown }[];
  defaultValue?: unknown;
  placeholder?: string;
  min?: number;
  max?: number;
  children?: Field[];
}

/**
 * BOOLEAN_WAS prefixes the hidden input sent beside a boolean's checkbox: the state the form was
 * rendered in ("" for unset). An unticked checkbox sends nothing, so this is how an untouched
 * field keeps "unset" and "false" apart, and how a field ticked off from true becomes false.
 */
export const BOOLEAN_WAS = "was:";

/** FormValues is a form read back: the value, errors by field name, and what to show again. */
export interface FormValues {
  value: Record<string, unknown>;
  errors: Record<string, string>;
  /** echo holds what was typed, by field name, except secrets: a re-rendered form never carries them. */
  echo: Record<string, string>;
}

const MAX_DEPTH = 3;
const MAX_FIELDS = 200;

// `anyOf: [{type: "boolean"}, {type: "null"}]` (what pydantic writes for Optional[bool]) is edited as
// its one non-null alternative; the field's own title, description and default win.
function unwrapNullable(s: Schema): Schema {
  const alts = Array.isArray(s.anyOf) ? s.anyOf : Array.isArray(s.oneOf) ? s.oneOf : undefined;
  if (!alts || s.type !== undefined) return s;
  const real = alts.filter((a) => !(isObj(a) && a.type === "null"));
  if (real.length !== 1 || !isObj(real[0]) || real.length === alts.length) return s;
  const { anyOf: _a, oneOf: _o, ...own } = s;
  return { ...real[0], ...own };
}

// zod and others write ±Number.MAX_SAFE_INTEGER as the bounds of every integer: that is no bound.
const realBound = (v: unknown): number | undefined => (typeof v === "number" && Math.abs(v) < Number.MAX_SAFE_INTEGER ? v : undefined);

// An example of a JSON value's shape, for the textarea's placeholder: `["…"]`, `[{"name": "…"}]`.
function exampleOf(s: Schema, depth = 0): unknown {
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.examples) && s.examples.length) return s.examples[0];
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  if (depth > 2) return "…";
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== "null") : s.type;
  if (type === "array" || isObj(s.items)) return [exampleOf(isObj(s.items) ? s.items : {}, depth + 1)];
  if (type === "object" || isObj(s.properties)) {
    const props = isObj(s.properties) ? Object.entries(s.properties).slice(0, 3) : [];
    return Object.fromEntries(props.map(([k, v]) => [k, exampleOf(isObj(v) ? v : {}, depth + 1)]));
  }
  if (type === "integer" || type === "number") return 0;
  if (type === "boolean") return false;
  return "…";
}

function kindOf(key: string, s: Schema, depth: number, secret: boolean): FieldKind {
  if (Array.isArray(s.enum) && s.enum.length > 0) return "enum";
  const t = Array.isArray(s.type) ? s.type.filter((x) => x !== "null") : [s.type];
  const type = t.length === 1 ? t[0] : undefined;
  if (type === "object" || (type === undefined && isObj(s.properties))) {
    return depth < MAX_DEPTH && isObj(s.properties) && Object.keys(s.properties).length > 0 ? "group" : "json";
  }
  if (type === "string") return secret ? "secret" : "text";
  if (type === "number") return "number";
  if (type === "integer") return "integer";
  if (type === "boolean") return "boolean";
  if (type === undefined && !s.anyOf && !s.oneOf && !s.allOf) return secret ? "secret" : "text";
  return "json";
}

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** fieldsFor turns an object schema's properties into fields named `${prefix}${path}`. */
export function fieldsFor(schema: unknown, prefix: string, depth = 0, budget = { left: MAX_FIELDS }, inSecret = false): Field[] {
  if (!isObj(schema) || !isObj(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  const out: Field[] = [];
  for (const [key, raw] of Object.entries(schema.properties)) {
    if (budget.left-- <= 0) break;
    const s: Schema = unwrapNullable(isObj(raw) ? raw : {});
    const name = `${prefix}${key}`;
    const secret = inSecret || isSecretField(key, s);
    const kind = kindOf(key, s, depth, secret);
    const examples = Array.isArray(s.examples) ? s.examples : [];
    const f: Field = {
      key,
      name,
      id: `f-${name.replace(/[^A-Za-z0-9_-]/g, "_")}`,
      label: typeof s.title === "string" && s.title.trim() ? s.title : key,
      description: typeof s.description === "string" ? s.description : undefined,
      required: required.has(key),
      kind,
      secret,
      defaultValue: s.default,
      placeholder: s.default !== undefined ? show(s.default) : examples.length ? show(examples[0]) : undefined,
      min: realBound(s.minimum),
      max: realBound(s.maximum),
    };
    if (kind === "json" && f.placeholder === undefined) f.placeholder = `e.g. ${JSON.stringify(exampleOf(s))}`;
    if (kind === "enum") f.options = (s.enum as unknown[]).slice(0, 500).map((v) => ({ value: show(v), label: show(v), data: v }));
    if (kind === "group") f.children = fieldsFor(s, `${name}.`, depth + 1, budget, secret);
    out.push(f);
  }
  return out;
}

function readField(f: Field, raw: string): { ok: true; value: unknown } | { ok: false; error: string } | undefined {
  if (raw === "") return undefined;
  switch (f.kind) {
    case "number":
    case "integer": {
      const n = Number(raw);
      if (!Number.isFinite(n) || raw.trim() === "") return { ok: false, error: "must be a number" };
      if (f.kind === "integer" && !Number.isInteger(n)) return { ok: false, error: "must be a whole number" };
      return { ok: true, value: n };
    }
    case "boolean":
      return raw === "true" ? { ok: true, value: true } : raw === "false" ? { ok: true, value: false } : { ok: false, error: "must be yes or no" };
    case "enum": {
      const opt = f.options?.find((o) => o.value === raw);
      return opt ? { ok: true, value: opt.data } : { ok: false, error: "is not one of the choices" };
    }
    case "json":
      try {
        return { ok: true, value: JSON.parse(raw) };
      } catch {
        return { ok: false, error: "is not valid JSON" };
      }
    default:
      return { ok: true, value: raw };
  }
}

/** readFields reads a submitted form back into a value shaped like the schema; empty fields are left out. */
export function readFields(fields: Field[], form: FormData): FormValues {
  const out: FormValues = { value: {}, errors: {}, echo: {} };
  const walk = (list: Field[], target: Record<string, unknown>) => {
    for (const f of list) {
      if (f.kind === "group") {
        const inner: Record<string, unknown> = {};
        walk(f.children ?? [], inner);
        if (Object.keys(inner).length) target[f.key] = inner;
        continue;
      }
      const v = f.kind === "boolean" ? booleanRaw(f, form.getAll(f.name)) : form.get(f.name);
      const raw = typeof v === "string" ? v : "";
      if (!f.secret && raw !== "") out.echo[f.name] = raw;
      const r = readField(f, raw);
      if (!r) continue;
      if (r.ok) Object.defineProperty(target, f.key, { value: r.value, enumerable: true, writable: true, configurable: true });
      else out.errors[f.name] = r.error;
    }
  };
  walk(fields, out.value);
  return out;
}

// A checkbox sends "on" when ticked; beside it, BOOLEAN_WAS says how it was rendered. Untouched, the
// field keeps that state (unset stays unset); toggled, it is what the box shows. A plain "true" or
// "false" (an API client, an old form) is taken as is.
function booleanRaw(f: Field, values: FormDataEntryValue[]): string {
  const texts = values.filter((v): v is string => typeof v === "string");
  const was = texts.find((v) => v.startsWith(BOOLEAN_WAS));
  const ticked = texts.includes("on");
  if (was === undefined) return ticked ? "true" : (texts.find((v) => v === "true" || v === "false") ?? texts[0] ?? "");
  const state = was.slice(BOOLEAN_WAS.length);
  return ticked === booleanShown(f, state) ? state : String(ticked);
}

/** booleanShown is whether a boolean's checkbox is ticked for a state ("" unset shows the default). */
export function booleanShown(f: Field, state: string): boolean {
  return state === "" ? f.defaultValue === true : state === "true";
}

/** fieldNameFor maps a JSON pointer in the value (`/model/name`) to its field name. */
export function fieldNameFor(prefix: string, pointer: string): string {
  const segs = pointer === "" ? [] : pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  return `${prefix}${segs.join(".")}`;
}
