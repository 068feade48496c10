import { describe, expect, it } from "bun:test";
import { AppError } from "../../src/shared/app-error.ts";
import { MAX_MANIFEST_BYTES, MAX_MANIFEST_DEPTH } from "../../src/registry/manifest-input.ts";
import { parseMcpbManifest } from "../../src/registry/manifest-mcpb.ts";
import { parseServerJson } from "../../src/registry/manifest-server-json.ts";
import { parseSmitheryManifest } from "../../src/registry/manifest-smithery.ts";

function caught(fn: () => unknown): AppError {
  try {
    fn();
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected an AppError");
}

const parsers: Array<[string, (input: string | Uint8Array) => unknown]> = [
  ["server.json", (i) => parseServerJson(i)],
  ["smithery.yaml", (i) => parseSmitheryManifest(i, { name: "acme/x", version: "1.0.0" })],
  ["mcpb manifest.json", (i) => parseMcpbManifest(i)],
];

describe.each(parsers)("%s input limits", (_name, parse) => {
  it("refuses a 5 MB manifest with a size error before parsing", () => {
    // Not valid JSON or YAML on purpose: a size error proves nothing was parsed.
    const big = "{" + " ".repeat(5 * 1024 * 1024);
    const e = caught(() => parse(big));
    expect(e.code).toBe("too_large");
    expect(e.details[0]?.message).toContain(`the limit is ${MAX_MANIFEST_BYTES} bytes`);
    expect(caught(() => parse(new TextEncoder().encode(big))).code).toBe("too_large");
  });

  it("refuses invalid UTF-8 bytes with a clear error", () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0x6e, 0xff, 0xfe, 0x22, 0x7d]);
    const e = caught(() => parse(bytes));
    expect(e.code).toBe("invalid");
    expect(e.message).toBe("manifest is not valid UTF-8");
  });

  it("refuses deeply nested documents", () => {
    const deep = "[".repeat(100_000) + "]".repeat(100_000);
    const e = caught(() => parse(deep));
    expect(e.code).toBe("invalid");
    expect(e.message).toBe("manifest is nested too deeply");
  });
});

describe("nesting limit", () => {
  it("counts brackets inside strings as text", () => {
    const description = "[".repeat(MAX_MANIFEST_DEPTH * 2);
    const m = parseServerJson(JSON.stringify({ name: "io.github.acme/x", description: description.slice(0, 100), version: "1.0.0" }));
    expect(m.description).toBe(description.slice(0, 100));
  });

  it("refuses YAML nested by indentation", () => {
    const yaml = Array.from({ length: MAX_MANIFEST_DEPTH + 5 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n") + " 1\n";
    expect(caught(() => parseSmitheryManifest(yaml, { name: "acme/x", version: "1.0.0" })).message).toBe(
      "manifest is nested too deeply",
    );
  });

  it("accepts a UTF-8 byte order mark", () => {
    const text = JSON.stringify({ name: "io.github.acme/x", description: "x", version: "1.0.0" });
    const bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text)]);
    expect(parseServerJson(bytes).name).toBe("io.github.acme/x");
  });
});
