import { existsSync } from "node:fs";
import type { DbHandle } from "../db/client.ts";
import { AppError } from "../shared/app-error.ts";
import { keyFilePath, keyFileWatcher, readKeyFile, writeKeyFile } from "./key-file.ts";
import { generateKey } from "./key-material.ts";
import { Keyring } from "./keyring.ts";
import { storedKeyIds } from "./sealed-columns.ts";

/** KeySource says where the instance's key came from (rotation acts differently on each). */
export type KeySource = { kind: "env" } | { kind: "file"; path: string; created: boolean };

/** OpenedKeyring is the instance's keyring and where its keys live. */
export interface OpenedKeyring {
  keyring: Keyring;
  source: KeySource;
}

function refuseMissing(dbh: DbHandle, ring: Keyring, where: string, keyFile: string): void {
  const missing = storedKeyIds(dbh).filter((id) => !ring.keyIds().includes(id));
  if (missing.length === 0) return;
  throw new AppError(
    "unavailable",
    `${dbh.path} holds secrets encrypted with key ${missing.join(", ")} but ${where} is key ${ring.currentKeyId}: set HEARTH_SECRET_KEY to the original key or restore ${keyFile}; nothing was changed`,
  );
}

/**
 * openKeyring finds the instance's key: HEARTH_SECRET_KEY when given, else the data dir's key file,
 * created (mode 0600) on first run. If the database already holds secrets the key can't open —
 * wrong key, or no key at all, as in a new container over an old volume — it refuses to start
 * with one sentence naming the fix, and creates or changes nothing.
 */
export function openKeyring(dbh: DbHandle, dataDir: string, envKeys: Buffer[] | undefined): OpenedKeyring {
  const path = keyFilePath(dataDir);
  if (envKeys && envKeys.length) {
    const keyring = new Keyring(envKeys);
    refuseMissing(dbh, keyring, "HEARTH_SECRET_KEY", path);
    return { keyring, source: { kind: "env" } };
  }
  if (existsSync(path)) {
    const keyring = new Keyring(readKeyFile(path), keyFileWatcher(path));
    refuseMissing(dbh, keyring, `the key file ${path}`, path);
    return { keyring, source: { kind: "file", path, created: false } };
  }
  const stored = storedKeyIds(dbh);
  if (stored.length) {
    throw new AppError("unavailable", `${dbh.path} holds encrypted secrets but no key was given: set HEARTH_SECRET_KEY to the key it was written with, or restore ${path}; nothing was changed`);
  }
  const key = generateKey();
  writeKeyFile(path, [key], { exclusive: true });
  return { keyring: new Keyring([key], keyFileWatcher(path)), source: { kind: "file", path, created: true } };
}
