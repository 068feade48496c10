import { describe, expect, it } from "bun:test";
import { DEFAULT_GUARD, SignInGuard } from "../../src/accounts/sign-in-guard.ts";

function guard(over: Partial<typeof DEFAULT_GUARD> = {}) {
  const clock = { t: 0 };
  return { clock, g: new SignInGuard({ ...DEFAULT_GUARD, accountAfter: 3, ipAfter: 10, baseMs: 1000, maxMs: 8000, ...over }, () => clock.t) };
}

describe("SignInGuard", () => {
  it("locks an account after N failures in a row, for baseMs", () => {
    const { g } = guard();
    g.failed("a@x.io", "1.1.1.1");
    g.failed("a@x.io", "1.1.1.2");
    expect(g.lockedFor("a@x.io", "9.9.9.9")).toBe(0);
    g.failed("A@X.io", "1.1.1.3");
    expect(g.lockedFor("a@x.io", "9.9.9.9")).toBe(1000);
  });

  it("doubles the lockout with each further failure, up to maxMs", () => {
    const { g, clock } = guard();
    for (let i = 0; i < 3; i++) g.failed("a@x.io", `1.1.1.${i}`);
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      clock.t += 10_000;
      g.failed("a@x.io", "1.1.1.1");
      waits.push(g.lockedFor("a@x.io", "9.9.9.9"));
    }
    expect(waits).toEqual([2000, 4000, 8000, 8000, 8000]);
  });

  it("locks an IP that tries many emails, whatever email it tries next", () => {
    const { g } = guard({ ipAfter: 4 });
    for (let i = 0; i < 4; i++) g.failed(`u${i}@x.io`, "6.6.6.6");
    expect(g.lockedFor("fresh@x.io", "6.6.6.6")).toBe(1000);
    expect(g.lockedFor("fresh@x.io", "7.7.7.7")).toBe(0);
  });

  it("counts unknown emails the same as real ones, and a success clears the count", () => {
    const { g, clock } = guard();
    g.failed("a@x.io", "1.1.1.1");
    g.failed("a@x.io", "1.1.1.1");
    g.succeeded("a@x.io", "1.1.1.1");
    g.failed("a@x.io", "1.1.1.1");
    expect(g.lockedFor("a@x.io", "1.1.1.1")).toBe(0);
    clock.t = 1;
    expect(g.lockedFor("nobody@x.io", "1.1.1.1")).toBe(0);
  });

  it("forgets old failures", () => {
    const { g, clock } = guard({ forgetMs: 60_000 });
    g.failed("a@x.io", "1.1.1.1");
    g.failed("a@x.io", "1.1.1.1");
    clock.t = 120_000;
    g.failed("a@x.io", "1.1.1.1");
    expect(g.lockedFor("a@x.io", "1.1.1.1")).toBe(0);
  });
});
