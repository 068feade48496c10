import { ErrorList } from "../components/alerts.tsx";
import { Layout, type LayoutProps } from "../layout.tsx";

/** SetupPageProps carry the one-time token and any error from a previous attempt. */
export interface SetupPageProps {
  token: string;
  email?: string;
  errors?: { pointer: string; message: string }[];
  assets: LayoutProps["assets"];
}

/** SetupPage creates the first admin account on a new instance. */
export function SetupPage(p: SetupPageProps): JSX.Element {
  return (
    <Layout title="Set up Hearth" assets={p.assets}>
      <section class="panel narrow">
        <h1>Welcome to Hearth</h1>
        <p class="muted">Create the first administrator. This link works once and expires 30 minutes after Hearth printed it.</p>
        <ErrorList errors={p.errors?.map((e) => e.message)} />
        <form method="post" action="/setup" class="stack">
          <input type="hidden" name="token" value={p.token} />
          <label for="email">Email</label>
          <input id="email" name="email" type="email" required autocomplete="username" value={p.email ?? ""} />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" required minlength="10" autocomplete="new-password" />
          <p class="hint">At least 10 characters.</p>
          <button type="submit" class="primary">
            Create administrator
          </button>
        </form>
      </section>
    </Layout>
  );
}
