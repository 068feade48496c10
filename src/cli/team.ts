import { createTeam, removeMember, setMember, teamMembersOf, teamsOf, visibleTeam } from "../accounts/teams.ts";
import { findUserByEmail } from "../accounts/users.ts";
import type { DbHandle } from "../db/client.ts";
import { openInstance } from "../db/instance.ts";
import { actingUser } from "./acting-user.ts";
import { UsageError, type Command, type Parsed } from "./command.ts";

const AS = { name: "as", type: "string", help: "act as this user (their rights apply)", defaultText: "the first admin" } as const;

// Team commands run offline against the data dir, as the operator: they act as --as (default the
// first admin) so the same rules as the API apply, and print one line per result.
async function withTeamDb(p: Parsed, fn: (dbh: DbHandle, teamName: string) => void): Promise<number> {
  const teamName = p.positionals[0];
  if (!teamName || p.positionals.length > 1) throw new UsageError("give exactly one team NAME");
  const { dbh } = openInstance(p.config.dataDir);
  try {
    fn(dbh, teamName);
    return 0;
  } finally {
    dbh.close();
  }
}

/** teamCreateCommand creates a team (and its namespace) with a first owner. */
export const teamCreateCommand: Command = {
  name: "team create",
  summary: "create a team and its namespace",
  usage: "hearth team create NAME [--owner EMAIL] [--as EMAIL]",
  flags: [{ name: "owner", type: "string", help: "the team's first owner", defaultText: "the acting user" }, AS],
  run: (p) =>
    withTeamDb(p, (dbh, name) => {
      const actor = actingUser(dbh.db, p.flags.as as string | undefined);
      const ownerEmail = p.flags.owner as string | undefined;
      const owner = ownerEmail ? findUserByEmail(dbh.db, ownerEmail) : actor;
      if (!owner) throw new UsageError(`no user with email ${ownerEmail}`);
      const team = createTeam(dbh.db, actor, name, owner);
      console.log(`created team ${team.name} (namespace ${team.name}/…) owned by ${owner.email}`);
    }),
};

/** teamAddCommand adds a member to a team, or changes their role. */
export const teamAddCommand: Command = {
  name: "team add",
  summary: "add a user to a team (or change their role)",
  usage: "hearth team add NAME --user EMAIL [--role owner|publisher|member] [--as EMAIL]",
  flags: [{ name: "user", type: "string", help: "the member's email", required: true }, { name: "role", type: "string", help: "owner, publisher or member", defaultText: "member" }, AS],
  run: (p) =>
    withTeamDb(p, (dbh, name) => {
      const m = setMember(dbh.db, actingUser(dbh.db, p.flags.as as string | undefined), name, String(p.flags.user), p.flags.role ?? "member");
      console.log(`${m.email} is ${m.role} of ${name}`);
    }),
};

/** teamRemoveCommand takes a member out of a team. */
export const teamRemoveCommand: Command = {
  name: "team remove",
  summary: "remove a user from a team",
  usage: "hearth team remove NAME --user EMAIL [--as EMAIL]",
  flags: [{ name: "user", type: "string", help: "the member's email", required: true }, AS],
  run: (p) =>
    withTeamDb(p, (dbh, name) => {
      removeMember(dbh.db, actingUser(dbh.db, p.flags.as as string | undefined), name, String(p.flags.user));
      console.log(`removed ${String(p.flags.user)} from ${name}`);
    }),
};

/** teamListCommand lists teams, or one team's members with their roles. */
export const teamListCommand: Command = {
  name: "team list",
  summary: "list teams, or a team's members",
  usage: "hearth team list [NAME] [--as EMAIL]",
  flags: [AS],
  async run(p) {
    if (p.positionals.length > 1) throw new UsageError("give at most one team NAME");
    const { dbh } = openInstance(p.config.dataDir);
    try {
      const actor = actingUser(dbh.db, p.flags.as as string | undefined);
      const name = p.positionals[0];
      if (name) {
        const { team } = visibleTeam(dbh.db, actor, name);
        for (const m of teamMembersOf(dbh.db, team.id)) console.log(`${m.role.padEnd(10)} ${m.email}`);
      } else {
        for (const t of teamsOf(dbh.db, actor)) console.log(t.name);
      }
      return 0;
    } finally {
      dbh.close();
    }
  },
};
