import { Layout, type LayoutProps } from "../layout.tsx";

/** LoginPageProps carry where to go afterwards, the form's token, and a failed attempt's email and error. */
export interface LoginPageProps {
  next: string;
  formToken: string;
  email?: string;
  error?: string;
  layout: Pick<LayoutProps, "user" | "csrfToken" | "assets">;
}

/** LoginPage signs a user in with email and password. */
export function LoginPage(p: LoginPageProps): JSX.Element {
  return (
    <Layout title="Sign in" {...p.layout}>
      <section class="panel narrow">
        <h1>Sign in</h1>
        {p.error ? (
          <div class="alert error" role="alert" id="login-error">
            <p safe>{p.error}</p>
          </div>
        ) : (
          ""
        )}
        <form method="post" action="/login" class="stack">
          <input type="hidden" name="next" value={p.next} />
          <input type="hidden" name="_login" value={p.formToken} />
          <label for="email">Email</label>
          <input id="email" name="email" type="email" required autocomplete="username" value={p.email ?? ""} autofocus={!p.email} aria-describedby={p.error ? "login-error" : undefined} />
          <label for="password">Password</label>
          <input id="password" name="password" type="password" required autocomplete="current-password" autofocus={Boolean(p.email)} />
          <button type="submit" class="primary">
            Sign in
          </button>
        </form>
        <p class="hint">
          No account? An administrator creates them (<code>hearth admin create</code> makes the first).
        </p>
      </section>
    </Layout>
  );
}
