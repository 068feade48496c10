import { afterEach, describe, expect, it } from "bun:test";
import { createProfile } from "../../src/profiles/profiles.ts";
import { serverConfigSchema } from "../../src/profiles/server-schema.ts";
import { findServer } from "../../src/registry/catalog.ts";
import { keyringOf } from "../../src/secrets/keyring.ts";
import { newPageId } from "../../src/ui/playground-sessions.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { waitUntil } from "../helpers/processes.ts";
import { ENV_PACKAGE } from "../helpers/profiles.ts";
import { plainUserWithKey } from "../helpers/registry.ts";
import { browserFor, form, type Browser } from "./ui-helpers.ts";

const NAME = "io.github.test/env";
const SECRET = "sk-live-PLAYGROUND-SECRET-77";
let h: HostedInstance | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function setup() {
  h = await startHosted();
  h.deployFixture(NAME, "env-server.ts", { packages: [ENV_PACKAGE] });
  const alice = plainUserWithKey(h.ctx, "alice@example.com");
  const bob = plainUserWithKey(h.ctx, "bob@example.com");
  const server = findServer(h.ctx.dbh, { userId: null, isAdmin: true }, NAME);
  const profile = createProfile(h.ctx.dbh, keyringOf(h.ctx), { userId: alice.user.id, serverId: server.id, schema: serverConfigSchema(h.ctx.dbh, server.id), name: "work", config: { API_KEY: SECRET, REGION: "us" } });
  return { alice: browserFor(h.ctx, alice.user), bob: browserFor(h.ctx, bob.user), profile };
}

function run(b: Browser, pg: string, fields: Record<string, string>) {
  return fetch(`${h!.server.url}/${NAME}/playground/run`, {
    method: "POST",
    body: form({ _csrf: b.csrf, pg, tool: "env", ...fields }),
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: b.cookie, origin: h!.server.url, "hx-request": "true" },
  });
}

async function close(b: Browser, pg: string) {
  await fetch(`${h!.server.url}/${NAME}/playground/close`, { method: "POST", body: form({ _csrf: b.csrf, pg }), headers: { "content-type": "application/x-www-form-urlencoded", cookie: b.cookie, origin: h!.server.url } });
  expect(await waitUntil(() => h!.hosting.supervisor.count(NAME) === 0, 5000)).toBe(true);
}

describe("the playground with a saved profile", () => {
  it("offers the viewer's profiles and runs tools with the chosen one's config", async () => {
    const { alice, profile } = await setup();
    const page = await (await fetch(`${h!.server.url}/${NAME}/playground`, { headers: { cookie: alice.cookie } })).text();
    expect(page).toContain(`<option value="${profile.id}">work</option>`);
    expect(page).not.toContain(SECRET);
    const pg = newPageId();
    expect(await (await run(alice, pg, { profile: profile.id, "arg.name": "REGION" })).text()).toContain("us");
    expect(await (await run(alice, pg, { profile: profile.id, "arg.name": "API_KEY" })).text()).toContain(SECRET);
    await close(alice, pg);
  });

  it("refuses another user's profile without starting anything", async () => {
    const { bob, profile } = await setup();
    const pg = newPageId();
    const text = await (await run(bob, pg, { profile: profile.id, "arg.name": "API_KEY" })).text();
    expect(text).toContain(`no profile ${profile.id}`);
    expect(text).not.toContain(SECRET);
    expect(h!.hosting.supervisor.count(NAME)).toBe(0);
  });
});
