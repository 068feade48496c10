import { Elysia } from "elysia";
import { clearTestConfig, getTestConfig, setTestConfig } from "../deploy/test-config.ts";
import type { AppContext } from "../http/context.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";
import { keyringOf } from "../secrets/keyring.ts";
import { maskSecrets } from "../secrets/mask.ts";
import { AppError } from "../shared/app-error.ts";
import type { TestConfigPanelProps } from "../../views/components/test-config-panel.tsx";
import { readForm, requireCsrf } from "./csrf.ts";
import { redirect } from "./html.ts";
import { fieldsFor, readFields } from "./schema-fields.ts";
import { loadServerPage, requireManager, type ServerPage } from "./server-page-data.ts";

const PREFIX = "config.";

function schemaOf(data: ServerPage): JsonSchemaObject {
  return (data.current?.configSchema ?? { type: "object", properties: {} }) as JsonSchemaObject;
}

/** testConfigView is the Deployments page's test-config panel: the form, and what is stored (masked). */
export function testConfigView(ctx: AppContext, data: ServerPage): Omit<TestConfigPanelProps, "base" | "csrfToken"> {
  const schema = schemaOf(data);
  const stored = ctx.secrets ? getTestConfig(ctx.dbh, keyringOf(ctx), data.server.id) : undefined;
  const shown = stored ? Object.entries(maskSecrets(schema, stored.config)).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)] as [string, string]) : [];
  return { fields: fieldsFor(schema, PREFIX), stored: shown };
}

/** testConfigFormRoutes take the Deployments page's test-config form: save (merge) and clear, owners only. */
export function testConfigFormRoutes(ctx: AppContext) {
  const managed = async (request: Request, ns: string, name: string) => {
    const form = await readForm(request);
    const page = requireCsrf(ctx, request, form);
    const data = loadServerPage(ctx, page, ns, name);
    requireManager(data, page);
    return { form, page, data };
  };
  return new Elysia({ name: "ui-test-config" })
    .post(
      "/:ns/:name/deployments/test-config",
      async ({ request, params }) => {
        const { form, page, data } = await managed(request, params.ns, params.name);
        const values = readFields(fieldsFor(schemaOf(data), PREFIX), form);
        if (Object.keys(values.errors).length) {
          throw new AppError("invalid", "the test config is not valid", { details: Object.entries(values.errors).map(([n, m]) => ({ pointer: `/${n.slice(PREFIX.length).replaceAll(".", "/")}`, message: `${n.slice(PREFIX.length)} ${m}` })) });
        }
        setTestConfig(ctx.dbh, keyringOf(ctx), data.server.id, schemaOf(data), values.value, page.user!.id);
        return redirect(`/${data.server.qualifiedName}/deployments`);
      },
      { parse: "none" },
    )
    .post(
      "/:ns/:name/deployments/test-config/clear",
      async ({ request, params }) => {
        const { data } = await managed(request, params.ns, params.name);
        clearTestConfig(ctx.dbh, data.server.id);
        return redirect(`/${data.server.qualifiedName}/deployments`);
      },
      { parse: "none" },
    );
}
