// The error page is a page like any other: its header knows who is signed in.
import { afterEach, describe, expect, it } from "bun:test";
import { testApp } from "../helpers/app.ts";
import { adminWithKey } from "../helpers/registry.ts";
import { browserFor } from "./ui-helpers.ts";

let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

describe("error page", () => {
  it("shows a signed-in user their account and Sign out on a 404, not Sign in", async () => {
    t = testApp();
    const b = browserFor(t.ctx, (await adminWithKey(t.ctx)).user);
    for (const path of ["/no/such/page/here", "/io.github.nobody/missing"]) {
      const r = await t.request(path, { headers: { cookie: b.cookie } });
      expect(r.status).toBe(404);
      const body = await r.text();
      expect(body).toContain('<a class="who" href="/account">admin@example.com</a>');
      expect(body).toContain(`name="_csrf" value="${b.csrf}"`);
      expect(body).not.toContain('href="/login"');
    }
  });

  it("offers Sign in to a visitor who is not signed in", async () => {
    t = testApp();
    const body = await (await t.request("/io.github.nobody/missing")).text();
    expect(body).toContain('<a href="/login">Sign in</a>');
  });
});
