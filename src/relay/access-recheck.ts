import { revocationCount } from "../accounts/api-keys.ts";
import { ACCESS_RECHECK_MS } from "./session-timing.ts";

/**
 * AccessRecheck answers "may this session still run?" from a cached verdict, asking `check` (a few
 * indexed reads) again only after ACCESS_RECHECK_MS or when this process revoked a key since: the
 * relay's hot path stays free of database work, and an in-process revocation is seen at once.
 */
export class AccessRecheck {
  private checkedAt = Date.now();
  private checkedGen = revocationCount();

  constructor(private readonly check: (now: number) => boolean) {}

  /** stillOk is the cached verdict, or a fresh check when it is stale. */
  stillOk(): boolean {
    const now = Date.now();
    const gen = revocationCount();
    if (now - this.checkedAt < ACCESS_RECHECK_MS && this.checkedGen === gen) return true;
    this.checkedAt = now;
    this.checkedGen = gen;
    return this.check(now);
  }
}
