import { afterEach, describe, expect, it } from "bun:test";
import { Database } from "bun:sqlite";
import { join } from "node:path";
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

  it("keeps each line's session id, and reads lines without one as before", () => {
    const { s } = store();
    s.append("a/x", { at: Date.now(), stream: "stderr", text: "from a session", session: "0123abcd" });
    s.append("a/x", { at: Date.now(), stream: "hearth", text: "no session" });
    expect(s.tail("a/x", 10).map(({ text, session }) => ({ text, session }))).toEqual([
      { text: "from a session", session: "0123abcd" },
      { text: "no session", session: undefined },
    ]);
  });

  it("adds the session column to a logs.db written before it existed, keeping its lines", () => {
    const t = tempDir("hearth-logs-old-");
    cleanups.push(t.cleanup);
    const old = new Database(join(t.path, "logs.db"), { create: true, strict: true });
    old.exec("CREATE TABLE server_logs (id INTEGER PRIMARY KEY AUTOINCREMENT, server TEXT NOT NULL, at INTEGER NOT NULL, stream TEXT NOT NULL, text TEXT NOT NULL)");
    old.query("INSERT INTO server_logs (server, at, stream, text) VALUES ('a/x', ?, 'stderr', 'old line')").run(Date.now());
    old.close();
    const s = new LogStore(t.path);
    cleanups.push(() => s.close());
    s.append("a/x", { at: Date.now(), stream: "stderr", text: "new line", session: "feedbeef" });
    expect(s.tail("a/x", 10).map(({ text, session }) => ({ text, session }))).toEqual([
      { text: "old line", session: undefined },
      { text: "new line", session: "feedbeef" },
    ]);
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
