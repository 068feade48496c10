import { afterEach, describe, expect, it } from "bun:test";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { importsOf } from "../../tools/import-graph.ts";
import { tempDir } from "../helpers/temp.ts";

const SCRIPT = join(import.meta.dir, "../../tools/check-arch.ts");

// A three-layer tree: app (top) over feature over base (bottom), clean to begin with.
const LAYERS = {
  roots: ["src"],
  layers: [{ name: "app" }, { name: "feature" }, { name: "base" }],
  assign: [
    ["src/main.ts", "app"],
    ["src/feature/**", "feature"],
    ["src/other/**", "feature"],
    ["src/base/**", "base"],
  ],
};

const CLEAN: Record<string, string> = {
  "src/main.ts": `import { run } from "./feature/run.ts";\nrun();\n`,
  "src/feature/run.ts": `import { helper } from "./helper.ts";\nimport { clamp } from "../base/clamp.ts";\nexport function run() { return clamp(helper()); }\n`,
  "src/feature/helper.ts": `import type { Limit } from "../base/clamp.ts";\nexport function helper(): Limit { return 1; }\n`,
  "src/other/side.ts": `import { clamp } from "../base/clamp.ts";\nexport const side = clamp(2);\n`,
  "src/base/clamp.ts": `export type Limit = number;\nexport function clamp(n: number): Limit { return Math.min(n, 10); }\n`,
};

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function tree(files: Record<string, string>): string {
  const t = tempDir("hearth-arch-");
  cleanups.push(t.cleanup);
  const all = { ...files, ".ci/layers.json": JSON.stringify(LAYERS) };
  for (const [path, text] of Object.entries(all)) write(t.path, path, text);
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

describe("check:arch", () => {
  it("passes a tree whose imports all point down and form no cycle", () => {
    const r = check(tree(CLEAN));
    expect(r.out).toContain("nothing new");
    expect(r.code).toBe(0);
  });

  it("fails on a new cycle between files, naming the imports on it", () => {
    const root = tree({
      ...CLEAN,
      "src/feature/helper.ts": `import { run } from "./run.ts";\nexport function helper() { return typeof run; }\n`,
    });
    const r = check(root);
    expect(r.code).toBe(1);
    expect(r.out).toContain("new imports that close a cycle between files");
    expect(r.out).toContain("src/feature/helper.ts -> src/feature/run.ts (value)");
    expect(r.out).toContain("src/feature/run.ts -> src/feature/helper.ts (value)");
  });

  it("fails on a cycle closed only by a type import, and says it is type-only", () => {
    const root = tree({
      ...CLEAN,
      "src/feature/helper.ts": `import type { run } from "./run.ts";\nexport function helper(): number { return 1; }\nexport type R = typeof run;\n`,
    });
    const r = check(root);
    expect(r.code).toBe(1);
    expect(r.out).toContain("src/feature/helper.ts -> src/feature/run.ts (type)");
  });

  it("fails on a new import from a lower layer to a higher one, value or type", () => {
    const value = check(tree({ ...CLEAN, "src/base/up.ts": `import { side } from "../other/side.ts";\nexport const up = side;\n` }));
    expect(value.code).toBe(1);
    expect(value.out).toContain("new imports from a lower layer to a higher one");
    expect(value.out).toContain("src/base/up.ts -> src/other/side.ts (value)");
    const type = check(tree({ ...CLEAN, "src/base/up.ts": `export type Up = typeof import("../feature/run.ts");\n` }));
    expect(type.code).toBe(1);
    expect(type.out).toContain("src/base/up.ts -> src/feature/run.ts (type)");
  });

  it("fails on a cycle between two folders of one layer even when no files form a cycle", () => {
    const root = tree({ ...CLEAN, "src/feature/uses-side.ts": `import { side } from "../other/side.ts";\nexport const s = side;\n`, "src/other/uses-run.ts": `import { run } from "../feature/run.ts";\nexport const r = run;\n` });
    const r = check(root);
    expect(r.code).toBe(1);
    expect(r.out).toContain("new imports that close a cycle between folders");
    expect(r.out).toContain("src/feature -> src/other (value)");
    expect(r.out).not.toContain("between files");
  });

  it("accepts a violation the baseline lists, and fails once it is fixed until the baseline forgets it", () => {
    const root = tree({ ...CLEAN, "src/base/up.ts": `import { side } from "../other/side.ts";\nexport const up = side;\n` });
    expect(check(root, "--write-baseline").code).toBe(0);
    const known = check(root);
    expect(known.code).toBe(0);
    expect(known.out).toContain("1 known violations");
    // a second upward import is still new
    write(root, "src/base/up2.ts", `import { run } from "../feature/run.ts";\nexport const up2 = run;\n`);
    expect(check(root).code).toBe(1);
    rmSync(join(root, "src/base/up2.ts"));
    // fixed: the stale entry must go, so the baseline only ever shrinks
    rmSync(join(root, "src/base/up.ts"));
    const fixed = check(root);
    expect(fixed.code).toBe(1);
    expect(fixed.out).toContain("take them out of the baseline");
    expect(fixed.out).toContain("src/base/up.ts -> src/other/side.ts (value)");
    expect(check(root, "--write-baseline").code).toBe(0);
    expect(check(root).code).toBe(0);
  });

  it("lets a baselined value import become type-only without a new entry", () => {
    const root = tree({ ...CLEAN, "src/base/up.ts": `import { side } from "../other/side.ts";\nexport const up = side;\n` });
    check(root, "--write-baseline");
    write(root, "src/base/up.ts", `import type { side } from "../other/side.ts";\nexport type Up = typeof side;\n`);
    const r = check(root);
    expect(r.out).not.toContain("new imports");
    expect(r.out).toContain("take them out of the baseline");
  });

  it("fails on a file that no layer claims", () => {
    const r = check(tree({ ...CLEAN, "src/stray/thing.ts": `export const x = 1;\n` }));
    expect(r.code).toBe(1);
    expect(r.out).toContain("in no layer");
    expect(r.out).toContain("src/stray/thing.ts");
  });
});

describe("importsOf", () => {
  const kinds = (text: string) => importsOf("x.ts", text).map((i) => `${i.spec}:${i.kind}`);

  it("tells type-only imports and re-exports from those that load code", () => {
    const text = [
      `import type { A } from "./a.ts";`,
      `import { type B } from "./b.ts";`,
      `import { type C, d } from "./c.ts";`,
      `import e from "./e.ts";`,
      `import * as f from "./f.ts";`,
      `import "./g.ts";`,
      `export type { H } from "./h.ts";`,
      `export { i } from "./i.ts";`,
      `export * from "./j.ts";`,
      `type K = typeof import("./k.ts");`,
      `const l = await import("./l.ts");`,
    ].join("\n");
    expect(kinds(text)).toEqual([
      "./a.ts:type",
      "./b.ts:type",
      "./c.ts:value",
      "./e.ts:value",
      "./f.ts:value",
      "./g.ts:value",
      "./h.ts:type",
      "./i.ts:value",
      "./j.ts:value",
      "./k.ts:type",
      "./l.ts:value",
    ]);
  });
});
