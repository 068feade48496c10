// The login store: one API key per Hearth instance, in $XDG_CONFIG_HOME/hearth/credentials.json
// (mode 0600), so commands need no --key once `hearth login` has run.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { AppError } from "../shared/app-error.ts";

type Env = Record<string, string | undefined>;

const storeSchema = z.object({
  default: z.string().optional(),
  instances: z.record(z.string(), z.object({ key: z.string().min(1), email: z.string().optional(), savedAt: z.string() })).default({}),
});

/** Credentials is the login store's content. */
export type Credentials = z.infer<typeof storeSchema>;

/** KeySource says where a key came from, for messages. */
export type KeySource = "--key" | "HEARTH_API_KEY" | "login";

/** credentialsPath is the store's file: $XDG_CONFIG_HOME/hearth/credentials.json, else ~/.config/hearth/. */
export function credentialsPath(env: Env): string {
  const base = env.XDG_CONFIG_HOME || (env.HOME ? join(env.HOME, ".config") : undefined);
  if (!base) throw new AppError("bad_request", "neither XDG_CONFIG_HOME nor HOME is set, so there is nowhere to keep logins");
  return join(base, "hearth", "credentials.json");
}

/** instanceUrl normalises a Hearth URL to its scheme, host and path prefix (the store's key). */
export function instanceUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new AppError("bad_request", `${url} is not a URL; give the Hearth's address, like https://hub.example.com`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new AppError("bad_request", `${url}: give an http:// or https:// address`);
  return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, "")}`;
}

/** readCredentials loads the store (empty when there is none); a damaged file is refused, not overwritten. */
export function readCredentials(env: Env): Credentials {
  const file = credentialsPath(env);
  if (!existsSync(file)) return { instances: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new AppError("invalid", `${file} is not valid JSON (${(e as Error).message}); fix or delete it, then log in again`);
  }
  const r = storeSchema.safeParse(raw);
  if (!r.success) throw new AppError("invalid", `${file} is not a Hearth login store; fix or delete it, then log in again`);
  return r.data;
}

function write(env: Env, c: Credentials): void {
  const file = credentialsPath(env);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(c, null, 2) + "\n", { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

/** saveLogin stores the key for an instance and makes it the default one. */
export function saveLogin(env: Env, url: string, key: string, email?: string): void {
  const c = readCredentials(env);
  const at = instanceUrl(url);
  c.instances[at] = { key, email, savedAt: new Date().toISOString() };
  c.default = at;
  write(env, c);
}

/** removeLogin forgets one instance (the default when none is named); returns which, or undefined. */
export function removeLogin(env: Env, url?: string): string | undefined {
  const c = readCredentials(env);
  const at = url ? instanceUrl(url) : c.default;
  if (!at || !c.instances[at]) return undefined;
  delete c.instances[at];
  if (c.default === at) c.default = Object.keys(c.instances)[0];
  write(env, c);
  return at;
}

/** defaultInstance is the Hearth `ns/name` targets go to when no --url is given: the last login. */
export function defaultInstance(env: Env): string | undefined {
  return readCredentials(env).default;
}

/** resolveKey picks the key for an instance: the flag, then HEARTH_API_KEY, then the login store. */
export function resolveKey(flag: string | undefined, env: Env, base: string): { key: string; source: KeySource } | undefined {
  if (flag) return { key: flag, source: "--key" };
  if (env.HEARTH_API_KEY) return { key: env.HEARTH_API_KEY, source: "HEARTH_API_KEY" };
  const saved = readCredentials(env).instances[instanceUrl(base)];
  return saved ? { key: saved.key, source: "login" } : undefined;
}
