import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { teamMembersOf, findTeam } from "../../src/accounts/teams.ts";
import { testApp } from "../helpers/app.ts";
import { teamWorld, type Person, type TeamWorld } from "../helpers/teams.ts";
import { form } from "./ui-helpers.ts";

let t: ReturnType<typeof testApp>;
let w: TeamWorld;
beforeEach(() => {
  t = testApp();
  w = teamWorld(t.ctx);
});
afterEach(() => t.close());

const page = (who: Person | undefined, path: string) => t.request(path, who ? { headers: { cookie: who.cookie } } : {});
const post = (who: Person, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  t.request(path, { method: "POST", body: form({ _csrf: who.csrf, ...fields }), headers: { cookie: who.cookie, origin: "http://localhost", "content-type": "application/x-www-form-urlencoded", ...headers } });
const members = () => teamMembersOf(t.ctx.dbh.db, findTeam(t.ctx.dbh.db, "acme")!.id).map((m) => `${m.email}:${m.role}`);

describe("team pages", () => {
  it("send anonymous visitors to sign in", async () => {
    const r = await page(undefined, "/teams");
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/login?next=%2Fteams");
    expect((await page(undefined, "/teams/acme")).status).toBe(303);
  });

  it("list the visitor's teams and link each one", async () => {
    const html = await (await page(w.member, "/teams")).text();
    expect(html).toContain('href="/teams/acme"');
    expect(html).not.toContain("/teams/other");
  });

  it("create a team from the form and go to it", async () => {
    const r = await post(w.member, "/teams", { name: "newco" });
    expect(r.status).toBe(303);
    expect(r.headers.get("location")).toBe("/teams/newco");
    expect(await (await page(w.member, "/teams/newco")).text()).toContain("member@example.com");
  });

  it("show a taken or invalid name beside the form, keeping what was typed", async () => {
    const r = await post(w.member, "/teams", { name: "other" });
    expect(r.status).toBe(422);
    const html = await r.text();
    expect(html).toContain("already taken");
    expect(html).toContain('value="other"');
    expect((await post(w.member, "/teams", { name: "../x" })).status).toBe(422);
  });

  it("are 404 to outsiders, the same as a team that doesn't exist", async () => {
    const a = await page(w.outsider, "/teams/acme");
    const b = await page(w.outsider, "/teams/nosuch");
    expect([a.status, b.status]).toEqual([404, 404]);
    expect((await a.text()).replace("acme", "X")).toBe((await b.text()).replace("nosuch", "X"));
  });

  it("show member management to owners and admins only", async () => {
    expect(await (await page(w.owner, "/teams/acme")).text()).toContain("Add a member");
    expect(await (await page(w.admin, "/teams/acme")).text()).toContain("Add a member");
    const asMember = await (await page(w.member, "/teams/acme")).text();
    expect(asMember).toContain("publisher@example.com");
    expect(asMember).not.toContain("Add a member");
  });

  it("add, re-role and remove members through the forms", async () => {
    expect((await post(w.owner, "/teams/acme/members", { email: w.outsider.user.email, role: "member" })).status).toBe(303);
    expect(members()).toContain("outsider@example.com:member");
    expect((await post(w.owner, "/teams/acme/members", { email: w.outsider.user.email, role: "publisher" })).status).toBe(303);
    expect(members()).toContain("outsider@example.com:publisher");
    expect((await post(w.owner, "/teams/acme/members/remove", { email: w.outsider.user.email })).status).toBe(303);
    expect(members().some((m) => m.startsWith("outsider@"))).toBe(false);
  });

  it("refuse a member or publisher changing members (403) and keep the last owner", async () => {
    expect((await post(w.member, "/teams/acme/members", { email: w.outsider.user.email, role: "owner" })).status).toBe(403);
    expect((await post(w.publisher, "/teams/acme/members/remove", { email: w.member.user.email })).status).toBe(403);
    const last = await post(w.owner, "/teams/acme/members/remove", { email: w.owner.user.email });
    expect(last.status).toBe(422);
    expect(await last.text()).toContain("last owner");
    expect(members()).toContain("owner@example.com:owner");
  });

  it("refuse forms without the CSRF token or from another origin, changing nothing", async () => {
    const before = members();
    expect((await post(w.owner, "/teams/acme/members", { email: w.outsider.user.email, role: "member", _csrf: "forged" })).status).toBe(403);
    expect((await post(w.owner, "/teams/acme/members", { email: w.outsider.user.email, role: "member" }, { origin: "https://evil.example" })).status).toBe(403);
    expect((await post(w.owner, "/teams", { name: "evilco" }, { origin: "https://evil.example" })).status).toBe(403);
    expect(members()).toEqual(before);
    expect(findTeam(t.ctx.dbh.db, "evilco")).toBeUndefined();
  });
});
