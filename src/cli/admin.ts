import { upsertAdmin } from "../accounts/users.ts";
import { openInstance } from "../db/instance.ts";
import type { Command } from "./command.ts";

/** adminCreate creates or updates an administrator offline, against the data dir. */
export const adminCreateCommand: Command = {
  name: "admin create",
  summary: "create an administrator, or reset an existing user's password and make them admin",
  usage: "hearth admin create --email E --password P [--data DIR]",
  flags: [
    { name: "email", type: "string", help: "the administrator's email", required: true },
    { name: "password", type: "string", help: "at least 10 characters", required: true },
  ],
  async run({ config, flags }) {
    const { dbh } = openInstance(config.dataDir);
    try {
      const { user, created } = await upsertAdmin(dbh.db, { email: flags.email, password: flags.password });
      console.log(`${created ? "created" : "updated"} administrator ${user.email}`);
      return 0;
    } finally {
      dbh.close();
    }
  },
};
