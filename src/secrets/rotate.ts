import type { DbHandle } from "../db/client.ts";
import { AppError } from "../shared/app-error.ts";
import { keyId } from "./key-material.ts";
import { Keyring } from "./keyring.ts";
import { sealedRows } from "./sealed-columns.ts";

/** Rotation is what a rotation did: how many secrets were re-encrypted, and under which key. */
export interface Rotation {
  count: number;
  keyId: string;
}

/**
 * reencryptAll opens every stored secret with `current` and seals it again under `newKey`, in one
 * transaction: if any value can't be opened (or anything else fails) nothing is changed. Before
 * committing it checks each new value opens with the new key alone.
 */
export function reencryptAll(dbh: DbHandle, current: Keyring, newKey: Buffer): Rotation {
  const next = new Keyring([newKey]);
  const run = dbh.sqlite.transaction(() => {
    const rows = sealedRows(dbh);
    for (const r of rows) {
      const ctx = r.col.context(r.key);
      let plain: string;
      try {
        plain = current.open(r.value, ctx);
      } catch (cause) {
        throw new AppError("unavailable", `${r.col.table} row ${r.key} can't be decrypted (${(cause as Error).message}); nothing was re-encrypted`, { cause });
      }
      const sealed = next.seal(plain, ctx);
      if (next.open(sealed, ctx) !== plain) throw new AppError("internal", "a re-encrypted secret did not read back; nothing was changed");
      dbh.sqlite.query(`UPDATE ${r.col.table} SET ${r.col.column} = ? WHERE ${r.col.key} = ?`).run(sealed, r.key);
    }
    return rows.length;
  });
  return { count: run.immediate(), keyId: keyId(newKey) };
}
