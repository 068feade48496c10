import type { SearchPage } from "../../src/registry/search.ts";
import { SORTS, type CatalogState } from "../../src/ui/catalog-query.ts";
import { SearchResults } from "../components/search-results.tsx";
import { Layout, type LayoutProps } from "../layout.tsx";

/** HomePageProps are the search state, its results, and who is looking. */
export interface HomePageProps {
  state: CatalogState;
  results: SearchPage;
  /** heading replaces the hero on a namespace's page (`/acme`). */
  heading?: string;
  layout: Pick<LayoutProps, "user" | "csrfToken" | "assets">;
  setupOpen: boolean;
}

/** SearchForm is live search: a GET form (works without JS) that htmx submits as you type. */
export function SearchForm(p: { state: CatalogState }): JSX.Element {
  const s = p.state;
  return (
    <form id="search" class="search" action="/" method="get" role="search" hx-get="/" hx-trigger="input delay:300ms, submit" hx-target="#results" hx-push-url="true" hx-sync="this:replace" hx-indicator="#search-busy">
      <div class="search-row">
        <label class="visually-hidden" for="q">
          Search servers
        </label>
        <input id="q" type="search" name="q" value={s.words} placeholder="Search by name, description or tool…" autocomplete="off" autofocus={!s.words} />
        <button type="submit" class="primary">
          Search
        </button>
        <span id="search-busy" class="htmx-indicator spinner" role="status" aria-label="Searching"></span>
      </div>
      <fieldset class="filters">
        <legend class="visually-hidden">Filters</legend>
        <label class="check">
          <input type="checkbox" name="deployed" value="1" checked={s.deployed} /> Deployed here
        </label>
        <label class="check">
          <input type="checkbox" name="verified" value="1" checked={s.verified} /> Verified
        </label>
        <span class="field-inline">
          <label for="f-tag">Tag</label>
          <input id="f-tag" name="tag" value={s.tags.join(", ")} placeholder="db, search" size="10" autocomplete="off" />
        </span>
        <span class="field-inline">
          <label for="f-owner">Owner</label>
          <input id="f-owner" name="owner" value={s.owner} placeholder="namespace" size="12" autocomplete="off" />
        </span>
        <span class="field-inline">
          <label for="f-sort">Sort</label>
          <select id="f-sort" name="sort">
            {(Object.keys(SORTS) as (keyof typeof SORTS)[]).map((k) => (
              <option value={k} selected={s.sort === k}>
                {SORTS[k]}
              </option>
            ))}
          </select>
        </span>
      </fieldset>
      <p class="hint">
        Filters are search words too: <code>is:deployed</code> <code>is:verified</code> <code>tag:db</code> <code>owner:acme</code>
      </p>
    </form>
  );
}

/** HomePage is the catalog's front door: search with filters, and the results. */
export function HomePage(p: HomePageProps): JSX.Element {
  return (
    <Layout title={p.heading ?? "Hearth"} {...p.layout} hideTopSearch>
      <section class="hero">
        {p.heading ? (
          <h1 safe>{p.heading}</h1>
        ) : (
          <>
            <h1>MCP servers, hosted by your team</h1>
            <p class="muted">Find a server, fill in its config, and connect any MCP client over WebSocket or Streamable HTTP.</p>
          </>
        )}
        {p.setupOpen ? (
          <div class="alert info" role="status">
            This instance has no administrator yet: open the setup link Hearth printed at start-up, or run <code>hearth admin create</code>.
          </div>
        ) : (
          ""
        )}
      </section>
      <SearchForm state={p.state} />
      <section id="results" class="results" aria-label="Search results">
        <SearchResults page={p.results} state={p.state} />
      </section>
    </Layout>
  );
}
