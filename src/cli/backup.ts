import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { openInstance } from "../db/instance.ts";
import { type Command } from "./command.ts";
import { UsageError } from "./usage-error.ts";

/** backup writes a consistent copy of the database with VACUUM INTO (safe while Hearth runs). */
export const backupCommand: Command = {
  name: "backup",
  summary: "write a consistent copy of the database to FILE (safe while serving)",
  usage: "hearth backup FILE [--data DIR]",
  flags: {},
  async run({ config, positionals }) {
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new UsageError("give exactly one FILE to write the backup to");
    const target = resolve(file);
    if (existsSync(target)) throw new UsageError(`${target} already exists: choose a new file name (backups never overwrite)`);
    const { dbh } = openInstance(config.dataDir);
    try {
      dbh.sqlite.query("VACUUM INTO ?").run(target);
    } finally {
      dbh.close();
    }
    console.log(`backup written to ${target}`);
    return 0;
  },
};
