import type { Config } from "../config/config.ts";
import { AppError } from "../shared/app-error.ts";
import { clientIp } from "./client-ip.ts";
import { TokenBuckets } from "./token-buckets.ts";

/** RateKind names what is limited: sign-in attempts, publishes, and new MCP sessions. */
export type RateKind = "signin" | "publish" | "session";

/** RateScope is what the limits are made from: the instance's rate settings, and whether a proxy names the client. */
export type RateScope = { config: Pick<Config, "rateSignin" | "ratePublish" | "rateSession" | "trustProxy"> };

// Who is asking, as far as a limit cares (a Principal fits): a key or a user has a bucket of its own.
type RateCaller = { kind: "key"; keyId: number } | { kind: "session"; user: { id: number } } | { kind: "anonymous" | "invalid-key" };

type Limiters = Record<RateKind, TokenBuckets | null>;
// One set of buckets per running instance (and per test context), made on first use from its config.
const byScope = new WeakMap<RateScope, Limiters>();

function limiters(ctx: RateScope): Limiters {
  let l = byScope.get(ctx);
  if (!l) {
    const make = (spec: Config["rateSignin"]) => (spec ? new TokenBuckets(spec) : null);
    l = { signin: make(ctx.config.rateSignin), publish: make(ctx.config.ratePublish), session: make(ctx.config.rateSession) };
    byScope.set(ctx, l);
  }
  return l;
}

const WHAT: Record<RateKind, string> = { signin: "sign-in attempts", publish: "publishes", session: "new sessions" };

/** rateLimited is the 429 error for a wait of `ms`; errors.ts turns retryAfter into a Retry-After header. */
export function rateLimited(message: string, ms: number): AppError {
  const retryAfter = Math.max(1, Math.ceil(ms / 1000));
  return new AppError("rate_limited", `${message}; try again in ${retryAfter} s`, { extra: { retryAfter } });
}

/**
 * enforceRate spends one token from the client IP's bucket and, when a user or key is known, from
 * theirs too (so one key can't dodge the limit from many addresses), throwing 429 when either is empty.
 */
export function enforceRate(ctx: RateScope, request: Request, kind: RateKind, principal?: RateCaller): void {
  const buckets = limiters(ctx)[kind];
  if (!buckets) return;
  const keys = [`ip:${clientIp(ctx, request)}`];
  if (principal?.kind === "key") keys.push(`key:${principal.keyId}`);
  else if (principal?.kind === "session") keys.push(`user:${principal.user.id}`);
  // Both buckets are charged even when the first refuses, so a refused burst still counts against the key.
  const wait = Math.max(...keys.map((k) => buckets.take(k)));
  if (wait > 0) throw rateLimited(`too many ${WHAT[kind]}`, wait);
}
