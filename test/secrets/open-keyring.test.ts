import { afterEach, describe, expect, it } from "bun:test";
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { openInstance } from "../../src/db/instance.ts";
import { keyFilePath } from "../../src/secrets/key-file.ts";
import { formatKey, generateKey } from "../../src/secrets/key-material.ts";
import { openKeyring } from "../../src/secrets/open-keyring.ts";
import { tempDir } from "../helpers/temp.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

function instance() {
  const dir = tempDir("hearth-keys-");
  const { dbh } = openInstance(dir.path);
  cleanups.push(() => dir.cleanup(), () => dbh.close());
  return { dir: dir.path, dbh };
}

// A stored secret, as profiles store them (raw insert: this test is about the key, not profiles).
function storeSecret(dbh: ReturnType<typeof instance>["dbh"], sealed: string) {
  dbh.sqlite.exec("INSERT INTO users (email, password_hash) VALUES ('u@example.com', 'x')");
  dbh.sqlite.exec("INSERT INTO namespaces (name, kind) VALUES ('ns', 'user')");
  dbh.sqlite.exec("INSERT INTO servers (namespace_id, qualified_name, description) VALUES (1, 'ns/s', 'd')");
  dbh.sqlite.query("INSERT INTO profiles (id, user_id, server_id, name, config) VALUES ('p1', 1, 1, 'n', ?)").run(sealed);
}

describe("openKeyring", () => {
  it("creates a 0600 key file on first run and reuses it after", () => {
    const { dir, dbh } = instance();
    const first = openKeyring(dbh, dir, undefined);
    expect(first.source).toEqual({ kind: "file", path: keyFilePath(dir), created: true });
    expect(statSync(keyFilePath(dir)).mode & 0o777).toBe(0o600);
    const again = openKeyring(dbh, dir, undefined);
    expect(again.source.kind === "file" && again.source.created).toBe(false);
    expect(again.keyring.currentKeyId).toBe(first.keyring.currentKeyId);
  });

  it("refuses a key file other users can read, saying how to fix it", () => {
    const { dir, dbh } = instance();
    openKeyring(dbh, dir, undefined);
    chmodSync(keyFilePath(dir), 0o644);
    expect(() => openKeyring(dbh, dir, undefined)).toThrow(/readable by other users \(mode 644\): run `chmod 600 .*secret\.key`/);
  });

  it("refuses a key file that holds no valid key", () => {
    const { dir, dbh } = instance();
    writeFileSync(keyFilePath(dir), "short\n", { mode: 0o600 });
    expect(() => openKeyring(dbh, dir, undefined)).toThrow(/secret key file .* is not valid/);
  });

  it("uses HEARTH_SECRET_KEY without writing a key file", () => {
    const { dir, dbh } = instance();
    const r = openKeyring(dbh, dir, [generateKey()]);
    expect(r.source).toEqual({ kind: "env" });
    expect(existsSync(keyFilePath(dir))).toBe(false);
  });

  it("refuses to start when the database holds secrets and no key is given, creating nothing", () => {
    const { dir, dbh } = instance();
    const env = openKeyring(dbh, dir, [generateKey()]);
    storeSecret(dbh, env.keyring.seal("{}", "profile:p1"));
    const before = readFileSync(join(dir, "hearth.db"));
    expect(() => openKeyring(dbh, dir, undefined)).toThrow(/holds encrypted secrets but no key was given: set HEARTH_SECRET_KEY .*nothing was changed/);
    expect(existsSync(keyFilePath(dir))).toBe(false);
    expect(readFileSync(join(dir, "hearth.db")).equals(before)).toBe(true);
  });

  it("refuses a wrong HEARTH_SECRET_KEY, naming both key ids", () => {
    const { dir, dbh } = instance();
    const right = openKeyring(dbh, dir, [generateKey()]);
    storeSecret(dbh, right.keyring.seal("{}", "profile:p1"));
    expect(() => openKeyring(dbh, dir, [generateKey()])).toThrow(new RegExp(`encrypted with key ${right.keyring.currentKeyId} but HEARTH_SECRET_KEY is key \\w+`));
  });

  it("accepts the right key given as HEARTH_SECRET_KEY in place of the file", () => {
    const { dir, dbh } = instance();
    const file = openKeyring(dbh, dir, undefined);
    storeSecret(dbh, file.keyring.seal("{}", "profile:p1"));
    const key = readFileSync(keyFilePath(dir), "utf8").trim();
    expect(openKeyring(dbh, dir, [Buffer.from(key, "base64")]).keyring.currentKeyId).toBe(file.keyring.currentKeyId);
    expect(formatKey(Buffer.from(key, "base64"))).toBe(key);
  });
});

describe("describeSecretKey (hearth doctor)", () => {
  it("says where the key comes from without creating anything", async () => {
    const { describeSecretKey } = await import("../../src/secrets/key-status.ts");
    const { dir, dbh } = instance();
    expect(describeSecretKey(dir, undefined).text).toContain("none yet: hearth serve creates");
    expect(existsSync(keyFilePath(dir))).toBe(false);
    const r = openKeyring(dbh, dir, undefined);
    expect(describeSecretKey(dir, undefined)).toEqual({ ok: true, text: `from ${keyFilePath(dir)} (key ${r.keyring.currentKeyId})` });
    chmodSync(keyFilePath(dir), 0o644);
    expect(describeSecretKey(dir, undefined).ok).toBe(false);
    expect(describeSecretKey(dir, [generateKey()]).text).toStartWith("from HEARTH_SECRET_KEY");
  });
});
