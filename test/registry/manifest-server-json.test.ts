import { describe, expect, it } from "bun:test";
import { AppError } from "../../src/shared/app-error.ts";
import { resolveLaunch } from "../../src/registry/launch-mapping.ts";
import { validateConfig } from "../../src/registry/config-schema.ts";
import type { NormalisedManifest } from "../../src/registry/manifest.ts";
import { normaliseServerJson, parseServerJson } from "../../src/registry/manifest-server-json.ts";

const S = (date: string) => `https://static.modelcontextprotocol.io/schemas/${date}/server.schema.json`;

function rejection(doc: unknown): AppError {
  try {
    parseServerJson(JSON.stringify(doc));
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error("expected the manifest to be rejected");
}

function withoutRaw(m: NormalisedManifest): Omit<NormalisedManifest, "raw"> {
  const { raw: _raw, ...rest } = m;
  return rest;
}

// Modelled on an npm server with a secret API key, a numeric env default and a choice flag.
const npmServer = {
  $schema: S("2025-12-11"),
  name: "io.github.acme/weather",
  title: "Weather",
  description: "Forecasts from OpenWeatherMap",
  version: "1.4.0",
  websiteUrl: "https://acme.example/weather",
  repository: { url: "https://github.com/acme/weather", source: "github" },
  packages: [
    {
      registryType: "npm",
      identifier: "@acme/weather-mcp",
      version: "1.4.0",
      transport: { type: "stdio" },
      packageArguments: [
        { type: "named", name: "--units", description: "Units", choices: ["metric", "imperial"], default: "metric" },
        { type: "positional", value: "serve" },
      ],
      environmentVariables: [
        { name: "OPENWEATHER_API_KEY", description: "API key", isRequired: true, isSecret: true },
        { name: "CACHE_TTL", format: "number", default: "300" },
      ],
    },
  ],
};

const npmLaunch = {
  runtimeArgs: [],
  args: [
    { kind: "named", flag: "--units", template: [{ param: "units" }], repeated: false },
    { kind: "value", template: ["serve"], repeated: false },
  ],
  env: [
    { name: "OPENWEATHER_API_KEY", template: [{ param: "OPENWEATHER_API_KEY" }] },
    { name: "CACHE_TTL", template: [{ param: "CACHE_TTL" }] },
  ],
};

const npmConfigSchema = {
  type: "object",
  properties: {
    units: { type: "string", enum: ["metric", "imperial"], description: "Units", default: "metric" },
    OPENWEATHER_API_KEY: { type: "string", description: "API key", "x-secret": true, writeOnly: true },
    CACHE_TTL: { type: "number", default: 300 },
  },
  required: ["OPENWEATHER_API_KEY"],
};

describe("parseServerJson: npm package with env secrets", () => {
  it("normalises to the 2025-12-11 shape with a config schema and an npm RunSpec", () => {
    const m = parseServerJson(JSON.stringify(npmServer));
    expect(withoutRaw(m)).toEqual({
      name: "io.github.acme/weather",
      title: "Weather",
      description: "Forecasts from OpenWeatherMap",
      version: "1.4.0",
      websiteUrl: "https://acme.example/weather",
      repository: { url: "https://github.com/acme/weather", source: "github" },
      packages: [
        {
          registryType: "npm",
          identifier: "@acme/weather-mcp",
          version: "1.4.0",
          transport: { type: "stdio" },
          configSchema: npmConfigSchema,
          launch: npmLaunch,
          run: { kind: "npm", package: "@acme/weather-mcp", version: "1.4.0", launch: npmLaunch },
          deployable: true,
        },
      ],
      remotes: [],
      runs: { kind: "npm", package: "@acme/weather-mcp", version: "1.4.0", launch: npmLaunch },
      configSchema: npmConfigSchema,
      schemaDate: "2025-12-11",
      warnings: [],
      source: "server.json",
    } as unknown as Omit<NormalisedManifest, "raw">);
    expect(m.raw).toEqual(npmServer);
  });

  it("turns a validated config into argv and env with defaults applied", () => {
    const m = parseServerJson(JSON.stringify(npmServer));
    const checked = validateConfig(m.configSchema, { OPENWEATHER_API_KEY: "k-123" });
    if (!checked.ok || m.runs?.kind !== "npm") throw new Error("expected a valid config and an npm run");
    expect(resolveLaunch(m.runs.launch, checked.value)).toEqual({
      runtimeArgv: [],
      argv: ["--units", "metric", "serve"],
      env: { OPENWEATHER_API_KEY: "k-123", CACHE_TTL: "300" },
    });
  });

  it("accepts Uint8Array input", () => {
    const m = parseServerJson(new TextEncoder().encode(JSON.stringify(npmServer)));
    expect(m.name).toBe("io.github.acme/weather");
  });
});

describe("parseServerJson: other package kinds", () => {
  it("marks an OCI image not deployable without a container engine, deployable with one", () => {
    const doc = {
      $schema: S("2025-10-17"),
      name: "io.github.acme/prom",
      description: "Prometheus queries",
      version: "2.0.0",
      packages: [
        {
          registryType: "oci",
          identifier: "docker.io/acme/prom-mcp:2.0.0",
          transport: { type: "stdio" },
          environmentVariables: [{ name: "PROM_URL", isRequired: true }],
        },
      ],
    };
    const none = parseServerJson(JSON.stringify(doc));
    expect(none.packages[0]?.deployable).toBe(false);
    expect(none.packages[0]?.notDeployableReason).toBe("needs Docker or Podman — not available on this host");
    expect(none.runs).toBeNull();
    expect(none.notRunnableReason).toBe("needs Docker or Podman — not available on this host");
    expect(none.configSchema).toEqual({ type: "object", properties: { PROM_URL: { type: "string" } }, required: ["PROM_URL"] });

    const podman = parseServerJson(JSON.stringify(doc), { host: { uv: false, python: false, containerEngine: "podman" } });
    if (podman.runs?.kind !== "command") throw new Error("expected a command run");
    expect(podman.runs.command).toBe("podman");
    expect(podman.runs.requires).toBe("container-engine");
    expect(resolveLaunch(podman.runs.launch, { PROM_URL: "http://prom:9090" })).toEqual({
      runtimeArgv: [],
      argv: ["run", "-i", "--rm", "-e", "PROM_URL", "docker.io/acme/prom-mcp:2.0.0"],
      env: { PROM_URL: "http://prom:9090" },
    });
  });

  it("keeps an mcpb package's download URL and hash for the installer", () => {
    const sha = "fe333e598595000ae021bd27117db32ec69af6987f507ba7a63c90638ff633ce";
    const m = parseServerJson(
      JSON.stringify({
        $schema: S("2025-12-11"),
        name: "io.github.acme/files",
        description: "File tools",
        version: "0.3.0",
        packages: [
          {
            registryType: "mcpb",
            identifier: "https://github.com/acme/files/releases/download/v0.3.0/files.mcpb",
            fileSha256: sha,
            transport: { type: "stdio" },
          },
        ],
      }),
    );
    expect(m.packages[0]?.deployable).toBe(true);
    expect(m.runs).toEqual({
      kind: "mcpb",
      bundleUrl: "https://github.com/acme/files/releases/download/v0.3.0/files.mcpb",
      sha256: sha,
      launch: { runtimeArgs: [], args: [], env: [] },
    });
  });

  it("refuses nuget, and pypi without uv, with a reason each", () => {
    const m = parseServerJson(
      JSON.stringify({
        $schema: S("2025-12-11"),
        name: "io.github.acme/time",
        description: "Time",
        version: "1.0.0",
        packages: [
          { registryType: "nuget", identifier: "Acme.Time", version: "1.0.0", transport: { type: "stdio" } },
          { registryType: "pypi", identifier: "acme-time", version: "1.0.0", transport: { type: "stdio" } },
        ],
      }),
    );
    expect(m.packages.map((p) => [p.deployable, p.notDeployableReason])).toEqual([
      [false, "a NuGet (.NET) package — Hearth can't run these"],
      [false, "needs Python (uvx) — not available on this host"],
    ]);
    expect(m.notRunnableReason).toBe("no package runs here: a NuGet (.NET) package — Hearth can't run these; needs Python (uvx) — not available on this host");
    expect(m.packages[1]?.run).toEqual({
      kind: "command",
      command: "uvx",
      requires: "uv",
      launch: { runtimeArgs: [], args: [{ kind: "value", template: ["acme-time==1.0.0"], repeated: false }], env: [] },
    });
  });
});

describe("parseServerJson: remote-only servers", () => {
  it("has remotes, no runs, and a config schema from the remote's headers", () => {
    const m = parseServerJson(
      JSON.stringify({
        $schema: S("2025-12-11"),
        name: "io.github.acme/search",
        description: "Hosted search",
        version: "3.1.0",
        remotes: [
          {
            type: "streamable-http",
            url: "https://mcp.acme.example/{region}/mcp",
            variables: { region: { description: "Region", choices: ["eu", "us"], default: "eu" } },
            headers: [{ name: "Authorization", value: "Bearer {token}", variables: { token: { isRequired: true, isSecret: true } } }],
          },
        ],
      }),
    );
    expect(m.runs).toBeNull();
    expect(m.packages).toEqual([]);
    expect(m.notRunnableReason).toBe("remote-only server: its publisher hosts it at https://mcp.acme.example/{region}/mcp");
    expect(m.remotes).toEqual([
      {
        type: "streamable-http",
        url: "https://mcp.acme.example/{region}/mcp",
        urlTemplate: ["https://mcp.acme.example/", { param: "region" }, "/mcp"],
        headers: [{ name: "Authorization", template: ["Bearer ", { param: "token" }] }],
        configSchema: {
          type: "object",
          properties: {
            region: { type: "string", enum: ["eu", "us"], description: "Region", default: "eu" },
            token: { type: "string", "x-secret": true, writeOnly: true },
          },
          required: ["token"],
        },
      },
    ]);
    expect(m.configSchema).toEqual(m.remotes[0]!.configSchema);
  });
});

describe("parseServerJson: the 2025-07-09 snake_case era", () => {
  const snake = {
    $schema: S("2025-07-09"),
    name: "io.github.acme/browser",
    description: "Browser automation",
    status: "active",
    website_url: "https://acme.example",
    version: "2.2.0",
    packages: [
      {
        registry_type: "npm",
        registry_base_url: "https://registry.npmjs.org",
        identifier: "@acme/browser-mcp",
        version: "2.2.0",
        runtime_hint: "npx",
        transport: { type: "stdio" },
        package_arguments: [{ type: "positional", value_hint: "profile_dir", is_required: true, description: "Profile" }],
        environment_variables: [{ name: "ACME_KEY", is_required: true, is_secret: true, format: "string" }],
      },
    ],
  };

  it("is accepted and normalised to camelCase", () => {
    const m = parseServerJson(JSON.stringify(snake));
    expect(m.schemaDate).toBe("2025-07-09");
    expect(m.websiteUrl).toBe("https://acme.example");
    expect(m.warnings).toEqual(['field "status" is no longer part of server.json (registries track it); ignored']);
    expect(m.packages[0]).toMatchObject({ registryType: "npm", registryBaseUrl: "https://registry.npmjs.org", runtimeHint: "npx" });
    expect(m.configSchema).toEqual({
      type: "object",
      properties: {
        profile_dir: { type: "string", description: "Profile" },
        ACME_KEY: { type: "string", "x-secret": true, writeOnly: true },
      },
      required: ["profile_dir", "ACME_KEY"],
    });
  });

  it("reports problems at the document's own snake_case pointers", () => {
    const bad = structuredClone(snake);
    bad.packages[0]!.version = "^2.2.0";
    expect(rejection(bad).details).toEqual([
      { pointer: "/packages/0/version", message: 'version must be an exact version, not a range ("^2.2.0")' },
    ]);
    const missing = structuredClone(snake) as { packages: Array<Record<string, unknown>> };
    delete missing.packages[0]!["registry_type"];
    expect(rejection(missing).details).toEqual([{ pointer: "/packages/0/registry_type", message: "registry_type is required" }]);
  });

  it("checks a camelCase file that claims 2025-07-09 against 2025-09-29, with a warning", () => {
    const m = parseServerJson(
      JSON.stringify({
        $schema: S("2025-07-09"),
        name: "io.github.acme/exa",
        description: "Search",
        version: "1.0.0",
        packages: [{ registryType: "npm", identifier: "acme-exa", version: "1.0.0", transport: { type: "stdio" } }],
      }),
    );
    expect(m.schemaDate).toBe("2025-09-29");
    expect(m.warnings).toEqual(["$schema says 2025-07-09 but the keys are camelCase; checked against the 2025-09-29 schema"]);
  });
});

describe("parseServerJson: schema selection", () => {
  const base = { name: "io.github.acme/x", description: "X", version: "1.0.0" };
  it.each([
    [S("2025-09-16"), "2025-09-29", []],
    [S("2025-10-11"), "2025-10-17", []],
    [S("2026-03-01"), "2025-12-11", ["schema date 2026-03-01 is not known to Hearth; checked against the 2025-12-11 schema"]],
    [undefined, "2025-12-11", ["no $schema; checked against the 2025-12-11 schema"]],
    [
      "https://example.com/other.json",
      "2025-12-11",
      ['$schema "https://example.com/other.json" is not an official server.json schema; checked against the 2025-12-11 schema'],
    ],
  ])("%s is checked as %s", (schema, date, warnings) => {
    const m = normaliseServerJson(schema === undefined ? base : { $schema: schema, ...base });
    expect(m.schemaDate).toBe(date);
    expect(m.warnings).toEqual(warnings);
  });
});

describe("parseServerJson: rejected manifests", () => {
  const base = { $schema: S("2025-12-11"), name: "io.github.acme/x", description: "X", version: "1.0.0" };

  it.each(["io.github.acme/../etc", "../x", "a/b/c", "io.github.acme/.hidden", "noslash"])("refuses the name %s", (name) => {
    const e = rejection({ ...base, name });
    expect(e.code).toBe("invalid");
    expect(e.message).toBe("manifest is invalid");
    expect(e.details[0]?.pointer).toBe("/name");
  });

  it("explains a wrong transport type once, at the discriminator", () => {
    const doc = { ...base, packages: [{ registryType: "npm", identifier: "x", transport: { type: "http", url: "http://localhost/mcp" } }] };
    expect(rejection(doc).details).toEqual([
      { pointer: "/packages/0/transport/type", message: 'type must be one of "stdio", "streamable-http", "sse"' },
    ]);
  });

  it("explains a streamable-http transport without url as a missing url", () => {
    const doc = { ...base, packages: [{ registryType: "npm", identifier: "x", transport: { type: "streamable-http" } }] };
    expect(rejection(doc).details).toEqual([{ pointer: "/packages/0/transport/url", message: "url is required" }]);
  });

  it("explains a positional argument with neither value nor valueHint", () => {
    const doc = {
      ...base,
      packages: [{ registryType: "npm", identifier: "x", transport: { type: "stdio" }, packageArguments: [{ type: "positional" }] }],
    };
    expect(rejection(doc).details).toEqual([
      { pointer: "/packages/0/packageArguments/0", message: 'packageArguments[0] needs one of "valueHint" or "value"' },
    ]);
  });

  it("lists every problem with a pointer and a sentence", () => {
    const e = rejection({ $schema: S("2025-12-11"), name: "x", description: "d".repeat(101), packages: [{ identifier: 1 }] });
    expect(e.details).toEqual([
      { pointer: "/version", message: "version is required" },
      { pointer: "/description", message: "description must be at most 100 characters long" },
      { pointer: "/name", message: "name must be at least 3 characters long" },
      expect.objectContaining({ pointer: "/name" }),
      { pointer: "/packages/0/registryType", message: "registryType is required" },
      { pointer: "/packages/0/transport", message: "transport is required" },
      { pointer: "/packages/0/identifier", message: "identifier must be a string" },
    ]);
  });

  it("refuses versions that are ranges, latest or unfilled placeholders", () => {
    for (const [version, message] of [
      ["latest", 'version must be an exact version, not "latest"'],
      [">=1.0.0", 'version must be an exact version, not a range (">=1.0.0")'],
      ["1.x", 'version must be an exact version, not a range ("1.x")'],
      ["{{VERSION}}", 'version looks like an unfilled template placeholder ("{{VERSION}}")'],
    ] as const) {
      expect(rejection({ ...base, version }).details).toEqual([{ pointer: "/version", message }]);
    }
  });

  it("refuses a document that is not an object", () => {
    expect(rejection([1, 2]).details).toEqual([{ pointer: "", message: "the manifest must be a JSON object" }]);
  });
});

describe("parseServerJson: descriptions", () => {
  it("stores HTML as-is; escaping is the view's job", () => {
    const description = `<script>alert("x")</script><b>bold</b> & "quotes"`;
    const m = parseServerJson(JSON.stringify({ $schema: S("2025-12-11"), name: "io.github.acme/x", description, version: "1.0.0" }));
    expect(m.description).toBe(description);
  });
});
