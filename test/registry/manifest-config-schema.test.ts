import { describe, expect, it } from "bun:test";
import { AppError } from "../../src/shared/app-error.ts";
import {
  annotateSecrets,
  buildPackageConfig,
  compileConfigSchema,
  validateConfig,
} from "../../src/registry/config-schema.ts";
import { resolveLaunch } from "../../src/registry/launch-mapping.ts";

describe("buildPackageConfig", () => {
  it("maps named, positional, repeated, boolean and templated inputs", () => {
    const c = buildPackageConfig(
      {
        packageArguments: [
          { type: "named", name: "--read-only", format: "boolean", description: "Read only" },
          { type: "named", name: "--stdio" },
          { type: "named", name: "--dir", isRepeated: true, isRequired: true, format: "filepath" },
          { type: "positional", valueHint: "project", description: "Project name" },
          { type: "named", name: "--db", value: "postgres://{user}@{host}/app", variables: { user: { default: "app" }, host: { isRequired: true } } },
        ],
        environmentVariables: [
          { name: "LOG_LEVEL", value: "info" },
          { name: "TOKEN", isSecret: true, isRequired: true, placeholder: "tok_..." },
        ],
      },
      "/packages/0",
    );
    expect(c.configSchema).toEqual({
      type: "object",
      properties: {
        "read-only": { type: "boolean", description: "Read only" },
        dir: { type: "array", items: { type: "string" } },
        project: { type: "string", description: "Project name" },
        user: { type: "string", default: "app" },
        host: { type: "string" },
        TOKEN: { type: "string", examples: ["tok_..."], "x-secret": true, writeOnly: true },
      },
      required: ["dir", "host", "TOKEN"],
    });
    expect(c.launch).toEqual({
      runtimeArgs: [],
      args: [
        { kind: "switch", flag: "--read-only", param: "read-only" },
        { kind: "value", template: ["--stdio"], repeated: false },
        { kind: "named", flag: "--dir", template: [{ param: "dir" }], repeated: true },
        { kind: "value", template: [{ param: "project" }], repeated: false },
        { kind: "named", flag: "--db", template: ["postgres://", { param: "user" }, "@", { param: "host" }, "/app"], repeated: false },
      ],
      env: [
        { name: "LOG_LEVEL", template: ["info"] },
        { name: "TOKEN", template: [{ param: "TOKEN" }] },
      ],
    });
    expect(c.warnings).toEqual([]);

    const ok = validateConfig(c.configSchema, { "read-only": true, dir: ["/a", "/b c"], host: "db", TOKEN: "s" });
    if (!ok.ok) throw new Error(JSON.stringify(ok.errors));
    expect(resolveLaunch(c.launch, ok.value)).toEqual({
      runtimeArgv: [],
      argv: ["--read-only", "--stdio", "--dir", "/a", "--dir", "/b c", "--db", "postgres://app@db/app"],
      env: { LOG_LEVEL: "info", TOKEN: "s" },
    });
  });

  it("renames a second input that derives the same setting name, and says so", () => {
    const c = buildPackageConfig(
      {
        packageArguments: [
          { type: "named", name: "--index", default: "a" },
          { type: "named", name: "--index", default: "b" },
        ],
      },
      "/packages/0",
    );
    expect(Object.keys(c.configSchema["properties"] as object)).toEqual(["index", "index_2"]);
    expect(c.warnings).toEqual(['/packages/0/packageArguments/1: setting "index" is declared twice; the second is "index_2"']);
  });

  it("keeps a setting named __proto__ as a plain property, polluting nothing", () => {
    const c = buildPackageConfig({ environmentVariables: [{ name: "__proto__", isRequired: true }] }, "/p");
    const props = c.configSchema["properties"] as Record<string, unknown>;
    expect(Object.hasOwn(props, "__proto__")).toBe(true);
    expect(Object.getPrototypeOf(props)).toBe(Object.prototype);
    expect(resolveLaunch(c.launch, JSON.parse('{"__proto__": "v"}')).env).toEqual(JSON.parse('{"__proto__": "v"}'));
  });

  it("drops a default that does not fit the declared format", () => {
    const c = buildPackageConfig({ environmentVariables: [{ name: "PORT", format: "number", default: "eighty" }] }, "/p");
    expect(c.configSchema).toEqual({ type: "object", properties: { PORT: { type: "number" } } });
    expect(c.warnings).toEqual(['/p/environmentVariables/0: default "eighty" is not a number; ignored']);
  });
});

