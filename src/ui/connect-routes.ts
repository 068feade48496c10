import { Elysia } from "elysia";
import type { AppContext } from "../http/context.ts";
import { validateConfig } from "../registry/config-schema.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";
import { ConnectSnippets, ServerConnectPage } from "../../views/pages/server-connect-page.tsx";
import { buildConnection } from "./connect-snippets.ts";
import { checkOrigin, formString, readForm } from "./csrf.ts";
import { html } from "./html.ts";
import { pageContext } from "./page-context.ts";
import { fieldNameFor, fieldsFor, readFields, type FormValues } from "./schema-fields.ts";
import { loadServerPage, type ServerPage } from "./server-page-data.ts";

const PREFIX = "config.";

function configSchemaOf(data: ServerPage): JsonSchemaObject {
  return (data.current?.configSchema ?? { type: "object", properties: {} }) as JsonSchemaObject;
}

// The form's values checked against the schema: problems are shown, but snippets are still made so
// the user sees the shape while typing. Missing required settings are reported only once asked.
function evaluate(data: ServerPage, values: FormValues, apiKey: string, strict: boolean) {
  const schema = configSchemaOf(data);
  const errors = { ...values.errors };
  const problems = Object.entries(values.errors).map(([name, e]) => `${name.slice(PREFIX.length)} ${e}`);
  const missing: string[] = [];
  if (!problems.length) {
    const r = validateConfig(schema, values.value);
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
  const connection = buildConnection({ pageUrl: data.urls.page, qualifiedName: data.server.qualifiedName, config: values.value, apiKey });
  return { connection, problems, missing, errors };
}

/** connectRoutes serve the Connect tab: a config form generated from the configSchema, and client snippets. */
export function connectRoutes(ctx: AppContext) {
  return new Elysia({ name: "ui-connect" })
    .get("/:ns/:name/connect", ({ request, params }) => {
      const page = pageContext(ctx, request);
      const data = loadServerPage(ctx, page, params.ns, params.name);
      const fields = fieldsFor(configSchemaOf(data), PREFIX);
      const r = evaluate(data, { value: {}, errors: {}, echo: {} }, "", false);
      return html(ServerConnectPage({ data, fields, echo: {}, errors: {}, problems: [], missing: r.missing, connection: r.connection, layout: page.layout }));
    })
    // POST, not GET: what is typed (secrets, the API key) must stay out of URLs and access logs.
    // Nothing changes on the server, so no CSRF token is needed (anonymous visitors use it too).
    .post(
      "/:ns/:name/connect",
      async ({ request, params }) => {
        checkOrigin(ctx, request);
        const page = pageContext(ctx, request);
        const data = loadServerPage(ctx, page, params.ns, params.name);
        const fields = fieldsFor(configSchemaOf(data), PREFIX);
        const form = await readForm(request);
        const values = readFields(fields, form);
        const r = evaluate(data, values, formString(form, "apiKey"), true);
        return html(ServerConnectPage({ data, fields, echo: values.echo, errors: r.errors, problems: r.problems, missing: r.missing, connection: r.connection, layout: page.layout }));
      },
      { parse: "none" },
    )
    .post(
      "/:ns/:name/connect/snippets",
      async ({ request, params }) => {
        checkOrigin(ctx, request);
        const page = pageContext(ctx, request);
        const data = loadServerPage(ctx, page, params.ns, params.name);
        const form = await readForm(request);
        const values = readFields(fieldsFor(configSchemaOf(data), PREFIX), form);
        const r = evaluate(data, values, formString(form, "apiKey"), false);
        return html(ConnectSnippets({ connection: r.connection, problems: r.problems, missing: r.missing }), { headers: { "cache-control": "no-store" } });
      },
      { parse: "none" },
    );
}
