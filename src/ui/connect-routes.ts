import { Elysia } from "elysia";
import type { AppContext } from "../http/context.ts";
import { createProfile, deleteProfile, getProfile, type Profile } from "../profiles/profiles.ts";
import { validateConfig } from "../registry/config-schema.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";
import { keyringOf } from "../secrets/keyring.ts";
import { AppError } from "../shared/app-error.ts";
import { ConnectSnippets, ServerConnectPage } from "../../views/pages/server-connect-page.tsx";
import { chosenProfile, profileChoices } from "./connect-profiles.ts";
import { buildConnection } from "./connect-snippets.ts";
import { checkOrigin, formString, readForm, requireCsrf } from "./csrf.ts";
import { html, redirect } from "./html.ts";
import { isFragmentRequest, pageContext, type PageContext } from "./page-context.ts";
import { fieldNameFor, fieldsFor, readFields, type FormValues } from "./schema-fields.ts";
import { loadServerPage, type ServerPage } from "./server-page-data.ts";

const PREFIX = "config.";

function configSchemaOf(data: ServerPage): JsonSchemaObject {
  return (data.current?.configSchema ?? { type: "object", properties: {} }) as JsonSchemaObject;
}

// The form's values checked against the schema: problems are shown, but snippets are still made so
// the user sees the shape while typing. Missing required settings are reported only once asked.
// With a profile chosen, what is typed overrides the profile's settings, as on a real connection.
function evaluate(data: ServerPage, values: FormValues, apiKey: string, strict: boolean, profile?: Profile) {
  const schema = configSchemaOf(data);
  const errors = { ...values.errors };
  const problems = Object.entries(values.errors).map(([name, e]) => `${name.slice(PREFIX.length)} ${e}`);
  const missing: string[] = [];
  if (!problems.length) {
    const r = validateConfig(schema, { ...profile?.config, ...values.value });
    if (!r.ok) {
      for (const e of r.errors) {
        if (!strict && e.reason === "is required") {
          missing.push(e.param);
          continue;
        }
        errors[fieldNameFor(PREFIX, e.pointer)] ??= e.reason;
        problems.push(`${e.param || "config"} ${e.reason}`);
      }
    }
  }
  const connection = buildConnection({ pageUrl: data.urls.page, qualifiedName: data.server.qualifiedName, config: values.value, apiKey, profileId: profile?.id });
  return { connection, problems, missing, errors };
}

function pageProps(ctx: AppContext, page: PageContext, data: ServerPage, selected: string) {
  const profiles = profileChoices(ctx, page.user, data.server.id, configSchemaOf(data));
  return { profiles, selectedProfile: selected, csrfToken: page.principal.kind === "session" ? page.csrfToken : undefined };
}

/** connectRoutes serve the Connect tab: a config form from the configSchema, client snippets, and saved profiles. */
export function connectRoutes(ctx: AppContext) {
  const load = (request: Request, ns: string, name: string) => {
    const page = pageContext(ctx, request);
    return { page, data: loadServerPage(ctx, page, ns, name) };
  };
  return new Elysia({ name: "ui-connect" })
    .get("/:ns/:name/connect", ({ request, params }) => {
      const { page, data } = load(request, params.ns, params.name);
      const fields = fieldsFor(configSchemaOf(data), PREFIX);
      const asked = new URL(request.url).searchParams.get("profile") ?? "";
      // A stale or foreign id in the URL just selects nothing.
      let profile: Profile | undefined;
      try {
        profile = chosenProfile(ctx, page.user, data.server.id, asked);
      } catch {
        profile = undefined;
      }
      const r = evaluate(data, { value: {}, errors: {}, echo: {} }, "", false, profile);
      return html(ServerConnectPage({ data, fields, echo: {}, errors: {}, problems: [], missing: r.missing, connection: r.connection, layout: page.layout, ...pageProps(ctx, page, data, profile?.id ?? "") }), { headers: { "cache-control": "no-store" } });
    })
    // POST, not GET: what is typed (secrets, the API key) must stay out of URLs and access logs.
    // Nothing changes on the server, so no CSRF token is needed (anonymous visitors use it too).
    .post(
      "/:ns/:name/connect",
      async ({ request, params }) => {
        checkOrigin(ctx, request);
        const { page, data } = load(request, params.ns, params.name);
        const fields = fieldsFor(configSchemaOf(data), PREFIX);
        const form = await readForm(request);
        const values = readFields(fields, form);
        const profile = chosenProfile(ctx, page.user, data.server.id, formString(form, "profile"));
        const r = evaluate(data, values, formString(form, "apiKey"), true, profile);
        return html(ServerConnectPage({ data, fields, echo: values.echo, errors: r.errors, problems: r.problems, missing: r.missing, connection: r.connection, layout: page.layout, ...pageProps(ctx, page, data, profile?.id ?? "") }), { headers: { "cache-control": "no-store" } });
      },
      { parse: "none" },
    )
    .post(
      "/:ns/:name/connect/snippets",
      async ({ request, params }) => {
        checkOrigin(ctx, request);
        const { page, data } = load(request, params.ns, params.name);
        const form = await readForm(request);
        const values = readFields(fieldsFor(configSchemaOf(data), PREFIX), form);
        const profile = chosenProfile(ctx, page.user, data.server.id, formString(form, "profile"));
        const r = evaluate(data, values, formString(form, "apiKey"), false, profile);
        return html(ConnectSnippets({ connection: r.connection, problems: r.problems, missing: r.missing }), { headers: { "cache-control": "no-store" } });
      },
      { parse: "none" },
    )
    .post(
      "/:ns/:name/connect/profiles",
      async ({ request, params }) => {
        const form = await readForm(request);
        const page = requireCsrf(ctx, request, form);
        const data = loadServerPage(ctx, page, params.ns, params.name);
        const values = readFields(fieldsFor(configSchemaOf(data), PREFIX), form);
        if (Object.keys(values.errors).length) {
          throw new AppError("invalid", "the configuration is not valid", { details: Object.entries(values.errors).map(([n, m]) => ({ pointer: `/${n.slice(PREFIX.length).replaceAll(".", "/")}`, message: `${n.slice(PREFIX.length)} ${m}` })) });
        }
        const name = formString(form, "profileName").trim();
        if (!name || name.length > 100) throw new AppError("invalid", "give the profile a name of 1 to 100 characters");
        const p = createProfile(ctx.dbh, keyringOf(ctx), { userId: page.user!.id, serverId: data.server.id, schema: configSchemaOf(data), name, config: values.value });
        const back = `/${data.server.qualifiedName}/connect?profile=${encodeURIComponent(p.id)}`;
        // htmx follows HX-Redirect with a full navigation; a plain form follows the 303.
        if (isFragmentRequest(request)) return new Response(null, { status: 200, headers: { "hx-redirect": back } });
        return redirect(back);
      },
      { parse: "none" },
    )
    .post(
      "/:ns/:name/connect/profiles/:id/delete",
      async ({ request, params }) => {
        const form = await readForm(request);
        const page = requireCsrf(ctx, request, form);
        const data = loadServerPage(ctx, page, params.ns, params.name);
        deleteProfile(ctx.dbh, getProfile(ctx.dbh, keyringOf(ctx), params.id, page.user!).id);
        return redirect(`/${data.server.qualifiedName}/connect`);
      },
      { parse: "none" },
    );
}
