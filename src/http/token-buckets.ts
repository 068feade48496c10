import type { RateSpec } from "../config/config.ts";

/**
 * TokenBuckets is one rate limit over many keys (IPs, keys, users): each key holds up to `count`
 * tokens, refilled evenly over `perMs`; a request takes one. Written here rather than taken from
 * elysia-rate-limit or rate-limiter-flexible because the checks must run synchronously outside
 * Elysia too (the WebSocket upgrade hook), be keyed by things other than the request (API key,
 * user), and run on an injectable clock in tests. Memory is bounded: past maxKeys the least
 * recently used key is dropped, which at worst forgives the stalest client.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly spec: RateSpec,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** take spends one token of the key's bucket: 0 when allowed, else the ms until one is back. */
  take(key: string): number {
    const t = this.now();
    const { count, perMs } = this.spec;
    const b = this.buckets.get(key) ?? { tokens: count, at: t };
    b.tokens = Math.min(count, b.tokens + ((t - b.at) * count) / perMs);
    b.at = t;
    // Re-inserting keeps the Map in least-recently-used order for eviction.
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - b.tokens) * perMs) / count);
  }

  /** size is how many keys are tracked. */
  get size(): number {
    return this.buckets.size;
  }
}
