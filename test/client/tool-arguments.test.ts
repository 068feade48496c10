import { describe, expect, it } from "bun:test";
import { toolArguments } from "../../src/client/tool-arguments.ts";

const schema = {
  type: "object",
  properties: {
    text: { type: "string" },
    count: { type: "integer" },
    ratio: { type: "number" },
    on: { type: "boolean" },
    tags: { type: "array", items: { type: "string" } },
    opts: { type: "object" },
    level: { enum: [1, 2, 3] },
    loose: {},
  },
  required: ["text"],
  additionalProperties: false,
};

describe("tool arguments from k=v", () => {
  it("types each value by the input schema", () => {
    expect(toolArguments("t", ["text=42", "count=3", "ratio=0.5", "on=yes", "tags=a,b", 'opts={"x":1}', "level=2", "loose=true"], schema)).toEqual({
      text: "42",
      count: 3,
      ratio: 0.5,
      on: true,
      tags: ["a", "b"],
      opts: { x: 1 },
      level: 2,
      loose: true,
    });
  });

  it("keeps everything after the first = in the value", () => {
    expect(toolArguments("t", ["text=a=b"], schema)).toEqual({ text: "a=b" });
  });

  it("lists every problem: bad values, unknown names, missing required, no =", () => {
    let details: { pointer: string; message: string }[] = [];
    try {
      toolArguments("t", ["count=three", "nope=1", "ratio=", "bare"], schema);
    } catch (e) {
      details = (e as { details: typeof details }).details;
    }
    expect(details).toEqual([
      { pointer: "count", message: 'count must be an integer, got "three"' },
      { pointer: "nope", message: "t takes no argument nope; it takes: text, count, ratio, on, tags, opts, level, loose" },
      { pointer: "ratio", message: 'ratio must be a number, got ""' },
      { pointer: "bare", message: "expected key=value" },
      { pointer: "text", message: "is required (text=…)" },
    ]);
  });

  it("ignores __proto__ tricks", () => {
    const out = toolArguments("t", ['__proto__={"polluted":1}'], { type: "object" });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(out)).toEqual(["__proto__"]);
  });
});
