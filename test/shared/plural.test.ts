import { describe, expect, it } from "bun:test";
import { plural } from "../../src/shared/plural.ts";

describe("plural", () => {
  it("says one in the singular and every other count in the plural, with thousands grouped", () => {
    expect([0, 1, 2, 1024].map((n) => plural(n, "session"))).toEqual(["0 sessions", "1 session", "2 sessions", "1,024 sessions"]);
  });

  it("takes an irregular plural", () => {
    expect([plural(1, "entry", "entries"), plural(3, "entry", "entries")]).toEqual(["1 entry", "3 entries"]);
  });

});
