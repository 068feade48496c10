import { describe, expect, it } from "bun:test";
import { withProgress } from "../../src/cli/progress.ts";

// A stand-in for stderr that records what was drawn; isTTY decides whether anything is.
function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, s: { isTTY, write: (t: string) => (writes.push(t), true) } as unknown as NodeJS.WriteStream };
}

describe("progress spinner", () => {
  it("turns on a terminal while slow work runs, then clears its line", async () => {
    const t = stream(true);
    expect(await withProgress("working", () => Bun.sleep(400).then(() => 7), t.s)).toBe(7);
    expect(t.writes.some((w) => w.includes("working"))).toBe(true);
    expect(t.writes.at(-1)).toBe("\r\x1b[2K");
  });

  it("draws nothing when stderr is not a terminal, or when the work is quick", async () => {
    const pipe = stream(false);
    await withProgress("working", () => Bun.sleep(300), pipe.s);
    expect(pipe.writes).toEqual([]);
    const quick = stream(true);
    await withProgress("working", async () => 1, quick.s);
    expect(quick.writes).toEqual([]);
  });

  it("clears the line even when the work fails", async () => {
    const t = stream(true);
    await expect(withProgress("working", () => Bun.sleep(300).then(() => Promise.reject(new Error("no"))), t.s)).rejects.toThrow("no");
    expect(t.writes.at(-1)).toBe("\r\x1b[2K");
  });
});
