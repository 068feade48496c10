import { describe, expect, it } from "bun:test";
import { LogRing, truncateUtf8 } from "../../src/supervisor/log-ring.ts";

describe("LogRing", () => {
  it("returns the last n lines oldest first", () => {
    const ring = new LogRing();
    for (const text of ["a", "b", "c"]) ring.push("stderr", text, 1);
    expect(ring.tail(2)).toEqual([
      { at: 1, stream: "stderr", text: "b" },
      { at: 1, stream: "stderr", text: "c" },
    ]);
  });

  it("evicts the oldest lines past maxLines", () => {
    const ring = new LogRing({ maxLines: 3 });
    for (let i = 0; i < 10; i++) ring.push("stderr", String(i));
    expect(ring.tail().map((l) => l.text)).toEqual(["7", "8", "9"]);
    expect(ring.stats()).toEqual({ lines: 3, bytes: 3, evicted: 7 });
  });

  it("evicts the oldest lines past maxBytes, counting UTF-8 bytes", () => {
    const ring = new LogRing({ maxBytes: 10, maxLineBytes: 10 });
    ring.push("stderr", "ééé"); // 6 bytes
    ring.push("stderr", "abcd"); // 4 bytes: exactly full
    ring.push("stderr", "x");
    expect(ring.tail().map((l) => l.text)).toEqual(["abcd", "x"]);
    expect(ring.stats().bytes).toBe(5);
  });

  it("filters the tail by stream", () => {
    const ring = new LogRing();
    ring.push("hearth", "running");
    ring.push("stderr", "boom");
    ring.push("hearth", "failed");
    expect(ring.tail(5, "stderr").map((l) => l.text)).toEqual(["boom"]);
    expect(ring.tail(1, "hearth").map((l) => l.text)).toEqual(["failed"]);
  });

  it("truncates one huge line instead of letting it flush the ring", () => {
    const ring = new LogRing({ maxBytes: 1000, maxLineBytes: 100 });
    ring.push("stderr", "kept");
    ring.push("stderr", "y".repeat(1_000_000));
    const [kept, huge] = ring.tail().map((l) => l.text);
    expect(kept).toBe("kept");
    expect(Buffer.byteLength(huge ?? "")).toBe(100);
    expect(huge).toEndWith("y …[truncated]");
  });

  it("refuses nonsense bounds when built", () => {
    expect(() => new LogRing({ maxLines: 0 })).toThrow("LogRing option maxLines must be a positive integer, got 0");
  });
});

describe("truncateUtf8", () => {
  it("never splits a multi-byte character", () => {
    const cut = truncateUtf8("☃".repeat(100), 80);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(80);
    expect(cut).not.toContain("\uFFFD");
    expect(cut).toEndWith("☃ …[truncated]");
  });

  it("leaves short text alone", () => {
    expect(truncateUtf8("hello", 5)).toBe("hello");
  });
});
