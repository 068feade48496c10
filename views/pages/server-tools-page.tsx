import type { ServerPage } from "../../src/ui/server-page-data.ts";
import { PropertiesTable, RawSchema } from "../components/schema-view.tsx";
import { ServerShell, type ServerShellProps } from "../components/server-shell.tsx";
import { plural } from "../../src/shared/plural.ts";
import { isoDate, shortDate } from "../format.ts";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/** anchorId turns a tool name into a safe fragment id. */
export function anchorId(kind: string, name: string): string {
  return `${kind}-${name.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 80)}`;
}

const HINTS: [string, string][] = [
  ["readOnlyHint", "read-only"],
  ["destructiveHint", "destructive"],
  ["idempotentHint", "idempotent"],
  ["openWorldHint", "open world"],
];

function ToolItem(p: { tool: Obj; playground?: string }): JSX.Element {
  const name = str(p.tool.name) ?? "(unnamed)";
  const annotations = isObj(p.tool.annotations) ? p.tool.annotations : {};
  const title = str(p.tool.title) ?? str(annotations.title);
  const schema = isObj(p.tool.inputSchema) ? p.tool.inputSchema : {};
  return (
    <article class="item" id={anchorId("tool", name)}>
      <header class="item-head">
        <h3>
          <code safe>{name}</code>
        </h3>
        {title ? <span class="muted" safe>{title}</span> : ""}
        <span class="badges">
          {HINTS.filter(([k]) => annotations[k] === true).map(([, label]) => (
            <span class="badge" safe>{label}</span>
          ))}
        </span>
        {p.playground ? (
          <a class="button small" href={`${p.playground}?tool=${encodeURIComponent(name)}`}>
            Try it
          </a>
        ) : (
          ""
        )}
      </header>
      {str(p.tool.description) ? (
        <p class="pre-line" safe>
          {str(p.tool.description)}
        </p>
      ) : (
        ""
      )}
      <h4>Input</h4>
      <PropertiesTable schema={schema} />
      <RawSchema schema={schema} label="Input schema (JSON)" />
      {isObj(p.tool.outputSchema) ? <RawSchema schema={p.tool.outputSchema} label="Output schema (JSON)" /> : ""}
    </article>
  );
}

function PromptItem(p: { prompt: Obj }): JSX.Element {
  const name = str(p.prompt.name) ?? "(unnamed)";
  const args = Array.isArray(p.prompt.arguments) ? p.prompt.arguments.filter(isObj) : [];
  return (
    <article class="item" id={anchorId("prompt", name)}>
      <header class="item-head">
        <h3>
          <code safe>{name}</code>
        </h3>
      </header>
      {str(p.prompt.description) ? (
        <p class="pre-line" safe>
          {str(p.prompt.description)}
        </p>
      ) : (
        ""
      )}
      {args.length ? (
        <ul class="plain">
          {args.map((a) => (
            <li>
              <code safe>{str(a.name) ?? "?"}</code>
              {a.required === true ? <span class="req"> *</span> : ""} <span class="muted" safe>{str(a.description) ?? ""}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No arguments.</p>
      )}
    </article>
  );
}

function ResourceItem(p: { resource: Obj }): JSX.Element {
  return (
    <li>
      <code safe>{str(p.resource.uri) ?? "?"}</code> <strong safe>{str(p.resource.name) ?? ""}</strong>{" "}
      {str(p.resource.mimeType) ? <span class="badge" safe>{str(p.resource.mimeType)}</span> : ""}
      {str(p.resource.description) ? (
        <span class="muted" safe>
          {` — ${str(p.resource.description)}`}
        </span>
      ) : (
        ""
      )}
    </li>
  );
}

/** ServerToolsPage lists what the server offers: tools with their input schemas, prompts, resources. */
export function ServerToolsPage(p: { data: ServerPage; layout: ServerShellProps["layout"] }): JSX.Element {
  const { data } = p;
  const snap = data.snapshot;
  const playground = data.ready ? `/${data.server.qualifiedName}/playground` : undefined;
  const tools = (snap?.tools ?? []).filter(isObj);
  const prompts = (snap?.prompts ?? []).filter(isObj);
  const resources = (snap?.resources ?? []).filter(isObj);
  return (
    <ServerShell data={data} tab="tools" layout={p.layout}>
      {!snap ? (
        <div class="alert info" role="status">
          Tools are listed when the server is deployed on this Hearth{data.canManage ? "; deploy it from the Deployments tab" : ""}.
        </div>
      ) : snap.needsConfig ? (
        <div class="alert info" role="status">
          <p>This server needs configuration to list tools.</p>
          {snap.error ? <p class="muted pre-line" safe>{snap.error}</p> : ""}
          <p>
            <a href={`/${data.server.qualifiedName}/connect`}>Fill in its configuration</a>
            {playground ? (
              <>
                {" "}
                or <a href={playground}>list them live in the playground</a>
              </>
            ) : (
              ""
            )}
            .
          </p>
        </div>
      ) : snap.error ? (
        <div class="alert error" role="alert">
          <p>Listing this server's tools failed:</p>
          <pre>
            <code safe>{snap.error}</code>
          </pre>
        </div>
      ) : (
        <>
          <p class="muted">
            <span safe>{`${plural(tools.length, "tool", "tools")}, ${plural(prompts.length, "prompt", "prompts")} and ${plural(resources.length, "resource", "resources")}, listed `}</span>
            <time datetime={isoDate(snap.takenAt)} safe>{shortDate(snap.takenAt)}</time>.
          </p>
          {tools.length ? (
            <nav class="toc" aria-label="Tools">
              {tools.map((t) => (
                <a href={`#${anchorId("tool", str(t.name) ?? "(unnamed)")}`}>
                  <code safe>{str(t.name) ?? "(unnamed)"}</code>
                </a>
              ))}
            </nav>
          ) : (
            ""
          )}
          <section>
            <h2>Tools</h2>
            {tools.length ? tools.map((t) => <ToolItem tool={t} playground={playground} />) : <p class="muted">No tools.</p>}
          </section>
          {prompts.length ? (
            <section>
              <h2>Prompts</h2>
              {prompts.map((pr) => (
                <PromptItem prompt={pr} />
              ))}
            </section>
          ) : (
            ""
          )}
          {resources.length ? (
            <section>
              <h2>Resources</h2>
              <ul class="plain resources">
                {resources.map((r) => (
                  <ResourceItem resource={r} />
                ))}
              </ul>
            </section>
          ) : (
            ""
          )}
        </>
      )}
    </ServerShell>
  );
}
