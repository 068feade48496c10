// The key `hearth install` writes into a client's file: a connect-only key made for that client
// (named after it, so /account shows what it is for), never the key the user ran install with.
import { AppError } from "../shared/app-error.ts";
import { httpFailure, hubFetch, type Hub } from "./hub-api.ts";

const MARK = "(hearth install)";
const KEY_IN_TEXT = /hth_[A-Za-z0-9]{12}_[A-Za-z0-9]{40}/;

/** KeyInfo is what a key may read of itself. */
export interface KeyInfo {
  id: number;
  name: string;
  scopes: string[];
}

/** installKeyName names the key after the client and the server, within the 100 characters keys allow. */
export function installKeyName(clientTitle: string, qualifiedName: string): string {
  return `${`${clientTitle}: ${qualifiedName}`.slice(0, 100 - MARK.length - 1)} ${MARK}`;
}

/** keyInEntry finds the Hearth key an entry carries (a bearer header, or `--key` of hearth connect). */
export function keyInEntry(entry: unknown): string | undefined {
  return KEY_IN_TEXT.exec(JSON.stringify(entry ?? null))?.[0];
}

/** isInstallKey tells a key install made (connect-only, named by install) from one the user made. */
export function isInstallKey(k: KeyInfo): boolean {
  return k.scopes.length === 1 && k.scopes[0] === "connect" && k.name.endsWith(MARK);
}

/** keySelf reads a key's own name and scopes; undefined when the Hearth no longer takes it (revoked, expired). */
export async function keySelf(base: string, key: string): Promise<KeyInfo | undefined> {
  const hub: Hub = { base, key, keySource: "--key" };
  const r = await hubFetch(hub, "/api/v1/keys/self");
  if (r.status === 401) return undefined;
  const body = (await r.json().catch(() => undefined)) as KeyInfo | undefined;
  if (!r.ok || !body) throw httpFailure(hub, r.status, body);
  return body;
}

/** mintConnectKey makes a connect-only key for one client and server with the user's key. */
export async function mintConnectKey(hub: Hub, name: string, namespace: string): Promise<string> {
  const r = await hubFetch(hub, "/api/v1/keys", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ name, scopes: ["connect"], namespace }) });
  const body = (await r.json().catch(() => undefined)) as { key?: string } | undefined;
  if (!r.ok) throw httpFailure(hub, r.status, body);
  if (!body?.key) throw new AppError("unavailable", `${hub.base} did not answer like a Hearth (no key from /api/v1/keys)`);
  return body.key;
}

/** revokeKey revokes a key with the key itself (no other key is needed to give one up). */
export async function revokeKey(base: string, key: string): Promise<void> {
  const hub: Hub = { base, key, keySource: "--key" };
  const r = await hubFetch(hub, "/api/v1/keys/self", { method: "DELETE" });
  if (r.status !== 204 && r.status !== 401) throw httpFailure(hub, r.status, await r.json().catch(() => undefined));
}
