import { createTeam, removeMember, setMember, teamMembersOf, teamsOf, visibleTeam } from "../accounts/teams.ts";
import { findUserByEmail } from "../accounts/users.ts";
import type { DbHandle } from "../db/client.ts";
import { openInstance } from "../db/instance.ts";
import { actingUser } from "./acting-user.ts";
import { defineCommand, type Parsed } from "./command.ts";
import { requiredFlag, textFlag } from "./flag.ts";
import { UsageError } from "./usage-error.ts";

const AS = textFlag("act as this user (their rights apply)", { defaultText: "the first admin", accepts: "an email" });
const USER = requiredFlag("the member's email", { accepts: "an email" });

// Team commands run offline against the data dir, as the operator: they act as --as (default the
// first admin) so the same rules as the API apply, and print one line per result.
async function withTeamDb(p: Pick<Parsed, "positionals" | "config">, fn: (dbh: DbHandle, teamName: string) => void): Promise<number> {
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
export const teamCreateCommand = defineCommand({
  name: "team create",
  summary: "create a team and its namespace",
  usage: "hearth team create NAME [--owner EMAIL] [--as EMAIL]",
  flags: { owner: textFlag("the team's first owner", { defaultText: "the acting user", accepts: "an email" }), as: AS },
  run: (p) =>
    withTeamDb(p, (dbh, name) => {
      const actor = actingUser(dbh.db, p.flags.as);
      const ownerEmail = p.flags.owner;
      const owner = ownerEmail ? findUserByEmail(dbh.db, ownerEmail) : actor;
      if (!owner) throw new UsageError(`no user with email ${ownerEmail}`);
      const team = createTeam(dbh.db, actor, name, owner);
      console.log(`created team ${team.name} (namespace ${team.name}/…) owned by ${owner.email}`);
    }),
});

/** teamAddCommand adds a member to a team, or changes their role. */
export const teamAddCommand = defineCommand({
  name: "team add",
  summary: "add a user to a team (or change their role)",
  usage: "hearth team add NAME --user EMAIL [--role owner|publisher|member] [--as EMAIL]",
  // Which roles exist is the teams module's rule; it names them when this one isn't.
  flags: { user: USER, role: textFlag("owner, publisher or member", { defaultText: "member" }), as: AS },
  run: (p) =>
    withTeamDb(p, (dbh, name) => {
      const m = setMember(dbh.db, actingUser(dbh.db, p.flags.as), name, p.flags.user, p.flags.role ?? "member");
      console.log(`${m.email} is ${m.role} of ${name}`);
    }),
});

/** teamRemoveCommand takes a member out of a team. */
export const teamRemoveCommand = defineCommand({
  name: "team remove",
  summary: "remove a user from a team",
  usage: "hearth team remove NAME --user EMAIL [--as EMAIL]",
  flags: { user: USER, as: AS },
  run: (p) =>
    withTeamDb(p, (dbh, name) => {
      removeMember(dbh.db, actingUser(dbh.db, p.flags.as), name, p.flags.user);
      console.log(`removed ${p.flags.user} from ${name}`);
    }),
});

/** teamListCommand lists teams, or one team's members with their roles. */
export const teamListCommand = defineCommand({
  name: "team list",
  summary: "list teams, or a team's members",
  usage: "hearth team list [NAME] [--as EMAIL]",
  flags: { as: AS },
  async run(p) {
    if (p.positionals.length > 1) throw new UsageError("give at most one team NAME");
    const { dbh } = openInstance(p.config.dataDir);
    try {
      const actor = actingUser(dbh.db, p.flags.as);
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
});
