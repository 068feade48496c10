import { setDeploymentState } from "../../src/deploy/deployments.ts";
import { createProfile } from "../../src/profiles/profiles.ts";
import { EMPTY_SCHEMA } from "../../src/profiles/server-schema.ts";
import { keyringOf } from "../../src/secrets/keyring.ts";
import { findServer, getVersion } from "../../src/registry/catalog.ts";
import { testApp } from "../helpers/app.ts";
import { serverJson } from "../helpers/registry.ts";
import { SEEDED_PASSWORD, teamWorld, type Person, type TeamWorld } from "../helpers/teams.ts";
import { form, listTools } from "../ui/ui-helpers.ts";
import type { Rule, Who } from "./authz-rules.ts";

// One row per route of the composed app ("METHOD path" exactly as app.routes lists it): the rule
// it follows (authz-rules.ts), its success status, and the request that exercises it against
// acme/secret (private, deployed, one tool listed). A route missing here fails the first test.
/** Row is one route of the matrix. */
export interface Row {
  rule: Rule;
  ok: number;
  path: string;
  method?: string;
  /** body: urlencoded form fields (a session's _csrf is added) or a JSON value. */
  form?: Record<string, string> | ((i: number) => Record<string, string>);
  json?: (i: number) => unknown;
  headers?: Record<string, string>;
  /** fresh: the request changes what later callers see (sign-out, removing a member): a new world per caller. */
  fresh?: boolean;
}

const PG = "matrixpageid-0123456789";
const MCP_INIT = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "matrix", version: "1" } } });
const manifest = (i: number) => serverJson("acme/secret", { version: `9.0.${i}` });

