import type { Invitation } from "../../src/accounts/invitations.ts";
import { ErrorList, ShownOnce } from "../components/alerts.tsx";
import { Layout, type LayoutProps } from "../layout.tsx";

/** InvitationsPageProps are the recent invitations, a just-made link (shown once) and a refused form. */
export interface InvitationsPageProps {
  invitations: Invitation[];
  csrfToken: string;
  created?: { link: string; email: string };
  errors?: string[];
  form?: { email: string; role: string; days: string };
  now: number;
  layout: Pick<LayoutProps, "user" | "csrfToken" | "assets">;
}

function state(i: Invitation, now: number): string {
  if (i.usedAt !== null) return "accepted";
  return i.expiresAt <= now ? "expired" : `open until ${new Date(i.expiresAt).toISOString().slice(0, 16).replace("T", " ")}`;
}

/** InvitationsPage lets admins invite people by email: a one-time link that lets them set a password. */
export function InvitationsPage(p: InvitationsPageProps): JSX.Element {
  const f = p.form ?? { email: "", role: "user", days: "7" };
  return (
    <Layout title="Invitations" {...p.layout}>
      <h1>Invitations</h1>
      <p class="muted">An invitation is a one-time link: whoever opens it sets a password for that email. Send it privately.</p>
      {p.created ? <ShownOnce id="invite-link" label="Invitation link" value={p.created.link} message={`Invitation for ${p.created.email}. Copy the link now: it is shown only this once.`} /> : ""}
      <ErrorList errors={p.errors} />
      <form method="post" action="/admin/invitations" class="stack panel narrow">
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <label for="invite-email">Email</label>
        <input id="invite-email" name="email" type="email" required value={f.email} />
        <label for="invite-role">Role</label>
        <select id="invite-role" name="role">
          <option value="user" selected={f.role !== "admin"}>
            user
          </option>
          <option value="admin" selected={f.role === "admin"}>
            admin
          </option>
        </select>
        <label for="invite-days">Link works for (days)</label>
        <input id="invite-days" name="days" inputmode="numeric" value={f.days} />
        <button type="submit" class="primary">
          Create invitation link
        </button>
      </form>
      {p.invitations.length ? (
        <table class="table">
          <thead>
            <tr>
              <th>Email</th>
              <th>Role</th>
              <th>Created (UTC)</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {p.invitations.map((i) => (
              <tr>
                <td safe>{i.email}</td>
                <td safe>{i.role}</td>
                <td safe>{new Date(i.createdAt).toISOString().slice(0, 16).replace("T", " ")}</td>
                <td safe>{state(i, p.now)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        ""
      )}
    </Layout>
  );
}

/** InviteAcceptPage asks the invited person for a password. */
export function InviteAcceptPage(p: { email: string; token: string; errors?: string[]; layout: Pick<LayoutProps, "user" | "csrfToken" | "assets"> }): JSX.Element {
  return (
    <Layout title="Accept invitation" {...p.layout}>
      <section class="panel narrow">
        <h1>Welcome to Hearth</h1>
        <p safe>{`Choose a password for ${p.email}.`}</p>
        <ErrorList errors={p.errors} />
        <form method="post" action={`/invite/${encodeURIComponent(p.token)}`} class="stack">
          <input type="email" name="email" value={p.email} autocomplete="username" hidden readonly />
          <label for="password">Password (at least 10 characters)</label>
          <input id="password" name="password" type="password" required minlength="10" autocomplete="new-password" autofocus />
          <button type="submit" class="primary">
            Create my account
          </button>
        </form>
      </section>
    </Layout>
  );
}
