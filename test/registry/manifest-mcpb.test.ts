import { describe, expect, it } from "bun:test";
import { AppError } from "../../src/shared/app-error.ts";
import { validateConfig } from "../../src/registry/config-schema.ts";
import { resolveLaunch } from "../../src/registry/launch-mapping.ts";
import { parseMcpbManifest } from "../../src/registry/manifest-mcpb.ts";

// Modelled on the MCPB spec's filesystem and API examples (manifest_version 0.3).
const bundle = {
  manifest_version: "0.3",
  name: "acme-files",
  display_name: "Acme Files",
  version: "1.2.0",
  description: "File tools with an API",
  author: { name: "Acme" },
  homepage: "https://acme.example/files",
  repository: { type: "git", url: "https://github.com/acme/files" },
  keywords: ["files", "io"],
  server: {
    type: "node",
    entry_point: "server/index.js",
    mcp_config: {
      command: "node",
      args: ["${__dirname}/server/index.js", "--timeout", "${user_config.timeout}", "${user_config.allowed_directories}"],
      env: { API_KEY: "${user_config.api_key}", MODE: "production" },
    },
  },
  user_config: {
    allowed_directories: { type: "directory", title: "Allowed Directories", description: "Dirs", multiple: true, required: true },
    api_key: { type: "string", title: "API Key", description: "Key", sensitive: true, required: true },
    timeout: { type: "number", title: "Timeout", description: "Seconds", default: 30, min: 1, max: 300 },
  },
};

describe("parseMcpbManifest", () => {
  it("turns user_config into a configSchema and ${user_config.x} into a launch mapping", () => {
    const m = parseMcpbManifest(JSON.stringify(bundle));
    expect(m.configSchema).toEqual({
      type: "object",
      properties: {
        allowed_directories: {
          type: "array",
          items: { type: "string", "x-picker": "directory" },
          title: "Allowed Directories",
          description: "Dirs",
        },
        api_key: { type: "string", title: "API Key", description: "Key", "x-secret": true, writeOnly: true },
        timeout: { type: "number", minimum: 1, maximum: 300, title: "Timeout", description: "Seconds", default: 30 },
      },
      required: ["allowed_directories", "api_key"],
    });
    expect(m.runs).toEqual({
      kind: "mcpb",
      entry: { serverType: "node", entryPoint: "server/index.js", command: "node" },
      launch: {
        runtimeArgs: [],
        args: [
          { kind: "value", template: [{ host: "__dirname" }, "/server/index.js"], repeated: false },
          { kind: "named", flag: "--timeout", template: [{ param: "timeout" }], repeated: false },
          { kind: "value", template: [{ param: "allowed_directories" }], repeated: true },
        ],
        env: [
          { name: "API_KEY", template: [{ param: "api_key" }] },
          { name: "MODE", template: ["production"] },
        ],
      },
    });
    expect(m).toMatchObject({
      name: "acme-files",
      title: "Acme Files",
      version: "1.2.0",
      websiteUrl: "https://acme.example/files",
      repository: { url: "https://github.com/acme/files", source: "git" },
      tags: ["files", "io"],
      source: "mcpb",
      warnings: [],
    });
  });

  it("expands a multiple-choice setting into separate argv items", () => {
    const m = parseMcpbManifest(JSON.stringify(bundle), { name: "acme/files" });
    expect(m.name).toBe("acme/files");
    const ok = validateConfig(m.configSchema, { allowed_directories: ["/data", "/srv/a b"], api_key: "k" });
    if (!ok.ok || m.runs?.kind !== "mcpb") throw new Error("expected a valid config and an mcpb run");
    expect(resolveLaunch(m.runs.launch, ok.value, { __dirname: "/bundles/acme-files" })).toEqual({
      runtimeArgv: [],
      argv: ["/bundles/acme-files/server/index.js", "--timeout", "30", "/data", "/srv/a b"],
      env: { API_KEY: "k", MODE: "production" },
    });
  });

  it("says a python bundle cannot run without python, and a mac-only bundle not at all", () => {
    const py = { ...bundle, server: { ...bundle.server, type: "python" } };
    expect(parseMcpbManifest(JSON.stringify(py)).notRunnableReason).toBe(
      "needs Python — not available on this host",
    );
    expect(parseMcpbManifest(JSON.stringify(py), { host: { uv: false, python: true, containerEngine: null } }).runs?.kind).toBe("mcpb");
    const mac = { ...bundle, compatibility: { platforms: ["darwin"] } };
    expect(parseMcpbManifest(JSON.stringify(mac)).notRunnableReason).toBe("made for darwin only — not Linux");
  });

  it("refuses a manifest without a server, pointing at the field", () => {
    const { server: _s, ...noServer } = bundle;
    try {
      parseMcpbManifest(JSON.stringify(noServer));
      throw new Error("expected a rejection");
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).details).toEqual([{ pointer: "/server", message: "server is required" }]);
    }
  });
});
