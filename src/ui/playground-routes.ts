import { Elysia } from "elysia";
import type { AppContext } from "../http/context.ts";
import { enforceRate } from "../http/rate-limit.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";
import { AppError, isAppError } from "../shared/app-error.ts";
import { ToolResult } from "../../views/components/tool-result.tsx";
import { ServerPlaygroundPage, ToolForm, ToolPicker, type ServerPlaygroundProps } from "../../views/pages/server-playground-page.tsx";
import { formString, readForm, requireCsrf } from "./csrf.ts";
import { html } from "./html.ts";
import { isFragmentRequest, pageContext, type PageContext } from "./page-context.ts";
import { newPageId, PAGE_ID, PlaygroundSessions, type PlaygroundSession } from "./playground-sessions.ts";
import { profileChoices } from "./connect-profiles.ts";
import { fieldsFor, readFields, type FormValues } from "./schema-fields.ts";
import { loadServerPage, type ServerPage } from "./server-page-data.ts";

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const NO_STORE = { "cache-control": "no-store" };

function configSchemaOf(data: ServerPage): JsonSchemaObject {
  return (data.current?.configSchema ?? { type: "object", properties: {} }) as JsonSchemaObject;
}

// The snapshot's tools, or null when the server lists none without configuration.
function listedTools(data: ServerPage, live: PlaygroundSession | undefined): unknown[] | null {
  if (live?.tools) return live.tools;
  const snap = data.snapshot;
  return snap && !snap.needsConfig && !snap.error ? snap.tools : null;
}

function findTool(tools: unknown[] | null, name: string): Obj | undefined {
  return (tools ?? []).filter(isObj).find((t) => t.name === name);
}

interface Visit {
  page: PageContext;
  data: ServerPage;
  base: string;
}

function visit(ctx: AppContext, request: Request, ns: string, name: string): Visit {
  const page = pageContext(ctx, request);
  const data = loadServerPage(ctx, page, ns, name);
  return { page, data, base: `/${data.server.qualifiedName}/playground` };
}

function requireReady(v: Visit): void {
  if (!v.data.ready) throw new AppError("not_found", `${v.data.server.qualifiedName} is not running on this Hearth, so it has no playground`);
}

