// The architecture guard: fails on an import cycle or an import from a lower layer to a higher one
// that .ci/arch-baseline.json does not list, so today's known violations can only go away.
// Usage: bun tools/check-arch.ts [--root DIR] [--layers FILE] [--baseline FILE] [--write-baseline] [--report]
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { buildImportGraph, type ImportEdge, type ImportGraph, type ImportKind } from "./import-graph.ts";

const layersSchema = z.object({
  roots: z.array(z.string()).min(1),
  layers: z.array(z.object({ name: z.string(), about: z.string().optional() })).min(1),
  assign: z.array(z.tuple([z.string(), z.string()])),
});

const baselineSchema = z.object({
  upward: z.array(z.string()).default([]),
  fileCycles: z.array(z.string()).default([]),
  folderCycles: z.array(z.string()).default([]),
});

/** LayerConfig is .ci/layers.json: the folders to read, the layers top to bottom, and which file is in which. */
export type LayerConfig = z.infer<typeof layersSchema>;

/** Baseline lists today's accepted violations, one `from -> to (kind)` string each. */
export type Baseline = z.infer<typeof baselineSchema>;

/** Analysis is every violation in the tree now, in baseline form, plus the circles for people to read. */
export interface Analysis {
  graph: ImportGraph;
  unassigned: string[];
  upward: string[];
  fileCycles: string[];
  folderCycles: string[];
  /** circles are the tree's strongly connected groups of files, each with one shortest cycle through it. */
  circles: { kind: ImportKind; files: string[]; shortest: string[] }[];
}

const entry = (from: string, to: string, kind: ImportKind) => `${from} -> ${to} (${kind})`;

function layerOf(config: LayerConfig, file: string): string | null {
  for (const [pattern, layer] of config.assign) if (new Bun.Glob(pattern).match(file)) return layer;
  return null;
}

/** folderOf names the module a file belongs to: its first two path segments (src/bridge), or itself at the top. */
export function folderOf(file: string): string {
  const parts = file.split("/");
  return parts.length > 2 ? parts.slice(0, 2).join("/") : file;
}

// Tarjan's algorithm; the graphs here have a few hundred nodes, so recursion is fine.
function stronglyConnected(nodes: string[], next: Map<string, string[]>): string[][] {
  let index = 0;
  const order = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (v: string): void => {
    order.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!order.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, order.get(w)!));
    }
    if (low.get(v) === order.get(v)) {
      const group: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        group.push(w);
      } while (w !== v);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const v of nodes) if (!order.has(v)) visit(v);
  return groups;
}

function adjacency(edges: ImportEdge[]): Map<string, string[]> {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  return next;
}

// Breadth-first from each member back to itself; the shortest loop is what a reader should look at.
function shortestCycle(group: string[], next: Map<string, string[]>): string[] {
  const members = new Set(group);
  let best: string[] = [];
  for (const start of group) {
    const parent = new Map<string, string>();
    const queue = [start];
    let found: string | null = null;
    while (queue.length > 0 && !found) {
      const v = queue.shift()!;
      for (const w of next.get(v) ?? []) {
        if (!members.has(w)) continue;
        if (w === start) { found = v; break; }
        if (!parent.has(w)) { parent.set(w, v); queue.push(w); }
      }
    }
    if (!found) continue;
    const path = [found];
    while (path[0] !== start) path.unshift(parent.get(path[0]!)!);
    if (best.length === 0 || path.length < best.length) best = path;
  }
  return [...best, best[0]!];
}

// Every edge whose ends are in one strongly connected group lies on some cycle.
function cyclicEdges(edges: ImportEdge[], nodes: string[]): { entries: string[]; groups: string[][] } {
  const groups = stronglyConnected(nodes, adjacency(edges));
  const groupOf = new Map<string, number>();
  groups.forEach((g, i) => g.forEach((f) => groupOf.set(f, i)));
  const entries = edges
    .filter((e) => groupOf.has(e.from) && groupOf.get(e.from) === groupOf.get(e.to))
    .map((e) => entry(e.from, e.to, e.kind));
  return { entries: entries.sort(), groups };
}

// Only imports within one layer: a cycle across layers always has an upward import, reported as such.
function folderEdges(edges: ImportEdge[], layer: Map<string, string>): ImportEdge[] {
  const merged = new Map<string, ImportEdge>();
  for (const e of edges) {
    if (!layer.has(e.from) || layer.get(e.from) !== layer.get(e.to)) continue;
    const from = folderOf(e.from);
    const to = folderOf(e.to);
    if (from === to) continue;
    const prior = merged.get(`${from}\0${to}`);
    if (!prior) merged.set(`${from}\0${to}`, { from, to, kind: e.kind });
    else if (e.kind === "value") prior.kind = "value";
  }
  return [...merged.values()];
}

