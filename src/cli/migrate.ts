import { openInstance } from "../db/instance.ts";
import type { Command } from "./command.ts";

/** migrate applies pending migrations and says what it did (serve does this too, at start). */
export const migrateCommand: Command = {
  name: "migrate",
  summary: "apply pending database migrations",
  usage: "hearth migrate [--data DIR]",
  flags: {},
  async run({ config }) {
    const { dbh, applied } = openInstance(config.dataDir);
    dbh.close();
    console.log(applied.length ? `applied ${applied.length} migration(s): ${applied.join(", ")}` : "database is up to date");
    return 0;
  },
};
