import { afterEach, describe, expect, it } from "bun:test";
import { audit, listAudit, pruneAudit } from "../../src/audit/audit-log.ts";
import { openMemoryDatabase, type DbHandle } from "../../src/db/client.ts";
import { migrate } from "../../src/db/migrate.ts";

let dbh: DbHandle;
afterEach(() => dbh?.close());

function fresh(): DbHandle {
  dbh = openMemoryDatabase();
  migrate(dbh.sqlite);
  return dbh;
}

describe("audit log", () => {
  it("records who, what, when, from where, target and outcome", () => {
    const { db } = fresh();
    audit(db, { action: "key.create", outcome: "ok", actorUserId: 7, actor: "a@x.io", target: "key #3", ip: "10.0.0.1", detail: "scopes read", at: 1000 });
    expect(listAudit(db, {}, 1, 10).events).toEqual([{ id: 1, at: 1000, actorUserId: 7, actor: "a@x.io", action: "key.create", target: "key #3", outcome: "ok", ip: "10.0.0.1", detail: "scopes read" }]);
  });

  it("filters by action, action prefix, actor substring and outcome, newest first, paged", () => {
    const { db } = fresh();
    audit(db, { action: "auth.signin", outcome: "fail", actor: "eve@x.io" });
    audit(db, { action: "auth.signin", outcome: "ok", actor: "Ann@x.io" });
    audit(db, { action: "auth.signout", outcome: "ok", actor: "ann@x.io" });
    audit(db, { action: "server.publish", outcome: "ok", actor: "ann@x.io" });
    const actions = (f: Parameters<typeof listAudit>[1]) => listAudit(db, f, 1, 10).events.map((e) => `${e.action}:${e.outcome}`);
    expect(actions({ action: "auth.signin" })).toEqual(["auth.signin:ok", "auth.signin:fail"]);
    expect(actions({ action: "auth." })).toEqual(["auth.signout:ok", "auth.signin:ok", "auth.signin:fail"]);
    expect(actions({ actor: "ANN" })).toEqual(["server.publish:ok", "auth.signout:ok", "auth.signin:ok"]);
    expect(actions({ outcome: "fail" })).toEqual(["auth.signin:fail"]);
    expect(listAudit(db, {}, 1, 3).more).toBe(true);
    expect(listAudit(db, {}, 2, 3)).toMatchObject({ more: false, events: [{ actor: "eve@x.io" }] });
  });

  it("matches the actor filter literally (no LIKE wildcards)", () => {
    const { db } = fresh();
    audit(db, { action: "auth.signin", outcome: "ok", actor: "ann@x.io" });
    expect(listAudit(db, { actor: "%" }, 1, 10).events).toEqual([]);
    expect(listAudit(db, { actor: "_" }, 1, 10).events).toEqual([]);
  });

  it("keeps retention bounds: by age and by count", () => {
    const { db } = fresh();
    const now = 10_000_000;
    for (let i = 0; i < 10; i++) audit(db, { action: "auth.signin", outcome: "ok", actor: `u${i}`, at: now - (10 - i) * 1000 });
    expect(pruneAudit(db, { maxAgeMs: 5500, maxRows: 1000 }, now)).toBe(5);
    expect(pruneAudit(db, { maxAgeMs: 1e12, maxRows: 2 }, now)).toBe(3);
    expect(listAudit(db, {}, 1, 10).events.map((e) => e.actor)).toEqual(["u9", "u8"]);
  });

  it("prunes by itself as it writes", () => {
    const { db } = fresh();
    for (let i = 0; i < 600; i++) audit(db, { action: "auth.signin", outcome: "ok", actor: `u${i}` }, { maxAgeMs: 1e12, maxRows: 100 });
    const n = (dbh.sqlite.query("SELECT count(*) AS n FROM audit_events").get() as { n: number }).n;
    expect(n).toBeLessThanOrEqual(200);
  });

  it("never throws into the caller, even when the database is gone", () => {
    const { db } = fresh();
    dbh.close();
    expect(() => audit(db, { action: "auth.signout", outcome: "ok", actor: "a" })).not.toThrow();
    dbh = openMemoryDatabase();
  });

  it("truncates oversized fields instead of failing", () => {
    const { db } = fresh();
    audit(db, { action: "auth.signin", outcome: "fail", actor: "x".repeat(5000), detail: "y".repeat(5000) });
    const e = listAudit(db, {}, 1, 1).events[0]!;
    expect(e.actor.length).toBe(300);
    expect(e.detail!.length).toBe(1000);
  });
});
