import { createHash, randomBytes } from "node:crypto";

/** KEY_BYTES is the AES-256 key length. */
export const KEY_BYTES = 32;

/** KeyParse is a list of keys (first = current) or the reason the text is not one. */
export type KeyParse = { ok: true; keys: Buffer[] } | { ok: false; reason: string };

const HEX = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

// One key: 64 hex digits, or base64/base64url of 32 bytes. Never echoes the text (it is a secret).
function parseOne(text: string, n: number): Buffer | string {
  const where = n === 0 ? "the key" : `key ${n + 1}`;
  if (HEX.test(text)) return Buffer.from(text, "hex");
  if (!BASE64.test(text)) return `${where} is neither hex nor base64 (it has characters outside both alphabets)`;
  const bytes = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (bytes.length !== KEY_BYTES) return `${where} decodes to ${bytes.length} bytes, not ${KEY_BYTES}: make one with \`openssl rand -base64 32\``;
  return bytes;
}

/**
 * parseKeyList reads one key or several separated by commas or newlines: the first encrypts, the
 * others are still accepted for decryption (what a rotation in progress needs).
 */
export function parseKeyList(text: string): KeyParse {
  const parts = text.split(/[,\n]/).map((s) => s.trim()).filter(Boolean);
  if (parts.length === 0) return { ok: false, reason: "no key given" };
  const keys: Buffer[] = [];
  for (const [i, part] of parts.entries()) {
    const k = parseOne(part, i);
    if (typeof k === "string") return { ok: false, reason: k };
    keys.push(k);
  }
  return { ok: true, keys };
}

/** keyId names a key without revealing it: the first 12 hex digits of its SHA-256 (stored in every envelope). */
export function keyId(key: Buffer): string {
  return createHash("sha256").update("hearth-secret-key-id\0").update(key).digest("hex").slice(0, 12);
}

/** generateKey makes a fresh random 32-byte key. */
export function generateKey(): Buffer {
  return randomBytes(KEY_BYTES);
}

/** formatKey writes a key as base64 (the form the key file and HEARTH_SECRET_KEY use). */
export function formatKey(key: Buffer): string {
  return key.toString("base64");
}
