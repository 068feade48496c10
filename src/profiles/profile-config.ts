import type { Principal } from "../accounts/principal.ts";
import type { DbHandle } from "../db/client.ts";
import type { Keyring } from "../secrets/keyring.ts";
import { AppError } from "../shared/app-error.ts";
import { getProfile } from "./profiles.ts";

/**
 * profileConfigFor returns the stored config of `profile=<id>` for a connection: only its owner
 * (or an admin) may use it, anyone else is told it does not exist, and it must be for this server.
 */
export function profileConfigFor(dbh: DbHandle, keyring: Keyring, principal: Principal, serverId: number, id: string): Record<string, unknown> {
  if (principal.kind !== "session" && principal.kind !== "key") throw new AppError("unauthorized", "using a profile needs the API key or sign-in of its owner");
  const p = getProfile(dbh, keyring, id, principal.user);
  if (p.serverId !== serverId) throw new AppError("invalid", `profile ${id} is for another server`);
  return p.config;
}
