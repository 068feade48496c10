import { describe, expect, it } from "bun:test";
import { expected, WHO } from "./authz-rules.ts";
import { pathFor, ROUTES, requestFor, world } from "./authz-routes.ts";

describe("authorization matrix", () => {
  it("has exactly one row for every route of the composed app", () => {
    const { t } = world();
    const routes = t.app.routes.map((r) => `${r.method} ${r.path}`).sort();
    t.close();
    expect(routes.filter((r) => !(r in ROUTES))).toEqual([]);
    expect(Object.keys(ROUTES).filter((r) => !routes.includes(r))).toEqual([]);
  });

  for (const [route, row] of Object.entries(ROUTES)) {
    it(`${route} follows "${row.rule}"`, async () => {
      let shared = row.fresh ? undefined : world();
      const got: Record<string, number> = {};
      const want: Record<string, number> = {};
      try {
        for (const [i, who] of WHO.entries()) {
          const x = shared ?? world();
          const { t, w } = x;
          try {
            const res = await t.request(pathFor(x, row), requestFor(w, row, who, i));
            await res.body?.cancel();
            got[who] = res.status;
            want[who] = expected(row.rule, who, row.ok);
          } finally {
            if (!shared) t.close();
          }
        }
      } finally {
        shared?.t.close();
        shared = undefined;
      }
      expect(got).toEqual(want);
    });
  }
});
