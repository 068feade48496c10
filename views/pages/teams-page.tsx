import type { Team, TeamMember, TeamRole } from "../../src/accounts/teams.ts";
import { TEAM_ROLES } from "../../src/db/schema.ts";
import { Layout, type LayoutProps } from "../layout.tsx";

type PageLayout = Pick<LayoutProps, "user" | "csrfToken" | "assets">;

const ROLE_HINT: Record<TeamRole, string> = {
  owner: "manages members, publishes and deploys",
  publisher: "publishes and deploys",
  member: "sees the team's private servers",
};

function FormError(p: { message: string | undefined }): JSX.Element {
  if (!p.message) return "";
  return (
    <p class="field-error" role="alert" safe>
      {p.message}
    </p>
  );
}

function RoleSelect(p: { id: string; selected: string }): JSX.Element {
  return (
    <select id={p.id} name="role">
      {TEAM_ROLES.map((r) => (
        <option value={r} selected={r === p.selected}>
          {r}
        </option>
      ))}
    </select>
  );
}

/** TeamsPage lists the viewer's teams (every team for admins) and offers to create one. */
export function TeamsPage(p: { teams: (Team & { role: TeamRole | undefined })[]; csrfToken: string; name?: string; error?: string; layout: PageLayout }): JSX.Element {
  return (
    <Layout title="Teams" {...p.layout}>
      <section class="page-head">
        <h1>Teams</h1>
        <p class="muted">A team owns the namespace of the same name. Its private servers exist only for its members and administrators.</p>
      </section>
      {p.teams.length ? (
        <table class="table">
          <thead>
            <tr>
              <th>Team</th>
              <th>Your role</th>
            </tr>
          </thead>
          <tbody>
            {p.teams.map((t) => (
              <tr>
                <td>
                  <a href={`/teams/${encodeURIComponent(t.name)}`} safe>
                    {t.name}
                  </a>
                </td>
                <td safe>{t.role ?? "administrator"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">You are not in any team yet.</p>
      )}
      <form class="stack panel" method="post" action="/teams">
        <h2>Create a team</h2>
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <FormError message={p.error} />
        <div class="field">
          <label for="team-name">Name (also its namespace)</label>
          <input id="team-name" name="name" value={p.name ?? ""} placeholder="acme" spellcheck="false" autocomplete="off" required />
        </div>
        <p class="form-actions">
          <button type="submit" class="primary">
            Create team
          </button>
        </p>
      </form>
    </Layout>
  );
}

/** TeamPageProps are one team, its members, and whether the viewer may change them. */
export interface TeamPageProps {
  team: Team;
  members: TeamMember[];
  canManage: boolean;
  csrfToken: string;
  error?: string;
  email?: string;
  layout: PageLayout;
}

/** TeamPage shows a team's members; owners and admins add, re-role and remove them. */
export function TeamPage(p: TeamPageProps): JSX.Element {
  const base = `/teams/${encodeURIComponent(p.team.name)}`;
  return (
    <Layout title={`Team ${p.team.name}`} {...p.layout}>
      <section class="page-head">
        <h1 safe>{p.team.name}</h1>
        <p class="muted">
          Servers in <a href={`/${encodeURIComponent(p.team.name)}`} safe>{p.team.name}/…</a> belong to this team.
        </p>
      </section>
      <FormError message={p.error} />
      <table class="table">
        <thead>
          <tr>
            <th>Member</th>
            <th>Role</th>
            {p.canManage ? <th>Change</th> : ""}
          </tr>
        </thead>
        <tbody>
          {p.members.map((m) => (
            <tr>
              <td safe>{m.email}</td>
              <td>
                <span safe>{m.role}</span> <span class="muted small" safe>{ROLE_HINT[m.role]}</span>
              </td>
              {p.canManage ? (
                <td>
                  <form method="post" action={`${base}/members`} class="inline">
                    <input type="hidden" name="_csrf" value={p.csrfToken} />
                    <input type="hidden" name="email" value={m.email} />
                    <label class="visually-hidden" for={`role-${m.userId}`}>
                      Role
                    </label>
                    <RoleSelect id={`role-${m.userId}`} selected={m.role} />
                    <button type="submit">Save</button>
                  </form>{" "}
                  <form method="post" action={`${base}/members/remove`} class="inline">
                    <input type="hidden" name="_csrf" value={p.csrfToken} />
                    <input type="hidden" name="email" value={m.email} />
                    <button type="submit" class="link">
                      Remove
                    </button>
                  </form>
                </td>
              ) : (
                ""
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {p.canManage ? (
        <form class="stack panel" method="post" action={`${base}/members`}>
          <h2>Add a member</h2>
          <input type="hidden" name="_csrf" value={p.csrfToken} />
          <div class="field-row">
            <div class="field">
              <label for="member-email">Email of an existing account</label>
              <input id="member-email" name="email" type="email" value={p.email ?? ""} autocomplete="off" required />
            </div>
            <div class="field">
              <label for="member-role">Role</label>
              <RoleSelect id="member-role" selected="member" />
            </div>
          </div>
          <p class="form-actions">
            <button type="submit" class="primary">
              Add member
            </button>
          </p>
        </form>
      ) : (
        ""
      )}
    </Layout>
  );
}