/** playgroundRoutes serve the Playground tab: pick a tool, fill its form, run it in a real session. */
export function playgroundRoutes(ctx: AppContext, sessions = new PlaygroundSessions(ctx)) {
  // The whole page, for first visits and for browsers without JS (every step is a plain form post).
  const fullPage = (v: Visit, pageId: string, extra: Partial<ServerPlaygroundProps> & { tools?: unknown[] | null; tool?: string; live?: PlaygroundSession; args?: FormValues; config?: FormValues; profile?: string } = {}) => {
    const tools = extra.tools !== undefined ? extra.tools : listedTools(v.data, extra.live);
    // Without a choice, the first tool is shown: the page is never an empty form.
    const first = (tools ?? []).filter(isObj)[0];
    const tool = findTool(tools, extra.tool ?? "") ?? (extra.tool ? undefined : first);
    const props: ServerPlaygroundProps = {
      data: v.data,
      layout: v.page.layout,
      csrfToken: v.page.csrfToken,
      pageId,
      picker: { base: v.base, pageId, tools, selected: typeof tool?.name === "string" ? tool.name : "", listError: extra.picker?.listError },
      form: { tool, fields: tool ? fieldsFor(tool.inputSchema, "arg.") : [], echo: extra.args?.echo, errors: extra.args?.errors },
      configFields: fieldsFor(configSchemaOf(v.data), "config."),
      configEcho: extra.config?.echo,
      configErrors: extra.config?.errors,
      profiles: profileChoices(ctx, v.page.user, v.data.server.id, configSchemaOf(v.data)),
      selectedProfile: extra.profile ?? "",
      result: extra.result,
    };
    return html(ServerPlaygroundPage(props), { headers: NO_STORE });
  };

  const readPost = async (request: Request, params: { ns: string; name: string }) => {
    const form = await readForm(request);
    requireCsrf(ctx, request, form);
    const v = visit(ctx, request, params.ns, params.name);
    requireReady(v);
    const pageId = formString(form, "pg");
    if (!PAGE_ID.test(pageId)) throw new AppError("bad_request", "this playground page has expired; reload it");
    const configFields = fieldsFor(configSchemaOf(v.data), "config.");
    const config = readFields(configFields, form);
    if (Object.keys(config.errors).length) {
      throw new AppError("invalid", "the configuration is not valid", { details: Object.entries(config.errors).map(([n, m]) => ({ pointer: `/${n.slice(7).replaceAll(".", "/")}`, message: `${n.slice(7)} ${m}` })) });
    }
    return { form, v, pageId, config, profile: formString(form, "profile") };
  };

  return new Elysia({ name: "ui-playground" })
    .get("/:ns/:name/playground", ({ request, params }) => {
      const v = visit(ctx, request, params.ns, params.name);
      const q = new URL(request.url).searchParams;
      const given = q.get("pg") ?? "";
      const pageId = PAGE_ID.test(given) ? given : newPageId();
      const live = v.page.user ? sessions.find(pageId, v.page.user.id, v.data.server.qualifiedName) : undefined;
      return fullPage(v, pageId, { tool: q.get("tool") ?? "", live });
    })
    .get("/:ns/:name/playground/form", ({ request, params }) => {
      const v = visit(ctx, request, params.ns, params.name);
      requireReady(v);
      const q = new URL(request.url).searchParams;
      const live = v.page.user ? sessions.find(q.get("pg") ?? "", v.page.user.id, v.data.server.qualifiedName) : undefined;
      const tool = findTool(listedTools(v.data, live), q.get("tool") ?? "");
      if (!tool) throw new AppError("not_found", "this server has no such tool");
      return html(ToolForm({ tool, fields: fieldsFor(tool.inputSchema, "arg.") }), { headers: NO_STORE });
    })
    .post(
      "/:ns/:name/playground/tools",
      async ({ request, params }) => {
        const { v, pageId, config, profile } = await readPost(request, params);
        let tools: unknown[] | null = null;
        let listError: string | undefined;
        try {
          const s = await sessions.session(pageId, v.page.principal, v.data.server.qualifiedName, config.value, profile, () => enforceRate(ctx, request, "session", v.page.principal));
          tools = await sessions.listTools(s);
        } catch (e) {
          if (!isAppError(e) || e.code === "internal" || e.code === "rate_limited") throw e;
          listError = e.message;
        }
        if (isFragmentRequest(request)) return html(ToolPicker({ base: v.base, pageId, tools, selected: "", listError }), { headers: NO_STORE });
        return fullPage(v, pageId, { tools, config, profile, picker: { base: v.base, pageId, tools, selected: "", listError } });
      },
      { parse: "none" },
    )
    .post(
      "/:ns/:name/playground/run",
      async ({ request, params }) => {
        const { form, v, pageId, config, profile } = await readPost(request, params);
        const name = formString(form, "tool");
        const qn = v.data.server.qualifiedName;
        let session: PlaygroundSession | undefined;
        let result: Parameters<typeof ToolResult>[0];
        let args: FormValues | undefined;
        try {
          session = await sessions.session(pageId, v.page.principal, qn, config.value, profile, () => enforceRate(ctx, request, "session", v.page.principal));
          const tools = listedTools(v.data, session) ?? (await sessions.listTools(session));
          const tool = findTool(tools, name);
          if (!tool) throw new AppError("not_found", `this server has no tool named ${name.slice(0, 100)}`);
          args = readFields(fieldsFor(tool.inputSchema, "arg."), form);
          if (Object.keys(args.errors).length) {
            result = { tool: name, error: Object.entries(args.errors).map(([n, m]) => `${n.slice(4)} ${m}`).join("\n") };
          } else {
            const { result: r, ms } = await sessions.callTool(session, name, args.value);
            result = { tool: name, result: r, ms };
          }
        } catch (e) {
          if (!isAppError(e) || e.code === "internal" || e.code === "rate_limited") throw e;
          const ms = typeof e.extra.ms === "number" ? e.extra.ms : undefined;
          result = { tool: name, error: e.message, ms };
        }
        if (isFragmentRequest(request)) return html(ToolResult(result), { headers: NO_STORE });
        return fullPage(v, pageId, { tool: name, live: session, args, config, profile, result });
      },
      { parse: "none" },
    )
    .post(
      "/:ns/:name/playground/close",
      async ({ request }) => {
        // Sent by app.js with navigator.sendBeacon when the page is left.
        const form = await readForm(request);
        const page = requireCsrf(ctx, request, form);
        await sessions.close(formString(form, "pg"), "page closed", page.user?.id);
        return new Response(null, { status: 204 });
      },
      { parse: "none" },
    );
}
