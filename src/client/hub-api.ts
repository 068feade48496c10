// Talking to a Hearth's REST API from the client side, with failures turned into AppErrors whose
// messages say what to fix (wrong URL, refused key, unknown or undeployed server, invalid config).
import { AppError, type AppErrorDetail } from "../shared/app-error.ts";
import type { KeySource } from "./credentials.ts";

/** Hub is one Hearth instance and the key used on it. */
export interface Hub {
  base: string;
  /** key is empty for an anonymous caller (public reads only). */
  key: string;
  keySource: KeySource | "none";
}

/** ServerDetail is the part of `GET /api/v1/servers/{ns}/{name}` the client uses. */
export interface ServerDetail {
  qualifiedName: string;
  displayName: string;
  description: string | null;
  isDeployed: boolean;
  connections: { type: string; url: string; configSchema: Record<string, unknown> }[];
}

interface ErrorBody {
  error?: string;
  details?: AppErrorDetail[];
  errors?: { param?: string; pointer?: string; reason?: string }[];
}

/** configErrorDetails turns a 422's `errors` (Smithery's shape) or `details` into readable lines. */
export function configErrorDetails(body: unknown): AppErrorDetail[] {
  const b = (typeof body === "object" && body !== null ? body : {}) as ErrorBody;
  if (Array.isArray(b.errors)) return b.errors.map((e) => ({ pointer: e.param || e.pointer || "", message: e.reason ?? "is not valid" }));
  return Array.isArray(b.details) ? b.details : [];
}

/** httpFailure explains a refused request in the user's terms. */
export function httpFailure(hub: Hub, status: number, body: unknown, name?: string): AppError {
  const msg = (body as ErrorBody | undefined)?.error;
  if (status === 401 && hub.keySource === "none") return new AppError("unauthorized", `${hub.base} wants a key: pass --key, set HEARTH_API_KEY, or run \`hearth login ${hub.base}\``);
  if (status === 401) return new AppError("unauthorized", `${hub.base} refused the key (from ${hub.keySource}); check it, or run \`hearth login ${hub.base}\``);
  if (status === 403) return new AppError("forbidden", `${hub.base}: ${msg ?? "this key may not do that"}`);
  if (status === 404) return new AppError("not_found", name ? `no server ${name} on ${hub.base} (or this key can't see it); try \`hearth search\`` : `${hub.base}: not found — is this a Hearth URL?`);
  if (status === 422) return new AppError("invalid", `the configuration is not valid for ${name ?? "this server"}:`, { details: configErrorDetails(body) });
  return new AppError("unavailable", `${hub.base} answered ${status}${msg ? `: ${msg}` : ""}`);
}

/** hubFetch makes an authenticated request; an unreachable instance is an AppError naming it. */
export async function hubFetch(hub: Hub, path: string, init: RequestInit = {}): Promise<Response> {
  try {
    const auth: Record<string, string> = hub.key ? { authorization: `Bearer ${hub.key}` } : {};
    return await fetch(`${hub.base}${path}`, { ...init, headers: { ...auth, accept: "application/json", ...init.headers } });
  } catch (cause) {
    throw new AppError("unavailable", `cannot reach ${hub.base}: ${(cause as Error).message}`, { cause });
  }
}

/** hubJson fetches JSON, turning a non-2xx answer (or a non-Hearth answer) into an AppError. */
export async function hubJson<T>(hub: Hub, path: string, name?: string): Promise<T> {
  const r = await hubFetch(hub, path);
  const body = (await r.json().catch(() => undefined)) as unknown;
  if (!r.ok) throw httpFailure(hub, r.status, body, name);
  if (body === undefined) throw new AppError("unavailable", `${hub.base} did not answer like a Hearth (no JSON at ${path})`);
  return body as T;
}

/** serverDetail reads a server's page data: its connections, config schema and deployment. */
export function serverDetail(hub: Hub, name: string): Promise<ServerDetail> {
  return hubJson<ServerDetail>(hub, `/api/v1/servers/${name}`, name);
}

/** deployedServer is serverDetail that refuses a server nobody can connect to yet. */
export async function deployedServer(hub: Hub, name: string): Promise<ServerDetail> {
  const d = await serverDetail(hub, name);
  if (!d.isDeployed) throw new AppError("conflict", `${name} is not deployed on ${hub.base}; deploy it first (hearth deploy ${name} --url ${hub.base})`);
  return d;
}

/** whoAmI checks the key against the instance and says whose it is. */
export function whoAmI(hub: Hub): Promise<{ email: string; scopes?: string[] }> {
  return hubJson(hub, "/api/v1/me");
}
