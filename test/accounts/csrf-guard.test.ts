import { afterEach, describe, expect, it } from "bun:test";
import { listApiKeys } from "../../src/accounts/api-keys.ts";
import { testApp } from "../helpers/app.ts";
import { adminWithKey, serverJson } from "../helpers/registry.ts";
import { browserFor, form } from "../ui/ui-helpers.ts";

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

async function signedIn() {
  t = testApp();
  const { user, auth } = await adminWithKey(t.ctx);
  return { b: browserFor(t.ctx, user), auth, user };
}

// Every state-changing form a signed-in browser can send, with valid fields and token.
const FORMS: [string, (csrf: string) => Record<string, string>][] = [
  ["/logout", (c) => ({ _csrf: c })],
  ["/logout/everywhere", (c) => ({ _csrf: c })],
  ["/account/keys", (c) => ({ _csrf: c, name: "x", scopes: "read" })],
  ["/account/password", (c) => ({ _csrf: c, current: "admin password 1", password: "a new password!" })],
  ["/admin/invitations", (c) => ({ _csrf: c, email: "x@example.com" })],
  ["/publish", (c) => ({ _csrf: c, manifest: JSON.stringify(serverJson("io.github.admin/x")) })],
];

describe("CSRF from another origin", () => {
  for (const [path, fields] of FORMS) {
    it(`POST ${path} with a valid token but a foreign Origin is 403`, async () => {
      const { b } = await signedIn();
      const r = await t.request(path, { method: "POST", body: form(fields(b.csrf)), headers: b.post({ origin: "https://evil.example" }) });
      expect(r.status).toBe(403);
    });

    it(`POST ${path} as htmx without the token is 403`, async () => {
      const { b } = await signedIn();
      const { _csrf, ...rest } = fields(b.csrf);
      const r = await t.request(path, { method: "POST", body: form(rest), headers: b.post({ "hx-request": "true" }) });
      expect(r.status).toBe(403);
    });
  }

  it("refuses a foreign Referer when there is no Origin, and Origin: null", async () => {
    const { b } = await signedIn();
    const body = form({ _csrf: b.csrf, name: "x", scopes: "read" });
    const { origin: _, ...noOrigin } = b.post();
    const viaReferer = await t.request("/account/keys", { method: "POST", body, headers: { ...noOrigin, referer: "https://evil.example/page" } });
    expect(viaReferer.status).toBe(403);
    const nullOrigin = await t.request("/account/keys", { method: "POST", body, headers: b.post({ origin: "null" }) });
    expect(nullOrigin.status).toBe(403);
    const ownReferer = await t.request("/account/keys", { method: "POST", body, headers: { ...noOrigin, referer: "http://localhost/account" } });
    expect(ownReferer.status).toBe(200);
    expect(listApiKeys(t.ctx.dbh.db)).toHaveLength(2);
  });

  it("guards API writes made with the session cookie: same origin and the X-CSRF-Token header", async () => {
    const { b } = await signedIn();
    const publish = (headers: Record<string, string>) => t.request("/api/v1/servers", { method: "POST", body: JSON.stringify(serverJson("io.github.admin/api")), headers: { cookie: b.cookie, "content-type": "application/json", ...headers } });
    expect((await publish({ origin: "https://evil.example", "x-csrf-token": b.csrf })).status).toBe(403);
    expect((await publish({ origin: "http://localhost" })).status).toBe(403);
    expect((await publish({ origin: "http://localhost", "x-csrf-token": b.csrf })).status).toBe(201);
  });

  it("leaves API-key clients alone (no cookie, no Origin needed)", async () => {
    const { auth } = await signedIn();
    const r = await t.request("/api/v1/servers", { method: "POST", body: JSON.stringify(serverJson("io.github.admin/k")), headers: { ...auth, "content-type": "application/json", origin: "https://ci.example" } });
    expect(r.status).toBe(201);
  });
});
