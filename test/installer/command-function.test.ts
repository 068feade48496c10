import { afterEach, beforeEach, describe, expect, it } from "bun:test";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluateCommandFunction, type CommandFunctionOptions } from "../../src/installer/command-function.ts";
import { isAppError } from "../../src/shared/app-error.ts";
import { detectProtections } from "../../src/supervisor/sandbox.ts";
import { descendantsOf } from "../helpers/processes.ts";
import { BUN } from "../fixtures/installer/build.ts";

const protections = await detectProtections();
const modes = protections.bwrap.usable ? (["bwrap", "none"] as const) : (["none"] as const);
const rejection = async (p: Promise<unknown>): Promise<Error & { code?: string }> => {
  try {
    await p;
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error("expected a rejection");
};

for (const mode of modes) {
  describe(`evaluateCommandFunction (sandbox ${mode})`, () => {
    let tmp: string;
    let opts: CommandFunctionOptions;
    beforeEach(() => {
      tmp = mkdtempSync(join(tmpdir(), "hearth-cf-test-"));
      opts = { runtime: BUN, sandbox: { mode, protections }, tmpDir: tmp };
    });
    afterEach(async () => {
      for (let i = 0; i < 50 && descendantsOf(process.pid).length > 0; i++) await Bun.sleep(20);
      const left = { processes: descendantsOf(process.pid).map((p) => p.comm), temp: readdirSync(tmp) };
      rmSync(tmp, { recursive: true, force: true });
      expect(left).toEqual({ processes: [], temp: [] });
    });

    it("returns the command, args and env the function builds from the config", async () => {
      const source = "(config) => ({ command: 'node', args: ['dist/index.js', '--port', config.port], env: { API_KEY: config.apiKey } })";
      const got = await evaluateCommandFunction(source, { port: 8080, apiKey: "k-1" }, opts);
      expect(got).toEqual({ command: "node", args: ["dist/index.js", "--port", "8080"], env: { API_KEY: "k-1" } });
    });

    it("sees an empty environment", async () => {
      const source = "() => ({ command: 'x', args: Object.keys(process.env).filter((k) => !['HOME', 'TMPDIR', 'PWD', 'BUN_BE_BUN'].includes(k)) })";
      expect((await evaluateCommandFunction(source, {}, opts)).args).toEqual([]);
    });

    it(mode === "bwrap" ? "cannot reach the host's network" : "reaches the host's loopback (network none needs bubblewrap)", async () => {
      const server = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("ok") });
      try {
        const source = `async () => {
          try { await fetch("http://127.0.0.1:${server.port}/", { signal: AbortSignal.timeout(1000) }); return { command: "reached" }; }
          catch { return { command: "blocked" }; }
        }`;
        const got = await evaluateCommandFunction(source, {}, opts);
        expect(got.command).toBe(mode === "bwrap" ? "blocked" : "reached");
      } finally {
        await server.stop(true);
      }
    });

    it("reports a function that throws, with its message", async () => {
      const err = await rejection(evaluateCommandFunction("(config) => { throw new Error('apiKey is required') }", {}, opts));
      expect(isAppError(err) && err.code).toBe("invalid");
      expect(err.message).toBe("the commandFunction threw: apiKey is required");
    });

    it("kills a function that loops forever after the timeout", async () => {
      const started = performance.now();
      const err = await rejection(evaluateCommandFunction("() => { for (;;) {} }", {}, { ...opts, timeoutMs: 500 }));
      expect(err.message).toBe("the commandFunction did not finish within 500 ms and was killed");
      expect(performance.now() - started).toBeLessThan(3000);
    });

    it("rejects output that is not {command, args, env}", async () => {
      const err = await rejection(evaluateCommandFunction("() => ({ command: '', args: 'not-a-list' })", {}, opts));
      expect(isAppError(err) && err.code).toBe("invalid");
      expect(err.message).toMatch(/^the commandFunction must return \{command, args, env\}: command: .*; args: /);
    });

    it("rejects source that is not a function", async () => {
      const err = await rejection(evaluateCommandFunction("42", {}, opts));
      expect(err.message).toBe("the commandFunction does not compile: commandFunction is not a function");
    });
  });
}
