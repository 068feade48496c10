import { existsSync } from "node:fs";
import { isAppError } from "../shared/app-error.ts";
import { keyFilePath, readKeyFile } from "./key-file.ts";
import { keyId } from "./key-material.ts";

/** describeSecretKey says where the secret key comes from, for `hearth doctor`; it creates nothing. */
export function describeSecretKey(dataDir: string, envKeys: Buffer[] | undefined): { ok: boolean; text: string } {
  if (envKeys?.length) return { ok: true, text: `from HEARTH_SECRET_KEY (key ${keyId(envKeys[0]!)})` };
  const path = keyFilePath(dataDir);
  if (!existsSync(path)) return { ok: true, text: `none yet: hearth serve creates ${path} (mode 0600); back it up with the database` };
  try {
    const keys = readKeyFile(path);
    return { ok: true, text: `from ${path} (key ${keyId(keys[0]!)}${keys.length > 1 ? `, ${keys.length - 1} older still accepted` : ""})` };
  } catch (e) {
    return { ok: false, text: isAppError(e) ? e.message : String(e) };
  }
}
