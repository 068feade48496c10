import type { User } from "../accounts/users.ts";
import type { AppContext } from "../http/context.ts";
import { getProfile, listProfiles, type Profile } from "../profiles/profiles.ts";
import type { JsonSchemaObject } from "../registry/manifest.ts";
import { keyringOf } from "../secrets/keyring.ts";
import { maskSecrets } from "../secrets/mask.ts";
import { AppError } from "../shared/app-error.ts";
import type { ProfileChoice } from "../../views/components/profile-panel.tsx";

/** profileChoices lists a user's profiles for a server as the Connect tab shows them (secrets masked). */
export function profileChoices(ctx: AppContext, user: User | undefined, serverId: number, schema: JsonSchemaObject): ProfileChoice[] {
  if (!user || !ctx.secrets) return [];
  return listProfiles(ctx.dbh, keyringOf(ctx), user.id, serverId).map((p) => ({
    id: p.id,
    name: p.name,
    settings: Object.entries(maskSecrets(schema, p.config)).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)] as [string, string]),
  }));
}

/** chosenProfile returns the profile a form chose, checked to be this user's and for this server ("" is none). */
export function chosenProfile(ctx: AppContext, user: User | undefined, serverId: number, id: string): Profile | undefined {
  if (!id) return undefined;
  if (!user) throw new AppError("unauthorized", "sign in to use a saved profile");
  const p = getProfile(ctx.dbh, keyringOf(ctx), id, user);
  if (p.serverId !== serverId) throw new AppError("invalid", "that profile is for another server");
  return p;
}
