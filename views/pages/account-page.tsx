import { ErrorList } from "../components/alerts.tsx";
import { ApiKeysPanel, type ApiKeysPanelProps } from "../components/api-keys-panel.tsx";
import { Layout, type LayoutProps } from "../layout.tsx";

/** AccountPageProps are the signed-in user's keys and the password form's outcome. */
export interface AccountPageProps {
  email: string;
  keys: ApiKeysPanelProps;
  password?: { errors?: string[]; done?: boolean };
  layout: Pick<LayoutProps, "user" | "csrfToken" | "assets">;
}

/** PasswordPanel changes the password (current one required) and signs out other browsers. */
export function PasswordPanel(p: { csrfToken: string; errors?: string[]; done?: boolean }): JSX.Element {
  return (
    <section id="password" class="panel">
      <h2>Password</h2>
      {p.done ? (
        <div class="alert info" role="status">
          <p>Password changed. Your other browsers were signed out.</p>
        </div>
      ) : (
        ""
      )}
      <ErrorList errors={p.errors} />
      <form method="post" action="/account/password" class="stack">
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <label for="current">Current password</label>
        <input id="current" name="current" type="password" required autocomplete="current-password" />
        <label for="new-password">New password (at least 10 characters)</label>
        <input id="new-password" name="password" type="password" required minlength="10" autocomplete="new-password" />
        <button type="submit" class="primary">
          Change password
        </button>
      </form>
      <form method="post" action="/logout/everywhere" class="stack">
        <input type="hidden" name="_csrf" value={p.csrfToken} />
        <button type="submit">Sign out everywhere</button>
      </form>
    </section>
  );
}

/** AccountPage is the signed-in user's own settings: password, sessions, API keys. */
export function AccountPage(p: AccountPageProps): JSX.Element {
  return (
    <Layout title="Account" {...p.layout}>
      <h1 safe>{p.email}</h1>
      <PasswordPanel csrfToken={p.keys.csrfToken} errors={p.password?.errors} done={p.password?.done} />
      <ApiKeysPanel {...p.keys} />
    </Layout>
  );
}
