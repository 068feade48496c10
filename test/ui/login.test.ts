import { afterEach, describe, expect, it } from "bun:test";
import { safeNext } from "../../src/ui/login-routes.ts";
import { testApp } from "../helpers/app.ts";
import { adminWithKey } from "../helpers/registry.ts";
import { browserFor, form } from "./ui-helpers.ts";

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

// What a browser does: GET the form (cookie + hidden token), then POST it back with both.
async function loginForm(next = "/") {
  const r = await t.request(`/login?next=${encodeURIComponent(next)}`);
  const cookie = r.headers.get("set-cookie")!.split(";")[0]!;
  const token = /name="_login" value="([^"]+)"/.exec(await r.text())![1]!;
  return { cookie, token };
}

function postLogin(fields: Record<string, string>, cookie: string, headers: Record<string, string> = {}) {
  return t.request("/login", { method: "POST", body: form(fields), headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: "http://localhost", ...headers } });
}

describe("sign in", () => {
  it("signs in with email and password, sets the session cookie and goes where it was asked", async () => {
    t = testApp();
    await adminWithKey(t.ctx);
    const { cookie, token } = await loginForm("/publish");
    const r = await postLogin({ email: "Admin@Example.com", password: "admin password 1", _login: token, next: "/publish" }, cookie);
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/publish");
    const session = r.headers.getSetCookie().find((c) => c.startsWith("hearth_session="))!;
    expect(session).toContain("HttpOnly");
    expect(session).toContain("SameSite=Lax");
    const page = await (await t.request("/", { headers: { cookie: session.split(";")[0]! } })).text();
    expect(page).toContain("admin@example.com");
    expect(page).toMatch(/<meta name="csrf-token" content="[^"]+"/);
  });

  it("refuses a wrong password with the same message as an unknown email, keeping the email", async () => {
    t = testApp();
    await adminWithKey(t.ctx);
    const { cookie, token } = await loginForm();
    const wrong = await postLogin({ email: "admin@example.com", password: "nope nope nope", _login: token }, cookie);
    expect(wrong.status).toBe(401);
    const body = await wrong.text();
    expect(body).toContain("match an account.");
    expect(body).toContain('value="admin@example.com"');
    const again = await loginForm();
    const unknown = await postLogin({ email: "who@example.com", password: "whatever123", _login: again.token }, again.cookie);
    expect(unknown.status).toBe(401);
    expect(await unknown.text()).toContain("match an account");
  });

  it("refuses a sign-in form that did not come from our page (login CSRF)", async () => {
    t = testApp();
    await adminWithKey(t.ctx);
    const r = await postLogin({ email: "admin@example.com", password: "admin password 1", _login: "forged" }, "hearth_login=other");
    expect(r.status).toBe(403);
    expect(r.headers.getSetCookie().some((c) => c.startsWith("hearth_session="))).toBe(false);
  });

  it("refuses a sign-in posted from another origin", async () => {
    t = testApp();
    await adminWithKey(t.ctx);
    const { cookie, token } = await loginForm();
    const r = await postLogin({ email: "admin@example.com", password: "admin password 1", _login: token }, cookie, { origin: "https://evil.example" });
    expect(r.status).toBe(403);
  });

  it("only ever redirects to a path on this site", () => {
    expect(safeNext("/acme/github")).toBe("/acme/github");
    for (const bad of ["//evil.example", "https://evil.example", "/\\evil.example", "javascript:alert(1)", "", null]) expect(safeNext(bad)).toBe("/");
  });
});

describe("sign out", () => {
  it("ends the session with the CSRF token, and not without it", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    const b = browserFor(t.ctx, user);
    const forged = await t.request("/logout", { method: "POST", body: form({ _csrf: "wrong" }), headers: b.post() });
    expect(forged.status).toBe(403);
    const r = await t.request("/logout", { method: "POST", body: form({ _csrf: b.csrf }), headers: b.post() });
    expect(r.status).toBe(303);
    expect(r.headers.get("set-cookie")).toContain("Max-Age=0");
    expect(await (await t.request("/", { headers: { cookie: b.cookie } })).text()).not.toContain("admin@example.com");
  });

  it("accepts the token as the X-CSRF-Token header (htmx requests)", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    const b = browserFor(t.ctx, user);
    const r = await t.request("/logout", { method: "POST", body: "", headers: b.post({ "x-csrf-token": b.csrf }) });
    expect(r.status).toBe(303);
  });
});
