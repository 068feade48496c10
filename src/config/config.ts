import { resolve } from "node:path";
import { z } from "zod";
import { parseKeyList } from "../secrets/key-material.ts";

/** ConfigField describes one setting: its flag, env var, help text and how to parse a raw string. */
export interface ConfigField {
  flag: string;
  env: string;
  help: string;
  /** Shown in --help; undefined means "derived" or "none". */
  defaultText: string;
  boolean?: boolean;
  /** secret values are never echoed back in an error message. */
  secret?: boolean;
}

const bool = z.union([z.boolean(), z.stringbool()], { error: "must be true or false (or yes/no, on/off, 1/0)" });

const port = z.coerce
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(0, "must be 0-65535")
  .max(65535, "must be 0-65535");

/** RateSpec is a rate limit: a burst of `count` requests, refilled evenly over `perMs`. */
export interface RateSpec {
  count: number;
  perMs: number;
}

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

// "10/m", "30/5m", "100/h" or "off": short enough for a flag, and says the window out loud.
const rate = z
  .string()
  .regex(/^(off|\d{1,6}\/\d{0,4}[smh])$/, 'must look like 10/m, 30/5m, 100/h or "off"')
  .transform((v): RateSpec | null => {
    if (v === "off") return null;
    const [, n, k, unit] = /^(\d+)\/(\d*)([smh])$/.exec(v)!;
    return { count: Math.max(1, Number(n)), perMs: Math.max(1, Number(k || 1)) * UNIT_MS[unit as keyof typeof UNIT_MS] };
  });

// "5s", "500ms" or bare seconds: how long a stopping Hearth may take, at most a minute.
const drainMs = z
  .union([z.number(), z.string()])
  .transform((v, c) => {
    const m = /^(\d+(?:\.\d+)?)(ms|s)?$/.exec(String(v).trim());
    const ms = m ? Math.round(Number(m[1]) * (m[2] === "ms" ? 1 : 1000)) : NaN;
    if (ms >= 100 && ms <= 60_000) return ms;
    c.addIssue({ code: "custom", message: "must be a duration from 100ms to 60s, like 5s or 1500ms" });
    return z.NEVER;
  });

