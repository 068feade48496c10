import { afterEach, describe, expect, it } from "bun:test";
import { existsSync, readFileSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { openInstance } from "../../src/db/instance.ts";
import { keyFilePath } from "../../src/secrets/key-file.ts";
import { formatKey, generateKey } from "../../src/secrets/key-material.ts";
import { openKeyring } from "../../src/secrets/open-keyring.ts";
import { runHearth, startHearth } from "../helpers/hearth-process.ts";
import { tempDir } from "../helpers/temp.ts";

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});

// A data dir whose database holds one encrypted secret, as after a user saved a profile.
function withSecret(envKey?: Buffer): string {
  const dir = tempDir("hearth-serve-key-");
  cleanups.push(() => dir.cleanup());
  const { dbh } = openInstance(dir.path);
  const { keyring } = openKeyring(dbh, dir.path, envKey ? [envKey] : undefined);
  dbh.sqlite.exec("INSERT INTO users (email, password_hash) VALUES ('u@example.com', 'x')");
  dbh.sqlite.exec("INSERT INTO namespaces (name, kind) VALUES ('ns', 'user')");
  dbh.sqlite.exec("INSERT INTO servers (namespace_id, qualified_name, description) VALUES (1, 'ns/s', 'd')");
  dbh.sqlite.query("INSERT INTO profiles (id, user_id, server_id, name, config) VALUES ('prf_AAAAAAAAAAAAAAAA', 1, 1, 'n', ?)").run(keyring.seal("{}", "profile:prf_AAAAAAAAAAAAAAAA"));
  dbh.close();
  return dir.path;
}

describe("hearth serve and the secret key", () => {
  it("creates a 0600 key file on a fresh data dir and starts", async () => {
    const dir = tempDir("hearth-serve-key-");
    cleanups.push(() => dir.cleanup());
    const h = await startHearth({ data: dir.path });
    expect(await h.stop()).toBe(0);
    expect(statSync(keyFilePath(dir.path)).mode & 0o777).toBe(0o600);
  });

  it("refuses to start, in one line naming the fix, when the key of an existing database is missing (a new container on an old volume)", async () => {
    const data = withSecret(generateKey());
    const before = readFileSync(join(data, "hearth.db"));
    const r = await runHearth(["serve", "--port", "0", "--data", data]);
    expect(r.code).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines.length).toBe(1);
    expect(lines[0]).toMatch(/^hearth serve: .*hearth\.db holds encrypted secrets but no key was given: set HEARTH_SECRET_KEY .*nothing was changed$/);
    expect(existsSync(keyFilePath(data))).toBe(false);
    expect(readFileSync(join(data, "hearth.db")).equals(before)).toBe(true);
  });

  it("refuses a wrong HEARTH_SECRET_KEY", async () => {
    const data = withSecret();
    const r = await runHearth(["serve", "--port", "0", "--data", data], { env: { HEARTH_SECRET_KEY: formatKey(generateKey()) } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/holds secrets encrypted with key \w+ but HEARTH_SECRET_KEY is key \w+/);
  });

  it("refuses a key file other users can read", async () => {
    const data = withSecret();
    const { chmodSync } = await import("node:fs");
    chmodSync(keyFilePath(data), 0o640);
    const r = await runHearth(["serve", "--port", "0", "--data", data]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("readable by other users (mode 640): run `chmod 600");
  });

  it("refuses a malformed HEARTH_SECRET_KEY as a usage error without echoing it", async () => {
    const dir = tempDir("hearth-serve-key-");
    cleanups.push(() => dir.cleanup());
    const r = await runHearth(["serve", "--port", "0", "--data", dir.path], { env: { HEARTH_SECRET_KEY: "deadbeef" } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("HEARTH_SECRET_KEY: the key decodes to");
    expect(r.stderr).not.toContain("deadbeef");
    rmSync(dir.path, { recursive: true, force: true });
  });
});
