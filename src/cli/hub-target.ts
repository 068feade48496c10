// Which Hearth a client command talks to and with which key: a URL target names its own instance,
// else --url, else the last `hearth login`, else --public-url; the key is --key > HEARTH_API_KEY > login.
import { defaultInstance, instanceUrl, resolveKey } from "../client/credentials.ts";
import type { Hub } from "../client/hub-api.ts";
import type { Config } from "../config/config.ts";
import { UsageError } from "./usage-error.ts";

/** baseFor is the instance for commands given ns/name (or nothing): --url, the login default, --public-url. */
export function baseFor(flags: { url?: string }, env: Record<string, string | undefined>, config: Config): string {
  const url = flags.url ?? defaultInstance(env) ?? config.publicUrl;
  return instanceUrl(url);
}

/** hubFor resolves the key for an instance, or says how to provide one. */
export function hubFor(base: string, flags: { key?: string }, env: Record<string, string | undefined>): Hub {
  const found = resolveKey(flags.key, env, base);
  if (!found) throw new UsageError(`no key for ${base}: pass --key, set HEARTH_API_KEY, or run \`hearth login ${base}\``);
  return { base, key: found.key, keySource: found.source };
}

/** hubOrAnonymous is hubFor for reads a public Hearth answers without a key. */
export function hubOrAnonymous(base: string, flags: { key?: string }, env: Record<string, string | undefined>): Hub {
  const found = resolveKey(flags.key, env, base);
  return found ? { base, key: found.key, keySource: found.source } : { base, key: "", keySource: "none" };
}
