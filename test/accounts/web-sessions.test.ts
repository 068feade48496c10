import { afterEach, describe, expect, it } from "bun:test";
import { createWebSession, pruneWebSessionsEvery } from "../../src/accounts/web-sessions.ts";
import { openInstance } from "../../src/db/instance.ts";
import { startHearth } from "../helpers/hearth-process.ts";
import { tempDir } from "../helpers/temp.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function dataDir() {
  const dir = tempDir("hearth-web-sessions-");
  cleanups.push(() => dir.cleanup());
  const { dbh } = openInstance(dir.path);
  dbh.sqlite.exec("INSERT INTO users (email, password_hash) VALUES ('u@example.com', 'x')");
  return { dir: dir.path, dbh };
}

const expire = (sqlite: { exec(sql: string): void }) => sqlite.exec("UPDATE web_sessions SET expires_at = 1");
const count = (sqlite: { query(sql: string): { get(): unknown } }) => (sqlite.query("SELECT count(*) AS n FROM web_sessions").get() as { n: number }).n;

describe("pruning expired web sessions", () => {
  it("deletes expired sessions on its timer, keeps live ones, and stops when told", async () => {
    const { dbh } = dataDir();
    cleanups.push(() => dbh.close());
    const stop = pruneWebSessionsEvery(dbh.db, 10);
    createWebSession(dbh.db, 1);
    expire(dbh.sqlite);
    createWebSession(dbh.db, 1);
    while (count(dbh.sqlite) > 1) await Bun.sleep(5);
    expect(count(dbh.sqlite)).toBe(1);
    stop();
    createWebSession(dbh.db, 1);
    expire(dbh.sqlite);
    await Bun.sleep(50);
    expect(count(dbh.sqlite)).toBe(2);
  });

  it("hearth serve deletes the web sessions that expired while it was stopped", async () => {
    const { dir, dbh } = dataDir();
    createWebSession(dbh.db, 1);
    createWebSession(dbh.db, 1);
    dbh.sqlite.exec("UPDATE web_sessions SET expires_at = 1 WHERE rowid = 1");
    dbh.close();
    const h = await startHearth({ data: dir });
    const after = openInstance(dir);
    const left = count(after.dbh.sqlite);
    after.dbh.close();
    expect(await h.stop()).toBe(0);
    expect(left).toBe(1);
  });
});
