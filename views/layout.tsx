import type { Children } from "@kitajs/html";

/** LayoutProps are what every full page needs: its title, who is signed in, and asset URLs. */
export interface LayoutProps {
  title: string;
  user?: { email: string; role: string } | undefined;
  csrfToken?: string | undefined;
  assets: { css: string; htmx: string; app: string; sse?: string };
  query?: string;
  /** hideTopSearch leaves the header's search box out (the home page has its own). */
  hideTopSearch?: boolean;
  /** head is extra markup for <head> (a no-JS refresh while a deploy runs). */
  head?: Children;
  children?: Children;
}

/** Layout is the page shell: header with search, main content, footer. */
export function Layout(p: LayoutProps): JSX.Element {
  return (
    <>
      {"<!doctype html>"}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          {p.csrfToken ? <meta name="csrf-token" content={p.csrfToken} /> : ""}
          <title safe>{p.title === "Hearth" ? "Hearth" : `${p.title} · Hearth`}</title>
          <link rel="stylesheet" href={p.assets.css} />
          <link rel="icon" href="/static/favicon.svg" type="image/svg+xml" />
          <script src={p.assets.htmx} defer></script>
          {p.assets.sse ? <script src={p.assets.sse} defer></script> : ""}
          <script src={p.assets.app} defer></script>
          {p.head ?? ""}
        </head>
        <body>
          <a class="skip" href="#main">
            Skip to content
          </a>
          <header class="top">
            <a class="brand" href="/">
              <span class="brand-mark" aria-hidden="true">
                ◆
              </span>{" "}
              Hearth
            </a>
            {p.hideTopSearch ? (
              <span class="top-spacer"></span>
            ) : (
              <form class="top-search" action="/" method="get" role="search">
                <label class="visually-hidden" for="top-q">
                  Search servers
                </label>
                <input id="top-q" type="search" name="q" value={p.query ?? ""} placeholder="Search MCP servers…" autocomplete="off" />
              </form>
            )}
            <nav class="top-nav" aria-label="Main">
              <a href="/">Servers</a>
              <a href="/publish">Publish</a>
              {p.user ? <a href="/teams">Teams</a> : ""}
              {p.user?.role === "admin" ? <a href="/admin">Admin</a> : ""}
              {p.user ? (
                <>
                  <a class="who" href="/account" safe>
                    {p.user.email}
                  </a>
                  <form method="post" action="/logout" class="inline">
                    <input type="hidden" name="_csrf" value={p.csrfToken ?? ""} />
                    <button type="submit" class="link">
                      Sign out
                    </button>
                  </form>
                </>
              ) : (
                <a href="/login">Sign in</a>
              )}
            </nav>
          </header>
          <main id="main">{p.children}</main>
          <footer class="foot">
            <span>Hearth — a self-hosted MCP hub.</span> <a href="/api/openapi.json">API</a> ·{" "}
            <a href="/v0.1/servers">Registry API</a>
          </footer>
        </body>
      </html>
    </>
  );
}
