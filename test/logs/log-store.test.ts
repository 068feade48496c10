import { afterEach, describe, expect, it } from "bun:test";
import { LogStore } from "../../src/logs/log-store.ts";
import { tempDir } from "../helpers/temp.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});
function store(opts = {}) {
  const t = tempDir("hearth-logs-");
  const s = new LogStore(t.path, opts);
  cleanups.push(t.cleanup, () => s.close());
  return { s, dir: t.path };
}

describe("LogStore", () => {
  it("persists lines per server and survives a reopen", () => {
    const { s, dir } = store();
    s.append("a/x", { at: Date.now(), stream: "stderr", text: "one" });
    s.append("b/y", { at: Date.now(), stream: "hearth", text: "other" });
    s.append("a/x", { at: Date.now(), stream: "stderr", text: "two" });
    expect(s.tail("a/x", 10).map((l) => l.text)).toEqual(["one", "two"]);
    s.close();
    cleanups.pop();
    const again = new LogStore(dir);
    cleanups.push(() => again.close());
    expect(again.tail("b/y", 10).map((l) => l.text)).toEqual(["other"]);
  });

  it("keeps at most maxLinesPerServer per server and drops old lines", () => {
    const { s } = store({ maxLinesPerServer: 100, maxAgeMs: 1000 });
    for (let i = 0; i < 1000; i++) s.append("a/x", { at: Date.now(), stream: "stderr", text: `line ${i}` });
    s.append("a/old", { at: Date.now() - 5000, stream: "stderr", text: "ancient" });
    s.flush();
    s.prune();
    const kept = s.tail("a/x", 5000);
    expect(kept.length).toBe(100);
    expect(kept.at(-1)!.text).toBe("line 999");
    expect(s.tail("a/old", 10)).toEqual([]);
  });
});
