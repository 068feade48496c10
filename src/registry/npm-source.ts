// Turns an npm package into a server.json to review and publish: the package's own server.json when
// its tarball carries one, else one made from its registry metadata (name from mcpName or its scope).
// Only the configured npm registry is ever asked, so a name typed into a form can't steer a request
// anywhere else (no SSRF): the name is checked with npm's rule and becomes one escaped path segment.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { download, routing } from "../installer/download.ts";
import { isExactVersion } from "../installer/npm.ts";
import { inspectTarball } from "../installer/tarball.ts";
import { AppError } from "../shared/app-error.ts";
import { npmSpecText, type NpmSpec } from "./npm-spec.ts";

/** SERVER_SCHEMA_URL is the server.json schema Hearth writes and links to. */
export const SERVER_SCHEMA_URL = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";
/** DEFAULT_NPM_REGISTRY is the public registry, which installs use unless a package names another. */
const DEFAULT_NPM_REGISTRY = "https://registry.npmjs.org";

/** SERVER_JSON_EXAMPLE is the smallest server.json for an npm package, shown in `publish --help` and on /publish. */
export const SERVER_JSON_EXAMPLE = {
  $schema: SERVER_SCHEMA_URL,
  name: "io.github.you/my-server",
  description: "What the server does, in one line",
  version: "1.0.0",
  packages: [{ registryType: "npm", identifier: "@you/my-server", version: "1.0.0", transport: { type: "stdio" } }],
};

/** NpmSourceOptions say which registry to ask and how to reach it (the operator's proxy and CA). */
export interface NpmSourceOptions {
  registry: string;
  passEnv: Record<string, string>;
  timeoutMs?: number;
  /** name overrides the server's name (needed when the package has neither mcpName nor a scope). */
  name?: string;
}

/** FromNpm is a server.json for one release of a package, and where its content came from. */
export interface FromNpm {
  serverJson: Record<string, unknown>;
  /** text is serverJson printed for a person to review. */
  text: string;
  package: { name: string; version: string };
  from: "the package's server.json" | "the package's metadata";
}

interface VersionDoc {
  name?: unknown;
  version?: unknown;
  description?: unknown;
  mcpName?: unknown;
  homepage?: unknown;
  bin?: unknown;
  dist?: { tarball?: unknown; integrity?: unknown };
}

const MAX_DOC_BYTES = 4 * 1024 * 1024;
const MAX_TARBALL_BYTES = 64 * 1024 * 1024;

const base = (registry: string) => registry.replace(/\/+$/, "");
// `@scope/name` is one path segment to the registry: `@scope%2fname`.
const segment = (name: string) => name.replace("/", "%2f");

