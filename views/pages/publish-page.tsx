import { SERVER_JSON_EXAMPLE, SERVER_SCHEMA_URL } from "../../src/registry/npm-source.ts";
import { Layout, type LayoutProps } from "../layout.tsx";

/** PublishFormState is what was sent (re-shown after a failed attempt) and errors by field. */
export interface PublishFormState {
  manifest: string;
  format: string;
  name: string;
  version: string;
  visibility: string;
  /** npm is the package typed into "Add from npm" (re-shown with its errors under errors.npm). */
  npm?: string;
  /** notice says where a prefilled manifest came from, for the user to review before publishing. */
  notice?: string;
  /** errors by field: manifest, file, name, version, format, visibility, artifact; "" is the form as a whole. */
  errors: Record<string, string[]>;
}

/** emptyPublishForm is a fresh form. */
export const emptyPublishForm: PublishFormState = { manifest: "", format: "", name: "", version: "", visibility: "public", errors: {} };

function Errors(p: { id: string; list: string[] | undefined }): JSX.Element {
  if (!p.list?.length) return "";
  return (
    <ul class="field-error" id={p.id}>
      {p.list.map((m) => (
        <li safe>{m}</li>
      ))}
    </ul>
  );
}

const describedBy = (hint: string, errId: string, list: string[] | undefined) => [hint, list?.length ? errId : ""].filter(Boolean).join(" ") || undefined;

