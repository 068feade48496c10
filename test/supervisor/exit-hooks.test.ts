import { describe, expect, it } from "bun:test";
import { detectProtections } from "../../src/supervisor/sandbox.ts";
import { aliveInGroup, aliveWithEnv, isAlive, waitUntil } from "../helpers/processes.ts";
import { fixture, Inbox, MARK, useChildren } from "./harness.ts";

const bwrapUsable = (await detectProtections()).bwrap.usable;

describe("Hearth's own end ends its children", () => {
  const t = useChildren();

  // Starts a spawner (a stand-in for Hearth) and resolves once its child is up.
  async function hearth(how: string, mode: "none" | "bwrap", shape: "tree" | "single" = "tree") {
    const spawner = t.spawn({ argv: fixture("spawner.ts", how, mode, t.tmp, shape) });
    const { params } = await new Inbox(spawner).method("spawner/ready");
    return { spawner, childPid: (params as { pid: number }).pid };
  }

  const noneMarkedAlive = () => aliveWithEnv(MARK, t.mark).length === 0;

  it("kills the child's whole group when Hearth calls process.exit", async () => {
    const { spawner, childPid } = await hearth("exit", "none");
    await spawner.ended;
    expect(await waitUntil(() => aliveInGroup(childPid).length === 0, 2000)).toBe(true);
  });

  it("kills the child's whole group when Hearth dies of an uncaught error", async () => {
    const { spawner, childPid } = await hearth("throw", "none");
    expect((await spawner.ended).state).toBe("failed");
    expect(await waitUntil(() => aliveInGroup(childPid).length === 0, 2000)).toBe(true);
  });

  it("stops children and exits 143 on SIGTERM when nothing else handles it", async () => {
    const { spawner, childPid } = await hearth("wait", "none");
    process.kill(spawner.pid ?? -1, "SIGTERM");
    const end = await spawner.ended;
    expect(end.state === "failed" && end.code).toBe(143);
    expect(aliveInGroup(childPid)).toEqual([]);
  });

  it("takes the leader down with a SIGKILLed Hearth through pdeathsig, without bwrap", async () => {
    const { spawner, childPid } = await hearth("wait", "none", "single");
    process.kill(spawner.pid ?? -1, "SIGKILL");
    await spawner.ended;
    expect(await waitUntil(() => !isAlive(childPid), 2000)).toBe(true);
  });

  it.skipIf(!bwrapUsable)("takes the whole sandbox down with a SIGKILLed Hearth, grandchildren included", async () => {
    const { spawner } = await hearth("wait", "bwrap");
    expect(aliveWithEnv(MARK, t.mark).length).toBeGreaterThanOrEqual(5);
    process.kill(spawner.pid ?? -1, "SIGKILL");
    await spawner.ended;
    expect(await waitUntil(noneMarkedAlive, 2000)).toBe(true);
  });
});
