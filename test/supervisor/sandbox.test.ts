import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isAppError } from "../../src/shared/app-error.ts";
import type { Protections, WrapSpec } from "../../src/supervisor/sandbox.ts";
import { detectProtections, wrapCommand } from "../../src/supervisor/sandbox.ts";
import { aliveInGroup } from "../helpers/processes.ts";
import { BUN, fixture, Inbox, ROOT, Rpc, useChildren } from "./harness.ts";

const protections = await detectProtections();
const noBwrap = !protections.bwrap.usable;
const skipReason = noBwrap ? ` [skipped: bubblewrap not usable here: ${protections.bwrap.reason}]` : "";

const without: Protections = {
  bwrap: { usable: false, reason: "bwrap is not installed", userns: false, tmpfsSize: false },
  setpriv: { path: "/usr/bin/setpriv" },
  prlimit: { path: "/usr/bin/prlimit" },
  cgroupV2: { writable: false, usable: false, controllers: [] },
};
const spec = (over: Partial<WrapSpec> = {}): WrapSpec => ({
  argv: ["server"], packageDir: "/srv/pkg", workDir: "/srv/work", network: "host", mode: "auto", ...over,
});
const caught = (fn: () => unknown): unknown => {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error("expected a throw");
};

describe("wrapCommand", () => {
  it("refuses mode bwrap when bubblewrap is unusable, saying what to do", () => {
    const e = caught(() => wrapCommand(spec({ mode: "bwrap" }), without));
    expect(isAppError(e) && e.code).toBe("unavailable");
    expect((e as Error).message).toContain("bubblewrap is not usable here: bwrap is not installed");
    expect((e as Error).message).toContain("apt-get install bubblewrap");
  });

  it("falls back in auto to pdeathsig only, with warnings for what is missing", () => {
    const w = wrapCommand(spec({ network: "none" }), without);
    expect(w.argv).toEqual(["/usr/bin/setpriv", "--pdeathsig", "KILL", "--", "server"]);
    expect(w).toMatchObject({ sandboxed: false, leaderIsWrapper: false, cwd: "/srv/work", env: { HOME: "/srv/work", TMPDIR: "/srv/work" } });
    expect(w.warnings).toEqual([
      "running without a sandbox: bwrap is not installed",
      "network: none is not enforced without bubblewrap",
    ]);
  });

  it("prefixes limits as plain numbers for prlimit", () => {
    const w = wrapCommand(spec({ mode: "none", limits: { addressSpaceBytes: 2 ** 31, openFiles: 64, processes: 50, cpuSeconds: 30 } }), without);
    expect(w.argv.slice(0, 6)).toEqual(["/usr/bin/prlimit", "--as=2147483648", "--nofile=64", "--nproc=50", "--cpu=30:35", "--"]);
  });

  it("rejects relative paths and non-positive limits", () => {
    expect(isAppError(caught(() => wrapCommand(spec({ workDir: "work" }), without)))).toBe(true);
    expect((caught(() => wrapCommand(spec({ limits: { openFiles: 0 } }), without)) as Error).message).toBe(
      "limit openFiles must be a positive integer, got 0",
    );
  });

  it.skipIf(noBwrap)(`builds a bwrap argv that keeps the process group and shares the network only for host${skipReason}`, () => {
    const host = wrapCommand(spec(), protections);
    const none = wrapCommand(spec({ network: "none" }), protections);
    expect(host.argv).toContain("--die-with-parent");
    expect(host.argv).not.toContain("--new-session");
    expect(host.argv).toContain("--share-net");
    expect(none.argv).not.toContain("--share-net");
    expect(host).toMatchObject({ sandboxed: true, leaderIsWrapper: true, env: { HOME: "/srv/work", TMPDIR: "/tmp" } });
    expect(host.argv.slice(-2)).toEqual(["--", "server"]);
  });
});

describe("wrapCommand under a seccomp profile that forbids sethostname", () => {
  it("leaves --hostname out when the probe found it refused, and keeps it otherwise", () => {
    const bwrap = { usable: true, path: "/usr/bin/bwrap", userns: true, tmpfsSize: true };
    const refused = wrapCommand(spec(), { ...without, bwrap: { ...bwrap, hostname: false } });
    expect(refused.sandboxed).toBe(true);
    expect(refused.argv).not.toContain("--hostname");
    expect(wrapCommand(spec(), { ...without, bwrap: { ...bwrap, hostname: true } }).argv).toContain("--hostname");
  });
});

describe("detectProtections", () => {
  it("reports each protection with a reason when one is missing", () => {
    expect(typeof protections.bwrap.usable).toBe("boolean");
    if (!protections.bwrap.usable) expect(protections.bwrap.reason).toBeString();
    expect(typeof protections.cgroupV2.writable).toBe("boolean");
  });
});

