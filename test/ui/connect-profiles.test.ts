import { afterEach, describe, expect, it } from "bun:test";
import { SECRET_MASK } from "../../src/secrets/mask.ts";
import { testApp } from "../helpers/app.ts";
import { ENV_PACKAGE } from "../helpers/profiles.ts";
import { adminWithKey, plainUserWithKey } from "../helpers/registry.ts";
import { browserFor, form, publish } from "./ui-helpers.ts";

const NAME = "io.github.test/env";
const SECRET = "sk-live-UI-SECRET-1234";
let t: ReturnType<typeof testApp>;
afterEach(() => t?.close());

async function setup() {
  t = testApp({ "public-url": "http://localhost" });
  const admin = await adminWithKey(t.ctx);
  publish(t.ctx, admin.user, NAME, { packages: [ENV_PACKAGE] });
  const alice = plainUserWithKey(t.ctx, "alice@example.com");
  const bob = plainUserWithKey(t.ctx, "bob@example.com");
  return { alice: browserFor(t.ctx, alice.user), bob: browserFor(t.ctx, bob.user) };
}

const post = (path: string, fields: Record<string, string>, headers: Record<string, string>) => t.request(path, { method: "POST", body: form(fields), headers });

async function save(b: ReturnType<typeof browserFor>, name = "work") {
  const r = await post(`/${NAME}/connect/profiles`, { _csrf: b.csrf, profileName: name, "config.API_KEY": SECRET, "config.REGION": "us" }, b.post());
  expect(r.status).toBe(303);
  return new URL(r.headers.get("location")!, "http://localhost").searchParams.get("profile")!;
}

describe("profiles on the Connect tab", () => {
  it("saves the form as a profile and comes back with it chosen: snippets use profile=<id>, never the secret", async () => {
    const { alice } = await setup();
    const id = await save(alice);
    expect(id).toMatch(/^prf_/);
    const page = await (await t.request(`/${NAME}/connect?profile=${id}`, { headers: { cookie: alice.cookie } })).text();
    expect(page).toContain(`<option value="${id}" selected>work</option>`);
    expect(page).toContain(`/mcp?profile=${id}`);
    expect(page).toContain(`--profile ${id}`);
    expect(page).toContain(`<dd>${SECRET_MASK}</dd>`);
    expect(page).toContain("<dd>us</dd>");
    expect(page).not.toContain(SECRET);
    expect(page).not.toContain("Still to fill in");
  });

  it("answers an htmx save with HX-Redirect to the chosen profile", async () => {
    const { alice } = await setup();
    const r = await post(`/${NAME}/connect/profiles`, { _csrf: alice.csrf, profileName: "w", "config.API_KEY": SECRET }, alice.post({ "hx-request": "true" }));
    expect(r.status).toBe(200);
    expect(r.headers.get("hx-redirect")).toMatch(new RegExp(`^/${NAME}/connect\\?profile=prf_`));
  });

  it("refreshes snippets for a chosen profile, typed settings as overrides", async () => {
    const { alice } = await setup();
    const id = await save(alice);
    const r = await post(`/${NAME}/connect/snippets`, { profile: id, "config.REGION": "eu" }, alice.post());
    const body = await r.text();
    const config = Buffer.from(JSON.stringify({ REGION: "eu" })).toString("base64url");
    expect(body).toContain(`/mcp?profile=${id}&amp;config=${config}`);
    expect(body).not.toContain(SECRET);
  });

  it("deletes a profile", async () => {
    const { alice } = await setup();
    const id = await save(alice);
    const r = await post(`/${NAME}/connect/profiles/${id}/delete`, { _csrf: alice.csrf }, alice.post());
    expect(r.status).toBe(303);
    expect(await (await t.request(`/${NAME}/connect`, { headers: { cookie: alice.cookie } })).text()).toContain("No saved profiles for this server yet");
  });

  it.each([
    ["without a CSRF token", (b: ReturnType<typeof browserFor>) => post(`/${NAME}/connect/profiles`, { profileName: "x", "config.API_KEY": "k" }, b.post()), 403],
    ["from another origin", (b: ReturnType<typeof browserFor>) => post(`/${NAME}/connect/profiles`, { _csrf: b.csrf, profileName: "x", "config.API_KEY": "k" }, b.post({ origin: "https://evil.example" })), 403],
    ["without a name", (b: ReturnType<typeof browserFor>) => post(`/${NAME}/connect/profiles`, { _csrf: b.csrf, profileName: " ", "config.API_KEY": "k" }, b.post()), 422],
    ["missing a required secret", (b: ReturnType<typeof browserFor>) => post(`/${NAME}/connect/profiles`, { _csrf: b.csrf, profileName: "x" }, b.post()), 422],
  ])("refuses a save %s and stores nothing", async (_what, send, status) => {
    const { alice } = await setup();
    expect((await send(alice)).status).toBe(status);
    expect(t.ctx.dbh.sqlite.query("SELECT count(*) AS n FROM profiles").get()).toEqual({ n: 0 });
  });

  it("never shows or uses another user's profile", async () => {
    const { alice, bob } = await setup();
    const id = await save(alice);
    const page = await (await t.request(`/${NAME}/connect?profile=${id}`, { headers: { cookie: bob.cookie } })).text();
    expect(page).not.toContain(id);
    expect((await post(`/${NAME}/connect/snippets`, { profile: id }, bob.post())).status).toBe(404);
    expect((await post(`/${NAME}/connect/profiles/${id}/delete`, { _csrf: bob.csrf }, bob.post())).status).toBe(404);
    expect(t.ctx.dbh.sqlite.query("SELECT count(*) AS n FROM profiles").get()).toEqual({ n: 1 });
  });

  it("offers anonymous visitors no profile controls", async () => {
    await setup();
    const page = await (await t.request(`/${NAME}/connect`)).text();
    expect(page).not.toContain("Save profile");
    expect(page).not.toContain('name="_csrf"');
  });

  it("escapes a hostile profile name", async () => {
    const { alice } = await setup();
    await save(alice, `<img src=x onerror=alert(1)>`);
    const page = await (await t.request(`/${NAME}/connect`, { headers: { cookie: alice.cookie } })).text();
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });
});
