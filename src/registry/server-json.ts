import type { ServerJsonInput, ServerJsonKeyValue } from "./config-schema.ts";
import type { NormalisedIcon, NormalisedRepository } from "./manifest.ts";
import type { ServerJsonPackage } from "./manifest-packages.ts";

/** ServerJson is a validated, camelCase server.json document (2025-12-11 shape). */
export interface ServerJson {
  $schema?: string;
  name: string;
  title?: string;
  description: string;
  version: string;
  websiteUrl?: string;
  repository?: NormalisedRepository;
  icons?: NormalisedIcon[];
  packages?: ServerJsonPackage[];
  remotes?: Array<{
    type: "streamable-http" | "sse";
    url: string;
    headers?: ServerJsonKeyValue[];
    variables?: Record<string, ServerJsonInput>;
  }>;
  _meta?: Record<string, unknown>;
}
