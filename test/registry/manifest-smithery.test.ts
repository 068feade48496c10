import { describe, expect, it } from "bun:test";
import { AppError } from "../../src/shared/app-error.ts";
import { parseSmitheryManifest } from "../../src/registry/manifest-smithery.ts";

const id = { name: "acme/shodan", version: "1.0.0", description: "Shodan lookups" };

// Modelled on the classic stdio file: comments, a |- block, a required secret.
const stdioYaml = `# Smithery configuration file: https://smithery.ai/docs/config#smitheryyaml

startCommand:
  type: stdio
  configSchema:
    # JSON Schema defining the configuration options for the MCP.
    type: object
    required:
      - apiKey
    properties:
      apiKey:
        type: string
        description: Shodan API key
      maxResults:
        type: number
        default: 10
  commandFunction:
    # A JS function that produces the CLI command based on the given config to start the MCP on stdio.
    |-
    (config) => ({ command: 'node', args: ['build/index.js', '--api-key', config.apiKey], env: {} })
  exampleConfig:
    apiKey: your_key_here
`;

describe("parseSmitheryManifest: stdio with commandFunction", () => {
  it("keeps the function as text, marks the secret and keeps the example", () => {
    const m = parseSmitheryManifest(stdioYaml, id);
    const { raw: _raw, ...rest } = m;
    expect(rest).toEqual({
      name: "acme/shodan",
      description: "Shodan lookups",
      version: "1.0.0",
      packages: [],
      remotes: [],
      runs: {
        kind: "smithery-function",
        source: "(config) => ({ command: 'node', args: ['build/index.js', '--api-key', config.apiKey], env: {} })",
      },
      configSchema: {
        type: "object",
        required: ["apiKey"],
        properties: {
          apiKey: { type: "string", description: "Shodan API key", "x-secret": true, writeOnly: true },
          maxResults: { type: "number", default: 10 },
        },
      },
      exampleConfig: { apiKey: "your_key_here" },
      warnings: [],
      source: "smithery.yaml",
    });
  });

  it("requires a version from the caller, since the file has none", () => {
    expect(() => parseSmitheryManifest(stdioYaml, { name: "acme/x" })).toThrow(AppError);
  });
});

describe("parseSmitheryManifest: other shapes", () => {
  it("imports an http server's config but has nothing to run", () => {
    const m = parseSmitheryManifest(
      `startCommand:\n  type: http\n  configSchema:\n    type: object\n    properties:\n      token: {type: string}\n  exampleConfig:\n    token: abc\n`,
      id,
    );
    expect(m.runs).toBeNull();
    expect(m.notRunnableReason).toBe(
      "hosted by Smithery (HTTP) — Hearth can't build it",
    );
    expect(m.configSchema).toEqual({
      type: "object",
      properties: { token: { type: "string", "x-secret": true, writeOnly: true } },
    });
    expect(m.exampleConfig).toEqual({ token: "abc" });
  });

  it("carries a container build to the RunSpec and reports fields it does not know", () => {
    const m = parseSmitheryManifest(
      [
        "runtime: container",
        "build:",
        "  dockerfile: Dockerfile",
        "  dockerBuildPath: .",
        "  nodeVersion: '20'",
        "startCommand:",
        "  type: stdio",
        "  commandFunction: |-",
        "    () => ({ command: 'node', args: ['dist/index.js'] })",
        "  configSchema: {}",
        "metadata:",
        "  tags: [a]",
      ].join("\n"),
      id,
    );
    expect(m.runs).toEqual({
      kind: "smithery-function",
      source: "() => ({ command: 'node', args: ['dist/index.js'] })",
      build: { dockerfile: "Dockerfile", dockerBuildPath: "." },
    });
    expect(m.configSchema).toEqual({ type: "object", properties: {} });
    expect(m.warnings).toEqual(['unknown field "metadata" ignored', "build.nodeVersion is not understood by Hearth; ignored"]);
  });

  it("says why a runtime-only file cannot run here", () => {
    const m = parseSmitheryManifest('runtime: "typescript"\nenv:\n  NODE_ENV: production\n', id);
    expect(m.runs).toBeNull();
    expect(m.notRunnableReason).toBe("needs a Smithery CLI build (typescript) — Hearth can't build it");
  });

  it("uses a non-standard command list with a warning", () => {
    const m = parseSmitheryManifest("startCommand:\n  - uv\n  - run\n  - server\n", id);
    expect(m.runs).toEqual({
      kind: "command",
      command: "uv",
      requires: "source-checkout",
      launch: {
        runtimeArgs: [],
        args: [
          { kind: "value", template: ["run"], repeated: false },
          { kind: "value", template: ["server"], repeated: false },
        ],
        env: [],
      },
    });
    expect(m.warnings).toEqual(["startCommand is a list, not a mapping; it is used as a command line"]);
  });

  it("skips an invalid configSchema with a warning instead of failing the import", () => {
    const m = parseSmitheryManifest("startCommand:\n  type: stdio\n  configSchema:\n    type: objekt\n", id);
    expect(m.configSchema).toEqual({ type: "object", properties: {} });
    expect(m.warnings[0]).toStartWith("startCommand.configSchema was skipped: configSchema is not a valid JSON Schema");
  });

  it("warns when exampleConfig does not satisfy configSchema", () => {
    const m = parseSmitheryManifest(
      "startCommand:\n  type: stdio\n  commandFunction: '() => ({command: \"x\"})'\n  configSchema:\n    type: object\n    required: [port]\n    properties:\n      port: {type: number}\n  exampleConfig:\n    port: eighty\n",
      id,
    );
    expect(m.warnings).toEqual(["startCommand.exampleConfig does not match configSchema: port must be a number"]);
  });

  it("refuses a file that is not a mapping, or not YAML", () => {
    for (const text of ["", "- a\n- b\n", "startCommand: [unclosed\n", "a: 1\na: 2\n"]) {
      expect(() => parseSmitheryManifest(text, id)).toThrow(AppError);
    }
  });
});
