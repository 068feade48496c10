import { afterEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { listAudit } from "../../src/audit/audit-log.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { waitUntil } from "../helpers/processes.ts";
import { serverJson } from "../helpers/registry.ts";
import { tempDir } from "../helpers/temp.ts";

let h: HostedInstance | undefined;
const dirs: { cleanup(): void }[] = [];
afterEach(async () => {
  await h?.close();
  h = undefined;
  for (const d of dirs.splice(0)) d.cleanup();
});

describe("deploy audit", () => {
  it("records the publish and the deploy's outcome, with the key and address that asked", async () => {
    h = await startHosted();
    const d = tempDir("hearth-audit-");
    dirs.push(d);
    const bogus = join(d.path, "bogus.tgz");
    await Bun.write(bogus, "this is not a tarball");
    const form = new FormData();
    form.set("file", new Blob([JSON.stringify(serverJson("io.github.test/broken", { packages: [{ registryType: "npm", identifier: "hearth-fixture-broken", version: "1.0.0", transport: { type: "stdio" } }] }))]), "server.json");
    form.set("artifact", Bun.file(bogus), "package.tgz");
    expect((await fetch(`${h.server.url}/api/v1/servers`, { method: "POST", body: form, headers: { authorization: `Bearer ${h.key}` } })).status).toBe(201);
    const r = await fetch(`${h.server.url}/api/v1/servers/io.github.test/broken/deploy`, { method: "POST", headers: { authorization: `Bearer ${h.key}` } });
    expect(r.status).toBe(503);
    await waitUntil(() => listAudit(h!.ctx.dbh.db, { action: "server.deploy" }, 1, 1).events.length === 1, 5000);
    const [deploy, publish] = listAudit(h.ctx.dbh.db, { action: "server." }, 1, 5).events;
    expect(deploy).toMatchObject({ action: "server.deploy", outcome: "fail", target: "io.github.test/broken", ip: "127.0.0.1", actor: expect.stringContaining("(key #") });
    expect(publish).toMatchObject({ action: "server.publish", outcome: "ok", target: "io.github.test/broken@1.0.0", ip: "127.0.0.1" });
  }, 30_000);
});