/** PublishForm is the form itself, which htmx swaps in place with its errors after a failed attempt. */
export function PublishForm(p: { state: PublishFormState; csrfToken: string }): JSX.Element {
  const s = p.state;
  const e = s.errors;
  return (
    <form id="publish-form" class="stack panel" method="post" action="/publish" enctype="multipart/form-data" hx-post="/publish" hx-target="this" hx-swap="outerHTML" hx-indicator="#publish-busy" hx-disable="find button[type=submit]">
      <input type="hidden" name="_csrf" value={p.csrfToken} />
      <Errors id="err-form" list={e[""]} />
      <div class={e.manifest?.length ? "field has-error" : "field"}>
        <label for="manifest">server.json or smithery.yaml</label>
        <textarea id="manifest" name="manifest" rows="16" spellcheck="false" placeholder='{"name": "io.github.you/server", "version": "1.0.0", …}' aria-describedby={describedBy("manifest-hint", "err-manifest", e.manifest)} aria-invalid={e.manifest?.length ? "true" : undefined} safe>
          {s.manifest}
        </textarea>
        <p class="hint" id="manifest-hint">
          Paste the document, or upload it below. The format is detected from its content.
        </p>
        <Errors id="err-manifest" list={e.manifest} />
      </div>
      <div class={e.file?.length ? "field has-error" : "field"}>
        <label for="file">…or upload the file</label>
        <input id="file" name="file" type="file" accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml" aria-describedby={describedBy("", "err-file", e.file)} />
        <Errors id="err-file" list={e.file} />
      </div>
      <div class="field-row">
        <div class={e.format?.length ? "field has-error" : "field"}>
          <label for="format">Format</label>
          <select id="format" name="format" aria-describedby={describedBy("", "err-format", e.format)}>
            <option value="" selected={s.format === ""}>
              Detect
            </option>
            <option value="server.json" selected={s.format === "server.json"}>
              server.json
            </option>
            <option value="smithery.yaml" selected={s.format === "smithery.yaml"}>
              smithery.yaml
            </option>
          </select>
          <Errors id="err-format" list={e.format} />
        </div>
        <div class={e.visibility?.length ? "field has-error" : "field"}>
          <label for="visibility">Visibility</label>
          <select id="visibility" name="visibility" aria-describedby={describedBy("", "err-visibility", e.visibility)}>
            <option value="public" selected={s.visibility !== "private"}>
              Public
            </option>
            <option value="private" selected={s.visibility === "private"}>
              Private (its namespace's team and admins)
            </option>
          </select>
          <Errors id="err-visibility" list={e.visibility} />
        </div>
      </div>
      <div class="field-row">
        <div class={e.name?.length ? "field has-error" : "field"}>
          <label for="name">Name</label>
          <input id="name" name="name" value={s.name} placeholder="namespace/name" spellcheck="false" autocomplete="off" aria-describedby={describedBy("name-hint", "err-name", e.name)} aria-invalid={e.name?.length ? "true" : undefined} />
          <p class="hint" id="name-hint">
            Needed for smithery.yaml (it has no name); overrides a server.json's name.
          </p>
          <Errors id="err-name" list={e.name} />
        </div>
        <div class={e.version?.length ? "field has-error" : "field"}>
          <label for="version">Version</label>
          <input id="version" name="version" value={s.version} placeholder="1.0.0" spellcheck="false" autocomplete="off" aria-describedby={describedBy("version-hint", "err-version", e.version)} aria-invalid={e.version?.length ? "true" : undefined} />
          <p class="hint" id="version-hint">
            Needed for smithery.yaml; a server.json carries its own.
          </p>
          <Errors id="err-version" list={e.version} />
        </div>
      </div>
      <div class={e.artifact?.length ? "field has-error" : "field"}>
        <label for="artifact">Package to run (optional)</label>
        <input id="artifact" name="artifact" type="file" accept=".tgz,.tar.gz,.mcpb,.zip" aria-describedby={describedBy("artifact-hint", "err-artifact", e.artifact)} />
        <p class="hint" id="artifact-hint">
          An <code>npm pack</code> tarball or an .mcpb bundle: the version then runs from it instead of a registry.
        </p>
        <Errors id="err-artifact" list={e.artifact} />
      </div>
      <p class="form-actions">
        <button type="submit" class="primary">
          Publish
        </button>
        <span id="publish-busy" class="htmx-indicator spinner" role="status" aria-label="Publishing"></span>
      </p>
    </form>
  );
}

/** NpmForm asks for an npm package and brings its server.json into the publish form, for review. */
function NpmForm(p: { state: PublishFormState }): JSX.Element {
  const e = p.state.errors.npm;
  return (
    <form id="npm-form" class="stack panel" method="get" action="/publish" hx-get="/publish" hx-target="#publish-area" hx-swap="outerHTML" hx-indicator="#npm-busy">
      <div class="field-row">
        <div class={e?.length ? "field has-error" : "field"}>
          <label for="npm">Add from npm</label>
          <input id="npm" name="npm" value={p.state.npm ?? ""} placeholder="@modelcontextprotocol/server-memory" spellcheck="false" autocomplete="off" aria-describedby={describedBy("npm-hint", "err-npm", e)} aria-invalid={e?.length ? "true" : undefined} />
          <p class="hint" id="npm-hint">
            A package name, optionally with <code>@version</code>. Its server.json (or one made from its package.json) fills the form below for you to review.
          </p>
          <Errors id="err-npm" list={e} />
        </div>
        <div class="field">
          <label for="npm-name">As (optional)</label>
          <input id="npm-name" name="npmName" value={p.state.name} placeholder="namespace/name" spellcheck="false" autocomplete="off" />
        </div>
      </div>
      <p class="form-actions">
        <button type="submit">Fill in from npm</button>
        <span id="npm-busy" class="htmx-indicator spinner" role="status" aria-label="Reading the package"></span>
      </p>
    </form>
  );
}

/** PublishArea is what "Add from npm" swaps: its own form, and the publish form it fills. */
export function PublishArea(p: { state: PublishFormState; csrfToken: string }): JSX.Element {
  return (
    <div id="publish-area" class="stack">
      <NpmForm state={p.state} />
      {p.state.notice ? (
        <p class="alert info" role="status" safe>
          {p.state.notice}
        </p>
      ) : (
        ""
      )}
      <PublishForm state={p.state} csrfToken={p.csrfToken} />
    </div>
  );
}

/** PublishPage publishes a new server or version from a pasted or uploaded manifest. */
export function PublishPage(p: { state: PublishFormState; csrfToken: string; layout: Pick<LayoutProps, "user" | "csrfToken" | "assets"> }): JSX.Element {
  return (
    <Layout title="Publish" {...p.layout}>
      <section class="page-head">
        <h1>Publish a server</h1>
        <p class="muted">
          An npm package, a server.json (the official MCP registry format, <a href={SERVER_SCHEMA_URL}>its schema</a>) or a smithery.yaml. Versions are immutable: publish a new version to change anything.
        </p>
        <details class="example">
          <summary>A server.json for an npm package</summary>
          <pre>
            <code safe>{JSON.stringify(SERVER_JSON_EXAMPLE, null, 2)}</code>
          </pre>
        </details>
      </section>
      <PublishArea state={p.state} csrfToken={p.csrfToken} />
    </Layout>
  );
}
