import { AppError } from "../shared/app-error.ts";
import type { NormalisedManifest } from "./manifest.ts";
import { parseServerJson } from "./manifest-server-json.ts";
import { parseSmitheryManifest } from "./manifest-smithery.ts";

/** ManifestFormat is a manifest format a publisher may send. */
export type ManifestFormat = "server.json" | "smithery.yaml";

function detect(bytes: Uint8Array, filename?: string): ManifestFormat {
  const lower = filename?.toLowerCase() ?? "";
  if (lower.endsWith(".json")) return "server.json";
  if (lower.endsWith(".yaml") || lower.endsWith(".yml")) return "smithery.yaml";
  if (lower.endsWith(".mcpb") || lower.endsWith(".tgz") || lower.endsWith(".tar.gz")) {
    throw new AppError("invalid", "a bundle or tarball is a package, not a manifest: publish it as the file itself (it is read by manifestFromPackage)", { details: [{ pointer: "/file", message: `${filename} is not a manifest` }] });
  }
  // Sniff: a JSON document starts with "{" after optional whitespace/BOM.
  for (const b of bytes.subarray(0, 64)) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0xef || b === 0xbb || b === 0xbf) continue;
    return b === 0x7b ? "server.json" : "smithery.yaml";
  }
  return "server.json";
}

/** parseManifest parses server.json or smithery.yaml, from an explicit format, the file name, or the content. */
export function parseManifest(bytes: Uint8Array, opts: { format?: ManifestFormat; filename?: string; version?: string } = {}): NormalisedManifest {
  const format = opts.format ?? detect(bytes, opts.filename);
  if (format === "server.json") {
    const m = parseServerJson(bytes);
    if (opts.version && opts.version !== m.version) {
      throw new AppError("invalid", `the version given (${opts.version}) differs from the manifest's (${m.version})`, { details: [{ pointer: "/version", message: "leave it out for server.json: the manifest says" }] });
    }
    return m;
  }
  return parseSmitheryManifest(bytes, { version: opts.version });
}
