import type { Field } from "../../src/ui/schema-fields.ts";
import type { ServerPage } from "../../src/ui/server-page-data.ts";
import { ProfilePicker, type ProfileChoice } from "../components/profile-panel.tsx";
import { SchemaFields } from "../components/schema-form.tsx";
import { ServerShell, type ServerShellProps } from "../components/server-shell.tsx";
import { ToolResult, type ToolResultProps } from "../components/tool-result.tsx";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown) => (typeof v === "string" ? v : "");

/** ToolPickerProps are the tools to choose from (null: not listed yet) and the chosen one. */
export interface ToolPickerProps {
  base: string;
  pageId: string;
  tools: unknown[] | null;
  selected: string;
  /** listError says why listing tools live failed. */
  listError?: string;
}

/** ToolPicker lists tools as links; a server that lists none without config gets a "List tools" button. */
export function ToolPicker(p: ToolPickerProps): JSX.Element {
  const tools = (p.tools ?? []).filter(isObj);
  return (
    <>
      <h2>Tools</h2>
      {p.listError ? (
        <div class="alert error" role="alert">
          <p class="pre-line" safe>
            {p.listError}
          </p>
        </div>
      ) : (
        ""
      )}
      {p.tools === null ? (
        <div class="stack">
          <p class="muted">This server lists its tools once configured. Fill in the configuration, then:</p>
          <button type="submit" formaction={`${p.base}/tools`} hx-post={`${p.base}/tools`} hx-target="#tool-picker" hx-indicator="#run-busy">
            List tools
          </button>
        </div>
      ) : tools.length === 0 ? (
        <p class="muted">This server has no tools.</p>
      ) : (
        <ul class="tool-list">
          {tools.map((t) => {
            const name = str(t.name);
            const q = `?tool=${encodeURIComponent(name)}`;
            return (
              <li>
                <a href={`${p.base}${q}`} hx-get={`${p.base}/form${q}&pg=${p.pageId}`} hx-target="#tool-form" hx-push-url={`${p.base}${q}`} aria-current={name === p.selected ? "true" : undefined} safe>
                  {name}
                </a>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

/** ToolFormProps are the chosen tool, its argument fields, and what was typed. */
export interface ToolFormProps {
  tool: Obj | undefined;
  fields: Field[];
  echo?: Record<string, string>;
  errors?: Record<string, string>;
}

/** ToolForm is the chosen tool's arguments, generated from its inputSchema, and the Run button. */
export function ToolForm(p: ToolFormProps): JSX.Element {
  if (!p.tool) return <p class="muted">Pick a tool to try it.</p>;
  const name = str(p.tool.name);
  return (
    <fieldset class="tool-args">
      <legend>
        <code safe>{name}</code>
      </legend>
      <input type="hidden" name="tool" value={name} />
      {str(p.tool.description) ? (
        <p class="muted pre-line" safe>
          {str(p.tool.description)}
        </p>
      ) : (
        ""
      )}
      {p.fields.length ? <SchemaFields fields={p.fields} echo={p.echo} errors={p.errors} browserChecks /> : <p class="muted">This tool takes no arguments.</p>}
      <p class="form-actions">
        <button type="submit" class="primary run-button">
          Run
        </button>
        <span id="run-busy" class="htmx-indicator spinner" role="status" aria-label="Running"></span>
      </p>
    </fieldset>
  );
}

/** ServerPlaygroundProps are the whole playground page's state. */
export interface ServerPlaygroundProps {
  data: ServerPage;
  layout: ServerShellProps["layout"];
  csrfToken: string | undefined;
  pageId: string;
  picker: ToolPickerProps;
  form: ToolFormProps;
  configFields: Field[];
  configEcho?: Record<string, string>;
  configErrors?: Record<string, string>;
  /** profiles are the viewer's saved profiles for this server; the chosen one configures the session. */
  profiles?: ProfileChoice[];
  selectedProfile?: string;
  result?: ToolResultProps;
}

/** ServerPlaygroundPage runs a deployed server's tools in a real session held for this page visit. */
export function ServerPlaygroundPage(p: ServerPlaygroundProps): JSX.Element {
  const base = `/${p.data.server.qualifiedName}/playground`;
  if (!p.data.ready || !p.csrfToken) {
    return (
      <ServerShell data={p.data} tab="playground" layout={p.layout}>
        <div class="alert info" role="status">
          {!p.data.ready ? (
            "The playground is for servers deployed on this Hearth; this one is not running here."
          ) : (
            <>
              <a href={`/login?next=${encodeURIComponent(base)}`}>Sign in</a> to try this server's tools.
            </>
          )}
        </div>
      </ServerShell>
    );
  }
  const needsConfig = p.configFields.some((f) => f.required);
  return (
    <ServerShell data={p.data} tab="playground" layout={p.layout}>
      <form id="pg-form" class="playground" method="post" action={`${base}/run`} hx-post={`${base}/run`} hx-target="#result" hx-indicator="#run-busy" hx-disable="find .run-button" data-playground-close={`${base}/close`}>
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <input type="hidden" name="pg" value={p.pageId} />
        <aside id="tool-picker" class="panel">
          <ToolPicker {...p.picker} />
        </aside>
        <div class="pg-main stack-lg">
          {p.configFields.length ? (
            <details class="panel config" open={needsConfig}>
              <summary>Configuration{needsConfig ? " (required)" : ""}</summary>
              <ProfilePicker profiles={p.profiles ?? []} selected={p.selectedProfile ?? ""} />
              <SchemaFields fields={p.configFields} echo={p.configEcho} errors={p.configErrors} />
              <p class="hint">Secrets typed here are used for this session only and never stored; a saved profile's stay encrypted.</p>
            </details>
          ) : (
            ""
          )}
          <div id="tool-form" class="panel">
            <ToolForm {...p.form} />
          </div>
          <section id="result" aria-live="polite" aria-label="Result">
            {p.result ? <ToolResult {...p.result} /> : ""}
          </section>
        </div>
      </form>
      <p class="hint">Each visit to this page runs its own session of the server; it ends when you leave, or after 5 minutes idle.</p>
    </ServerShell>
  );
}
