import { BOOLEAN_WAS, booleanShown, type Field } from "../../src/ui/schema-fields.ts";

/** SchemaFieldsProps are fields, what was typed into them (never secrets), and errors by field name. */
export interface SchemaFieldsProps {
  fields: Field[];
  echo?: Record<string, string>;
  errors?: Record<string, string>;
  /** browserChecks adds `required`/min/max for the browser to enforce (off for live-updating forms). */
  browserChecks?: boolean;
}

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

function Hint(p: { f: Field }): JSX.Element {
  const f = p.f;
  const def = f.defaultValue !== undefined && f.kind !== "secret" ? `Default: ${show(f.defaultValue)}` : "";
  if (!f.description && !def) return "";
  return (
    <p class="hint" id={`${f.id}-hint`}>
      {f.description ? <span class="pre-line" safe>{f.description}</span> : ""}
      {f.description && def ? " · " : ""}
      {def ? <span safe>{def}</span> : ""}
    </p>
  );
}

function Control(p: { f: Field; value: string; invalid: boolean; checks: boolean }): JSX.Element {
  const { f, value } = p;
  const described = [f.description || f.defaultValue !== undefined ? `${f.id}-hint` : "", p.invalid ? `${f.id}-err` : ""].filter(Boolean).join(" ") || undefined;
  const common = { id: f.id, name: f.name, "aria-describedby": described, "aria-invalid": p.invalid ? "true" : undefined, "aria-required": f.required ? "true" : undefined, required: p.checks && f.required };
  switch (f.kind) {
    case "secret":
      // A secret is never written back into the page, not even after a failed submit.
      return <input {...common} type="password" autocomplete="off" spellcheck="false" placeholder={f.required ? "required" : "optional"} />;
    case "number":
    case "integer":
      return <input {...common} type="number" inputmode={f.kind === "integer" ? "numeric" : "decimal"} step={f.kind === "integer" ? "1" : "any"} min={p.checks ? f.min : undefined} max={p.checks ? f.max : undefined} value={value} placeholder={f.placeholder} />;
    case "boolean":
      // The hidden input says what the box showed, so an untouched box keeps "unset" (schema-fields.ts).
      return (
        <span class="check-field">
          <input type="hidden" name={f.name} value={`${BOOLEAN_WAS}${value}`} />
          <input {...common} required={false} type="checkbox" value="on" checked={booleanShown(f, value)} />
          {value === "" && f.defaultValue === undefined && !f.required ? <span class="hint-inline">not set</span> : ""}
        </span>
      );
    case "enum": {
      const options = f.options ?? [];
      const empty = f.defaultValue !== undefined ? `Default (${show(f.defaultValue)})` : f.required ? "Choose…" : "Not set";
      return (
        <select {...common}>
          <option value="" selected={value === ""} safe>
            {empty}
          </option>
          {options.map((o) => (
            <option value={o.value} selected={value === o.value} safe>
              {o.label}
            </option>
          ))}
        </select>
      );
    }
    case "json":
      return (
        <textarea {...common} rows="3" spellcheck="false" placeholder={f.placeholder ?? "JSON"} safe>
          {value}
        </textarea>
      );
    default:
      return <input {...common} type="text" value={value} placeholder={f.placeholder} spellcheck="false" />;
  }
}

/** SchemaFields renders fields as labelled inputs: required marks, selects for enums, password inputs for secrets. */
export function SchemaFields(p: SchemaFieldsProps): JSX.Element {
  const echo = p.echo ?? {};
  const errors = p.errors ?? {};
  return (
    <>
      {p.fields.map((f) => {
        if (f.kind === "group") {
          return (
            <fieldset class="group">
              <legend safe>{f.label}</legend>
              {f.description ? (
                <p class="hint pre-line" safe>
                  {f.description}
                </p>
              ) : (
                ""
              )}
              <SchemaFields fields={f.children ?? []} echo={echo} errors={errors} browserChecks={p.browserChecks} />
            </fieldset>
          );
        }
        const error = errors[f.name];
        return (
          <div class={error ? "field has-error" : "field"}>
            <label for={f.id}>
              <span safe>{f.label}</span>
              {f.required ? (
                <span class="req" aria-hidden="true">
                  {" *"}
                </span>
              ) : (
                ""
              )}
              {f.required ? <span class="visually-hidden"> (required)</span> : ""}
              {f.label !== f.key ? (
                <code class="field-key" safe>
                  {f.key}
                </code>
              ) : (
                ""
              )}
            </label>
            <Control f={f} value={echo[f.name] ?? ""} invalid={Boolean(error)} checks={Boolean(p.browserChecks)} />
            <Hint f={f} />
            {error ? (
              <p class="field-error" id={`${f.id}-err`} safe>
                {error}
              </p>
            ) : (
              ""
            )}
          </div>
        );
      })}
    </>
  );
}
