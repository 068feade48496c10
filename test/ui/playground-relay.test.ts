import { afterEach, describe, expect, it } from "bun:test";
import { findUserByEmail } from "../../src/accounts/users.ts";
import { registry } from "../../src/metrics/metrics.ts";
import { newPageId, PlaygroundSessions } from "../../src/ui/playground-sessions.ts";
import { startHosted, type HostedInstance } from "../helpers/hosted.ts";
import { descendantsOf, waitUntil } from "../helpers/processes.ts";

let h: HostedInstance | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
  expect(descendantsOf(process.pid)).toEqual([]);
});

const CRASH = "io.github.test/crash";
const admin = () => ({ kind: "session" as const, user: findUserByEmail(h!.ctx.dbh.db, "admin@example.com")!, csrfToken: "x", token: "x" });

describe("playground sessions through the relay core", () => {
  it("fail a running call with the stderr tail when the child crashes, and end the session", async () => {
    h = await startHosted();
    h.deployFixture(CRASH, "crash-mid-call.ts", {}, { poolSize: 0 });
    const sessions = new PlaygroundSessions(h.ctx);
    const s = await sessions.session(newPageId(), admin(), CRASH, {});
    const failed = await sessions.callTool(s, "boom", {}).then(
      () => undefined,
      (e: Error) => e.message,
    );
    expect(failed).toContain("the server process ended (exit code 7) before answering");
    expect(failed).toContain("boom: segfault in native addon (simulated)");
    expect(await waitUntil(() => sessions.size === 0 && h!.hosting.supervisor.count(CRASH) === 0, 5000)).toBe(true);
  }, 30_000);

  it("are counted as sessions with transport label playground", async () => {
    h = await startHosted();
    h.deployFixture("io.github.test/echo", "echo-server.ts", {}, { poolSize: 0 });
    const sessions = new PlaygroundSessions(h.ctx);
    const s = await sessions.session(newPageId(), admin(), "io.github.test/echo", {});
    await sessions.callTool(s, "echo", { message: "hi" });
    const metrics = await registry.metrics();
    expect(metrics).toMatch(/hearth_sessions_open\{server="io\.github\.test\/echo",transport="playground"\} 1/);
    expect(metrics).toMatch(/hearth_messages_total\{direction="to-server",transport="playground"\} [1-9]/);
    await sessions.closeAll();
    expect(await registry.metrics()).toMatch(/hearth_sessions_open\{server="io\.github\.test\/echo",transport="playground"\} 0/);
  }, 30_000);
});
