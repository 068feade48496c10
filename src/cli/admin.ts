import { upsertAdmin } from "../accounts/users.ts";
import { openInstance } from "../db/instance.ts";
import { defineCommand } from "./command.ts";
import { requiredFlag } from "./flag.ts";

/** adminCreate creates or updates an administrator offline, against the data dir. */
export const adminCreateCommand = defineCommand({
  name: "admin create",
  summary: "create an administrator, or reset an existing user's password and make them admin",
  usage: "hearth admin create --email E --password P [--data DIR]",
  flags: {
    email: requiredFlag("the administrator's email"),
    password: requiredFlag("at least 10 characters"),
  },
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
});
