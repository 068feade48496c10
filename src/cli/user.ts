import { createInvitation, INVITE_TTL_MS } from "../accounts/invitations.ts";
import { audit } from "../audit/audit-log.ts";
import { openInstance } from "../db/instance.ts";
import { UsageError, type Command } from "./command.ts";

function parseDays(v: string | undefined): number {
  if (v === undefined) return INVITE_TTL_MS;
  const m = /^(\d{1,2})d?$/.exec(v);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 90) throw new UsageError(`--expires ${JSON.stringify(v)}: give a number of days from 1 to 90, like 7d`);
  return Number(m[1]) * 86_400_000;
}

/** userInviteCommand prints a one-time sign-up link for an email (the only line on stdout). */
export const userInviteCommand: Command = {
  name: "user invite",
  summary: "make a one-time invitation link: whoever opens it sets that account's password",
  usage: "hearth user invite --email E [--role user|admin] [--expires 7d] [--public-url URL]",
  flags: [
    { name: "email", type: "string", help: "who is invited", required: true },
    { name: "role", type: "string", help: "user or admin", defaultText: "user" },
    { name: "expires", type: "string", help: "how long the link works, 1d to 90d", defaultText: "7d" },
  ],
  async run({ config, flags }) {
    const ttlMs = parseDays(flags.expires as string | undefined);
    const { dbh } = openInstance(config.dataDir);
    try {
      const inv = createInvitation(dbh.db, null, { email: flags.email, role: flags.role ?? "user", ttlMs });
      audit(dbh.db, { action: "invite.create", outcome: "ok", actor: "cli (operator)", target: inv.email, detail: `role ${String(flags.role ?? "user")} via the CLI` });
      process.stderr.write(`invitation for ${inv.email}, valid until ${new Date(inv.expiresAt).toISOString()}; send it privately:\n`);
      console.log(`${config.publicUrl}/invite/${inv.token}`);
      return 0;
    } finally {
      dbh.close();
    }
  },
};