// prettier-ignore
/** ROUTES has one row per route of the composed app, keyed "METHOD path" as app.routes lists it. */
export const ROUTES: Record<string, Row> = {
  "GET /api/openapi.json":                    { rule: "open", ok: 200, path: "/api/openapi.json" },
  "GET /healthz":                             { rule: "open", ok: 200, path: "/healthz" },
  "GET /readyz":                              { rule: "open", ok: 200, path: "/readyz" },
  "GET /static/:name":                        { rule: "open", ok: 200, path: "/static/app.css" },
  "GET /api/v1/me":                           { rule: "signed-in", ok: 200, path: "/api/v1/me" },
  "OPTIONS /v0.1/*":                          { rule: "open", ok: 204, path: "/v0.1/servers", method: "OPTIONS" },
  "GET /v0.1/servers":                        { rule: "public", ok: 200, path: "/v0.1/servers" },
  "GET /v0.1/servers/*":                      { rule: "visible", ok: 200, path: "/v0.1/servers/acme%2Fsecret/versions" },
  "POST /v0.1/publish":                       { rule: "publish", ok: 200, path: "/v0.1/publish", method: "POST", json: manifest },
  "OPTIONS /v0/*":                            { rule: "open", ok: 204, path: "/v0/servers", method: "OPTIONS" },
  "GET /v0/servers":                          { rule: "public", ok: 200, path: "/v0/servers" },
  "GET /v0/servers/*":                        { rule: "visible", ok: 200, path: "/v0/servers/acme%2Fsecret/versions/latest" },
  "POST /v0/publish":                         { rule: "publish", ok: 200, path: "/v0/publish", method: "POST", json: manifest },
  "GET /api/v1/servers":                      { rule: "public", ok: 200, path: "/api/v1/servers?q=secret" },
  "GET /api/v1/servers/:ns/:name":            { rule: "visible", ok: 200, path: "/api/v1/servers/acme/secret" },
  "POST /api/v1/servers":                     { rule: "publish", ok: 201, path: "/api/v1/servers", method: "POST", json: manifest },
  // The test app hosts nothing, so a deploy that passed every check answers 503.
  "POST /api/v1/servers/:ns/:name/deploy":    { rule: "deploy", ok: 503, path: "/api/v1/servers/acme/secret/deploy", method: "POST" },
  "POST /api/v1/servers/:ns/:name/rollback":  { rule: "deploy", ok: 503, path: "/api/v1/servers/acme/secret/rollback?version=1.0.0", method: "POST" },
  "GET /api/v1/servers/:ns/:name/deployment": { rule: "manage-read", ok: 200, path: "/api/v1/servers/acme/secret/deployment" },
  "PATCH /api/v1/servers/:ns/:name/deployment": { rule: "deploy", ok: 200, path: "/api/v1/servers/acme/secret/deployment", method: "PATCH", json: () => ({ settings: { poolSize: 0 } }) },
  "GET /api/v1/servers/:ns/:name/logs":       { rule: "manage-read", ok: 200, path: "/api/v1/servers/acme/secret/logs" },
  "GET /api/v1/profiles":                     { rule: "profiles", ok: 200, path: "/api/v1/profiles" },
  "POST /api/v1/profiles":                    { rule: "profile-create", ok: 201, path: "/api/v1/profiles", method: "POST", json: (i) => ({ server: "acme/secret", name: `p${i}`, config: {} }) },
  // {profile} is the acme publisher's saved profile for acme/secret (seeded by world()).
  "GET /api/v1/profiles/:id":                 { rule: "own-profile", ok: 200, path: "/api/v1/profiles/{profile}" },
  "PATCH /api/v1/profiles/:id":               { rule: "own-profile", ok: 200, path: "/api/v1/profiles/{profile}", method: "PATCH", json: (i) => ({ name: `renamed${i}` }) },
  "DELETE /api/v1/profiles/:id":              { rule: "own-profile", ok: 204, path: "/api/v1/profiles/{profile}", method: "DELETE", fresh: true },
  "GET /api/v1/servers/:ns/:name/test-config": { rule: "manage-read", ok: 200, path: "/api/v1/servers/acme/secret/test-config" },
  "PUT /api/v1/servers/:ns/:name/test-config": { rule: "deploy", ok: 200, path: "/api/v1/servers/acme/secret/test-config", method: "PUT", json: () => ({ config: {} }) },
  "DELETE /api/v1/servers/:ns/:name/test-config": { rule: "deploy", ok: 204, path: "/api/v1/servers/acme/secret/test-config", method: "DELETE" },
  "POST /api/v1/keys":                        { rule: "key-derive", ok: 201, path: "/api/v1/keys", method: "POST", json: (i) => ({ name: `derived${i}`, scopes: ["connect"] }) },
  "GET /api/v1/keys/self":                    { rule: "key-self", ok: 200, path: "/api/v1/keys/self" },
  "DELETE /api/v1/keys/self":                 { rule: "key-self", ok: 204, path: "/api/v1/keys/self", method: "DELETE", fresh: true },
  "GET /api/v1/teams":                        { rule: "signed-in", ok: 200, path: "/api/v1/teams" },
  "POST /api/v1/teams":                       { rule: "account-write", ok: 201, path: "/api/v1/teams", method: "POST", json: (i) => ({ name: `newteam${i}` }) },
  "GET /api/v1/teams/:team":                  { rule: "team-read", ok: 200, path: "/api/v1/teams/acme" },
  "PUT /api/v1/teams/:team/members":          { rule: "team-manage", ok: 200, path: "/api/v1/teams/acme/members", method: "PUT", json: () => ({ email: "member@example.com", role: "member" }) },
  "DELETE /api/v1/teams/:team/members/:email": { rule: "team-manage", ok: 204, path: "/api/v1/teams/acme/members/member%40example.com", method: "DELETE", fresh: true },
  "GET /metrics":                             { rule: "instance-admin", ok: 200, path: "/metrics" },
  // Hosting nothing, an initialize that passed every check is 503 (no child to start).
  "ALL /:ns/:name/mcp":                       { rule: "connect", ok: 503, path: "/acme/secret/mcp", method: "POST", headers: { accept: "application/json, text/event-stream", "content-type": "application/json" } },
  "GET /setup":                               { rule: "gone", ok: 200, path: "/setup?token=guess" },
  "POST /setup":                              { rule: "gone", ok: 303, path: "/setup", method: "POST", form: { token: "guess", email: "x@example.com", password: "long enough password" } },
  "GET /login":                               { rule: "login-page", ok: 200, path: "/login" },
  "POST /login":                              { rule: "login-form", ok: 303, path: "/login", method: "POST", form: { email: "owner@example.com", password: "whatever1234", _login: "forged" } },
  "POST /logout":                             { rule: "session-form", ok: 303, path: "/logout", method: "POST", form: {}, fresh: true },
  "GET /publish":                             { rule: "session-page", ok: 200, path: "/publish" },
  "POST /publish":                            { rule: "publish-form", ok: 303, path: "/publish", method: "POST", form: (i) => ({ manifest: JSON.stringify(manifest(i)) }) },
  "GET /account":                            { rule: "session-page", ok: 200, path: "/account" },
  "POST /account/keys":                       { rule: "session-form", ok: 200, path: "/account/keys", method: "POST", form: (i) => ({ name: `key${i}`, scopes: "read" }) },
  // Key 7 is the acme publisher's read key (teamWorld makes one key per person first, then the publisher's).
  "POST /account/keys/:id/revoke":            { rule: "own-key-form", ok: 303, path: "/account/keys/7/revoke", method: "POST", form: {}, fresh: true },
  "POST /account/password":                   { rule: "session-form", ok: 200, path: "/account/password", method: "POST", form: { current: SEEDED_PASSWORD, password: "a new long password" }, fresh: true },
  "POST /logout/everywhere":                  { rule: "session-form", ok: 303, path: "/logout/everywhere", method: "POST", form: {}, fresh: true },
  "GET /admin/audit":                         { rule: "admin-page", ok: 200, path: "/admin/audit" },
  "GET /api/v1/audit":                        { rule: "instance-admin", ok: 200, path: "/api/v1/audit" },
  "GET /admin/invitations":                   { rule: "admin-page", ok: 200, path: "/admin/invitations" },
  "POST /admin/invitations":                  { rule: "admin-form", ok: 200, path: "/admin/invitations", method: "POST", form: (i) => ({ email: `invited${i}@example.com`, role: "user", days: "7" }) },
  "GET /invite/:token":                       { rule: "gone", ok: 200, path: "/invite/never-issued-token" },
  "POST /invite/:token":                      { rule: "gone", ok: 303, path: "/invite/never-issued-token", method: "POST", form: { password: "a long enough password" } },
  "GET /admin":                               { rule: "admin-page", ok: 200, path: "/admin" },
  "GET /admin/stats":                         { rule: "admin-page", ok: 200, path: "/admin/stats" },
  "GET /teams":                               { rule: "session-page", ok: 200, path: "/teams" },
  "POST /teams":                              { rule: "session-form", ok: 303, path: "/teams", method: "POST", form: (i) => ({ name: `newteam${i}` }) },
  "GET /teams/:team":                         { rule: "team-page", ok: 200, path: "/teams/acme" },
  "POST /teams/:team/members":                { rule: "team-form", ok: 303, path: "/teams/acme/members", method: "POST", form: { email: "member@example.com", role: "member" } },
  "POST /teams/:team/members/remove":         { rule: "team-form", ok: 303, path: "/teams/acme/members/remove", method: "POST", form: { email: "member@example.com" }, fresh: true },
  "GET /:ns/:name":                           { rule: "visible", ok: 200, path: "/acme/secret" },
  "GET /:ns/:name/tools":                     { rule: "visible", ok: 200, path: "/acme/secret/tools" },
  "GET /:ns/:name/usage":                     { rule: "visible", ok: 200, path: "/acme/secret/usage" },
  "GET /:ns/:name/connect":                   { rule: "visible", ok: 200, path: "/acme/secret/connect" },
  "POST /:ns/:name/connect":                  { rule: "visible", ok: 200, path: "/acme/secret/connect", method: "POST", form: {} },
  "POST /:ns/:name/connect/snippets":         { rule: "visible", ok: 200, path: "/acme/secret/connect/snippets", method: "POST", form: {} },
  "POST /:ns/:name/connect/profiles":         { rule: "visible-form", ok: 303, path: "/acme/secret/connect/profiles", method: "POST", form: (i) => ({ profileName: `p${i}` }) },
  "POST /:ns/:name/connect/profiles/:id/delete": { rule: "own-profile-form", ok: 303, path: "/acme/secret/connect/profiles/{profile}/delete", method: "POST", form: {}, fresh: true },
  "GET /:ns/:name/playground":                { rule: "visible", ok: 200, path: "/acme/secret/playground" },
  "GET /:ns/:name/playground/form":           { rule: "visible", ok: 200, path: "/acme/secret/playground/form?tool=echo" },
  // A run that passed every check reports "not hosting" inside the page (200).
  "POST /:ns/:name/playground/tools":         { rule: "visible-form", ok: 200, path: "/acme/secret/playground/tools", method: "POST", form: { pg: PG } },
  "POST /:ns/:name/playground/run":           { rule: "visible-form", ok: 200, path: "/acme/secret/playground/run", method: "POST", form: { pg: PG, tool: "echo" } },
  "POST /:ns/:name/playground/close":         { rule: "session-form", ok: 204, path: "/acme/secret/playground/close", method: "POST", form: { pg: PG } },
  "GET /:ns/:name/deployments":               { rule: "manage-page", ok: 200, path: "/acme/secret/deployments" },
  "POST /:ns/:name/deployments":              { rule: "manage-form", ok: 503, path: "/acme/secret/deployments", method: "POST", form: {} },
  "POST /:ns/:name/deployments/rollback":     { rule: "manage-form", ok: 503, path: "/acme/secret/deployments/rollback", method: "POST", form: { version: "1.0.0" } },
  "GET /:ns/:name/deployments/progress":      { rule: "manage-page", ok: 200, path: "/acme/secret/deployments/progress" },
  "POST /:ns/:name/deployments/test-config":  { rule: "manage-form", ok: 303, path: "/acme/secret/deployments/test-config", method: "POST", form: {} },
  "POST /:ns/:name/deployments/settings":     { rule: "manage-form", ok: 303, path: "/acme/secret/deployments/settings", method: "POST", form: (i) => ({ maxSessions: String(10 + i) }) },
  "POST /:ns/:name/deployments/test-config/clear": { rule: "manage-form", ok: 303, path: "/acme/secret/deployments/test-config/clear", method: "POST", form: {} },
  "GET /:ns/:name/logs":                      { rule: "manage-page", ok: 200, path: "/acme/secret/logs" },
  "GET /:ns/:name/logs/stream":               { rule: "manage-page", ok: 503, path: "/acme/secret/logs/stream" },
  "GET /":                                    { rule: "public", ok: 200, path: "/?q=secret" },
  "GET /:ns":                                 { rule: "public", ok: 200, path: "/acme" },
};

