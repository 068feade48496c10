import { afterEach, describe, expect, it } from "bun:test";
import { reconcileDeployments } from "../../src/deploy/deployer.ts";
import { listDeployedVersions, rollbackTarget } from "../../src/deploy/deployed-versions.ts";
import { beginDeployAttempt, failDeployAttempt, getDeployment, setDeploymentState, switchDeployment } from "../../src/deploy/deployments.ts";
import { DEFAULT_SETTINGS } from "../../src/deploy/settings.ts";
import { normaliseServerJson } from "../../src/registry/manifest-server-json.ts";
import { publishVersion } from "../../src/registry/publish.ts";
import { testContext } from "../helpers/app.ts";
import { adminWithKey, serverJson } from "../helpers/registry.ts";

// The deployment row's bookkeeping over a real (in-memory) database: what serves, the latest
// attempt beside it, and the versions a rollback may go to.
let ctx: ReturnType<typeof testContext> | undefined;
afterEach(() => ctx?.dbh.close());

const NAME = "io.github.test/state";
const installed = { dir: "/nowhere", cached: true, command: ["true"], env: {}, hostVars: {} };

async function twoVersions() {
  ctx = testContext();
  const { user } = await adminWithKey(ctx);
  const v1 = publishVersion(ctx.dbh, user, { manifest: normaliseServerJson(serverJson(NAME, { version: "1.0.0" })) });
  const v2 = publishVersion(ctx.dbh, user, { manifest: normaliseServerJson(serverJson(NAME, { version: "2.0.0" })) });
  return { serverId: v1.serverId, v1: v1.versionId, v2: v2.versionId, server: { id: v1.serverId, qualifiedName: NAME } };
}
const attempt = (versionId: number, version: string) => ({ versionId, version, kind: "deploy" as const, state: "installing" as const, error: null, at: Date.now() });

describe("deployment state across a redeploy", () => {
  it("leaves a serving deployment as it was while a new version is tried, and after it fails", async () => {
    const { serverId, v1, v2 } = await twoVersions();
    setDeploymentState(ctx!.dbh, serverId, "ready", { versionId: v1, installed });
    beginDeployAttempt(ctx!.dbh, serverId, attempt(v2, "2.0.0"), DEFAULT_SETTINGS);
    expect(getDeployment(ctx!.dbh, serverId)).toMatchObject({ state: "ready", versionId: v1, installed, lastDeploy: { versionId: v2, state: "installing" } });
    failDeployAttempt(ctx!.dbh, serverId, { ...attempt(v2, "2.0.0"), state: "failed", error: "boom" });
    expect(getDeployment(ctx!.dbh, serverId)).toMatchObject({ state: "ready", versionId: v1, error: null, lastDeploy: { versionId: v2, state: "failed", error: "boom" } });
  });

  it("marks a first deploy that fails as failed, since nothing serves", async () => {
    const { serverId, v1 } = await twoVersions();
    beginDeployAttempt(ctx!.dbh, serverId, attempt(v1, "1.0.0"), DEFAULT_SETTINGS);
    expect(getDeployment(ctx!.dbh, serverId)?.state).toBe("installing");
    failDeployAttempt(ctx!.dbh, serverId, { ...attempt(v1, "1.0.0"), state: "failed", error: "boom" });
    expect(getDeployment(ctx!.dbh, serverId)).toMatchObject({ state: "failed", error: "boom" });
  });

  it("remembers the version that served and the new one at a switch, so the old one is a rollback target", async () => {
    const { serverId, v1, v2, server } = await twoVersions();
    setDeploymentState(ctx!.dbh, serverId, "ready", { versionId: v1, installed });
    expect(() => rollbackTarget(ctx!.dbh, server)).toThrow("has no earlier deployed version");
    switchDeployment(ctx!.dbh, serverId, { attempt: { ...attempt(v2, "2.0.0"), state: "ready" }, installed });
    expect(listDeployedVersions(ctx!.dbh, serverId).map((v) => [v.version, v.serving])).toEqual([
      ["2.0.0", true],
      ["1.0.0", false],
    ]);
    expect(rollbackTarget(ctx!.dbh, server).version).toBe("1.0.0");
  });

  it("marks a redeploy interrupted by a restart failed and keeps the old version serving", async () => {
    const { serverId, v1, v2 } = await twoVersions();
    setDeploymentState(ctx!.dbh, serverId, "ready", { versionId: v1, installed });
    beginDeployAttempt(ctx!.dbh, serverId, attempt(v2, "2.0.0"), DEFAULT_SETTINGS);
    reconcileDeployments(ctx!);
    expect(getDeployment(ctx!.dbh, serverId)).toMatchObject({ state: "ready", versionId: v1, lastDeploy: { versionId: v2, state: "failed", error: "interrupted by a restart of Hearth: deploy again" } });
  });
});
