import { Layout, type LayoutProps } from "../layout.tsx";

/** ErrorPageProps describe a failure shown as a whole page. */
export interface ErrorPageProps {
  status: number;
  title: string;
  message: string;
  assets: LayoutProps["assets"];
  /** user is who is signed in, so the header doesn't offer "Sign in" to them. */
  user?: LayoutProps["user"];
  csrfToken?: string | undefined;
}

/** ErrorPage renders a plain, friendly page for a failed browser request. */
export function ErrorPage(p: ErrorPageProps): JSX.Element {
  return (
    <Layout title={p.title} assets={p.assets} user={p.user} csrfToken={p.csrfToken}>
      <section class="panel narrow error-page">
        <p class="status-code" safe>{String(p.status)}</p>
        <h1 safe>{p.title}</h1>
        <p safe>{p.message}</p>
        <p>
          <a href="/">Back to the catalog</a>
        </p>
      </section>
    </Layout>
  );
}

/** ErrorFragment is what an htmx request gets on failure: an inline message, never a blank swap. */
export function ErrorFragment(p: { message: string; details?: { pointer: string; message: string }[] }): JSX.Element {
  return (
    <div class="alert error" role="alert">
      <p safe>{p.message}</p>
      {p.details && p.details.length > 0 ? (
        <ul>
          {p.details.map((d) => (
            <li>
              <code safe>{d.pointer || "/"}</code> <span safe>{d.message}</span>
            </li>
          ))}
        </ul>
      ) : (
        ""
      )}
    </div>
  );
}