async function registryGet(url: string, o: NpmSourceOptions, accept = "application/json"): Promise<Response> {
  const parsed = new URL(url);
  try {
    // redirect "error": whatever the registry answers, Hearth asks no other host on a user's behalf.
    return await fetch(parsed, { headers: { accept }, redirect: "error", signal: AbortSignal.timeout(o.timeoutMs ?? 15_000), ...routing(parsed, o.passEnv) });
  } catch (e) {
    throw new AppError("unavailable", `the npm registry (${base(o.registry)}) can't be reached: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

// The body is read in chunks and dropped at the limit: a registry (or a proxy in its place) that
// sends an endless document must not fill Hearth's memory before the size is checked.
async function boundedText(r: Response, what: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  try {
    for await (const chunk of r.body ?? []) {
      bytes += chunk.length;
      if (bytes > MAX_DOC_BYTES) {
        await r.body?.cancel().catch(() => undefined);
        throw new AppError("too_large", `${what} is over ${MAX_DOC_BYTES} bytes`);
      }
      chunks.push(chunk);
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError("unavailable", `the npm registry stopped sending ${what}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return Buffer.concat(chunks).toString("utf8");
}

async function readJson(r: Response, what: string): Promise<Record<string, unknown>> {
  const text = await boundedText(r, what);
  try {
    const doc = JSON.parse(text) as unknown;
    if (doc && typeof doc === "object" && !Array.isArray(doc)) return doc as Record<string, unknown>;
  } catch {
    // fall through to the refusal below
  }
  throw new AppError("unavailable", `the npm registry sent ${what} that is not a JSON object`);
}

// A 404 on one version means either no package or no such version: the package document tells which.
async function missing(spec: NpmSpec, o: NpmSourceOptions): Promise<AppError> {
  const r = await registryGet(`${base(o.registry)}/${segment(spec.name)}`, o, "application/vnd.npm.install-v1+json");
  if (r.status === 404) {
    await r.body?.cancel();
    return new AppError("not_found", `there is no npm package ${spec.name} on ${base(o.registry)}`);
  }
  if (!r.ok) {
    await r.body?.cancel();
    return new AppError("unavailable", `the npm registry answered ${r.status} for ${spec.name}`);
  }
  const doc = await readJson(r, `the package document of ${spec.name}`);
  const latest = (doc["dist-tags"] as Record<string, unknown> | undefined)?.latest;
  const hint = typeof latest === "string" ? ` (its latest is ${latest})` : "";
  return new AppError("not_found", `${spec.name} has no version or tag ${spec.version}${hint}`);
}

async function versionDoc(spec: NpmSpec, o: NpmSourceOptions): Promise<VersionDoc> {
  const r = await registryGet(`${base(o.registry)}/${segment(spec.name)}/${encodeURIComponent(spec.version)}`, o);
  if (r.status === 404) {
    await r.body?.cancel();
    throw await missing(spec, o);
  }
  if (!r.ok) {
    await r.body?.cancel();
    throw new AppError("unavailable", `the npm registry answered ${r.status} for ${npmSpecText(spec)}`);
  }
  return (await readJson(r, `the metadata of ${npmSpecText(spec)}`)) as VersionDoc;
}

function hasBin(bin: unknown): boolean {
  if (typeof bin === "string") return bin.trim() !== "";
  return bin !== null && typeof bin === "object" && Object.keys(bin).length > 0;
}

// The tarball's own server.json, if it has one and it describes this very package; undefined otherwise.
async function packagedServerJson(doc: VersionDoc, name: string, o: NpmSourceOptions): Promise<Record<string, unknown> | undefined> {
  const url = typeof doc.dist?.tarball === "string" ? doc.dist.tarball : undefined;
  // A tarball elsewhere than the configured registry is not fetched (the document names the URL).
  if (!url || !URL.canParse(url) || new URL(url).origin !== new URL(o.registry).origin) return undefined;
  const dir = mkdtempSync(join(tmpdir(), "hearth-npm-"));
  try {
    const file = join(dir, "package.tgz");
    await download(url, file, { passEnv: o.passEnv, maxBytes: MAX_TARBALL_BYTES, timeoutMs: o.timeoutMs ?? 60_000 });
    checkIntegrity(doc, await Bun.file(file).bytes());
    const info = await inspectTarball(file, undefined, ["server.json"]);
    const text = info.files["server.json"];
    if (text === undefined) return undefined;
    const parsed = JSON.parse(text) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return undefined;
    const packages = (parsed as { packages?: unknown }).packages;
    const ours = Array.isArray(packages) && packages.some((p: { registryType?: unknown; identifier?: unknown }) => p?.registryType === "npm" && p.identifier === name);
    return ours ? (parsed as Record<string, unknown>) : undefined;
  } catch (e) {
    if (e instanceof AppError && e.message.includes("integrity")) throw e;
    return undefined; // an unreadable server.json is no reason to refuse: the metadata still describes the package
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function checkIntegrity(doc: VersionDoc, bytes: Uint8Array): void {
  const integrity = typeof doc.dist?.integrity === "string" ? doc.dist.integrity : "";
  const m = /^sha512-([A-Za-z0-9+/=]+)$/.exec(integrity.split(/\s+/)[0] ?? "");
  if (!m) return;
  const actual = new Bun.CryptoHasher("sha512").update(bytes).digest("base64");
  if (actual !== m[1]) throw new AppError("invalid", "the package's tarball does not match the integrity the registry states for it");
}

function serverName(doc: VersionDoc, name: string, given: string | undefined): string {
  if (given) return given;
  if (typeof doc.mcpName === "string" && doc.mcpName.includes("/")) return doc.mcpName;
  const scoped = /^@([^/]+)\/(.+)$/.exec(name);
  if (scoped) return `${scoped[1]}/${scoped[2]}`;
  throw new AppError("invalid", `${name} has no mcpName and no @scope, so its namespace can't be told: give the server a name (namespace/name)`, {
    details: [{ pointer: "/name", message: "give namespace/name" }],
  });
}

function fromMetadata(doc: VersionDoc, name: string, version: string, o: NpmSourceOptions): Record<string, unknown> {
  const description = typeof doc.description === "string" && doc.description.trim() ? doc.description.trim().slice(0, 100) : `The ${name} MCP server`;
  const homepage = typeof doc.homepage === "string" && /^https:\/\//.test(doc.homepage) ? { websiteUrl: doc.homepage } : {};
  const registryBaseUrl = base(o.registry) === DEFAULT_NPM_REGISTRY ? {} : { registryBaseUrl: base(o.registry) };
  return {
    $schema: SERVER_SCHEMA_URL,
    name: serverName(doc, name, o.name),
    description,
    version,
    ...homepage,
    packages: [{ registryType: "npm", identifier: name, version, ...registryBaseUrl, transport: { type: "stdio" } }],
  };
}

/**
 * serverJsonFromNpm reads one release of an npm package from the configured registry and returns
 * the server.json to publish it with. Refused: an unknown package or version (not_found), and a
 * package with no `bin` (nothing to start as a stdio server).
 */
export async function serverJsonFromNpm(spec: NpmSpec, o: NpmSourceOptions): Promise<FromNpm> {
  const doc = await versionDoc(spec, o);
  if (typeof doc.version !== "string" || !isExactVersion(doc.version)) throw new AppError("unavailable", `the npm registry sent no exact version for ${npmSpecText(spec)}`);
  const version = doc.version;
  if (doc.name !== spec.name) throw new AppError("unavailable", `the npm registry answered for ${String(doc.name).slice(0, 100)}, not ${spec.name}`);
  if (!hasBin(doc.bin)) {
    throw new AppError("invalid", `${spec.name}@${version} has no "bin" in its package.json, so there is no command to start it as a stdio MCP server`);
  }
  const packaged = await packagedServerJson(doc, spec.name, o);
  const serverJson = packaged ? { ...packaged, ...(o.name ? { name: o.name } : {}) } : fromMetadata(doc, spec.name, version, o);
  return { serverJson, text: `${JSON.stringify(serverJson, null, 2)}\n`, package: { name: spec.name, version }, from: packaged ? "the package's server.json" : "the package's metadata" };
}
