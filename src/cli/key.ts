import { API_KEY_SCOPES, createApiKey, findApiKey, listApiKeys, revokeApiKey, revokedWith, type ApiKeyInfo } from "../accounts/api-keys.ts";
import { audit } from "../audit/audit-log.ts";
import { findUserByEmail } from "../accounts/users.ts";
import { openInstance } from "../db/instance.ts";
import { defineCommand, type Command } from "./command.ts";
import { parsedFlag, requiredFlag, switchFlag, textFlag } from "./flag.ts";
import { UsageError } from "./usage-error.ts";

// An expiry is days from now (30d) or a date; undefined when it is neither.
function parseExpiry(v: string): number | undefined {
  const days = /^(\d+)d$/.exec(v);
  if (days) return Date.now() + Number(days[1]) * 86_400_000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

// Offline commands act with the data dir's file permissions, not as a signed-in user.
const CLI_ACTOR = "cli (operator)";

/** keyCreate prints a new API key — only the key — on the last line of stdout. */
export const keyCreateCommand = defineCommand({
  name: "key create",
  summary: "create an API key for a user (printed once; stored hashed)",
  usage: "hearth key create --user E --name N [--scopes read,connect] [--namespace NS] [--expires 30d]",
  flags: {
    user: requiredFlag("the email of the user the key acts as"),
    name: requiredFlag("a label to recognise the key by"),
    // Split here; which scopes exist is the accounts module's rule, and its message names them.
    scopes: parsedFlag(`comma-separated: ${API_KEY_SCOPES.join(", ")}`, "scopes separated by commas", (v) => v.split(",").map((s) => s.trim()).filter(Boolean), "read,connect"),
    namespace: textFlag("restrict the key to one namespace", { defaultText: "any", accepts: "a namespace" }),
    expires: parsedFlag("lifetime: 30d or a date", "a number of days like 30d, or a date like 2027-01-31", parseExpiry, "never"),
  },
  async run({ config, flags }) {
    const { dbh } = openInstance(config.dataDir);
    try {
      const user = findUserByEmail(dbh.db, flags.user);
      if (!user) throw new UsageError(`no user with email ${flags.user}; create one with \`hearth admin create\``);
      const { key, id } = createApiKey(dbh.db, user.id, { name: flags.name, scopes: flags.scopes, namespace: flags.namespace ?? null, expiresAt: flags.expires ?? null });
      audit(dbh.db, { action: "key.create", outcome: "ok", actor: CLI_ACTOR, target: `key #${id} of ${user.email}`, detail: `"${flags.name}" via the CLI` });
      process.stderr.write(`created key "${flags.name}" for ${user.email}; it is shown only once:\n`);
      console.log(key);
      return 0;
    } finally {
      dbh.close();
    }
  },
});

function when(ms: number | null): string {
  return ms === null ? "-" : new Date(ms).toISOString().slice(0, 16).replace("T", " ");
}

function stateOf(k: ApiKeyInfo, now = Date.now()): string {
  if (k.revokedAt !== null) return "revoked";
  return k.expiresAt !== null && k.expiresAt <= now ? "expired" : "active";
}

/** keyListCommand prints every key (or one user's): prefix, owner, scopes, namespace, expiry, last use, state. */
export const keyListCommand = defineCommand({
  name: "key list",
  summary: "list API keys by visible prefix (never the secret part)",
  usage: "hearth key list [--user E] [--json]",
  flags: {
    user: textFlag("only this user's keys", { defaultText: "everyone's", accepts: "an email" }),
    json: switchFlag("print JSON lines instead of a table"),
  },
  async run({ config, flags }) {
    const { dbh } = openInstance(config.dataDir);
    try {
      let userId: number | undefined;
      if (flags.user !== undefined) {
        const user = findUserByEmail(dbh.db, flags.user);
        if (!user) throw new UsageError(`no user with email ${flags.user}`);
        userId = user.id;
      }
      const keys = listApiKeys(dbh.db, userId);
      if (flags.json) {
        for (const k of keys) console.log(JSON.stringify({ ...k, prefix: `hth_${k.prefix}`, state: stateOf(k) }));
        return 0;
      }
      const rows = keys.map((k) => [String(k.id), `hth_${k.prefix}_…`, k.userEmail, k.name, k.scopes.join(","), k.namespace ?? "any", when(k.expiresAt), when(k.lastUsedAt), stateOf(k)]);
      const head = ["id", "key", "user", "name", "scopes", "namespace", "expires", "last used", "state"];
      const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const r of [head, ...rows]) console.log(r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd());
      if (!rows.length) process.stderr.write("no keys yet: create one with `hearth key create`\n");
      return 0;
    } finally {
      dbh.close();
    }
  },
});

/** keyRevokeCommand revokes a key by id or prefix, with the keys made with it; sessions opened with them stop on their next message. */
export const keyRevokeCommand: Command = {
  name: "key revoke",
  summary: "revoke an API key by id or prefix, at once, with every key made with it",
  usage: "hearth key revoke <id | hth_prefix>",
  flags: {},
  async run({ config, positionals }) {
    const which = positionals[0];
    if (!which || positionals.length > 1) throw new UsageError("give one key: its id or its prefix (hth_XXXXXXXXXXXX), as `hearth key list` shows");
    const { dbh } = openInstance(config.dataDir);
    try {
      const k = findApiKey(dbh.db, which);
      if (!k) throw new UsageError(`no key ${which}: see \`hearth key list\``);
      if (k.revokedAt !== null) {
        console.log(`key #${k.id} (hth_${k.prefix}) was already revoked`);
        return 0;
      }
      const descendants = revokeApiKey(dbh.db, k.id);
      const along = revokedWith(descendants);
      audit(dbh.db, { action: "key.revoke", outcome: "ok", actor: CLI_ACTOR, target: `key #${k.id} of ${k.userEmail}`, detail: `"${k.name}" via the CLI${along ? ` ${along}` : ""}` });
      console.log(`revoked key #${k.id} (hth_${k.prefix}) of ${k.userEmail}${along ? `, and ${along.replace(/^with /, "")}` : ""}`);
      return 0;
    } finally {
      dbh.close();
    }
  },
};
