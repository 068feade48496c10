// Counts that track issue 15's redesign: long functions, `as` casts and AppContext's reach, read
// with the TypeScript parser. Prints a report; `--json` for machines. Not a gate, a measure.
// Usage: bun tools/arch-report.ts [--root DIR] [--json] [--top N] [--limit LINES]
import { readFileSync } from "node:fs";
import ts from "typescript";
import { buildImportGraph } from "./import-graph.ts";

/** LongFunction is one function body over the line limit, named as a reader would find it. */
export interface LongFunction {
  file: string;
  name: string;
  line: number;
  lines: number;
}

function nameOf(node: ts.Node): string {
  if ((ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) && node.name) {
    return node.name.getText();
  }
  if (ts.isConstructorDeclaration(node)) return "constructor";
  const parent = node.parent;
  if (parent && ts.isVariableDeclaration(parent)) return parent.name.getText();
  if (parent && ts.isPropertyAssignment(parent)) return parent.name.getText();
  if (parent && ts.isCallExpression(parent)) return `(callback of ${parent.expression.getText().slice(0, 40)})`;
  return "(anonymous)";
}

const isFunction = (n: ts.Node): n is ts.FunctionLikeDeclaration =>
  ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n) ||
  ts.isConstructorDeclaration(n) || ts.isGetAccessor(n) || ts.isSetAccessor(n);

/** measureFile finds the long functions and counts the casts of one file. */
export function measureFile(file: string, text: string, limit: number): { long: LongFunction[]; casts: number; constCasts: number } {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith(".tsx") ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const long: LongFunction[] = [];
  let casts = 0;
  let constCasts = 0;
  const visit = (node: ts.Node): void => {
    if (isFunction(node) && node.body) {
      const start = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const end = source.getLineAndCharacterOfPosition(node.getEnd()).line;
      if (end - start + 1 > limit) long.push({ file, name: nameOf(node), line: start + 1, lines: end - start + 1 });
    }
    if (ts.isAsExpression(node) || ts.isTypeAssertionExpression(node)) {
      const isConst = ts.isTypeReferenceNode(node.type) && node.type.typeName.getText() === "const";
      if (isConst) constCasts++;
      else casts++;
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { long, casts, constCasts };
}

function main(): void {
  const argv = process.argv.slice(2);
  const flag = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const root = flag("--root") ?? process.cwd();
  const top = Number(flag("--top") ?? 15);
  const limit = Number(flag("--limit") ?? 80);
  const files = buildImportGraph(root, ["src", "views"]).files;
  const long: LongFunction[] = [];
  const casts = { all: 0, cli: 0, asConst: 0 };
  const reach = { appContextFiles: 0, appContextLines: 0, ctxFiles: 0, ctxLines: 0 };
  for (const file of files) {
    const text = readFileSync(`${root}/${file}`, "utf8");
    const m = measureFile(file, text, limit);
    long.push(...m.long);
    casts.all += m.casts;
    casts.asConst += m.constCasts;
    if (file.startsWith("src/cli/")) casts.cli += m.casts;
    const lines = text.split("\n");
    const named = lines.filter((l) => /\bAppContext\b/.test(l)).length;
    const used = lines.filter((l) => /\bctx\./.test(l)).length;
    if (named > 0) reach.appContextFiles++;
    if (used > 0) reach.ctxFiles++;
    reach.appContextLines += named;
    reach.ctxLines += used;
  }
  long.sort((a, b) => b.lines - a.lines);
  if (argv.includes("--json")) {
    console.log(JSON.stringify({ files: files.length, longFunctions: long, casts, reach }, null, 2));
    return;
  }
  console.log(`source files (src, views): ${files.length}`);
  console.log(`functions over ${limit} lines: ${long.length}`);
  for (const f of long.slice(0, top)) console.log(`  ${String(f.lines).padStart(4)}  ${f.file}:${f.line} ${f.name}`);
  console.log(`\`as\` casts (without \`as const\`): ${casts.all} in all, ${casts.cli} in src/cli; \`as const\`: ${casts.asConst}`);
  console.log(`AppContext named on ${reach.appContextLines} lines in ${reach.appContextFiles} files; \`ctx.\` on ${reach.ctxLines} lines in ${reach.ctxFiles} files`);
}

if (import.meta.main) main();
