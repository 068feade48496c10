// The unused-code guard: runs knip over the whole project and again over production code alone
// (so a src/ export only tests import counts as unused), and fails on any finding that
// .ci/knip-baseline.json does not list. knip has no baseline of its own, hence this wrapper.
// Usage: bun tools/check-unused.ts [--root DIR] [--write-baseline]
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

const rootFlag = process.argv.indexOf("--root");
const ROOT = rootFlag >= 0 && process.argv[rootFlag + 1] ? process.argv[rootFlag + 1]! : join(import.meta.dir, "..");
const BASELINE = join(ROOT, ".ci/knip-baseline.json");
const KNIP = join(import.meta.dir, "../node_modules/knip/bin/knip-bun.js");

const named = z.array(z.object({ name: z.string() }));
const reportSchema = z.object({
  issues: z.array(z.looseObject({ file: z.string(), files: z.array(z.unknown()).default([]) })),
});
const baselineSchema = z.object({ unused: z.array(z.string()) });

// knip's categories whose items carry a name (exports, types, dependencies, …); files are the item itself.
const CATEGORIES = ["dependencies", "devDependencies", "optionalPeerDependencies", "unlisted", "binaries", "unresolved", "exports", "types", "enumMembers", "namespaceMembers", "duplicates"];

function runKnip(production: boolean): string[] {
  const args = [process.execPath, KNIP, "--no-progress", "--no-exit-code", "--reporter", "json"];
  if (production) args.push("--production");
  const run = Bun.spawnSync(args, { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if (run.exitCode !== 0) throw new Error(`knip failed (exit ${run.exitCode}): ${run.stderr.toString().trim()}`);
  const report = reportSchema.parse(JSON.parse(run.stdout.toString()));
  const found: string[] = [];
  for (const issue of report.issues) {
    if (issue.files.length > 0) found.push(`files ${issue.file}`);
    for (const category of CATEGORIES) {
      const items = named.safeParse(issue[category]);
      if (!items.success) continue;
      for (const item of items.data) found.push(`${category} ${issue.file}: ${item.name}`);
    }
  }
  return found;
}

function main(): number {
  const found = [...new Set([...runKnip(false), ...runKnip(true)])].sort();
  if (process.argv.includes("--write-baseline")) {
    writeFileSync(BASELINE, JSON.stringify({ unused: found }, null, 2) + "\n");
    console.log(`check:unused: wrote ${BASELINE} (${found.length} known findings)`);
    return 0;
  }
  const baseline = baselineSchema.parse(existsSync(BASELINE) ? JSON.parse(readFileSync(BASELINE, "utf8")) : { unused: [] });
  const allowed = new Set(baseline.unused);
  const now = new Set(found);
  const fresh = found.filter((f) => !allowed.has(f));
  const stale = baseline.unused.filter((b) => !now.has(b));
  if (fresh.length > 0) console.error(`check:unused: new unused code (remove it, or use it):\n  ${fresh.join("\n  ")}`);
  if (stale.length > 0) {
    console.error(`check:unused: no longer unused, so take them out of the baseline (bun run check:unused --write-baseline):\n  ${stale.join("\n  ")}`);
  }
  if (fresh.length > 0 || stale.length > 0) return 1;
  console.log(`check:unused: nothing new (${baseline.unused.length} known findings in the baseline)`);
  return 0;
}

if (import.meta.main) process.exit(main());
