import { Database } from "bun:sqlite";
import { describe, expect, it } from "bun:test";
import { readdirSync, writeFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { migrations } from "../../migrations/index.ts";
import { openDatabase, openDataDir } from "../../src/db/client.ts";
import { migrate, migrationStatus } from "../../src/db/migrate.ts";
import { tempDir } from "../helpers/temp.ts";

const dir = join(import.meta.dir, "../../migrations");

describe("embedded migrations", () => {
  it("embed every .sql file drizzle-kit wrote, in journal order", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".sql")).map((f) => f.replace(/\.sql$/, "")).sort();
    const journal = JSON.parse(readFileSync(join(dir, "meta/_journal.json"), "utf8")) as { entries: { tag: string }[] };
    expect(migrations.map((m) => m.tag)).toEqual(files);
    expect(journal.entries.map((e) => e.tag)).toEqual(files);
  });

  it("apply once, then are a no-op", () => {
    const db = new Database(":memory:");
    expect(migrate(db)).toEqual(migrations.map((m) => m.tag));
    expect(migrate(db)).toEqual([]);
    expect(migrationStatus(db).pending).toEqual([]);
    db.close();
  });

  it("refuse a database written by a newer Hearth, without touching it", () => {
    const db = new Database(":memory:");
    migrate(db);
    db.query("INSERT INTO hearth_migrations (tag, hash, applied_at) VALUES ('9999_future', 'x', 0)").run();
    expect(() => migrate(db)).toThrow(/newer Hearth \(unknown migration 9999_future\)/);
    db.close();
  });

  it("refuse, in one line and without touching the database, an applied migration whose SQL changed since", () => {
    const t = tempDir();
    const file = join(t.path, "hearth.db");
    const db = new Database(file);
    const first = [{ tag: "0000_a", sql: "CREATE TABLE t0 (a);" }];
    migrate(db, first);
    db.close();
    const before = readFileSync(file);
    const edited = [{ tag: "0000_a", sql: "CREATE TABLE t0 (a, b);" }, { tag: "0001_b", sql: "CREATE TABLE t1 (a);" }];
    const again = new Database(file);
    expect(() => migrate(again, edited)).toThrow(/^migration 0000_a was changed after this database applied it[^\n]*$/);
    expect(again.query("SELECT name FROM sqlite_master WHERE name = 't1'").get()).toBeNull();
    again.close();
    expect(readFileSync(file).equals(before)).toBe(true);
    t.cleanup();
  });

  it("report a changed migration in the status, so /readyz is not ready", () => {
    const db = new Database(":memory:");
    migrate(db, [{ tag: "0000_a", sql: "CREATE TABLE t0 (a);" }]);
    expect(migrationStatus(db, [{ tag: "0000_a", sql: "CREATE TABLE t0 (b);" }]).changed).toEqual(["0000_a"]);
    expect(migrationStatus(db, [{ tag: "0000_a", sql: "CREATE TABLE t0 (a);" }]).changed).toEqual([]);
    db.close();
  });

  it("roll a failing migration back completely", () => {
    const db = new Database(":memory:");
    const bad = [{ tag: "0001_bad", sql: "CREATE TABLE t1 (a);\n--> statement-breakpoint\nTHIS IS NOT SQL;" }];
    expect(() => migrate(db, bad)).toThrow(/0001_bad failed and was rolled back/);
    expect(db.query("SELECT name FROM sqlite_master WHERE name = 't1'").get()).toBeNull();
    db.close();
  });
});

describe("opening the data dir", () => {
  it("refuses a corrupt database file and leaves it untouched", () => {
    const t = tempDir();
    const file = join(t.path, "hearth.db");
    const junk = "this is not a sqlite database, just text ".repeat(200);
    writeFileSync(file, junk);
    expect(() => openDatabase(file)).toThrow(/unreadable or corrupt .*restore it from a backup or move it aside/);
    expect(readFileSync(file, "utf8")).toBe(junk);
    t.cleanup();
  });

  it("refuses a data dir path that is a file", () => {
    const t = tempDir();
    const file = join(t.path, "plain-file");
    writeFileSync(file, "x");
    expect(() => openDataDir(file)).toThrow(/is a file, not a directory/);
    t.cleanup();
  });

  it("turns on WAL and foreign keys", () => {
    const t = tempDir();
    const h = openDataDir(t.path);
    expect((h.sqlite.query("PRAGMA journal_mode").get() as { journal_mode: string }).journal_mode).toBe("wal");
    expect((h.sqlite.query("PRAGMA foreign_keys").get() as { foreign_keys: number }).foreign_keys).toBe(1);
    h.close();
    t.cleanup();
  });
});
