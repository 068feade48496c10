import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { AppError } from "../shared/app-error.ts";
import { keyId } from "./key-material.ts";

// Envelope: enc:v1:<key id>:<base64url of iv(12) | ciphertext | tag(16)>. The key id lets a rotation
// hold old and new keys at once and lets start-up tell "wrong key" from "corrupt value".
const PREFIX = "enc:v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** isEnvelope tells a sealed value from anything else (plain text must never be mistaken for one). */
export function isEnvelope(value: string): boolean {
  return value.startsWith(PREFIX);
}

/** envelopeKeyId returns the id of the key a sealed value was made with. */
export function envelopeKeyId(value: string): string | undefined {
  if (!isEnvelope(value)) return undefined;
  const rest = value.slice(PREFIX.length);
  const i = rest.indexOf(":");
  return i > 0 ? rest.slice(0, i) : undefined;
}

/**
 * Keyring seals and opens secrets with AES-256-GCM (node:crypto). The first key encrypts; every key
 * decrypts. `context` is bound as additional data, so a value copied to another column or row
 * does not open there. `reload` (a key file's reader) is consulted when a value names a key this
 * ring lacks, and before sealing, so a running server follows `hearth secrets rotate`.
 */
export class Keyring {
  private keys: Map<string, Buffer>;
  private currentId: string;

  constructor(keys: Buffer[], private readonly reload?: () => Buffer[] | undefined) {
    if (keys.length === 0) throw new Error("a keyring needs at least one key");
    this.keys = new Map(keys.map((k) => [keyId(k), k]));
    this.currentId = keyId(keys[0]!);
  }

  /** currentKeyId is the id of the key new values are sealed with. */
  get currentKeyId(): string {
    return this.currentId;
  }

  /** keyIds lists every key this ring can open. */
  keyIds(): string[] {
    return [...this.keys.keys()];
  }

  /** seal encrypts a string under the current key. */
  seal(plain: string, context: string): string {
    this.refresh();
    const key = this.keys.get(this.currentId)!;
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.setAAD(Buffer.from(context));
    const body = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return `${PREFIX}${this.currentId}:${Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64url")}`;
  }

  /** open decrypts a sealed value; a missing key or a tampered value is AppError "unavailable" naming the fix. */
  open(sealed: string, context: string): string {
    const kid = envelopeKeyId(sealed);
    if (!kid) throw new AppError("unavailable", "a stored secret is not in Hearth's encrypted form; restore the database from a backup");
    if (!this.keys.has(kid)) this.refresh();
    const key = this.keys.get(kid);
    if (!key) throw new AppError("unavailable", `a stored secret was encrypted with key ${kid}, which this Hearth does not have: set HEARTH_SECRET_KEY (or the key file) to that key`);
    const raw = Buffer.from(sealed.slice(PREFIX.length + kid.length + 1), "base64url");
    if (raw.length < IV_BYTES + TAG_BYTES) throw new AppError("unavailable", "a stored secret is truncated; restore the database from a backup");
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch (cause) {
      throw new AppError("unavailable", "a stored secret failed its integrity check (tampered or moved); restore the database from a backup", { cause });
    }
  }

  /** sealJson and openJson are seal/open for JSON values. */
  sealJson(value: unknown, context: string): string {
    return this.seal(JSON.stringify(value), context);
  }

  /** openJson decrypts and parses a value sealed with sealJson. */
  openJson<T = unknown>(sealed: string, context: string): T {
    return JSON.parse(this.open(sealed, context)) as T;
  }

  private refresh(): void {
    // The reader answers only when the keys changed; a key file that went bad mid-run keeps the old ring.
    let next: Buffer[] | undefined;
    try {
      next = this.reload?.();
    } catch {
      return;
    }
    if (!next || next.length === 0) return;
    this.keys = new Map(next.map((k) => [keyId(k), k]));
    this.currentId = keyId(next[0]!);
  }
}

/** keyringOf returns the instance's keyring, or says this process stores no secrets. */
export function keyringOf(holder: { secrets?: Keyring }): Keyring {
  if (!holder.secrets) throw new AppError("unavailable", "this Hearth has no secret key loaded, so it can't store or read secrets");
  return holder.secrets;
}