/** configSchema is the single source of truth for Hearth's settings (flags, env and defaults). */
export const configSchema = z.object({
  host: z.string().min(1, "must not be empty").default("127.0.0.1"),
  port: port.default(8080),
  data: z.string().min(1, "must not be empty").default("./hearth-data"),
  publicUrl: z.url({ error: "must be an absolute http(s) URL" }).optional(),
  tlsCert: z.string().optional(),
  tlsKey: z.string().optional(),
  logLevel: z.enum(["debug", "info", "warn", "error"], { error: "must be debug, info, warn or error" }).default("info"),
  maxBodyBytes: z.coerce.number().int().min(1024, "must be at least 1024").default(10 * 1024 * 1024),
  trustProxy: bool.default(false),
  publicRead: bool.default(true),
  sandbox: z.enum(["auto", "bwrap", "none"], { error: "must be auto, bwrap or none" }).default("auto"),
  passEnv: z.string().default(""),
  npmRegistry: z
    .url({ error: "must be an absolute http(s) URL" })
    .refine((u) => /^https?:\/\//.test(u), "must be an absolute http(s) URL")
    .transform((u) => u.replace(/\/+$/, ""))
    .default("https://registry.npmjs.org"),
  rateSignin: rate.prefault("10/m"),
  ratePublish: rate.prefault("30/m"),
  rateSession: rate.prefault("120/m"),
  lockoutAfter: z.coerce.number().int().min(1, "must be at least 1").max(1000).default(5),
  lockoutIpAfter: z.coerce.number().int().min(1, "must be at least 1").max(100_000).default(50),
  drainTimeout: drainMs.prefault("5s"),
  maxChildren: z.coerce.number({ error: "must be a number" }).int("must be a whole number").min(1, "must be at least 1").max(100_000).default(200),
  // Parsed here, at the edge, into key bytes: the first encrypts, any others only decrypt.
  secretKey: z
    .string()
    .transform((text, c) => {
      const r = parseKeyList(text);
      if (r.ok) return r.keys;
      c.addIssue({ code: "custom", message: r.reason });
      return z.NEVER;
    })
    .optional(),
});

/** Config is the validated, resolved configuration passed down from main (dataDir is absolute). */
export type Config = z.infer<typeof configSchema> & { publicUrl: string; dataDir: string };

/** configFields lists every setting with its flag and env name, in --help order. */
export const configFields: Record<keyof z.infer<typeof configSchema>, ConfigField> = {
  host: { flag: "host", env: "HEARTH_HOST", help: "address to listen on", defaultText: "127.0.0.1" },
  port: { flag: "port", env: "HEARTH_PORT", help: "port to listen on (0 picks a free one)", defaultText: "8080" },
  data: { flag: "data", env: "HEARTH_DATA", help: "data directory (database, packages, secret key)", defaultText: "./hearth-data" },
  publicUrl: { flag: "public-url", env: "HEARTH_PUBLIC_URL", help: "URL users reach Hearth at", defaultText: "derived from host/port" },
  tlsCert: { flag: "tls-cert", env: "HEARTH_TLS_CERT", help: "PEM certificate file: serve https/wss directly", defaultText: "none" },
  tlsKey: { flag: "tls-key", env: "HEARTH_TLS_KEY", help: "PEM private key file for --tls-cert", defaultText: "none" },
  logLevel: { flag: "log-level", env: "HEARTH_LOG_LEVEL", help: "debug, info, warn or error", defaultText: "info" },
  maxBodyBytes: { flag: "max-body-bytes", env: "HEARTH_MAX_BODY_BYTES", help: "largest request body accepted", defaultText: "10485760" },
  trustProxy: { flag: "trust-proxy", env: "HEARTH_TRUST_PROXY", help: "trust X-Forwarded-* from a reverse proxy", defaultText: "false", boolean: true },
  publicRead: { flag: "public-read", env: "HEARTH_PUBLIC_READ", help: "let anonymous visitors read public servers", defaultText: "true" },
  sandbox: { flag: "sandbox", env: "HEARTH_SANDBOX", help: "auto, bwrap or none: how server children are isolated", defaultText: "auto" },
  passEnv: {
    flag: "pass-env",
    env: "HEARTH_PASS_ENV",
    help: "comma-separated host env vars passed to installs (proxy, CA), e.g. HTTPS_PROXY,NODE_EXTRA_CA_CERTS",
    defaultText: "none",
  },
  npmRegistry: {
    flag: "npm-registry",
    env: "HEARTH_NPM_REGISTRY",
    help: "the npm registry `publish npm:<package>` and the publish page read package metadata from (the only one asked)",
    defaultText: "https://registry.npmjs.org",
  },
  rateSignin: { flag: "rate-signin", env: "HEARTH_RATE_SIGNIN", help: "sign-in attempts per client IP (10/m, 30/5m, 100/h or off)", defaultText: "10/m" },
  ratePublish: { flag: "rate-publish", env: "HEARTH_RATE_PUBLISH", help: "publishes per client IP and per key or user", defaultText: "30/m" },
  rateSession: { flag: "rate-session", env: "HEARTH_RATE_SESSION", help: "new MCP sessions (WS, /mcp, playground) per client IP and per key or user", defaultText: "120/m" },
  lockoutAfter: { flag: "lockout-after", env: "HEARTH_LOCKOUT_AFTER", help: "failed sign-ins in a row before an account is locked (backoff doubles)", defaultText: "5" },
  lockoutIpAfter: { flag: "lockout-ip-after", env: "HEARTH_LOCKOUT_IP_AFTER", help: "failed sign-ins in a row from one IP before it is locked out", defaultText: "50" },
  drainTimeout: { flag: "drain-timeout", env: "HEARTH_DRAIN_TIMEOUT", help: "how long SIGTERM/SIGINT may take: open MCP calls fail at once, then HTTP drains and children stop within it", defaultText: "5s" },
  maxChildren: { flag: "max-children", env: "HEARTH_MAX_CHILDREN", help: "server processes this instance runs at most, warm pool children included", defaultText: "200" },
  secretKey: {
    flag: "secret-key",
    env: "HEARTH_SECRET_KEY",
    help: "32-byte key (base64 or hex) encrypting stored secrets; prefer the env var, or leave unset to use <data>/secret.key",
    defaultText: "<data>/secret.key, created on first run",
    secret: true,
  },
};

/** ConfigInput is what the CLI collected: raw flag values and the process environment. */
export interface ConfigInput {
  flags: Record<string, string | boolean | undefined>;
  env: Record<string, string | undefined>;
}

/** ConfigError says which setting is wrong and how, in words the operator can act on. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** loadConfig resolves flags over HEARTH_* env over defaults and validates the result. */
export function loadConfig(input: ConfigInput): Config {
  const raw: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(configFields)) {
    const fromFlag = input.flags[field.flag];
    const value = fromFlag !== undefined ? fromFlag : input.env[field.env];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const key = String(issue.path[0]) as keyof typeof configFields;
    const field = configFields[key];
    const got = raw[key] === undefined || field.secret ? "" : ` (got ${JSON.stringify(raw[key])})`;
    throw new ConfigError(`--${field.flag} / ${field.env}: ${issue.message}${got}`);
  }
  const c = parsed.data;
  if (Boolean(c.tlsCert) !== Boolean(c.tlsKey)) {
    throw new ConfigError("--tls-cert and --tls-key go together: give both or neither");
  }
  const scheme = c.tlsCert ? "https" : "http";
  const shownHost = c.host === "0.0.0.0" || c.host === "::" ? "localhost" : c.host.includes(":") ? `[${c.host}]` : c.host;
  const publicUrl = (c.publicUrl ?? `${scheme}://${shownHost}:${c.port}`).replace(/\/+$/, "");
  // Absolute, so children, installs and the sandbox never depend on the working directory.
  return { ...c, publicUrl, dataDir: resolve(c.data) };
}

/** withPort returns the config with the port actually bound (when 0 was asked) reflected in publicUrl. */
export function withPort(config: Config, boundPort: number, explicitPublicUrl: boolean): Config {
  if (explicitPublicUrl || config.port === boundPort) return { ...config, port: boundPort };
  const url = new URL(config.publicUrl);
  url.port = String(boundPort);
  return { ...config, port: boundPort, publicUrl: url.origin };
}

/** passEnvValues picks the host variables named in --pass-env (proxy, CA bundle) from env: nothing else passes. */
export function passEnvValues(names: string, env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const n of names.split(",").map((s) => s.trim()).filter(Boolean)) {
    const v = env[n];
    if (v !== undefined) out[n] = v;
  }
  return out;
}
