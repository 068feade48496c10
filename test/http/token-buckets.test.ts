import { describe, expect, it } from "bun:test";
import { TokenBuckets } from "../../src/http/token-buckets.ts";

describe("TokenBuckets", () => {
  it("allows a burst of count, then says how long until the next token", () => {
    let t = 0;
    const b = new TokenBuckets({ count: 3, perMs: 60_000 }, 100, () => t);
    expect([b.take("a"), b.take("a"), b.take("a")]).toEqual([0, 0, 0]);
    expect(b.take("a")).toBe(20_000);
    t = 10_000;
    expect(b.take("a")).toBe(10_000);
  });

  it("refills evenly over the window and never beyond the burst", () => {
    let t = 0;
    const b = new TokenBuckets({ count: 2, perMs: 1000 }, 100, () => t);
    b.take("a");
    b.take("a");
    t = 500;
    expect(b.take("a")).toBe(0);
    expect(b.take("a")).toBeGreaterThan(0);
    t = 1_000_000;
    expect([b.take("a"), b.take("a"), b.take("a") > 0]).toEqual([0, 0, true]);
  });

  it("keeps keys apart", () => {
    const b = new TokenBuckets({ count: 1, perMs: 60_000 }, 100, () => 0);
    expect(b.take("a")).toBe(0);
    expect(b.take("a")).toBeGreaterThan(0);
    expect(b.take("b")).toBe(0);
  });

  it("bounds memory by dropping the least recently used key", () => {
    const b = new TokenBuckets({ count: 1, perMs: 60_000 }, 3, () => 0);
    for (const k of ["a", "b", "c"]) b.take(k);
    b.take("a");
    b.take("d");
    expect(b.size).toBe(3);
    expect(b.take("a")).toBeGreaterThan(0); // still tracked: it was used recently
    expect(b.take("b")).toBe(0); // dropped, so it starts full again
  });
});
