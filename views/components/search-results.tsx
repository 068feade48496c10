import type { SearchPage } from "../../src/registry/search.ts";
import { catalogUrl, type CatalogState } from "../../src/ui/catalog-query.ts";
import { ServerCard } from "./server-card.tsx";

/** SearchResultsProps are one page of hits and the state that produced it (for page links). */
export interface SearchResultsProps {
  page: SearchPage;
  state: CatalogState;
}

function PageLink(p: { state: CatalogState; page: number; label: string; rel?: string }): JSX.Element {
  const href = catalogUrl(p.state, p.page);
  return (
    <a href={href} rel={p.rel} hx-get={href} hx-target="#results" hx-push-url="true" hx-indicator="#search-busy" safe>
      {p.label}
    </a>
  );
}

/** SearchResults is the part of the home page that live search replaces: count, cards, pages. */
export function SearchResults(p: SearchResultsProps): JSX.Element {
  const { page, state } = p;
  const filtered = Boolean(state.words || state.deployed || state.verified || state.tags.length || state.owner);
  if (page.hits.length === 0) {
    return (
      <p class="empty" role="status">
        {filtered ? "No servers match. Try fewer words or filters." : "No servers published yet. Publish one to get started."}
      </p>
    );
  }
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  const first = (page.page - 1) * page.pageSize + 1;
  const last = first + page.hits.length - 1;
  const totalText = page.totalExact ? page.total.toLocaleString("en") : `${page.total.toLocaleString("en")}+`;
  const hasNext = page.page < pages || (!page.totalExact && page.hits.length === page.pageSize);
  return (
    <>
      <p class="result-count" role="status" safe>
        {`${first.toLocaleString("en")}–${last.toLocaleString("en")} of ${totalText} ${page.total === 1 ? "server" : "servers"}`}
      </p>
      <ul class="cards">
        {page.hits.map((hit) => (
          <ServerCard hit={hit} />
        ))}
      </ul>
      {page.page > 1 || hasNext ? (
        <nav class="pager" aria-label="Result pages">
          {page.page > 1 ? <PageLink state={state} page={page.page - 1} label="← Previous" rel="prev" /> : <span></span>}
          <span class="muted" safe>{`Page ${page.page}${page.totalExact ? ` of ${pages}` : ""}`}</span>
          {hasNext ? <PageLink state={state} page={page.page + 1} label="Next →" rel="next" /> : <span></span>}
        </nav>
      ) : (
        ""
      )}
    </>
  );
}
