import { afterEach, describe, expect, it } from "bun:test";
import { findWebSession } from "../../src/accounts/web-sessions.ts";
import { rememberPeer } from "../../src/http/client-ip.ts";
import { testApp } from "../helpers/app.ts";
import { adminWithKey } from "../helpers/registry.ts";
import { browserFor, form } from "./ui-helpers.ts";

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

function from(ip: string, path: string, init: RequestInit = {}) {
  const r = new Request(`http://localhost${path}`, init);
  rememberPeer(r, ip);
  return t.app.handle(r);
}

async function signIn(email: string, password: string, ip = "10.0.0.1", extra: Record<string, string> = {}) {
  // The form is fetched without the extra cookie: a signed-in browser is redirected away from /login.
  const page = await from(ip, "/login");
  const formCookie = page.headers.get("set-cookie")!.split(";")[0]!;
  const token = /name="_login" value="([^"]+)"/.exec(await page.text())![1]!;
  const cookie = [formCookie, extra.cookie].filter(Boolean).join("; ");
  return from(ip, "/login", { method: "POST", body: form({ email, password, _login: token }), headers: { "content-type": "application/x-www-form-urlencoded", cookie, origin: "http://localhost", ...extra, ...(extra.cookie ? { cookie } : {}) } });
}

describe("sign-in lockout", () => {
  it("locks an account after repeated failures, refusing even the right password, with 429 and Retry-After", async () => {
    t = testApp({ "lockout-after": "3" });
    await adminWithKey(t.ctx);
    for (let i = 0; i < 3; i++) expect((await signIn("admin@example.com", "wrong password", `10.0.0.${i}`)).status).toBe(401);
    const r = await signIn("admin@example.com", "admin password 1", "10.0.0.9");
    expect(r.status).toBe(429);
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await r.text()).toContain("Too many failed sign-ins for this email or from your network");
    expect(r.headers.getSetCookie().some((c) => c.startsWith("hearth_session="))).toBe(false);
  });

  it("says the same for an email that has no account, so lockout doesn't reveal which exist", async () => {
    t = testApp({ "lockout-after": "3" });
    await adminWithKey(t.ctx);
    const bodies: string[] = [];
    for (const email of ["admin@example.com", "nobody@example.com"]) {
      for (let i = 0; i < 3; i++) await signIn(email, "wrong password", `10.1.0.${i}`);
      const r = await signIn(email, "wrong password", "10.1.0.9");
      expect(r.status).toBe(429);
      bodies.push((await r.text()).replace(/\d+ s\./, "N s.").replaceAll(email, "EMAIL").replace(/value="[^"]{20,}"/g, 'value="TOKEN"'));
    }
    expect(bodies[0]).toBe(bodies[1]!);
  });

  it("locks out an IP that tries many accounts", async () => {
    t = testApp({ "lockout-ip-after": "3", "lockout-after": "100" });
    await adminWithKey(t.ctx);
    for (let i = 0; i < 3; i++) await signIn(`guess${i}@example.com`, "wrong password", "6.6.6.6");
    expect((await signIn("admin@example.com", "admin password 1", "6.6.6.6")).status).toBe(429);
    expect((await signIn("admin@example.com", "admin password 1", "7.7.7.7")).status).toBe(303);
  });

  it("a success before the threshold resets the account's count", async () => {
    t = testApp({ "lockout-after": "3" });
    await adminWithKey(t.ctx);
    await signIn("admin@example.com", "wrong password");
    await signIn("admin@example.com", "wrong password");
    expect((await signIn("admin@example.com", "admin password 1")).status).toBe(303);
    await signIn("admin@example.com", "wrong password");
    await signIn("admin@example.com", "wrong password");
    expect((await signIn("admin@example.com", "admin password 1")).status).toBe(303);
  });
});

describe("session rotation", () => {
  it("gives a new token on sign-in and ends the session the browser had (no fixation)", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    const before = browserFor(t.ctx, user);
    const r = await signIn("admin@example.com", "admin password 1", "10.0.0.1", { cookie: before.cookie });
    expect(r.status).toBe(303);
    const fresh = r.headers.getSetCookie().find((c) => c.startsWith("hearth_session="))!.split(";")[0]!;
    expect(fresh).not.toBe(before.cookie);
    expect(findWebSession(t.ctx.dbh.db, before.cookie.split("=")[1]!)).toBeUndefined();
    expect(findWebSession(t.ctx.dbh.db, fresh.split("=")[1]!)?.user.email).toBe("admin@example.com");
  });

  it("ignores a token the attacker planted: it never becomes a session", async () => {
    t = testApp();
    await adminWithKey(t.ctx);
    const planted = "hearth_session=attacker-chosen-token-value";
    const r = await signIn("admin@example.com", "admin password 1", "10.0.0.1", { cookie: planted });
    const fresh = r.headers.getSetCookie().find((c) => c.startsWith("hearth_session="))!;
    expect(fresh).not.toContain("attacker-chosen");
    expect(findWebSession(t.ctx.dbh.db, "attacker-chosen-token-value")).toBeUndefined();
  });

  it("marks the cookie Secure behind --trust-proxy when the proxy says https", async () => {
    t = testApp({ "trust-proxy": "true" });
    await adminWithKey(t.ctx);
    const r = await signIn("admin@example.com", "admin password 1", "127.0.0.1", { "x-forwarded-proto": "https" });
    expect(r.headers.getSetCookie().find((c) => c.startsWith("hearth_session="))).toContain("Secure");
    const plain = await signIn("admin@example.com", "admin password 1", "127.0.0.1");
    expect(plain.headers.getSetCookie().find((c) => c.startsWith("hearth_session="))).not.toContain("Secure");
  });

  it("records the client IP on the session", async () => {
    t = testApp();
    await adminWithKey(t.ctx);
    await signIn("admin@example.com", "admin password 1", "10.9.8.7");
    expect(t.ctx.dbh.sqlite.query("SELECT ip FROM web_sessions").all()).toEqual([{ ip: "10.9.8.7" }]);
  });
});
