// Search and startup: the existing scripts run as they are (bun bench/search.ts N, bun
// bench/startup.ts), once per round; their first table is read back and every numeric cell is
// summarised over rounds. The scripts' own logic is not repeated here.
import { join } from "node:path";
import { startGroup } from "../lib/group-process.ts";
import { fmtSpread, spread, type Spread } from "../lib/stats.ts";
import type { Part, PartOptions, PartResult, Table, TargetCheck } from "./part.ts";

const BENCH = join(import.meta.dir, "..");

/** ParsedTable is a lib/stats.ts table read back from a script's output. */
interface ParsedTable {
  title: string;
  header: string[];
  rows: string[][];
}

/** parseFirstTable reads the first aligned table (header, dashes, rows up to a blank line) and the line above it. */
export function parseFirstTable(output: string): ParsedTable | undefined {
  const lines = output.split("\n");
  const dash = lines.findIndex((l) => /^-+( {2}-+)*\s*$/.test(l) && l.includes("-"));
  if (dash < 1) return undefined;
  // Columns are where the dashes are: cells may hold single spaces, and may be empty.
  const starts = [...lines[dash]!.matchAll(/-+/g)].map((m) => m.index!);
  const cells = (l: string) => starts.map((s, k) => l.slice(s, starts[k + 1]).trim());
  const end = lines.findIndex((l, i) => i > dash && l.trim() === "");
  const title = lines.slice(0, dash - 1).filter((l) => l.trim()).pop() ?? "";
  return { title, header: cells(lines[dash - 1]!), rows: lines.slice(dash + 1, end < 0 ? undefined : end).map(cells) };
}

const NUM = /^(-?[\d.,]+)\s*(ms|MB|KB|s)?$/;

// One cell over all rounds, when it reads as a number with the same unit each time.
function cellSpread(tables: ParsedTable[], i: number, j: number): { s: Spread; unit: string } | undefined {
  const m = NUM.exec(tables[tables.length - 1]!.rows[i]?.[j] ?? "");
  if (!m) return undefined;
  const unit = m[2] ?? "";
  const values = tables.map((t) => NUM.exec(t.rows[i]?.[j] ?? "")).map((x) => (x && (x[2] ?? "") === unit ? Number(x[1]!.replaceAll(",", "")) : NaN));
  return { s: spread(values), unit };
}

// A numeric cell is summarised over rounds (one precision per cell, from its median); any other is kept from the last round.
function summarise(tables: ParsedTable[]): (string | number)[][] {
  return tables[tables.length - 1]!.rows.map((row, i) =>
    row.map((cell, j) => {
      const c = j === 0 ? undefined : cellSpread(tables, i, j);
      if (!c) return cell;
      const digits = c.s.median < 1 ? 3 : c.s.median < 100 ? 2 : 0;
      return fmtSpread(c.s, (v) => `${v.toFixed(digits)}${c.unit ? ` ${c.unit}` : ""}`);
    }),
  );
}

// A script's own "<= N unit" target cells, checked against the median run of the column they name
// ("target p99" → p99) or else the first value column.
function scriptTargets(tables: ParsedTable[]): TargetCheck[] {
  const header = tables[0]!.header;
  const tcol = header.findLastIndex((h) => h.startsWith("target"));
  if (tcol < 0) return [];
  const named = header.indexOf(header[tcol]!.replace(/^target\s*/, ""));
  const col = named > 0 ? named : 1;
  return tables[tables.length - 1]!.rows.flatMap((row, i) => {
    const t = /^<=\s*([\d.,]+)\s*(\S*)$/.exec(row[tcol] ?? "");
    const c = cellSpread(tables, i, col);
    if (!t || !c || c.unit !== t[2]) return [];
    const limit = Number(t[1]!.replaceAll(",", ""));
    return [{ target: `${row[0]} ${header[col]} ${row[tcol]}`, measured: `${c.s.median} ${c.unit}`.trim(), met: c.s.median <= limit }];
  });
}

async function runScript(args: string[], timeoutMs: number): Promise<string> {
  const g = startGroup(`bench-${args[0]}`, [process.execPath, ...args], { cwd: join(BENCH, "..") });
  const code = await Promise.race([g.proc.exited, Bun.sleep(timeoutMs).then(() => "timeout" as const)]);
  await g.stop();
  if (code !== 0) throw new Error(`bun ${args.join(" ")} ${code === "timeout" ? `did not finish in ${timeoutMs / 1000} s` : `exited with ${code}`}: ${g.stderr().trim().split("\n").slice(-3).join(" | ")}`);
  return g.stdout();
}

async function rounds(o: PartOptions, argsFor: (round: number) => string[], timeoutMs: number): Promise<PartResult> {
  const outputs: string[] = [];
  for (let r = 0; r < o.rounds; r++) outputs.push(await runScript(argsFor(r), timeoutMs));
  const parsed = outputs.map(parseFirstTable);
  if (parsed.some((p) => !p)) throw new Error(`could not read a table from the script's output:\n${outputs.find((_, i) => !parsed[i])}`);
  const tables = parsed as ParsedTable[];
  const t: Table = { title: `${tables[0]!.title}; ${o.rounds} runs of the script (median, min–max over runs)`, header: tables[0]!.header, rows: summarise(tables) };
  return { tables: [t], targets: scriptTargets(tables), notes: [], data: { args: argsFor(0), outputs } };
}

/** search runs bench/search.ts (100,000 servers; 10,000 with --quick) once per round. */
export const search: Part = {
  name: "search",
  run: (o) => rounds(o, () => [join(BENCH, "search.ts"), String(o.quick ? 10_000 : 100_000)], 15 * 60_000),
};

/** startup runs bench/startup.ts once per round; only the first run rebuilds the executable. */
export const startup: Part = {
  name: "startup",
  run: (o) => rounds(o, (r) => [join(BENCH, "startup.ts"), ...(r > 0 ? ["--no-build"] : [])], 10 * 60_000),
};
