import { describe, expect, it } from "bun:test";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";

// docs/DESIGN.md's rule for route files: every Elysia plugin is a `<name>-routes.ts` exporting `<name>Routes`.
const root = join(import.meta.dir, "../..");
const EXCEPTIONS = new Set(["src/http/app.ts", "src/bridge/streamable-http.ts"]);
const camel = (kebab: string) => kebab.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

describe("route file names", () => {
  it("every file that builds an Elysia plugin is <name>-routes.ts and exports <name>Routes", () => {
    const wrong: string[] = [];
    for (const file of new Bun.Glob("src/**/*.{ts,tsx}").scanSync(root)) {
      if (EXCEPTIONS.has(file) || !readFileSync(join(root, file), "utf8").includes("new Elysia")) continue;
      const name = basename(file).replace(/\.tsx?$/, "");
      const builder = `${camel(name.replace(/-routes$/, ""))}Routes`;
      const exported = new RegExp(`export (async )?function ${builder}\\b`).test(readFileSync(join(root, file), "utf8"));
      if (!name.endsWith("-routes") || !exported) wrong.push(`${file} (want ${name.endsWith("-routes") ? builder : `<name>-routes.ts`})`);
    }
    expect(wrong).toEqual([]);
  });
});
