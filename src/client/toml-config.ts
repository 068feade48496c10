// Edits TOML client configs (Codex's config.toml) with smol-toml for parsing and printing. A server
// is its own `[section.name]` table, so it is replaced as a block of text: the rest of the file,
// comments included, stays byte for byte. If the text edit can't be proven right by re-parsing (an
// inline table, say), the whole document is re-printed instead: correct, though comments are lost.
import { parse, stringify, TomlError } from "smol-toml";
import { isRecord, malformed, valueAt, type ConfigText } from "./config-text.ts";

// A table header line names `path` or one of its subtables, in bare, "basic" or 'literal' keys.
function headerNames(line: string, path: string[]): boolean {
  const m = /^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/.exec(line);
  if (!m?.[1]) return false;
  const keys = m[1].match(/"(?:[^"\\]|\\.)*"|'[^']*'|[^.\s]+/g) ?? [];
  const plain = keys.map((k) => (k.startsWith('"') ? (JSON.parse(k) as string) : k.startsWith("'") ? k.slice(1, -1) : k));
  return path.every((p, i) => plain[i] === p);
}

const isHeader = (line: string) => /^\s*\[/.test(line);

function withoutTable(text: string, path: string[]): string {
  const lines = text.split("\n");
  const out: string[] = [];
  let skipping = false;
  for (const line of lines) {
    if (isHeader(line)) skipping = headerNames(line, path);
    if (!skipping) out.push(line);
  }
  return out.join("\n");
}

function setIn(doc: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(doc);
  let node = copy;
  for (const k of path.slice(0, -1)) {
    if (!isRecord(node[k])) node[k] = {};
    node = node[k] as Record<string, unknown>;
  }
  const last = path.at(-1) as string;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return copy;
}

/** parseTomlConfig parses a TOML config file, refusing it with line and column when broken. */
export function parseTomlConfig(text: string, file: string): ConfigText {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) throw malformed(file, "TOML", e.line, e.column, e.message.split("\n")[0]!.replace(/^Invalid TOML document: /, ""));
    throw e;
  }
  return {
    get: (path) => valueAt(doc, path),
    with(path, value) {
      const want = setIn(doc, path, value);
      let out = withoutTable(text, path).replace(/\n{3,}$/, "\n\n").trimEnd();
      if (value !== undefined) {
        let block: Record<string, unknown> = { [path.at(-1) as string]: value };
        for (const k of path.slice(0, -1).reverse()) block = { [k]: block };
        // The parent tables must stay implicit, or a second `[mcp_servers]` header would be a duplicate.
        const printed = stringify(block).replace(/^\[[^\n]*\]\n(?=\[)/gm, "").trim();
        out = `${out}${out ? "\n\n" : ""}${printed}`;
      }
      out = out ? `${out}\n` : "";
      try {
        if (Bun.deepEquals(parse(out), want)) return out;
      } catch {
        // fall through to re-printing the document
      }
      return stringify(want) + "\n";
    },
  };
}