/** analyse reads the tree under root and names every upward import and every import on a cycle. */
export function analyse(root: string, config: LayerConfig): Analysis {
  const graph = buildImportGraph(root, config.roots);
  const rank = new Map(config.layers.map((l, i) => [l.name, i]));
  const layer = new Map<string, string>();
  const unassigned: string[] = [];
  for (const f of graph.files) {
    const l = layerOf(config, f);
    if (l === null || !rank.has(l)) unassigned.push(f);
    else layer.set(f, l);
  }
  const upward = graph.edges
    .filter((e) => layer.has(e.from) && layer.has(e.to) && rank.get(layer.get(e.to)!)! < rank.get(layer.get(e.from)!)!)
    .map((e) => entry(e.from, e.to, e.kind))
    .sort();
  const files = cyclicEdges(graph.edges, graph.files);
  const folders = folderEdges(graph.edges, layer);
  const folderCycles = cyclicEdges(folders, [...new Set(graph.files.map(folderOf))]).entries;
  const valueEdges = graph.edges.filter((e) => e.kind === "value");
  const valueGroups = stronglyConnected(graph.files, adjacency(valueEdges));
  const circles = [
    ...valueGroups.map((g) => ({ kind: "value" as const, files: g, shortest: shortestCycle(g, adjacency(valueEdges)) })),
    ...files.groups
      .filter((g) => !valueGroups.some((v) => g.every((f) => v.includes(f))))
      .map((g) => ({ kind: "type" as const, files: g, shortest: shortestCycle(g, adjacency(graph.edges)) })),
  ];
  return { graph, unassigned, upward, fileCycles: files.entries, folderCycles, circles };
}

const KIND = /^(.*) \((value|type)\)$/;

// A value entry in the baseline also covers the same import once it has become type-only.
function covered(found: string, allowed: Set<string>): boolean {
  if (allowed.has(found)) return true;
  const m = KIND.exec(found);
  return m?.[2] === "type" && allowed.has(`${m[1]} (value)`);
}

/** Verdict is what is new (fails the check) and what the baseline lists but the tree no longer has. */
export interface Verdict {
  fresh: Record<keyof Baseline, string[]>;
  stale: Record<keyof Baseline, string[]>;
}

/** compare sets the violations found against the baseline, category by category. */
export function compare(analysis: Analysis, baseline: Baseline): Verdict {
  const verdict: Verdict = { fresh: { upward: [], fileCycles: [], folderCycles: [] }, stale: { upward: [], fileCycles: [], folderCycles: [] } };
  for (const key of ["upward", "fileCycles", "folderCycles"] as const) {
    const allowed = new Set(baseline[key]);
    const found = new Set(analysis[key]);
    verdict.fresh[key] = analysis[key].filter((f) => !covered(f, allowed));
    verdict.stale[key] = baseline[key].filter((b) => !found.has(b));
  }
  return verdict;
}

const TITLES: Record<keyof Baseline, string> = {
  upward: "imports from a lower layer to a higher one (.ci/layers.json)",
  fileCycles: "imports that close a cycle between files",
  folderCycles: "imports that close a cycle between folders",
};

function parseArgs(argv: string[]): { root: string; layers: string; baseline: string; write: boolean; report: boolean } {
  const value = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const root = value("--root") ?? process.cwd();
  return {
    root,
    layers: value("--layers") ?? join(root, ".ci/layers.json"),
    baseline: value("--baseline") ?? join(root, ".ci/arch-baseline.json"),
    write: argv.includes("--write-baseline"),
    report: argv.includes("--report"),
  };
}

function printReport(a: Analysis): void {
  const count = (kind: ImportKind, list: string[]) => list.filter((e) => e.endsWith(`(${kind})`)).length;
  console.log(`files ${a.graph.files.length}, imports ${a.graph.edges.length}`);
  console.log(`circles: ${a.circles.filter((c) => c.kind === "value").length} with value imports, ${a.circles.filter((c) => c.kind === "type").length} only through type imports`);
  for (const c of a.circles) console.log(`  [${c.kind}] ${c.files.length} files; shortest: ${c.shortest.join(" -> ")}`);
  console.log(`upward imports: ${count("value", a.upward)} value, ${count("type", a.upward)} type-only`);
  for (const u of a.upward) console.log(`  ${u}`);
  console.log(`folder cycle edges: ${a.folderCycles.length}`);
  for (const f of a.folderCycles) console.log(`  ${f}`);
}

function main(): number {
  const args = parseArgs(process.argv.slice(2));
  const config = layersSchema.parse(JSON.parse(readFileSync(args.layers, "utf8")));
  const analysis = analyse(args.root, config);
  if (args.report) printReport(analysis);
  if (analysis.unassigned.length > 0) {
    console.error(`check:arch: these files are in no layer; add them to ${args.layers}:\n  ${analysis.unassigned.join("\n  ")}`);
    return 1;
  }
  if (args.write) {
    const { upward, fileCycles, folderCycles } = analysis;
    writeFileSync(args.baseline, JSON.stringify({ upward, fileCycles, folderCycles }, null, 2) + "\n");
    console.log(`check:arch: wrote ${args.baseline} (${upward.length} upward, ${fileCycles.length} file-cycle, ${folderCycles.length} folder-cycle imports)`);
    return 0;
  }
  const baseline = baselineSchema.parse(existsSync(args.baseline) ? JSON.parse(readFileSync(args.baseline, "utf8")) : {});
  const { fresh, stale } = compare(analysis, baseline);
  let failed = false;
  for (const key of ["upward", "fileCycles", "folderCycles"] as const) {
    if (fresh[key].length > 0) {
      failed = true;
      console.error(`check:arch: new ${TITLES[key]}:\n  ${fresh[key].join("\n  ")}`);
    }
    if (stale[key].length > 0) {
      failed = true;
      console.error(`check:arch: fixed, so take them out of the baseline (bun run check:arch --write-baseline), ${TITLES[key]}:\n  ${stale[key].join("\n  ")}`);
    }
  }
  if (failed) return 1;
  const total = baseline.upward.length + baseline.fileCycles.length + baseline.folderCycles.length;
  console.log(`check:arch: ${analysis.graph.files.length} files, ${analysis.graph.edges.length} imports, nothing new (${total} known violations in the baseline)`);
  return 0;
}

if (import.meta.main) process.exit(main());
