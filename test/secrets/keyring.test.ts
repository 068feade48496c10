import { describe, expect, it } from "bun:test";
import { formatKey, generateKey, keyId, parseKeyList } from "../../src/secrets/key-material.ts";
import { envelopeKeyId, Keyring } from "../../src/secrets/keyring.ts";
import { loadConfig } from "../../src/config/config.ts";

describe("key material", () => {
  it.each([
    ["base64", (k: Buffer) => k.toString("base64")],
    ["base64url", (k: Buffer) => k.toString("base64url")],
    ["hex", (k: Buffer) => k.toString("hex")],
  ])("reads a 32-byte key as %s", (_name, encode) => {
    const key = generateKey();
    const r = parseKeyList(`  ${encode(key)}\n`);
    expect(r.ok && r.keys[0]!.equals(key)).toBe(true);
  });

  it("reads several keys, current first", () => {
    const [a, b] = [generateKey(), generateKey()];
    const r = parseKeyList(`${formatKey(a)},${formatKey(b)}`);
    expect(r.ok && r.keys.map(keyId)).toEqual([keyId(a), keyId(b)]);
  });

  it.each([
    ["", "no key given"],
    [Buffer.alloc(16).toString("base64"), "decodes to 16 bytes, not 32"],
    ["not a key!", "neither hex nor base64"],
  ])("refuses %p saying why", (text, why) => {
    const r = parseKeyList(text);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(why);
  });

  it("HEARTH_SECRET_KEY that is wrong is a config error that never echoes the value", () => {
    const bad = Buffer.alloc(31, 7).toString("base64");
    expect(() => loadConfig({ flags: {}, env: { HEARTH_SECRET_KEY: bad } })).toThrow(/HEARTH_SECRET_KEY: the key decodes to 31 bytes/);
    try {
      loadConfig({ flags: {}, env: { HEARTH_SECRET_KEY: bad } });
    } catch (e) {
      expect((e as Error).message).not.toContain(bad);
    }
  });

  it("HEARTH_SECRET_KEY becomes key bytes in the config", () => {
    const key = generateKey();
    const c = loadConfig({ flags: {}, env: { HEARTH_SECRET_KEY: formatKey(key) } });
    expect(c.secretKey?.[0]?.equals(key)).toBe(true);
  });
});

describe("Keyring", () => {
  it("round-trips, with a fresh IV each time and no plain text in the envelope", () => {
    const ring = new Keyring([generateKey()]);
    const a = ring.seal("hunter2-secret", "profile:1");
    const b = ring.seal("hunter2-secret", "profile:1");
    expect(a).not.toBe(b);
    expect(a).not.toContain("hunter2");
    expect(envelopeKeyId(a)).toBe(ring.currentKeyId);
    expect(ring.open(a, "profile:1")).toBe("hunter2-secret");
  });

  it("refuses a value moved to another row (the context is authenticated)", () => {
    const ring = new Keyring([generateKey()]);
    expect(() => ring.open(ring.seal("x", "profile:1"), "profile:2")).toThrow(/integrity check/);
  });

  it("refuses a tampered value", () => {
    const ring = new Keyring([generateKey()]);
    const sealed = ring.seal("some secret value", "c");
    const last = sealed.at(-2) === "A" ? "B" : "A";
    expect(() => ring.open(sealed.slice(0, -2) + last + sealed.at(-1), "c")).toThrow(/integrity check/);
  });

  it("names the missing key when a value was sealed with another", () => {
    const other = new Keyring([generateKey()]);
    const ring = new Keyring([generateKey()]);
    expect(() => ring.open(other.seal("x", "c"), "c")).toThrow(new RegExp(`encrypted with key ${other.currentKeyId}.*HEARTH_SECRET_KEY`));
  });

  it("opens with an older key but seals with the first", () => {
    const [oldKey, newKey] = [generateKey(), generateKey()];
    const sealedOld = new Keyring([oldKey]).seal("v", "c");
    const ring = new Keyring([newKey, oldKey]);
    expect(ring.open(sealedOld, "c")).toBe("v");
    expect(envelopeKeyId(ring.seal("v", "c"))).toBe(keyId(newKey));
  });
});
