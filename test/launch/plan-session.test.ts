import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
import { afterAll, beforeAll, describe, expect, it } from "bun:test";
import { getDeployment } from "../../src/deploy/deployments.ts";
import { probeDeployment } from "../../src/deploy/probe.ts";
import { warmDeployment } from "../../src/deploy/warm.ts";
import { findServer, getVersionById } from "../../src/registry/catalog.ts";
import type { LaunchPlan } from "../../src/supervisor/launch-plan.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";

const NAME = "io.github.test/region";
// Config-free (so it can be pooled), with a default the config validation fills in for everyone.
const REGION_PACKAGE = {
  registryType: "npm",
  identifier: "@example/region",
  version: "1.0.0",
  transport: { type: "stdio" },
  environmentVariables: [{ name: "REGION", description: "Where", choices: ["eu", "us"], default: "eu" }],
};

let h: HostedInstance;
const planned: { by: string; plan: LaunchPlan }[] = [];
let caller = "";

beforeAll(async () => {
  h = await startHosted();
  h.deployFixture(NAME, "env-server.ts", { packages: [REGION_PACKAGE] }, { poolSize: 1 });
  // Record what the real planner returns to each caller; the planning itself is untouched.
  const planSession = h.ctx.planSession!;
  h.ctx.planSession = async (target, config) => {
    const plan = await planSession(target, config);
    planned.push({ by: caller, plan });
    return plan;
  };
});
afterAll(async () => {
  await h.close();
});

async function untilPooled(n: number): Promise<void> {
  for (let i = 0; i < 500 && h.hosting.supervisor.poolStats().idle < n; i++) await Bun.sleep(20);
}

describe("planSession", () => {
  it("gives the probe, the warm pool and a session the same plan for the same config, so the session gets the warm child", async () => {
    const server = findServer(h.ctx.dbh, { userId: null, isAdmin: true }, NAME);
    const deployment = getDeployment(h.ctx.dbh, server.id)!;
    const version = getVersionById(h.ctx.dbh, deployment.versionId);

    caller = "probe";
    expect((await probeDeployment(h.ctx, NAME, deployment, version)).snapshot.tools.map((t) => (t as { name: string }).name)).toEqual(["env"]);
    caller = "warm";
    warmDeployment(h.ctx, NAME, deployment);
    await untilPooled(1);
    expect(h.hosting.supervisor.poolStats().idle).toBe(1);

    caller = "session";
    const hitsBefore = h.hosting.supervisor.poolStats().hits;
    const client = new Client({ name: "t", version: "1" });
    await client.connect(new WebSocketClientTransport(new URL(h.wsUrl(NAME, `api_key=${h.key}`))));
    const r = await client.callTool({ name: "env", arguments: { name: "REGION" } });
    await client.close();

    expect((r.content as { text: string }[])[0]!.text).toBe("eu");
    expect(h.hosting.supervisor.poolStats().hits).toBe(hitsBefore + 1);
    expect(planned.map((p) => p.by)).toEqual(["probe", "warm", "session"]);
    expect(planned[0]!.plan.env).toMatchObject({ REGION: "eu" });
    expect(planned[1]!.plan).toEqual(planned[0]!.plan);
    expect(planned[2]!.plan).toEqual(planned[0]!.plan);
  }, 60_000);
});
