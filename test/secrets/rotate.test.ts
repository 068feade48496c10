import { afterEach, describe, expect, it } from "bun:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { upsertAdmin } from "../../src/accounts/users.ts";
import { openInstance } from "../../src/db/instance.ts";
import { setTestConfig, getTestConfig } from "../../src/deploy/test-config.ts";
import { createProfile, getProfile } from "../../src/profiles/profiles.ts";
import { keyFilePath, keyFileWatcher, readKeyFile } from "../../src/secrets/key-file.ts";
import { formatKey, generateKey, keyId } from "../../src/secrets/key-material.ts";
import { Keyring } from "../../src/secrets/keyring.ts";
import { openKeyring } from "../../src/secrets/open-keyring.ts";
import { storedKeyIds } from "../../src/secrets/sealed-columns.ts";
import { normaliseServerJson } from "../../src/registry/manifest-server-json.ts";
import { publishVersion } from "../../src/registry/publish.ts";
import { runHearth } from "../helpers/hearth-process.ts";
import { ENV_PACKAGE } from "../helpers/profiles.ts";
import { serverJson } from "../helpers/registry.ts";
import { tempDir } from "../helpers/temp.ts";

const SECRET = "sk-rotate-secret-5150";
const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

// A data dir with two stored secrets (a profile and a test config) under the key given, or a key file.
async function seeded(envKey?: Buffer) {
  const dir = tempDir("hearth-rotate-");
  cleanups.push(() => dir.cleanup());
  const { dbh } = openInstance(dir.path);
  const { keyring } = openKeyring(dbh, dir.path, envKey ? [envKey] : undefined);
  const { user } = await upsertAdmin(dbh.db, { email: "a@example.com", password: "admin password 1" });
  const p = publishVersion(dbh, user, { manifest: normaliseServerJson(serverJson("io.github.test/env", { packages: [ENV_PACKAGE] })) });
  const schema = { type: "object", properties: { API_KEY: { type: "string", "x-secret": true } }, required: ["API_KEY"] };
  const profile = createProfile(dbh, keyring, { userId: user.id, serverId: p.serverId, schema, name: "work", config: { API_KEY: SECRET } });
  setTestConfig(dbh, keyring, p.serverId, schema, { API_KEY: SECRET }, user.id);
  dbh.close();
  return { dir: dir.path, oldId: keyring.currentKeyId, profileId: profile.id, serverId: p.serverId, user };
}

function reopen(dir: string, envKey?: Buffer) {
  const { dbh } = openInstance(dir);
  cleanups.push(() => dbh.close());
  return { dbh, ...openKeyring(dbh, dir, envKey ? [envKey] : undefined) };
}

