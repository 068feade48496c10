import { afterEach, describe, expect, it } from "bun:test";
import { acceptInvitation, createInvitation } from "../../src/accounts/invitations.ts";
import { verifyPassword } from "../../src/accounts/users.ts";
import { findWebSession } from "../../src/accounts/web-sessions.ts";
import { listAudit } from "../../src/audit/audit-log.ts";
import { testApp } from "../helpers/app.ts";
import { adminWithKey, plainUserWithKey } from "../helpers/registry.ts";
import { browserFor, form } from "./ui-helpers.ts";

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

const LINK_RE = /http:\/\/127\.0\.0\.1:0\/invite\/([A-Za-z0-9_-]{43})/;

function accept(token: string, password: string, headers: Record<string, string> = {}) {
  return t.request(`/invite/${token}`, { method: "POST", body: form({ password }), headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://localhost", ...headers } });
}

describe("invitations", () => {
  it("an admin makes a one-time link; opening it sets the password and signs in", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    const b = browserFor(t.ctx, user);
    const made = await t.request("/admin/invitations", { method: "POST", body: form({ _csrf: b.csrf, email: "New@Example.com", role: "user", days: "3" }), headers: b.post() });
    expect(made.status).toBe(200);
    expect(made.headers.get("referrer-policy")).toBe("no-referrer");
    const token = LINK_RE.exec(await made.text())![1]!;
    const page = await t.request(`/invite/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("new@example.com");
    const r = await accept(token, "my own new password");
    expect(r.status).toBe(303);
    const cookie = r.headers.get("set-cookie")!.split(";")[0]!;
    expect(findWebSession(t.ctx.dbh.db, cookie.split("=")[1]!)?.user).toMatchObject({ email: "new@example.com", role: "user" });
    expect(await verifyPassword(t.ctx.dbh.db, "new@example.com", "my own new password")).toBeDefined();
    expect((await t.request(`/invite/${token}`)).status).toBe(404);
    expect((await accept(token, "another password here")).status).toBe(404);
    expect(listAudit(t.ctx.dbh.db, { action: "invite." }, 1, 5).events.map((e) => e.action)).toEqual(["invite.accept", "invite.create"]);
    const list = await (await t.request("/admin/invitations", { headers: { cookie: b.cookie } })).text();
    expect(list).toContain("accepted");
    expect(list).not.toContain(token);
  });

  it("refuses an expired link", async () => {
    t = testApp();
    await adminWithKey(t.ctx);
    const inv = createInvitation(t.ctx.dbh.db, null, { email: "late@example.com", ttlMs: 60_000 });
    t.ctx.dbh.sqlite.query("UPDATE invitations SET expires_at = 1").run();
    expect((await t.request(`/invite/${inv.token}`)).status).toBe(404);
    expect((await accept(inv.token, "long enough password")).status).toBe(404);
  });

  it("refuses a short password, keeping the link usable", async () => {
    t = testApp();
    const inv = createInvitation(t.ctx.dbh.db, null, { email: "a@example.com" });
    const r = await accept(inv.token, "short");
    expect(r.status).toBe(422);
    expect(await r.text()).toContain("password must be at least 10 characters");
    expect((await accept(inv.token, "long enough password")).status).toBe(303);
  });

  it("refuses an acceptance posted from another origin", async () => {
    t = testApp();
    const inv = createInvitation(t.ctx.dbh.db, null, { email: "a@example.com" });
    expect((await accept(inv.token, "long enough password", { origin: "https://evil.example" })).status).toBe(403);
  });

  it("makes one account when the same link is used twice at once", async () => {
    t = testApp();
    const inv = createInvitation(t.ctx.dbh.db, null, { email: "race@example.com" });
    const results = await Promise.allSettled([acceptInvitation(t.ctx.dbh.db, inv.token, "long enough password"), acceptInvitation(t.ctx.dbh.db, inv.token, "long enough password")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(t.ctx.dbh.sqlite.query("SELECT count(*) AS n FROM users WHERE email = 'race@example.com'").get()).toEqual({ n: 1 });
  });

  it("refuses bad invitations: not an email, an existing account, a bad role, bad days", async () => {
    t = testApp();
    const { user } = await adminWithKey(t.ctx);
    const b = browserFor(t.ctx, user);
    const send = (fields: Record<string, string>) => t.request("/admin/invitations", { method: "POST", body: form({ _csrf: b.csrf, ...fields }), headers: b.post() });
    const cases: [Record<string, string>, number, string][] = [
      [{ email: "not-an-email" }, 422, "email must be an email address"],
      [{ email: "admin@example.com" }, 409, "already has an account"],
      [{ email: "x@example.com", role: "root" }, 422, "role must be admin or user"],
      [{ email: "x@example.com", days: "forever" }, 422, "days must be a whole number"],
      [{ email: "x@example.com", days: "365" }, 422, "days must be at most 90 days"],
    ];
    for (const [fields, status, message] of cases) {
      const r = await send(fields);
      expect(r.status).toBe(status);
      expect(await r.text()).toContain(message);
    }
    expect(t.ctx.dbh.sqlite.query("SELECT count(*) AS n FROM invitations").get()).toEqual({ n: 0 });
  });

  it("is for admins only", async () => {
    t = testApp();
    await adminWithKey(t.ctx);
    const { user } = plainUserWithKey(t.ctx, "u@example.com");
    const b = browserFor(t.ctx, user);
    expect((await t.request("/admin/invitations", { headers: { cookie: b.cookie } })).status).toBe(403);
    expect((await t.request("/admin/invitations", { method: "POST", body: form({ _csrf: b.csrf, email: "x@example.com" }), headers: b.post() })).status).toBe(403);
    expect((await t.request("/admin/invitations")).status).toBe(303);
  });
});
