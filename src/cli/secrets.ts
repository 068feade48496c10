import { openInstance } from "../db/instance.ts";
import { readKeyFile, writeKeyFile } from "../secrets/key-file.ts";
import { generateKey, keyId, parseKeyList } from "../secrets/key-material.ts";
import { openKeyring } from "../secrets/open-keyring.ts";
import { reencryptAll } from "../secrets/rotate.ts";
import { type Command } from "./command.ts";
import { UsageError } from "./usage-error.ts";
import { plural } from "../shared/plural.ts";

// The new key for an env-held key: from the environment, so it never shows up in `ps`.
function newKeyFromEnv(): Buffer | undefined {
  const raw = process.env.HEARTH_NEW_SECRET_KEY;
  if (!raw) return undefined;
  const parsed = parseKeyList(raw);
  if (!parsed.ok || parsed.keys.length !== 1) throw new UsageError(`HEARTH_NEW_SECRET_KEY: ${parsed.ok ? "give exactly one key" : parsed.reason}`);
  return parsed.keys[0];
}

/**
 * secretsRotate re-encrypts every stored secret under a new key in one transaction. With the key
 * file: the new key is added to the file first (old still accepted, so a crash at any point
 * leaves every secret readable and a running Hearth follows along), then everything is
 * re-encrypted, then the file is replaced with the new key alone — each write atomic, mode 0600.
 * With HEARTH_SECRET_KEY: the new key comes from HEARTH_NEW_SECRET_KEY and the operator swaps it in.
 */
export const secretsRotateCommand: Command = {
  name: "secrets rotate",
  summary: "re-encrypt every stored secret under a new key",
  usage: "hearth secrets rotate [--data DIR]   (HEARTH_SECRET_KEY=old HEARTH_NEW_SECRET_KEY=new when the key is not in a file)",
  flags: {},
  async run({ config }) {
    const { dbh } = openInstance(config.dataDir);
    try {
      const { keyring, source } = openKeyring(dbh, config.dataDir, config.secretKey);
      const given = newKeyFromEnv();
      if (source.kind === "env") {
        if (!given) throw new UsageError("the key comes from HEARTH_SECRET_KEY: put the new key in HEARTH_NEW_SECRET_KEY (make one with `openssl rand -base64 32`), stop Hearth, and run this again");
        const r = reencryptAll(dbh, keyring, given);
        console.log(`re-encrypted ${plural(r.count, "secret")} with key ${r.keyId}. Now set HEARTH_SECRET_KEY to the new key (the one in HEARTH_NEW_SECRET_KEY) and restart Hearth.`);
        return 0;
      }
      const newKey = given ?? generateKey();
      const oldKeys = readKeyFile(source.path);
      writeKeyFile(source.path, [newKey, ...oldKeys]);
      let count: number;
      try {
        count = reencryptAll(dbh, keyring, newKey).count;
      } catch (e) {
        // Nothing was re-encrypted: put the file back as it was.
        writeKeyFile(source.path, oldKeys);
        throw e;
      }
      writeKeyFile(source.path, [newKey]);
      console.log(`re-encrypted ${plural(count, "secret")} with key ${keyId(newKey)}; ${source.path} now holds only the new key. Back it up with the database.`);
      return 0;
    } finally {
      dbh.close();
    }
  },
};
