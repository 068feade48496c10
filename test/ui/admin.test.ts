import { afterEach, describe, expect, it } from "bun:test";
import { createWebSession } from "../../src/accounts/web-sessions.ts";
import { SESSION_COOKIE } from "../../src/accounts/web-sessions.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { plainUserWithKey } from "../helpers/registry.ts";

let h: HostedInstance | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe("admin dashboard", () => {
  it("shows instance numbers to admins, with a live-refreshing fragment", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts");
    const { token } = createWebSession(h.ctx.dbh.db, 1);
    const cookie = `${SESSION_COOKIE}=${token}`;
    const page = await fetch(`${h.server.url}/admin`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain('hx-trigger="every 5s"');
    expect(body).toMatch(/<span class="stat-value">1<\/span><span class="stat-label">Servers<\/span>/);
    const fragment = await fetch(`${h.server.url}/admin/stats`, { headers: { cookie, "hx-request": "true" } });
    expect(await fragment.text()).toStartWith('<section id="admin-stats"');
  });

  it("sends visitors to sign in and refuses non-admins", async () => {
    h = await startHosted();
    const anon = await fetch(`${h.server.url}/admin`, { redirect: "manual" });
    expect(anon.status).toBe(303);
    const user = plainUserWithKey(h.ctx, "u@example.com");
    const { token } = createWebSession(h.ctx.dbh.db, user.user.id);
    expect((await fetch(`${h.server.url}/admin`, { headers: { cookie: `${SESSION_COOKIE}=${token}` } })).status).toBe(403);
  });
});
