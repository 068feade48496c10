import { afterEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { runHearth, startHearth, type HearthProcess } from "../helpers/hearth-process.ts";
import { waitUntil } from "../helpers/processes.ts";
import { listProcesses } from "../helpers/processes.ts";
import { seedDataDir } from "../helpers/seeded-data-dir.ts";
import { tempDir } from "../helpers/temp.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// The server children of a `hearth serve`: its direct children (sandbox off, so no bwrap between).
const childrenOf = (h: HearthProcess) => listProcesses().filter((p) => p.ppid === h.proc.pid && p.state !== "Z").length;

describe("one-shot client commands end the session they open", () => {
  it("leaves the server at its pool size after 20 `hearth call`s and a `hearth tools` over Streamable HTTP", async () => {
    const t = tempDir("hearth-cli-sessions-");
    cleanups.push(t.cleanup);
    const data = join(t.path, "data");
    const key = await seedDataDir(data, "io.github.test/echo", "echo-server.ts", { poolSize: 1 });
    const h = await startHearth({ data, args: ["--sandbox", "none"] });
    cleanups.push(() => h.stop());
    expect(await waitUntil(() => childrenOf(h) === 1, 10_000)).toBe(true);
    for (let i = 0; i < 20; i++) {
      const r = await runHearth(["call", "io.github.test/echo", "echo", `message=hi ${i}`, "--url", h.url, "--key", key]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`hi ${i}`);
    }
    const tools = await runHearth(["tools", "io.github.test/echo", "--url", h.url, "--key", key]);
    expect(tools.code).toBe(0);
    // Each DELETE ends its child at once (not at the 5-minute idle timeout); only the pool's is left.
    expect(await waitUntil(() => childrenOf(h) === 1, 10_000)).toBe(true);
  }, 120_000);
});
