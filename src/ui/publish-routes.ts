import { Elysia } from "elysia";
import { auditRequest } from "../audit/audit-request.ts";
import type { AppContext } from "../http/context.ts";
import { enforceRate } from "../http/rate-limit.ts";
import { stageArtifact } from "../registry/artifacts.ts";
import { parseManifest, type ManifestFormat } from "../registry/manifest-detect.ts";
import { MAX_MANIFEST_BYTES } from "../registry/manifest-input.ts";
import { publishVersion } from "../registry/publish.ts";
import { passEnvValues } from "../config/config.ts";
import { serverJsonFromNpm } from "../registry/npm-source.ts";
import { parseNpmSpec } from "../registry/npm-spec.ts";
import type { Principal } from "../accounts/principal.ts";
import { isAppError } from "../shared/app-error.ts";
import { emptyPublishForm, PublishArea, PublishForm, PublishPage, type PublishFormState } from "../../views/pages/publish-page.tsx";
import { formString, readForm, requireCsrf } from "./csrf.ts";
import { html, redirect } from "./html.ts";
import { isFragmentRequest, loginPath, pageContext } from "./page-context.ts";

const FORMATS = new Set(["server.json", "smithery.yaml"]);

/** Invalid is a form that can't be published, with errors by field. */
class Invalid extends Error {
  constructor(readonly errors: Record<string, string[]>) {
    super("invalid publish form");
  }
}

function add(errors: Record<string, string[]>, field: string, message: string): void {
  (errors[field] ??= []).push(message);
}

/** errorsOf puts an AppError's details next to the fields they are about; the rest belong to the manifest. */
export function errorsOf(e: unknown, source: "manifest" | "file", given: { name: boolean; version: boolean }): Record<string, string[]> {
  const errors: Record<string, string[]> = {};
  if (!isAppError(e)) throw e;
  if (e.code === "forbidden" || e.code === "conflict") {
    add(errors, given.name ? "name" : source, e.message);
    return errors;
  }
  if (!e.details.length) add(errors, source, e.message);
  for (const d of e.details) {
    const own = (d.pointer === "/name" && given.name) || (d.pointer === "/version" && given.version) || ["/visibility", "/format", "/artifact"].includes(d.pointer);
    const field = own ? d.pointer.slice(1) : source;
    const where = field === source && d.pointer && !d.message.includes(d.pointer) ? `${d.pointer}: ` : "";
    add(errors, field, `${where}${d.message}`);
  }
  if (e.details.length && errors[source]) errors[source]!.unshift(e.message);
  return errors;
}

async function readManifest(form: FormData): Promise<{ bytes: Uint8Array; filename?: string; source: "manifest" | "file" }> {
  const file = form.get("file");
  if (file instanceof File && file.size > 0) {
    if (file.size > MAX_MANIFEST_BYTES) throw new Invalid({ file: [`a manifest is at most ${MAX_MANIFEST_BYTES} bytes`] });
    return { bytes: new Uint8Array(await file.arrayBuffer()), filename: file.name, source: "file" };
  }
  const text = formString(form, "manifest");
  if (!text.trim()) throw new Invalid({ manifest: ["paste a server.json or smithery.yaml, or upload one"] });
  return { bytes: new TextEncoder().encode(text), source: "manifest" };
}

// "Add from npm": the package's server.json (or one made from its metadata) fills the form for review;
// nothing is stored until the user publishes it. Rate-limited like publishing: each asks the registry.
async function prefillFromNpm(ctx: AppContext, request: Request, principal: Principal, npm: string, name: string): Promise<PublishFormState> {
  const state: PublishFormState = { ...emptyPublishForm, npm: npm.slice(0, 300), name: name.slice(0, 200), errors: {} };
  enforceRate(ctx, request, "publish", principal);
  try {
    const got = await serverJsonFromNpm(parseNpmSpec(npm), { registry: ctx.config.npmRegistry, passEnv: passEnvValues(ctx.config.passEnv, process.env), name: name || undefined });
    return { ...state, manifest: got.text, format: "server.json", notice: `Filled in from npm ${got.package.name}@${got.package.version} (${got.from}). Review it, then publish.` };
  } catch (e) {
    if (!isAppError(e)) throw e;
    const toName = e.details.some((d) => d.pointer === "/name");
    return { ...state, errors: { [toName ? "name" : "npm"]: [e.message] } };
  }
}

/** publishRoutes serve /publish: paste or upload a manifest, errors shown beside the field they are about. */
export function publishRoutes(ctx: AppContext) {
  return new Elysia({ name: "ui-publish" })
    .get("/publish", async ({ request }) => {
      const page = pageContext(ctx, request);
      if (page.principal.kind !== "session" || !page.csrfToken) return redirect(loginPath(request));
      const query = new URL(request.url).searchParams;
      if (!query.has("npm")) return html(PublishPage({ state: emptyPublishForm, csrfToken: page.csrfToken, layout: page.layout }));
      const state = await prefillFromNpm(ctx, request, page.principal, query.get("npm") ?? "", (query.get("npmName") ?? "").trim());
      const status = Object.keys(state.errors).length ? 422 : 200;
      if (isFragmentRequest(request)) return html(PublishArea({ state, csrfToken: page.csrfToken }), { status });
      return html(PublishPage({ state, csrfToken: page.csrfToken, layout: page.layout }), { status });
    })
    .post(
      "/publish",
      async ({ request }) => {
        const form = await readForm(request);
        const page = requireCsrf(ctx, request, form);
        enforceRate(ctx, request, "publish", page.principal);
        const state: PublishFormState = {
          manifest: formString(form, "manifest").slice(0, MAX_MANIFEST_BYTES),
          format: formString(form, "format"),
          name: formString(form, "name").trim(),
          version: formString(form, "version").trim(),
          visibility: formString(form, "visibility") || "public",
          errors: {},
        };
        let source: "manifest" | "file" = "manifest";
        try {
          if (state.format && !FORMATS.has(state.format)) throw new Invalid({ format: ["choose server.json or smithery.yaml, or Detect"] });
          if (state.visibility !== "public" && state.visibility !== "private") throw new Invalid({ visibility: ["choose public or private"] });
          const read = await readManifest(form);
          source = read.source;
          const manifest = parseManifest(read.bytes, { format: (state.format || undefined) as ManifestFormat | undefined, filename: read.filename, version: state.version || undefined });
          const upload = form.get("artifact");
          // Staged, not stored: publishVersion keeps it only if the version is published.
          const artifact = upload instanceof File && upload.size > 0 ? await stageArtifact(ctx.config.dataDir, new Uint8Array(await upload.arrayBuffer())) : undefined;
          const published = publishVersion(ctx.dbh, page.user!, { manifest, qualifiedName: state.name || undefined, visibility: state.visibility as "public" | "private", artifact });
          auditRequest(ctx, request, page.principal, { action: "server.publish", outcome: "ok", target: `${published.qualifiedName}@${published.version}` });
          const to = `/${published.qualifiedName}`;
          return isFragmentRequest(request) ? new Response(null, { status: 204, headers: { "hx-redirect": to } }) : redirect(to);
        } catch (e) {
          state.errors = e instanceof Invalid ? e.errors : errorsOf(e, source, { name: Boolean(state.name), version: Boolean(state.version) });
          const status = 422;
          if (isFragmentRequest(request)) return html(PublishForm({ state, csrfToken: page.csrfToken }), { status });
          return html(PublishPage({ state, csrfToken: page.csrfToken, layout: page.layout }), { status });
        }
      },
      { parse: "none" },
    );
}
