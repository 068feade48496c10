// One entry point for every benchmark: `bun run bench [--parts a,b] [--quick] [--rounds N]`.
// Each part waits for a quiet machine, repeats its measurements, prints one side-by-side table,
// and everything lands in bench/results/<timestamp>.json. See bench/README.md.
import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { configureLogging } from "../src/shared/log.ts";
import { stopAll, stopOnSignals } from "./lib/cleanup.ts";
import { MARK } from "./lib/group-process.ts";
import { leftovers } from "./lib/leftovers.ts";
import { describeLoad, loadAverage, waitForQuiet, type LoadReport } from "./lib/quiet.ts";
import { table } from "./lib/stats.ts";
import { concurrent } from "./parts/concurrent.ts";
import { connect } from "./parts/connect.ts";
import { latency } from "./parts/latency.ts";
import { errorText, type Part, type PartOptions, type PartResult, type TargetCheck } from "./parts/part.ts";
import { search, startup } from "./parts/scripts.ts";
import { soak } from "./parts/soak.ts";
import { throughput } from "./parts/throughput.ts";

const PARTS: Part[] = [latency, throughput, connect, concurrent, soak, search, startup];
const USAGE = `usage: bun run bench [--parts ${PARTS.map((p) => p.name).join(",")}] [--quick] [--rounds N] [--peer-runtime node|bun] [--client worker|inline] [--out FILE]`;

const argvSchema = z.object({
  parts: z.string().default(PARTS.map((p) => p.name).join(",")).transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean))
    .refine((names) => names.every((n) => PARTS.some((p) => p.name === n)), { message: `--parts takes a comma-separated list of ${PARTS.map((p) => p.name).join(", ")}` }),
  quick: z.boolean().default(false),
  rounds: z.coerce.number().int().min(3, "--rounds must be at least 3: fewer can't show the noise between rounds").default(3),
  "peer-runtime": z.enum(["node", "bun"]).default("node"),
  client: z.enum(["worker", "inline"]).default("worker"),
  out: z.string().optional(),
  help: z.boolean().default(false),
});

function parseArgv(): z.infer<typeof argvSchema> {
  const { values } = parseArgs({
    args: Bun.argv.slice(2),
    options: { parts: { type: "string" }, quick: { type: "boolean" }, rounds: { type: "string" }, "peer-runtime": { type: "string" }, client: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  const r = argvSchema.safeParse(values);
  if (!r.success) {
    console.error(`${r.error.issues.map((i) => i.message).join("\n")}\n${USAGE}`);
    process.exit(2);
  }
  return r.data;
}

interface PartRecord {
  name: string;
  load: LoadReport;
  seconds: number;
  result?: PartResult;
  error?: string;
}

function printResult(r: PartResult): void {
  for (const t of r.tables) console.log(`\n${t.title}\n\n${table(t.header, t.rows)}`);
  for (const n of r.notes) console.log(`\nnote: ${n}`);
  if (r.targets.length) console.log(`\n${table(["target", "measured", "verdict"], r.targets.map(verdictRow))}`);
}

const verdictRow = (t: TargetCheck) => [t.target, t.measured, t.met === null ? "not measured" : t.met ? "met" : "MISSED"];

async function runPart(part: Part, o: PartOptions): Promise<PartRecord> {
  console.log(`\n=== ${part.name} ===`);
  const load = await waitForQuiet();
  console.log(`started under ${describeLoad(load)}`);
  const t0 = performance.now();
  try {
    const result = await part.run(o);
    printResult(result);
    return { name: part.name, load, seconds: (performance.now() - t0) / 1000, result };
  } catch (e) {
    console.log(`\n${part.name} failed: ${(e as Error).stack ?? e}`);
    return { name: part.name, load, seconds: (performance.now() - t0) / 1000, error: errorText(e, 400) };
  }
}

function writeResults(file: string, report: unknown): void {
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
}

configureLogging({ level: "error" });
stopOnSignals();
const args = parseArgv();
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const file = args.out ?? join(import.meta.dir, "results", `${stamp}.json`);
const o: PartOptions = { quick: args.quick, rounds: args.rounds, client: args.client, peerRuntime: args["peer-runtime"], needles: [`${MARK}=`] };
const host = { cores: availableParallelism(), bun: Bun.version, node: Bun.spawnSync(["node", "--version"]).stdout.toString().trim() || "absent", loadAtStart: loadAverage() };
console.log(`hearth bench: parts ${args.parts.join(", ")}${args.quick ? " (quick)" : ""}, ${args.rounds} rounds, client in ${args.client === "worker" ? "a worker thread" : "Hearth's thread"}; ${host.cores} cores, bun ${host.bun}, node ${host.node}`);
const records: PartRecord[] = [];
const report = () => ({ startedAt: stamp, options: { ...args, rounds: o.rounds }, host, parts: records, leftovers: [] as unknown[] });
try {
  for (const name of args.parts) {
    records.push(await runPart(PARTS.find((p) => p.name === name)!, o));
    writeResults(file, report());
  }
} finally {
  await stopAll();
}
await Bun.sleep(500);
const left = leftovers(o.needles);
const final = { ...report(), leftovers: left };
writeResults(file, final);
const all = records.flatMap((r) => (r.result?.targets ?? []).map((t) => [r.name, ...verdictRow(t)]));
console.log(`\n=== summary ===\n\n${table(["part", "target", "measured", "verdict"], all)}`);
for (const r of records.filter((r) => r.error)) console.log(`part ${r.name} failed: ${r.error}`);
console.log(`\nleftover processes started by this run: ${left.length}${left.length ? ` (${left.map((p) => `${p.pid} ${p.comm}`).join(", ")})` : ""}`);
console.log(`results written to ${file}`);
process.exit(left.length > 0 || records.some((r) => r.error) ? 1 : 0);
