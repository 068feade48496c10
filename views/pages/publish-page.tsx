import { Layout, type LayoutProps } from "../layout.tsx";

/** PublishFormState is what was sent (re-shown after a failed attempt) and errors by field. */
export interface PublishFormState {
  manifest: string;
  format: string;
  name: string;
  version: string;
  visibility: string;
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

/** PublishPage publishes a new server or version from a pasted or uploaded manifest. */
export function PublishPage(p: { state: PublishFormState; csrfToken: string; layout: Pick<LayoutProps, "user" | "csrfToken" | "assets"> }): JSX.Element {
  return (
    <Layout title="Publish" {...p.layout}>
      <section class="page-head">
        <h1>Publish a server</h1>
        <p class="muted">
          A server.json (the official MCP registry format) or a smithery.yaml. Versions are immutable: publish a new version to change anything.
        </p>
      </section>
      <PublishForm state={p.state} csrfToken={p.csrfToken} />
    </Layout>
  );
}
