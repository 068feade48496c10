import { openDataDir, type DbHandle } from "./client.ts";
import { migrate } from "./migrate.ts";

/** openInstance opens the data dir's database and brings its schema up to date (every command starts here). */
export function openInstance(dataDir: string): { dbh: DbHandle; applied: string[] } {
  const dbh = openDataDir(dataDir);
  try {
    return { dbh, applied: migrate(dbh.sqlite) };
  } catch (e) {
    dbh.close();
    throw e;
  }
}
