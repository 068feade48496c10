// The import graph of a TypeScript tree, read with the compiler's own parser so `import type`,
// `import { type X }` and `export type … from` are told apart from imports that load code.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import ts from "typescript";

/** ImportKind says whether an import loads the other module at run time or only borrows its types. */
export type ImportKind = "value" | "type";

/** ImportEdge is one file importing another, merged over all its import statements (value wins). */
export interface ImportEdge {
  from: string;
  to: string;
  kind: ImportKind;
}

/** ImportGraph is the tree's files (root-relative, `/`-separated) and the edges between them. */
export interface ImportGraph {
  files: string[];
  edges: ImportEdge[];
}

const SOURCE = /\.(ts|tsx|mts|cts)$/;
const EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", "/index.ts", "/index.tsx"];

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (SOURCE.test(name) && !name.endsWith(".d.ts")) out.push(path);
  }
}

function resolveSpecifier(fromFile: string, spec: string): string | null {
  if (!spec.startsWith(".")) return null; // packages and node: builtins are outside the graph
  const base = resolve(dirname(fromFile), spec);
  const bare = base.replace(/\.(js|mjs|cjs)$/, "");
  for (const candidate of [base, ...EXTENSIONS.map((e) => base + e), ...EXTENSIONS.map((e) => bare + e)]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

function importKind(node: ts.ImportDeclaration): ImportKind {
  const clause = node.importClause;
  if (!clause) return "value"; // `import "x"` runs x
  if (clause.isTypeOnly) return "type";
  if (clause.name) return "value";
  const bindings = clause.namedBindings;
  if (!bindings || ts.isNamespaceImport(bindings)) return "value";
  return bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly) ? "type" : "value";
}

function exportKind(node: ts.ExportDeclaration): ImportKind {
  if (node.isTypeOnly) return "type";
  const clause = node.exportClause;
  if (clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly)) {
    return "type";
  }
  return "value";
}

function specifierText(node: ts.Expression | undefined): string | null {
  return node && ts.isStringLiteralLike(node) ? node.text : null;
}

/** importsOf lists every module a file names, with its kind (dynamic `import()` counts as value). */
export function importsOf(fileName: string, text: string): { spec: string; kind: ImportKind }[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const found: { spec: string; kind: ImportKind }[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) {
      const spec = specifierText(node.moduleSpecifier);
      if (spec) found.push({ spec, kind: importKind(node) });
    } else if (ts.isExportDeclaration(node)) {
      const spec = specifierText(node.moduleSpecifier);
      if (spec) found.push({ spec, kind: exportKind(node) });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const spec = specifierText(node.moduleReference.expression);
      if (spec) found.push({ spec, kind: node.isTypeOnly ? "type" : "value" });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      const spec = specifierText(node.argument.literal as ts.Expression);
      if (spec) found.push({ spec, kind: "type" });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const spec = specifierText(node.arguments[0]);
      if (spec) found.push({ spec, kind: "value" });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** toPosix turns a path under root into the `/`-separated, root-relative form used everywhere. */
export function toPosix(root: string, path: string): string {
  return relative(root, path).split(sep).join("/");
}

/** buildImportGraph reads every source file under the given folders of root and links their relative imports. */
export function buildImportGraph(root: string, folders: string[]): ImportGraph {
  const paths: string[] = [];
  for (const folder of folders) {
    const dir = join(root, folder);
    if (existsSync(dir)) walk(dir, paths);
  }
  const known = new Set(paths);
  const edges = new Map<string, ImportEdge>();
  for (const path of paths) {
    const from = toPosix(root, path);
    for (const { spec, kind } of importsOf(path, readFileSync(path, "utf8"))) {
      const target = resolveSpecifier(path, spec);
      if (!target || !known.has(target)) continue;
      const to = toPosix(root, target);
      if (to === from) continue;
      const key = `${from}\0${to}`;
      const prior = edges.get(key);
      if (!prior) edges.set(key, { from, to, kind });
      else if (kind === "value") prior.kind = "value";
    }
  }
  return {
    files: paths.map((p) => toPosix(root, p)).sort(),
    edges: [...edges.values()].sort((a, b) => (a.from + a.to).localeCompare(b.from + b.to)),
  };
}
