import { API_KEY_SCOPES, createApiKey } from "../accounts/api-keys.ts";
import { findUserByEmail } from "../accounts/users.ts";
import { openInstance } from "../db/instance.ts";
import { UsageError, type Command } from "./command.ts";

function parseExpiry(v: string | undefined): number | null {
  if (!v) return null;
  const days = /^(\d+)d$/.exec(v);
  if (days) return Date.now() + Number(days[1]) * 86_400_000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new UsageError(`--expires ${JSON.stringify(v)}: give a number of days like 30d, or a date like 2027-01-31`);
  return t;
}

/** keyCreate prints a new API key — only the key — on the last line of stdout. */
export const keyCreateCommand: Command = {
  name: "key create",
  summary: "create an API key for a user (printed once; stored hashed)",
  usage: "hearth key create --user E --name N [--scopes read,connect] [--namespace NS] [--expires 30d]",
  flags: [
    { name: "user", type: "string", help: "the email of the user the key acts as", required: true },
    { name: "name", type: "string", help: "a label to recognise the key by", required: true },
    { name: "scopes", type: "string", help: `comma-separated: ${API_KEY_SCOPES.join(", ")}`, defaultText: "read,connect" },
    { name: "namespace", type: "string", help: "restrict the key to one namespace", defaultText: "any" },
    { name: "expires", type: "string", help: "lifetime: 30d or a date", defaultText: "never" },
  ],
  async run({ config, flags }) {
    const scopes = typeof flags.scopes === "string" ? flags.scopes.split(",").map((s) => s.trim()).filter(Boolean) : undefined;
    const expiresAt = parseExpiry(flags.expires as string | undefined);
    const { dbh } = openInstance(config.dataDir);
    try {
      const user = findUserByEmail(dbh.db, String(flags.user));
      if (!user) throw new UsageError(`no user with email ${String(flags.user)}; create one with \`hearth admin create\``);
      const { key } = createApiKey(dbh.db, user.id, { name: flags.name, scopes, namespace: flags.namespace ?? null, expiresAt });
      process.stderr.write(`created key "${String(flags.name)}" for ${user.email}; it is shown only once:\n`);
      console.log(key);
      return 0;
    } finally {
      dbh.close();
    }
  },
};
