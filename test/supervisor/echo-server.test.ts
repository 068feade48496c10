import { describe, expect, it } from "bun:test";
import { aliveInGroup } from "../helpers/processes.ts";
import { fixture, Rpc, useChildren } from "./harness.ts";

const text = (res: Record<string, unknown>) => (res.result as { content: { text: string }[] }).content[0]?.text;

describe("echo-server fixture through a Child", () => {
  const t = useChildren();

  async function started() {
    const child = t.spawn({ argv: fixture("echo-server.ts") });
    const rpc = new Rpc(child);
    const init = await rpc.initialize();
    return { child, rpc, init };
  }

  it("answers initialize with its name and capabilities", async () => {
    const { init } = await started();
    expect(init.result).toMatchObject({
      protocolVersion: "2025-06-18",
      serverInfo: { name: "hearth-echo" },
      capabilities: { tools: {}, resources: {}, prompts: {} },
    });
  });

  it("lists echo, add and slow", async () => {
    const { rpc } = await started();
    const res = await rpc.request("tools/list");
    expect((res.result as { tools: { name: string }[] }).tools.map((x) => x.name)).toEqual(["echo", "add", "slow"]);
  });

  it("echoes a message and adds numbers", async () => {
    const { rpc } = await started();
    expect(text(await rpc.request("tools/call", { name: "echo", arguments: { message: "héllo ☃" } }))).toBe("héllo ☃");
    expect(text(await rpc.request("tools/call", { name: "add", arguments: { a: 2, b: 40 } }))).toBe("42");
  });

  it("sends progress notifications from slow before its result", async () => {
    const { rpc } = await started();
    const res = await rpc.request("tools/call", { name: "slow", arguments: { steps: 3, delayMs: 5 }, _meta: { progressToken: "p1" } });
    expect(text(res)).toBe("done after 3 steps");
    const progress = rpc.inbox.raw.map((l) => JSON.parse(l) as { method?: string; params?: { progress: number } });
    expect(progress.filter((m) => m.method === "notifications/progress").map((m) => m.params?.progress)).toEqual([1, 2, 3]);
  });

  it("reads its resource and renders its prompt", async () => {
    const { rpc } = await started();
    const res = await rpc.request("resources/read", { uri: "hearth://echo/greeting" });
    expect((res.result as { contents: { text: string }[] }).contents[0]?.text).toBe("hello from hearth-echo");
    const prompt = await rpc.request("prompts/get", { name: "greet", arguments: { name: "Ada" } });
    expect(JSON.stringify(prompt.result)).toContain("Please greet Ada.");
  });

  it("logs to stderr, not stdout, and stops cleanly on stdin EOF", async () => {
    const { child } = await started();
    expect(child.logs.tail(5, "stderr").map((l) => l.text)).toContain("hearth-echo ready");
    const pid = child.pid ?? -1;
    const end = await child.stop({ graceMs: 3000 });
    expect(end).toMatchObject({ state: "exited", signal: null });
    expect(aliveInGroup(pid)).toEqual([]);
  });
});
