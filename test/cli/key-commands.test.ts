import { afterEach, describe, expect, it } from "bun:test";
import { join } from "node:path";
import { createApiKey } from "../../src/accounts/api-keys.ts";
import { openInstance } from "../../src/db/instance.ts";
import { runHearth } from "../helpers/hearth-process.ts";
import { tempDir } from "../helpers/temp.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function withKey(): Promise<{ data: string; key: string }> {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const data = join(t.path, "data");
  await runHearth(["admin", "create", "--data", data, "--email", "ops@example.com", "--password", "twelve chars!!"]);
  const k = await runHearth(["key", "create", "--data", data, "--user", "ops@example.com", "--name", "laptop", "--scopes", "read,publish", "--namespace", "acme"]);
  return { data, key: k.stdout.trim().split("\n").at(-1)! };
}

describe("hearth key list / revoke", () => {
  it("lists keys by prefix with scopes, namespace and state, never the secret", async () => {
    const { data, key } = await withKey();
    const r = await runHearth(["key", "list", "--data", data]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`${key.slice(0, 16)}_…`);
    expect(r.stdout).not.toContain(key.slice(17));
    expect(r.stdout).toMatch(/laptop\s+read,publish\s+acme\s+-\s+-\s+active/);
    const json = await runHearth(["key", "list", "--data", data, "--json", "--user", "ops@example.com"]);
    expect(JSON.parse(json.stdout.trim())).toMatchObject({ prefix: key.slice(0, 16), name: "laptop", state: "active" });
    expect(json.stdout).not.toContain("hash");
  });

  it("revokes by prefix, and says so when it was already revoked", async () => {
    const { data, key } = await withKey();
    const r = await runHearth(["key", "revoke", key.slice(0, 16), "--data", data]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("revoked key #1");
    expect((await runHearth(["key", "list", "--data", data])).stdout).toMatch(/revoked\s*$/m);
    expect((await runHearth(["key", "revoke", "1", "--data", data])).stdout).toContain("already revoked");
  });

  it("revokes the keys a key made along with it, and says how many", async () => {
    const { data } = await withKey();
    const { dbh } = openInstance(data);
    const child = createApiKey(dbh.db, 1, { name: "copy", scopes: ["read"], namespace: "acme" }, { parentKeyId: 1 });
    const grandchild = createApiKey(dbh.db, 1, { name: "copy of copy", scopes: ["read"], namespace: "acme" }, { parentKeyId: child.id });
    dbh.close();
    const r = await runHearth(["key", "revoke", "1", "--data", data]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("revoked key #1");
    expect(r.stdout).toContain("and the 2 keys made with it");
    const states = (await runHearth(["key", "list", "--data", data, "--json"])).stdout.trim().split("\n").map((l) => JSON.parse(l) as { id: number; state: string; parentKeyId: number | null });
    expect(states.map((k) => [k.id, k.state, k.parentKeyId])).toEqual([
      [grandchild.id, "revoked", child.id],
      [child.id, "revoked", 1],
      [1, "revoked", null],
    ]);
  });

  it("refuses an unknown key, a missing argument, and an unknown user", async () => {
    const { data } = await withKey();
    const unknown = await runHearth(["key", "revoke", "hth_AAAAAAAAAAAA", "--data", data]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no key hth_AAAAAAAAAAAA");
    const none = await runHearth(["key", "revoke", "--data", data]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("give one key");
    const who = await runHearth(["key", "list", "--data", data, "--user", "x@example.com"]);
    expect(who.code).toBe(2);
    expect(who.stderr).toContain("no user with email x@example.com");
  });
});

describe("hearth user invite", () => {
  it("prints a one-time link under the public URL, and refuses bad input", async () => {
    const { data } = await withKey();
    const r = await runHearth(["user", "invite", "--data", data, "--email", "new@example.com", "--public-url", "https://hearth.example"]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toMatch(/^https:\/\/hearth\.example\/invite\/[A-Za-z0-9_-]{43}$/);
    const dup = await runHearth(["user", "invite", "--data", data, "--email", "ops@example.com"]);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("ops@example.com already has an account");
    const days = await runHearth(["user", "invite", "--data", data, "--email", "x@example.com", "--expires", "1y"]);
    expect(days.code).toBe(2);
    expect(days.stderr).toContain("give a number of days from 1 to 90");
    const role = await runHearth(["user", "invite", "--data", data, "--email", "x@example.com", "--role", "root"]);
    expect(role.code).toBe(2);
    expect(role.stderr).toContain("role must be admin or user");
  });
});
