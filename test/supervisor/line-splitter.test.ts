import { describe, expect, it } from "bun:test";
import { LineSplitter } from "../../src/supervisor/line-splitter.ts";

const enc = (s: string) => new TextEncoder().encode(s);

function split(chunks: string[], maxLineBytes: number, keepPrefix: boolean, end = true) {
  const out: [string, number][] = [];
  const s = new LineSplitter({ maxLineBytes, keepPrefix, onLine: (b, o) => out.push([new TextDecoder().decode(b), o]) });
  for (const c of chunks) s.push(enc(c));
  if (end) s.end();
  return out;
}

describe("LineSplitter", () => {
  it("joins lines split across chunks and splits chunks holding many lines", () => {
    expect(split(["ab", "c\nde\nf", "g\n"], 100, false)).toEqual([["abc", 0], ["de", 0], ["fg", 0]]);
  });

  it("keeps empty lines (the reader decides what they mean)", () => {
    expect(split(["\n\na\n"], 100, false)).toEqual([["", 0], ["", 0], ["a", 0]]);
  });

  it("drops an overlong line entirely and resyncs at the next newline", () => {
    expect(split(["12345", "678", "9\nok\n"], 5, false)).toEqual([["", 9], ["ok", 0]]);
  });

  it("keeps the prefix of an overlong line when asked", () => {
    expect(split(["123456789\nok\n"], 4, true)).toEqual([["1234", 5], ["ok", 0]]);
  });

  it("accepts a line of exactly the cap", () => {
    expect(split(["12345\n"], 5, false)).toEqual([["12345", 0]]);
  });

  it("delivers an unterminated last line on end, and nothing before it", () => {
    expect(split(["tail"], 100, false, false)).toEqual([]);
    expect(split(["tail"], 100, false)).toEqual([["tail", 0]]);
  });

  it("holds at most the cap while discarding a line that never ends", () => {
    const out: number[] = [];
    const s = new LineSplitter({ maxLineBytes: 1024, keepPrefix: false, onLine: (_b, o) => out.push(o) });
    const chunk = new Uint8Array(64 * 1024).fill(120);
    for (let i = 0; i < 100; i++) s.push(chunk);
    // No private state to inspect: a dropped line is reported as empty bytes plus its size.
    s.push(enc("\n"));
    expect(out).toEqual([100 * 64 * 1024]);
  });
});
