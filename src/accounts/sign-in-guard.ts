/** SignInGuardOptions set when lockout starts and how long it lasts. */
export interface SignInGuardOptions {
  /** accountAfter is how many failures in a row lock an account (by the email typed). */
  accountAfter: number;
  /** ipAfter is how many failures in a row lock out one client IP, whatever emails it tries. */
  ipAfter: number;
  /** baseMs is the first lockout; each further failure doubles it, up to maxMs. */
  baseMs: number;
  maxMs: number;
  /** forgetMs is how long after the last failure a record is forgotten. */
  forgetMs: number;
  maxKeys: number;
}

/** DEFAULT_GUARD locks for 30 s at first, doubling to at most 15 minutes, forgetting after a day. */
export const DEFAULT_GUARD: SignInGuardOptions = { accountAfter: 5, ipAfter: 50, baseMs: 30_000, maxMs: 15 * 60_000, forgetMs: 86_400_000, maxKeys: 20_000 };

interface Record_ {
  failures: number;
  lockedUntil: number;
  last: number;
}

/**
 * SignInGuard counts failed sign-ins per account and per client IP and locks them out with
 * exponential backoff. Accounts are keyed by the email as typed, whether or not it exists, so a
 * lockout never tells an attacker which emails are real. State is in memory: a restart forgives.
 */
export class SignInGuard {
  private readonly records = new Map<string, Record_>();

  constructor(
    private readonly opts: SignInGuardOptions = DEFAULT_GUARD,
    private readonly now: () => number = Date.now,
  ) {}

  /** lockedFor returns how many ms the account or the IP stays locked (0 when sign-in may be tried). */
  lockedFor(email: string, ip: string): number {
    const t = this.now();
    return Math.max(0, ...[this.get(`a:${email.toLowerCase()}`, t), this.get(`i:${ip}`, t)].map((r) => (r ? r.lockedUntil - t : 0)));
  }

  /** failed records a wrong password, locking the account or the IP once past its threshold. */
  failed(email: string, ip: string): void {
    this.bump(`a:${email.toLowerCase()}`, this.opts.accountAfter);
    this.bump(`i:${ip}`, this.opts.ipAfter);
  }

  /** succeeded clears the account's record (the IP's too: whoever is there knows a password). */
  succeeded(email: string, ip: string): void {
    this.records.delete(`a:${email.toLowerCase()}`);
    this.records.delete(`i:${ip}`);
  }

  private get(key: string, t: number): Record_ | undefined {
    const r = this.records.get(key);
    if (r && t - r.last > this.opts.forgetMs) {
      this.records.delete(key);
      return undefined;
    }
    return r;
  }

  private bump(key: string, after: number): void {
    const t = this.now();
    const r = this.get(key, t) ?? { failures: 0, lockedUntil: 0, last: t };
    r.failures += 1;
    r.last = t;
    if (r.failures >= after) r.lockedUntil = t + Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** (r.failures - after));
    this.records.delete(key);
    this.records.set(key, r);
    if (this.records.size > this.opts.maxKeys) this.records.delete(this.records.keys().next().value!);
  }
}
