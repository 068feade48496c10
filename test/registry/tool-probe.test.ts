import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { describe, expect, it } from "bun:test";
import { join } from "node:path";
import { probeTools } from "../../src/registry/tool-probe.ts";

const fixtures = join(import.meta.dir, "../fixtures");

function stdio(script: string, env: Record<string, string> = {}) {
  return new StdioClientTransport({ command: process.execPath, args: [join(fixtures, script)], env: { PATH: process.env.PATH ?? "", ...env }, stderr: "pipe" });
}

describe("probeTools (lazy tool listing without credentials)", () => {
  it("lists the tools, prompts and resources of a server that needs no config", async () => {
    const r = await probeTools(stdio("echo-server.ts"), { timeoutMs: 10_000 });
    if (!r.ok) throw new Error(r.error);
    expect(r.tools.map((t) => (t as { name: string }).name).sort()).toEqual(["add", "echo", "slow"]);
    expect(r.prompts.map((p) => (p as { name: string }).name)).toEqual(["greet"]);
    expect(r.resources.map((p) => (p as { uri: string }).uri)).toContain("hearth://echo/greeting");
  });

  it("reports a server that exits at start for lack of credentials as needing config, with its stderr", async () => {
    const transport = stdio("crash-on-start.ts");
    let stderr = "";
    transport.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    const r = await probeTools(transport, { timeoutMs: 5_000, stderrTail: () => stderr });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toContain("API_KEY is not set");
    expect(r.needsConfig).toBe(true);
  });
});