describe("resolveLaunch", () => {
  it("passes hostile values through as single argv items, never through a shell", () => {
    const c = buildPackageConfig({ packageArguments: [{ type: "positional", valueHint: "q", isRequired: true }] }, "/p");
    const hostile = `"; rm -rf ~ #$(whoami)\`id\``;
    expect(resolveLaunch(c.launch, { q: hostile }).argv).toEqual([hostile]);
  });

  it("leaves out items whose settings are unset instead of passing empty strings", () => {
    const c = buildPackageConfig(
      { packageArguments: [{ type: "named", name: "--port", format: "number" }], environmentVariables: [{ name: "KEY" }] },
      "/p",
    );
    expect(resolveLaunch(c.launch, {})).toEqual({ runtimeArgv: [], argv: [], env: {} });
  });

  it("refuses NUL characters, which exec cannot carry", () => {
    const c = buildPackageConfig({ environmentVariables: [{ name: "KEY" }] }, "/p");
    expect(() => resolveLaunch(c.launch, { KEY: "a\0b" })).toThrow(AppError);
  });
});

describe("validateConfig", () => {
  const schema = {
    type: "object",
    required: ["apiKey", "region"],
    properties: {
      apiKey: { type: "string", "x-secret": true, writeOnly: true },
      region: { type: "string", enum: ["eu", "us"] },
      retries: { type: "integer", minimum: 0, default: 3 },
      model: { type: "object", properties: { name: { type: "string" } } },
    },
  };

  it("returns the config with defaults filled in, leaving the input untouched", () => {
    const input = { apiKey: "k", region: "eu" };
    expect<unknown>(validateConfig(schema, input)).toEqual({ ok: true, value: { apiKey: "k", region: "eu", retries: 3 } });
    expect(input).toEqual({ apiKey: "k", region: "eu" });
  });

  it("reports Smithery-style errors and never echoes a secret", () => {
    expect(validateConfig(schema, { apiKey: 42, retries: -1, model: { name: 7 } })).toEqual({
      ok: false,
      errors: [
        { param: "region", pointer: "/region", reason: "is required" },
        { param: "apiKey", pointer: "/apiKey", reason: "must be a string", received: "[redacted]" },
        { param: "retries", pointer: "/retries", reason: "must be >= 0", received: -1 },
        { param: "model.name", pointer: "/model/name", reason: "must be a string", received: 7 },
      ],
    });
  });

  it("refuses a config that is not an object", () => {
    expect(validateConfig(schema, "x")).toEqual({
      ok: false,
      errors: [{ param: "", pointer: "", reason: "config must be a JSON object", received: "x" }],
    });
  });

  it("refuses a configSchema that is not JSON Schema with an AppError", () => {
    expect(() => compileConfigSchema({ type: "object", properties: { a: { type: "strin" } } })).toThrow(AppError);
  });

  it("compiles each distinct schema once", () => {
    const s = { type: "object", properties: { once: { type: "string" } } };
    expect(compileConfigSchema(s)).toBe(compileConfigSchema(structuredClone(s)));
  });
});

describe("annotateSecrets", () => {
  it("marks credential-like string settings and leaves the rest", () => {
    expect(
      annotateSecrets({
        type: "object",
        properties: {
          apiKey: { type: "string" },
          budgetTokens: { type: "integer" },
          host: { type: "string" },
          pass: { type: "string", secret: true },
        },
      }),
    ).toEqual({
      type: "object",
      properties: {
        apiKey: { type: "string", "x-secret": true, writeOnly: true },
        budgetTokens: { type: "integer" },
        host: { type: "string" },
        pass: { type: "string", secret: true, "x-secret": true, writeOnly: true },
      },
    });
  });
});
