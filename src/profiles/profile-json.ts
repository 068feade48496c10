import type { JsonSchemaObject } from "../registry/manifest.ts";
import { maskSecrets } from "../secrets/mask.ts";
import type { Profile } from "./profiles.ts";

/** profileJson is a profile as the API shows it: secret settings masked, and URLs that connect with it. */
export function profileJson(publicUrl: string, qualifiedName: string, schema: JsonSchemaObject, p: Profile) {
  const page = `${publicUrl}/${qualifiedName}`;
  const q = `profile=${encodeURIComponent(p.id)}`;
  return {
    id: p.id,
    name: p.name,
    server: qualifiedName,
    config: maskSecrets(schema, p.config),
    connections: { http: `${page}/mcp?${q}`, ws: `${page.replace(/^http/, "ws")}/ws?${q}` },
    createdAt: new Date(p.createdAt).toISOString(),
    updatedAt: new Date(p.updatedAt).toISOString(),
  };
}