describe("hearth secrets rotate", () => {
  it("re-encrypts everything under a new key and replaces the key file atomically, mode 0600", async () => {
    const s = await seeded();
    const r = await runHearth(["secrets", "rotate", "--data", s.dir]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("re-encrypted 2 secrets with key");
    const st = statSync(keyFilePath(s.dir));
    expect(st.mode & 0o777).toBe(0o600);
    expect(readdirSync(s.dir).filter((f) => f.includes("secret.key"))).toEqual(["secret.key"]);
    const keys = readKeyFile(keyFilePath(s.dir));
    expect(keys.length).toBe(1);
    expect(keyId(keys[0]!)).not.toBe(s.oldId);
    const { dbh, keyring } = reopen(s.dir);
    expect(storedKeyIds(dbh)).toEqual([keyId(keys[0]!)]);
    expect(getProfile(dbh, keyring, s.profileId, s.user).config).toEqual({ API_KEY: SECRET });
    expect(getTestConfig(dbh, keyring, s.serverId)?.config).toEqual({ API_KEY: SECRET });
    expect(readFileSync(keyFilePath(s.dir), "utf8")).not.toContain(SECRET);
  });

  it("with HEARTH_SECRET_KEY, takes the new key from HEARTH_NEW_SECRET_KEY; the old key then no longer opens the database", async () => {
    const oldKey = generateKey();
    const newKey = generateKey();
    const s = await seeded(oldKey);
    const r = await runHearth(["secrets", "rotate", "--data", s.dir], { env: { HEARTH_SECRET_KEY: formatKey(oldKey), HEARTH_NEW_SECRET_KEY: formatKey(newKey) } });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`with key ${keyId(newKey)}. Now set HEARTH_SECRET_KEY`);
    expect(r.stdout + r.stderr).not.toContain(formatKey(newKey));
    const { dbh } = openInstance(s.dir);
    cleanups.push(() => dbh.close());
    expect(() => openKeyring(dbh, s.dir, [oldKey])).toThrow(/holds secrets encrypted with key/);
    expect(openKeyring(dbh, s.dir, [newKey]).keyring.currentKeyId).toBe(keyId(newKey));
  });

  it("with HEARTH_SECRET_KEY and no new key, says how to give one and changes nothing", async () => {
    const oldKey = generateKey();
    const s = await seeded(oldKey);
    const r = await runHearth(["secrets", "rotate", "--data", s.dir], { env: { HEARTH_SECRET_KEY: formatKey(oldKey) } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("put the new key in HEARTH_NEW_SECRET_KEY");
    const { dbh } = openInstance(s.dir);
    cleanups.push(() => dbh.close());
    expect(storedKeyIds(dbh)).toEqual([keyId(oldKey)]);
  });

  it("refuses a bad HEARTH_NEW_SECRET_KEY without echoing it", async () => {
    const s = await seeded();
    const r = await runHearth(["secrets", "rotate", "--data", s.dir], { env: { HEARTH_NEW_SECRET_KEY: "c2hvcnQ=" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("HEARTH_NEW_SECRET_KEY: the key decodes to 5 bytes");
    expect(r.stderr).not.toContain("c2hvcnQ=");
  });

  it("changes nothing, key file included, when one stored secret can't be opened", async () => {
    const s = await seeded();
    const { dbh } = openInstance(s.dir);
    // A value moved to another row: it names the right key but fails its integrity check.
    const sealed = (dbh.sqlite.query("SELECT config FROM profiles").get() as { config: string }).config;
    dbh.sqlite.query("UPDATE server_test_configs SET config = ?").run(sealed);
    dbh.close();
    const fileBefore = readFileSync(keyFilePath(s.dir), "utf8");
    const dbBefore = (() => {
      const { dbh: d } = openInstance(s.dir);
      const rows = d.sqlite.query("SELECT config FROM profiles UNION ALL SELECT config FROM server_test_configs").all();
      d.close();
      return rows;
    })();
    const r = await runHearth(["secrets", "rotate", "--data", s.dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/server_test_configs row \d+ can't be decrypted .*nothing was re-encrypted/);
    expect(readFileSync(keyFilePath(s.dir), "utf8")).toBe(fileBefore);
    const { dbh: after } = reopen(s.dir);
    expect(after.sqlite.query("SELECT config FROM profiles UNION ALL SELECT config FROM server_test_configs").all()).toEqual(dbBefore);
  });

  it("is followed by a running keyring reading the key file: old and new values open, new ones seal with the new key", async () => {
    const s = await seeded();
    const path = keyFilePath(s.dir);
    const running = new Keyring(readKeyFile(path), keyFileWatcher(path));
    const r = await runHearth(["secrets", "rotate", "--data", s.dir]);
    expect(r.code).toBe(0);
    const { dbh } = reopen(s.dir);
    const sealed = (dbh.sqlite.query("SELECT id, config FROM profiles").get() as { id: string; config: string });
    expect(running.open(sealed.config, `profile:${sealed.id}`)).toBe(JSON.stringify({ API_KEY: SECRET }));
    expect(running.currentKeyId).toBe(keyId(readKeyFile(path)[0]!));
  });
});
