import { timingSafeEqual } from "node:crypto";

/** SETUP_TOKEN_TTL_MS is how long the first-run link printed by `serve` stays valid. */
export const SETUP_TOKEN_TTL_MS = 30 * 60 * 1000;

/**
 * SetupToken guards the first-run page: one random token, printed to the operator's terminal,
 * usable once within 30 minutes. It lives only in memory: a restart prints a new one.
 */
export class SetupToken {
  private token: string | undefined;
  private expiresAt = 0;

  /** issue makes a new token and returns it. */
  issue(now = Date.now()): string {
    this.token = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url");
    this.expiresAt = now + SETUP_TOKEN_TTL_MS;
    return this.token;
  }

  /** valid tells whether the given token is the live one. */
  valid(candidate: string | undefined, now = Date.now()): boolean {
    if (!this.token || !candidate || now >= this.expiresAt) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  /** consume ends the token once the first admin exists. */
  consume(): void {
    this.token = undefined;
  }
}
