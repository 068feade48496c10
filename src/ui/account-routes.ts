import { Elysia } from "elysia";
import { z } from "zod";
import { API_KEY_SCOPES, createApiKey, listApiKeys, revokedWith, revokeOwnApiKey } from "../accounts/api-keys.ts";
import { changePassword } from "../accounts/users.ts";
import { endUserSessions } from "../accounts/web-sessions.ts";
import { auditRequest } from "../audit/audit-request.ts";
import type { AppContext } from "../http/context.ts";
import { enforceRate } from "../http/rate-limit.ts";
import { AppError, isAppError } from "../shared/app-error.ts";
import { ApiKeysPanel, type ApiKeysPanelProps } from "../../views/components/api-keys-panel.tsx";
import { AccountPage } from "../../views/pages/account-page.tsx";
import { formString, readForm, requireCsrf } from "./csrf.ts";
import { html, redirect } from "./html.ts";
import { isFragmentRequest, loginPath, pageContext, type PageContext } from "./page-context.ts";

// A shown-once key must never sit in a cache.
const NO_STORE = { "cache-control": "no-store" };
const DAY_MS = 86_400_000;

type Signed = PageContext & { csrfToken: string };

function keysProps(ctx: AppContext, page: Signed, extra: Partial<ApiKeysPanelProps> = {}): ApiKeysPanelProps {
  return { keys: listApiKeys(ctx.dbh.db, page.user!.id), csrfToken: page.csrfToken, isAdmin: page.user!.role === "admin", now: Date.now(), ...extra };
}

function respond(ctx: AppContext, request: Request, page: Signed, keys: Partial<ApiKeysPanelProps>, status = 200, password?: { errors?: string[]; done?: boolean }): Response {
  const props = keysProps(ctx, page, keys);
  if (isFragmentRequest(request) && !password) return html(ApiKeysPanel(props), { status, headers: NO_STORE });
  return html(AccountPage({ email: page.user!.email, keys: props, password, layout: page.layout }), { status, headers: NO_STORE });
}

const expiresDays = z
  .string()
  .regex(/^(-?\d+)?$/, "must be a number of days")
  .transform((v) => (v === "" ? "" : Number(v)))
  .pipe(z.union([z.literal(""), z.number().min(1, "must be at least 1 day").max(3650, "must be at most 3650 days")], { error: "must be at least 1 day and at most 3650" }));

// The form's fields, checked here so each mistake is named; createApiKey checks the rest again.
function readKeyForm(form: FormData, isAdmin: boolean) {
  const f = { name: formString(form, "name").trim(), scopes: form.getAll("scopes").filter((s): s is string => typeof s === "string"), namespace: formString(form, "namespace").trim(), expiresDays: formString(form, "expiresDays").trim() };
  const errors: string[] = [];
  const days = expiresDays.safeParse(f.expiresDays);
  if (!days.success) errors.push(`expires ${days.error.issues[0]!.message}`);
  if (!f.scopes.length) errors.push("choose at least one scope");
  for (const s of f.scopes) if (!(API_KEY_SCOPES as readonly string[]).includes(s)) errors.push(`there is no scope ${JSON.stringify(s.slice(0, 40))}`);
  if (f.scopes.includes("admin") && !isAdmin) errors.push("only administrators can make keys with the admin scope");
  const expiresAt = days.success && days.data !== "" ? Date.now() + days.data * DAY_MS : null;
  return { f, errors, input: { name: f.name, scopes: f.scopes, namespace: f.namespace || null, expiresAt } };
}

/** accountRoutes serve /account: the signed-in user's password, sessions and API keys. */
export function accountRoutes(ctx: AppContext) {
  return new Elysia({ name: "ui-account" })
    .get("/account", ({ request }) => {
      const page = pageContext(ctx, request);
      if (page.principal.kind !== "session" || !page.csrfToken) return redirect(loginPath(request));
      return respond(ctx, request, { ...page, csrfToken: page.csrfToken }, {});
    })
    .post(
      "/account/keys",
      async ({ request }) => {
        const form = await readForm(request);
        const page = requireCsrf(ctx, request, form);
        const { f, errors, input } = readKeyForm(form, page.user!.role === "admin");
        if (errors.length) return respond(ctx, request, page, { errors, form: f }, 422);
        try {
          const { key, id } = createApiKey(ctx.dbh.db, page.user!.id, input);
          auditRequest(ctx, request, page.principal, { action: "key.create", outcome: "ok", target: `key #${id}`, detail: `"${input.name}" scopes ${input.scopes.join(",")}` });
          return respond(ctx, request, page, { created: { key, name: input.name } });
        } catch (e) {
          if (isAppError(e) && e.code === "conflict") return respond(ctx, request, page, { errors: [e.message], form: f }, 409);
          if (!isAppError(e) || e.code !== "invalid") throw e;
          return respond(ctx, request, page, { errors: e.details.map((d) => d.message), form: f }, 422);
        }
      },
      { parse: "none" },
    )
    .post(
      "/account/keys/:id/revoke",
      async ({ request, params }) => {
        const form = await readForm(request);
        const page = requireCsrf(ctx, request, form);
        const id = Number(params.id);
        // Someone else's key is "no such key": ids of other users' keys are not confirmed.
        const done = Number.isSafeInteger(id) ? revokeOwnApiKey(ctx.dbh.db, page.user!.id, id) : undefined;
        if (!done) throw new AppError("not_found", "you have no live key with that id");
        auditRequest(ctx, request, page.principal, { action: "key.revoke", outcome: "ok", target: `key #${id}`, detail: revokedWith(done.descendants) });
        return isFragmentRequest(request) ? respond(ctx, request, page, {}) : redirect("/account");
      },
      { parse: "none" },
    )
    .post(
      "/account/password",
      async ({ request }) => {
        const form = await readForm(request);
        const page = requireCsrf(ctx, request, form);
        // Guessing the current password from a stolen session costs sign-in attempts.
        enforceRate(ctx, request, "signin", page.principal);
        try {
          await changePassword(ctx.dbh.db, page.user!.id, formString(form, "current"), formString(form, "password"));
        } catch (e) {
          if (!isAppError(e) || e.code !== "invalid") throw e;
          auditRequest(ctx, request, page.principal, { action: "auth.password_change", outcome: "fail", detail: e.message });
          return respond(ctx, request, page, {}, 422, { errors: e.details.map((d) => d.message) });
        }
        const token = page.principal.kind === "session" ? page.principal.token : undefined;
        const ended = endUserSessions(ctx.dbh.db, page.user!.id, token);
        auditRequest(ctx, request, page.principal, { action: "auth.password_change", outcome: "ok", detail: `${ended} other sessions ended` });
        return respond(ctx, request, page, {}, 200, { done: true });
      },
      { parse: "none" },
    );
}
