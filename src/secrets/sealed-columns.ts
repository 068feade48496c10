import type { DbHandle } from "../db/client.ts";
import { envelopeKeyId } from "./keyring.ts";

/** SealedColumn is one place secrets are stored: a table, its sealed column, its key, and the AAD per row. */
export interface SealedColumn {
  table: string;
  column: string;
  key: string;
  /** context is the additional data each row's value is bound to. */
  context(key: string | number): string;
}

/** SEALED_COLUMNS lists every encrypted column; start-up checks and rotation walk exactly these. */
export const SEALED_COLUMNS: SealedColumn[] = [
  { table: "profiles", column: "config", key: "id", context: (id) => `profile:${id}` },
  { table: "server_test_configs", column: "config", key: "server_id", context: (id) => `test-config:${id}` },
];

/** SealedRow is one stored secret with where it lives. */
export interface SealedRow {
  col: SealedColumn;
  key: string | number;
  value: string;
}

/** sealedRows reads every stored secret (small tables: a user's profiles and owners' test configs). */
export function sealedRows(dbh: DbHandle): SealedRow[] {
  const out: SealedRow[] = [];
  for (const col of SEALED_COLUMNS) {
    const rows = dbh.sqlite.query(`SELECT ${col.key} AS k, ${col.column} AS v FROM ${col.table}`).all() as { k: string | number; v: string }[];
    for (const r of rows) out.push({ col, key: r.k, value: r.v });
  }
  return out;
}

/** storedKeyIds lists the key ids the database's secrets were sealed with. */
export function storedKeyIds(dbh: DbHandle): string[] {
  return [...new Set(sealedRows(dbh).map((r) => envelopeKeyId(r.value) ?? "(not encrypted)"))];
}
