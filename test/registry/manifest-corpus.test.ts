import { describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isAppError } from "../../src/shared/app-error.ts";
import type { NormalisedManifest } from "../../src/registry/manifest.ts";
import { normaliseServerJson, parseServerJson } from "../../src/registry/manifest-server-json.ts";
import { parseSmitheryManifest } from "../../src/registry/manifest-smithery.ts";

// Real manifests live outside the project (never copied in); the test skips, loudly, without them.
const corpus = fileURLToPath(new URL("../../../shared/corpus", import.meta.url));
const present = existsSync(corpus);
if (!present) console.warn(`manifest corpus not found at ${corpus}: corpus tests skipped`);

interface Tally {
  accepted: string[];
  rejected: Array<{ file: string; reasons: string[] }>;
  runKinds: Record<string, number>;
}

function run(files: string[], parse: (file: string) => NormalisedManifest): Tally {
  const t: Tally = { accepted: [], rejected: [], runKinds: {} };
  for (const file of files) {
    try {
      const m = parse(file);
      t.accepted.push(file);
      const kind = m.runs?.kind ?? "none";
      t.runKinds[kind] = (t.runKinds[kind] ?? 0) + 1;
    } catch (e) {
      // Anything but an AppError is a bug in the parser, whatever the input.
      if (!isAppError(e)) throw new Error(`${file}: ${String(e)}`, { cause: e });
      t.rejected.push({ file, reasons: e.details.map((d) => `${d.pointer || "/"}: ${d.message}`) });
    }
  }
  return t;
}

function report(label: string, t: Tally): void {
  const lines = [`${label}: ${t.accepted.length} accepted, ${t.rejected.length} rejected; runs: ${JSON.stringify(t.runKinds)}`];
  for (const r of t.rejected) lines.push(`  rejected ${r.file}: ${r.reasons.join(" | ")}`);
  console.info(lines.join("\n"));
}

function listDir(dir: string): string[] {
  return readdirSync(`${corpus}/${dir}`).sort().map((f) => `${corpus}/${dir}/${f}`);
}

describe("real manifests", () => {
  test.skipIf(!present)("every server.json parses or is refused with an AppError", () => {
    const files = listDir("serverjson");
    const t = run(files, (f) => parseServerJson(new Uint8Array(readFileSync(f))));
    report("serverjson", t);
    expect(t.accepted.length + t.rejected.length).toBe(files.length);
    expect(t.accepted.length).toBeGreaterThan(t.rejected.length);
    for (const r of t.rejected) expect(r.reasons.length).toBeGreaterThan(0);
  });

  test.skipIf(!present)("every smithery.yaml parses or is refused with an AppError", () => {
    const files = listDir("smithery");
    const t = run(files, (f) => {
      const name = `corpus/${f.split("/").pop()?.replace(/\.ya?ml$/, "").replace(/[^A-Za-z0-9._-]/g, "-")}`;
      return parseSmitheryManifest(new Uint8Array(readFileSync(f)), { name, version: "1.0.0" });
    });
    report("smithery", t);
    expect(t.accepted.length + t.rejected.length).toBe(files.length);
    expect(t.runKinds["smithery-function"] ?? 0).toBeGreaterThan(0);
  });

  test.skipIf(!present || !existsSync(`${corpus}/catalog-373.json`))("every catalog-373 entry is accepted", () => {
    const entries = JSON.parse(readFileSync(`${corpus}/catalog-373.json`, "utf8")) as Array<{ name: string }>;
    const t = run(
      entries.map((e) => e.name),
      (name) => normaliseServerJson(entries.find((e) => e.name === name)),
    );
    report("catalog-373", t);
    expect(t.rejected).toEqual([]);
  });
});
