// Edits JSON client configs in place with jsonc-parser, so the user's comments, key order and
// indentation survive (VS Code's and Cline's files are JSONC; the others are plain JSON).
import { applyEdits, modify, parse, printParseErrorCode, type ParseError } from "jsonc-parser";
import { isRecord, lineColumn, malformed, valueAt, type ConfigText } from "./config-text.ts";

function indentOf(text: string): { insertSpaces: boolean; tabSize: number } {
  const m = /\n([ \t]+)\S/.exec(text);
  if (m?.[1]?.startsWith("\t")) return { insertSpaces: false, tabSize: 1 };
  return { insertSpaces: true, tabSize: m?.[1]?.length ?? 2 };
}

/** parseJsonConfig parses a JSON (or JSONC) config file, refusing it with line and column when broken. */
export function parseJsonConfig(raw: string, file: string): ConfigText {
  const text = raw.trim() === "" ? "{}\n" : raw;
  const errors: ParseError[] = [];
  const doc = parse(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false }) as unknown;
  const first = errors[0];
  if (first) {
    const { line, column } = lineColumn(text, first.offset);
    throw malformed(file, "JSON", line, column, printParseErrorCode(first.error));
  }
  if (!isRecord(doc)) throw malformed(file, "JSON", 1, 1, "the file must hold a JSON object");
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  return {
    get: (path) => valueAt(doc, path),
    with(path, value) {
      // A section that is there but not an object can't hold servers: say so rather than clobber it.
      for (let i = 1; i < path.length; i++) {
        const v = valueAt(doc, path.slice(0, i));
        if (v !== undefined && !isRecord(v)) throw malformed(file, "JSON", 1, 1, `"${path.slice(0, i).join(".")}" is not an object`);
      }
      const edits = modify(text, path, value, { formattingOptions: { ...indentOf(text), eol } });
      const out = applyEdits(text, edits);
      return out.endsWith(eol) ? out : out + eol;
    },
  };
}
