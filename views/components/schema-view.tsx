import { prettyJson } from "../format.ts";
import { plural } from "../../src/shared/plural.ts";

type Schema = Record<string, unknown>;

const isObj = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);
const short = (v: unknown) => {
  const s = typeof v === "string" ? JSON.stringify(v) : prettyJson(v).replace(/\s+/g, " ");
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
};

/** typeLabel describes a schema's type in a few words: `string`, `array of number`, `one of "a", "b"`. */
export function typeLabel(s: Schema, depth = 0): string {
  if (depth > 4) return "…";
  if (Array.isArray(s.enum)) return `one of ${s.enum.slice(0, 12).map(short).join(", ")}${s.enum.length > 12 ? ", …" : ""}`;
  if ("const" in s) return `exactly ${short(s.const)}`;
  for (const k of ["anyOf", "oneOf"] as const) {
    const alts = s[k];
    if (Array.isArray(alts)) return alts.filter(isObj).map((a) => typeLabel(a, depth + 1)).join(" or ");
  }
  const t = Array.isArray(s.type) ? s.type.map(String).join(" or ") : typeof s.type === "string" ? s.type : isObj(s.properties) ? "object" : "any";
  if (t === "array" && isObj(s.items)) return `array of ${typeLabel(s.items, depth + 1)}`;
  return typeof s.format === "string" ? `${t} (${s.format})` : t;
}

function constraints(s: Schema): string[] {
  const out: string[] = [];
  for (const [k, label] of [["minimum", "≥"], ["maximum", "≤"], ["exclusiveMinimum", ">"], ["exclusiveMaximum", "<"]] as const) {
    // ±Number.MAX_SAFE_INTEGER is what zod writes on every integer: no real bound, so not shown.
    const v = s[k];
    if (typeof v === "number" && Math.abs(v) < Number.MAX_SAFE_INTEGER) out.push(`${label} ${v}`);
  }
  if (typeof s.minLength === "number") out.push(`at least ${plural(s.minLength, "character")}`);
  if (typeof s.maxLength === "number") out.push(`at most ${plural(s.maxLength, "character")}`);
  if (typeof s.pattern === "string") out.push(`matches ${s.pattern}`);
  if (typeof s.minItems === "number") out.push(`at least ${plural(s.minItems, "item")}`);
  if (typeof s.maxItems === "number") out.push(`at most ${plural(s.maxItems, "item")}`);
  return out;
}

function nestedOf(s: Schema): Schema | undefined {
  if (isObj(s.properties) && Object.keys(s.properties).length) return s;
  if (isObj(s.items) && isObj(s.items.properties) && Object.keys(s.items.properties).length) return s.items;
  return undefined;
}

/** PropertiesTable lists an object schema's properties: name, required, type, description, default. */
export function PropertiesTable(p: { schema: Schema; depth?: number }): JSX.Element {
  const props = isObj(p.schema.properties) ? p.schema.properties : {};
  const required = new Set(Array.isArray(p.schema.required) ? p.schema.required.map(String) : []);
  const names = Object.keys(props);
  const depth = p.depth ?? 0;
  if (names.length === 0) return <p class="muted">No parameters.</p>;
  return (
    <table class="table params">
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Type</th>
          <th scope="col">Description</th>
        </tr>
      </thead>
      <tbody>
        {names.map((name) => {
          const raw = props[name];
          const s: Schema = isObj(raw) ? raw : {};
          const nested = depth < 3 ? nestedOf(s) : undefined;
          const notes = constraints(s);
          return (
            <tr>
              <td>
                <code safe>{name}</code>
                {required.has(name) ? (
                  <span class="req" title="required">
                    {" *"}
                    <span class="visually-hidden">required</span>
                  </span>
                ) : (
                  ""
                )}
              </td>
              <td safe>{typeLabel(s)}</td>
              <td>
                {typeof s.title === "string" ? <strong safe>{s.title}</strong> : ""}
                {typeof s.title === "string" && typeof s.description === "string" ? " — " : ""}
                {typeof s.description === "string" ? <span class="pre-line" safe>{s.description}</span> : ""}
                {"default" in s ? (
                  <span class="hint-inline">
                    {" Default: "}
                    <code safe>{short(s.default)}</code>
                  </span>
                ) : (
                  ""
                )}
                {notes.length ? <span class="hint-inline" safe>{` (${notes.join(", ")})`}</span> : ""}
                {nested ? (
                  <details class="nested">
                    <summary>Fields</summary>
                    <PropertiesTable schema={nested} depth={depth + 1} />
                  </details>
                ) : (
                  ""
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/** RawSchema shows a schema as JSON behind a disclosure. */
export function RawSchema(p: { schema: unknown; label?: string }): JSX.Element {
  return (
    <details class="raw">
      <summary safe>{p.label ?? "JSON Schema"}</summary>
      <pre>
        <code safe>{prettyJson(p.schema)}</code>
      </pre>
    </details>
  );
}
