import type { NormalisedManifest } from "./manifest.ts";

/** SERVER_JSON_SCHEMA is the schema URL Hearth states on server.json documents it synthesises. */
export const SERVER_JSON_SCHEMA = "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

/**
 * toServerJson is the document the official Registry API serves for a version. A published
 * server.json is served as the publisher wrote it (the official registry does the same), with
 * the name Hearth filed it under; smithery.yaml and .mcpb versions get a minimal synthesised one.
 */
export function toServerJson(m: NormalisedManifest, qualifiedName: string): Record<string, unknown> {
  if (m.source === "server.json" && m.raw && typeof m.raw === "object") {
    return { ...(m.raw as Record<string, unknown>), name: qualifiedName };
  }
  const doc: Record<string, unknown> = {
    $schema: SERVER_JSON_SCHEMA,
    name: qualifiedName,
    description: m.description.slice(0, 100),
    version: m.version,
  };
  if (m.title) doc.title = m.title;
  if (m.websiteUrl) doc.websiteUrl = m.websiteUrl;
  if (m.repository) doc.repository = m.repository;
  // The official schema allows https icons only: a bundle's icon, kept as a data: URL for pages, stays out.
  const icons = m.icons?.filter((i) => i.src.startsWith("https://"));
  if (icons?.length) doc.icons = icons;
  doc._meta = { "dev.hearth/source": m.source };
  return doc;
}
