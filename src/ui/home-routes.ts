import { Elysia } from "elysia";
import { adminExists } from "../accounts/users.ts";
import type { AppContext } from "../http/context.ts";
import { searchDuration } from "../metrics/metrics.ts";
import { AppError } from "../shared/app-error.ts";
import { SearchResults } from "../../views/components/search-results.tsx";
import { HomePage } from "../../views/pages/home-page.tsx";
import { catalogState, catalogUrl, joinQuery, type CatalogState } from "./catalog-query.ts";
import { catalogSearch } from "./catalog-search.ts";
import { html } from "./html.ts";
import { isFragmentRequest, pageContext } from "./page-context.ts";

// The same URL answers a full page or, to live search, just the results: caches must tell them apart.
const FRAGMENT_HEADERS = { vary: "hx-request, hx-request-type", "cache-control": "no-store" };

function render(ctx: AppContext, request: Request, state: CatalogState, heading?: string): Response {
  const page = pageContext(ctx, request);
  const end = searchDuration.startTimer();
  const results = catalogSearch(ctx.dbh, page.viewer, joinQuery(state), state.sort, state.page);
  end();
  if (isFragmentRequest(request)) {
    // The address bar shows the canonical query (filters folded into q), not the raw form fields.
    return html(SearchResults({ page: results, state }), { headers: { ...FRAGMENT_HEADERS, "hx-push-url": catalogUrl(state) } });
  }
  return html(HomePage({ state, results, heading, layout: page.layout, setupOpen: !adminExists(ctx.dbh.db) }), { headers: FRAGMENT_HEADERS });
}

/** homeRoutes serve the catalog: search with filters at `/`, and a namespace's servers at `/{ns}`. */
export function homeRoutes(ctx: AppContext) {
  return new Elysia({ name: "ui-home" })
    .get("/", ({ request }) => render(ctx, request, catalogState(new URL(request.url).searchParams)))
    .get("/:ns", ({ request, params }) => {
      const ns = ctx.dbh.sqlite.query("SELECT name FROM namespaces WHERE name = ? COLLATE NOCASE").get(params.ns) as { name: string } | null;
      if (!ns) throw new AppError("not_found", `no namespace named ${params.ns.slice(0, 100)}`);
      const state = { ...catalogState(new URL(request.url).searchParams), owner: ns.name };
      return render(ctx, request, state, ns.name);
    });
}
