import { createInvitation, INVITE_TTL_MS } from "../accounts/invitations.ts";
import { audit } from "../audit/audit-log.ts";
import { openInstance } from "../db/instance.ts";
import { defineCommand } from "./command.ts";
import { parsedFlag, requiredFlag, textFlag } from "./flag.ts";

// Days (7d, or just 7) from 1 to 90, in milliseconds; undefined when it is not that.
function parseDays(v: string): number | undefined {
  const m = /^(\d{1,2})d?$/.exec(v);
  return m && Number(m[1]) >= 1 && Number(m[1]) <= 90 ? Number(m[1]) * 86_400_000 : undefined;
}

/** userInviteCommand prints a one-time sign-up link for an email (the only line on stdout). */
export const userInviteCommand = defineCommand({
  name: "user invite",
  summary: "make a one-time invitation link: whoever opens it sets that account's password",
  usage: "hearth user invite --email E [--role user|admin] [--expires 7d] [--public-url URL]",
  flags: {
    email: requiredFlag("who is invited"),
    // Which roles exist is the invitation's rule; it says so when this one isn't.
    role: textFlag("user or admin", { defaultText: "user" }),
    expires: parsedFlag("how long the link works, 1d to 90d", "a number of days from 1 to 90, like 7d", parseDays, "7d"),
  },
  async run({ config, flags }) {
    const ttlMs = flags.expires ?? INVITE_TTL_MS;
    const { dbh } = openInstance(config.dataDir);
    try {
      const inv = createInvitation(dbh.db, null, { email: flags.email, role: flags.role ?? "user", ttlMs });
      audit(dbh.db, { action: "invite.create", outcome: "ok", actor: "cli (operator)", target: inv.email, detail: `role ${flags.role ?? "user"} via the CLI` });
      process.stderr.write(`invitation for ${inv.email}, valid until ${new Date(inv.expiresAt).toISOString()}; send it privately:\n`);
      console.log(`${config.publicUrl}/invite/${inv.token}`);
      return 0;
    } finally {
      dbh.close();
    }
  },
});
