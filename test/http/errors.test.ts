import { describe, expect, it } from "bun:test";
import { errorResponse, toPublicError, type HtmlErrors } from "../../src/http/errors.ts";
import { AppError } from "../../src/shared/app-error.ts";

const browser = (headers: Record<string, string> = {}) => new Request("http://localhost/some/page", { headers: { accept: "text/html", ...headers } });
const pub = toPublicError(new AppError("not_found", "no such page"));
const html: HtmlErrors = { page: (p, r) => `<page>${p.message} ${new URL(r.url).pathname}</page>`, fragment: (p) => `<frag>${p.message}</frag>` };

describe("errorResponse", () => {
  it("answers a browser with the page renderer it is given, and htmx with the fragment", async () => {
    const page = errorResponse(pub, browser(), {}, html);
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toContain("text/html");
    expect(await page.text()).toBe("<page>no such page /some/page</page>");
    expect(await errorResponse(pub, browser({ "hx-request": "true" }), {}, html).text()).toBe("<frag>no such page</frag>");
  });

  it("answers JSON, even to a browser, when no renderer is passed (the WS and MCP fronts)", async () => {
    const res = errorResponse(pub, browser());
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: "no such page", code: "not_found" });
  });

  it("turns a rate limit's retryAfter into a Retry-After header", () => {
    const res = errorResponse(toPublicError(new AppError("rate_limited", "slow down", { extra: { retryAfter: 7 } })), browser());
    expect(res.headers.get("retry-after")).toBe("7");
  });
});
