import { Database } from "bun:sqlite";
import { afterEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { runHearth } from "../helpers/hearth-process.ts";
import { tempDir } from "../helpers/temp.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

// An instance with an admin (ops) and a plain user (dev), as the CLI sees it on disk.
async function instance(): Promise<string> {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const data = join(t.path, "data");
  expect((await runHearth(["admin", "create", "--data", data, "--email", "ops@example.com", "--password", "twelve chars!!"])).code).toBe(0);
  const db = new Database(join(data, "hearth.db"));
  db.query("INSERT INTO users (email, password_hash, role) VALUES ('dev@example.com', 'x', 'user')").run();
  db.close();
  return data;
}

describe("hearth team", () => {
  it("creates a team, adds and re-roles members, lists them", async () => {
    const data = await instance();
    const created = await runHearth(["team", "create", "acme", "--owner", "dev@example.com", "--data", data]);
    expect([created.code, created.stdout.trim()]).toEqual([0, "created team acme (namespace acme/…) owned by dev@example.com"]);
    // dev, an owner, manages members with the same rules as the API.
    expect((await runHearth(["team", "add", "acme", "--user", "ops@example.com", "--role", "publisher", "--as", "dev@example.com", "--data", data])).code).toBe(0);
    expect((await runHearth(["team", "list", "--as", "dev@example.com", "--data", data])).stdout.trim()).toBe("acme");
    const members = await runHearth(["team", "list", "acme", "--data", data]);
    expect(members.stdout.trim().split("\n").map((l) => l.split(/\s+/).join(" "))).toEqual(["owner dev@example.com", "publisher ops@example.com"]);
    expect((await runHearth(["team", "remove", "acme", "--user", "ops@example.com", "--data", data])).code).toBe(0);
  });

  it("says what is wrong: unknown user, unknown role, reserved name, last owner, missing name", async () => {
    const data = await instance();
    await runHearth(["team", "create", "acme", "--data", data]);
    const nobody = await runHearth(["team", "add", "acme", "--user", "nobody@example.com", "--data", data]);
    expect([nobody.code, nobody.stderr]).toEqual([2, expect.stringContaining("no user with email nobody@example.com")]);
    const role = await runHearth(["team", "add", "acme", "--user", "dev@example.com", "--role", "boss", "--data", data]);
    expect([role.code, role.stderr]).toEqual([2, expect.stringContaining("must be one of owner, publisher, member")]);
    const reserved = await runHearth(["team", "create", "api", "--data", data]);
    expect([reserved.code, reserved.stderr]).toEqual([2, expect.stringContaining("reserved")]);
    const last = await runHearth(["team", "remove", "acme", "--user", "ops@example.com", "--data", data]);
    expect([last.code, last.stderr]).toEqual([1, expect.stringContaining("last owner")]);
    expect((await runHearth(["team", "create", "--data", data])).code).toBe(2);
    // A plain user outside the team can't see it, let alone change it.
    const outsider = await runHearth(["team", "add", "acme", "--user", "dev@example.com", "--as", "dev@example.com", "--data", data]);
    expect([outsider.code, outsider.stderr]).toEqual([1, expect.stringContaining("no team named acme")]);
  });
});