/** world is a fresh app over team acme (acme/secret private, deployed, one tool) and team other. */
export function world(flags: Record<string, string> = {}) {
  const t = testApp(flags);
  const w = teamWorld(t.ctx);
  const server = findServer(t.ctx.dbh, { userId: null, isAdmin: true }, "acme/secret");
  const version = getVersion(t.ctx.dbh, server.id, "latest");
  setDeploymentState(t.ctx.dbh, server.id, "ready", { versionId: version.id });
  listTools(t.ctx, version.id, [{ name: "echo", inputSchema: { type: "object", properties: { text: { type: "string" } } } }]);
  const profile = createProfile(t.ctx.dbh, keyringOf(t.ctx), { userId: w.publisher.user.id, serverId: server.id, schema: EMPTY_SCHEMA, name: "saved", config: {} });
  return { t, w, profileId: profile.id };
}

/** pathFor is the row's path in this world (ids that only exist once seeded filled in). */
export function pathFor(x: { profileId: string }, row: Row): string {
  return row.path.replace("{profile}", x.profileId);
}

function personOf(w: TeamWorld, who: Who): Person | undefined {
  return who === "outsider" || who === "member" || who === "publisher" || who === "owner" || who === "admin" ? w[who] : undefined;
}

/** requestFor builds the row's request as `who` sends it (i makes bodies unique per caller). */
export function requestFor(w: TeamWorld, row: Row, who: Who, i: number): RequestInit {
  const headers: Record<string, string> = { ...row.headers };
  const person = personOf(w, who);
  if (person) {
    headers.cookie = person.cookie;
    // What Hearth's own pages send with a write: their origin and the session's CSRF token.
    // (Forms carry the token as their _csrf field; JSON writes as the X-CSRF-Token header.)
    if ((row.method ?? "GET") !== "GET" && !row.form) Object.assign(headers, { origin: "http://localhost", "x-csrf-token": person.csrf });
  }
  if (who.startsWith("key:")) headers.authorization = `Bearer ${w.keys[who.slice(4) as keyof TeamWorld["keys"]]}`;
  let body: string | undefined;
  if (row.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    headers.origin = "http://localhost";
    body = form({ ...(person ? { _csrf: person.csrf } : {}), ...(typeof row.form === "function" ? row.form(i) : row.form) });
  } else if (row.json) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(row.json(i));
  } else if (row.path.endsWith("/mcp")) {
    body = MCP_INIT;
  }
  return { method: row.method ?? "GET", headers, body };
}

