import { afterEach, describe, expect, it } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { tempDir } from "../helpers/temp.ts";

const SCRIPT = join(import.meta.dir, "../../tools/check-unused.ts");

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

// A project of two files where main.ts uses one of lib.ts's two exports.
function project(): string {
  const t = tempDir("hearth-unused-");
  cleanups.push(t.cleanup);
  const files: Record<string, string> = {
    "package.json": JSON.stringify({ name: "fixture", private: true, type: "module" }),
    "knip.json": JSON.stringify({ entry: ["src/main.ts!"], project: ["src/**/*.ts!"] }),
    "src/main.ts": `import { used } from "./lib.ts";\nconsole.log(used());\n`,
    "src/lib.ts": `export function used() { return 1; }\n`,
  };
  for (const [path, text] of Object.entries(files)) write(t.path, path, text);
  mkdirSync(join(t.path, ".ci"));
  return t.path;
}

function write(root: string, path: string, text: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), text);
}

function check(root: string, ...flags: string[]): { code: number; out: string } {
  const run = Bun.spawnSync([process.execPath, SCRIPT, "--root", root, ...flags], { stdout: "pipe", stderr: "pipe" });
  return { code: run.exitCode, out: run.stdout.toString() + run.stderr.toString() };
}

describe("check:unused", () => {
  it("passes a project with nothing unused, and fails on a new unused export and file", () => {
    const root = project();
    expect(check(root).code).toBe(0);
    write(root, "src/lib.ts", `export function used() { return 1; }\nexport function dead() { return 2; }\n`);
    write(root, "src/orphan.ts", `export const nobody = 1;\n`);
    const r = check(root);
    expect(r.code).toBe(1);
    expect(r.out).toContain("exports src/lib.ts: dead");
    expect(r.out).toContain("files src/orphan.ts");
  });

  it("accepts what the baseline lists and fails when a listed finding is gone", () => {
    const root = project();
    write(root, "src/lib.ts", `export function used() { return 1; }\nexport function dead() { return 2; }\n`);
    expect(check(root, "--write-baseline").code).toBe(0);
    expect(check(root).code).toBe(0);
    write(root, "src/lib.ts", `export function used() { return 1; }\n`);
    const r = check(root);
    expect(r.code).toBe(1);
    expect(r.out).toContain("take them out of the baseline");
  });
});