describe.skipIf(noBwrap)(`a sandboxed child${skipReason}`, () => {
  const t = useChildren();

  const layout = { root: "" };
  beforeEach(() => {
    // Outside /tmp on purpose (the sandbox's /tmp is private anyway), laid out like a real data dir:
    // the session's work dir lives inside it, next to the database the child must not see.
    layout.root = mkdtempSync("/var/tmp/hearth-data-");
  });
  afterEach(() => rmSync(layout.root, { recursive: true, force: true }));

  function dirs() {
    const data = layout.root;
    const work = join(data, "sessions", "s1");
    mkdirSync(work, { recursive: true });
    writeFileSync(join(data, "hearth.db"), "secret rows");
    return { data, work };
  }

  // Runs JS in the sandbox; it prints one {"method":"probe","params":…} message.
  async function probe(code: string, over: Partial<WrapSpec> = {}) {
    const { data, work } = dirs();
    const body = `const out = {}; ${code}; console.log(JSON.stringify({ jsonrpc: "2.0", method: "probe", params: out }));`;
    const w = wrapCommand({ argv: [BUN, "-e", body], packageDir: ROOT, workDir: work, network: "host", mode: "bwrap", ...over }, protections);
    const child = t.spawn(w);
    const msg = await new Inbox(child).method("probe");
    return { out: msg.params as Record<string, unknown>, data, work, child };
  }

  const attempt = (expr: string) => `(() => { try { ${expr}; return "ok"; } catch (e) { return e.code; } })()`;

  it("cannot see the data dir around its work dir, but can read its package dir", async () => {
    const q = JSON.stringify;
    const { out } = await probe(`const fs = require("fs");
      out.db = ${attempt(`fs.readFileSync(${q(join(layout.root, "hearth.db"))})`)};
      out.listing = fs.readdirSync(${q(layout.root)});
      out.pkg = ${attempt(`fs.readFileSync(${q(join(ROOT, "package.json"))})`)};`);
    expect(out).toEqual({ db: "ENOENT", listing: ["sessions"], pkg: "ok" });
  });

  it("can write only to its private /tmp and its work dir", async () => {
    const w = (pathExpr: string) => attempt(`require("fs").writeFileSync(${pathExpr}, "x")`);
    const q = JSON.stringify;
    const { out, work } = await probe(`out.tmp = ${w(q("/tmp/t"))}; out.work = ${w('process.cwd() + "/w"')};
      out.pkg = ${w(q(join(ROOT, "x")))}; out.usr = ${w(q("/usr/x"))}; out.etc = ${w(q("/etc/x"))}; out.root = ${w(q("/x"))};`);
    expect(out).toEqual({ tmp: "ok", work: "ok", pkg: "EROFS", usr: "EROFS", etc: "EROFS", root: "EROFS" });
    expect(readFileSync(join(work, "w"), "utf8")).toBe("x");
    expect(existsSync("/tmp/t") && readFileSync("/tmp/t", "utf8") === "x").toBe(false);
  });

  it("with network none cannot connect to a loopback port opened by the test", async () => {
    const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
    try {
      const code = `out.r = await new Promise((res) => { const s = require("net").connect(${server.port}, "127.0.0.1", () => { s.destroy(); res("connected"); }); s.on("error", (e) => res(e.code)); })`;
      expect((await probe(code, { network: "none" })).out.r).toBe("ECONNREFUSED");
      expect((await probe(code, { network: "host" })).out.r).toBe("connected");
    } finally {
      server.stop(true);
    }
  });

  it("sees only its own processes and runs without capabilities", async () => {
    const { out } = await probe(`const fs = require("fs");
      out.pids = fs.readdirSync("/proc").filter((d) => /^\\d+$/.test(d)).length;
      out.capEff = fs.readFileSync("/proc/self/status", "utf8").match(/CapEff:\\s+(\\w+)/)[1];`);
    expect(out.pids as number).toBeLessThanOrEqual(3);
    expect(out.capEff).toBe("0000000000000000");
  });

  it("applies prlimit limits inside the sandbox", async () => {
    const { out } = await probe(`out.nofile = require("fs").readFileSync("/proc/self/limits", "utf8").match(/Max open files\\s+(\\d+)/)[1]`, {
      limits: { openFiles: 77, addressSpaceBytes: 4 * 2 ** 30 },
    });
    expect(out.nofile).toBe("77");
  });

  it("runs the echo server and answers initialize", async () => {
    const { work } = dirs();
    const w = wrapCommand({ argv: fixture("echo-server.ts"), packageDir: ROOT, workDir: work, network: "none", mode: "bwrap" }, protections);
    const rpc = new Rpc(t.spawn(w));
    expect((await rpc.initialize()).result).toMatchObject({ serverInfo: { name: "hearth-echo" } });
    expect(await rpc.request("tools/call", { name: "echo", arguments: { message: "boxed" } })).toMatchObject({
      result: { content: [{ text: "boxed" }] },
    });
  });

  it("gives the sandboxed server its SIGTERM grace and reports its own exit code", async () => {
    const { work } = dirs();
    const argv = ["sh", "-c", "trap 'echo got TERM >&2; exit 5' TERM; sleep 1000 & wait"];
    const child = t.spawn(wrapCommand({ argv, packageDir: ROOT, workDir: work, network: "none", mode: "bwrap" }, protections));
    await Bun.sleep(100);
    const end = await child.stop({ graceMs: 100 });
    expect(end).toMatchObject({ state: "exited", code: 5, signal: null });
    expect(child.logs.tail(5, "stderr").map((l) => l.text)).toContain("got TERM");
  });

  it("leaves no process behind when a sandboxed wrapper orphans grandchildren", async () => {
    const { work } = dirs();
    const child = t.spawn(wrapCommand({ argv: fixture("grandchildren.ts", "stay"), packageDir: ROOT, workDir: work, network: "none", mode: "bwrap" }, protections));
    await new Inbox(child).method("fixture/pids");
    const pid = child.pid ?? -1;
    expect(aliveInGroup(pid).length).toBeGreaterThanOrEqual(5);
    await child.stop({ graceMs: 100 });
    expect(aliveInGroup(pid)).toEqual([]);
  });
});
