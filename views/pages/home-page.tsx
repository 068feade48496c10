import { Layout, type LayoutProps } from "../layout.tsx";

/** HomePageProps are the search box state and who is looking. */
export interface HomePageProps {
  query: string;
  user?: LayoutProps["user"];
  csrfToken?: string | undefined;
  assets: LayoutProps["assets"];
  setupOpen: boolean;
}

/** HomePage is the catalog's front door: search and what is hosted here. */
export function HomePage(p: HomePageProps): JSX.Element {
  return (
    <Layout title="Hearth" user={p.user} csrfToken={p.csrfToken} assets={p.assets} query={p.query}>
      <section class="hero">
        <h1>MCP servers, hosted by your team</h1>
        <p class="muted">Find a server, fill in its config, and connect any MCP client over WebSocket or Streamable HTTP.</p>
        {p.setupOpen ? (
          <div class="alert info" role="status">
            This instance has no administrator yet: open the setup link Hearth printed at start-up, or run{" "}
            <code>hearth admin create</code>.
          </div>
        ) : (
          ""
        )}
      </section>
      <section id="results" class="results" aria-live="polite">
        <p class="empty">No servers published yet.</p>
      </section>
    </Layout>
  );
}
