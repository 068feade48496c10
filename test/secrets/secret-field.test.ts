import { describe, expect, it } from "bun:test";
import { annotateSecrets, validateConfig } from "../../src/registry/config-schema.ts";
import type { JsonSchemaObject } from "../../src/registry/manifest.ts";
import { maskSecrets, SECRET_MASK, secretValues } from "../../src/secrets/mask.ts";
import { isSecretField } from "../../src/secrets/secret-field.ts";
import { fieldsFor, readFields } from "../../src/ui/schema-fields.ts";

// name, schema (undefined: the schema doesn't describe the setting), secret?
const TABLE: [string, unknown, boolean][] = [
  ["apiKey", { type: "string" }, true],
  ["API_KEY", undefined, true],
  ["githubToken", { type: "string" }, true],
  ["GITHUB_TOKEN", {}, true],
  ["client_secret", { type: ["string", "null"] }, true],
  ["password", { type: "string" }, true],
  ["dbPasswd", { type: "string" }, true],
  ["private-key", { type: "string" }, true],
  ["AWS_ACCESS_KEY", { type: "string" }, true],
  ["credentials", { type: "string" }, true],
  ["maxTokens", { type: "number" }, false],
  ["maxTokens", { type: "integer" }, false],
  ["maxTokens", { type: "string" }, false],
  ["budgetTokens", undefined, false],
  ["tokenizer", { type: "string" }, false],
  ["tokenLimit", { type: "integer" }, false],
  ["apiKey", { type: "boolean" }, false],
  ["apiKeys", { type: "array", items: { type: "string" } }, true],
  ["secretStore", { type: "object", properties: {} }, true],
  ["credentials", { type: "object", properties: { user: { type: "string" }, pass: { type: "string" } } }, true],
  ["password", { type: "integer" }, false],
  ["tags", { type: "array", items: { type: "string" } }, false],
  ["tokenType", { type: "string", enum: ["bearer", "basic"] }, false],
  ["model", { type: "string" }, false],
  ["keyboardLayout", { type: "string" }, false],
  ["pin", { type: "string", format: "password" }, true],
  ["pin", { type: "integer", format: "password" }, true],
  ["seed", { type: "number", writeOnly: true }, true],
  ["anything", { type: "string", "x-secret": true }, true],
  ["anything", { type: "string", secret: true }, true],
  ["port", { type: "integer" }, false],
];

describe("isSecretField: the one secret-setting rule", () => {
  for (const [name, schema, secret] of TABLE) {
    it(`${name} ${JSON.stringify(schema)} is ${secret ? "secret" : "not secret"}`, () => {
      expect(isSecretField(name, schema)).toBe(secret);
    });
  }
});

describe("a setting is treated the same by the form, the profile mask, publish annotation and 422s", () => {
  const schema: JsonSchemaObject = {
    type: "object",
    properties: { maxTokens: { type: "integer", maximum: 10 }, apiKey: { type: "string", maxLength: 3 }, model: { type: "string", maxLength: 3 } },
  };
  const config = { maxTokens: 4000, apiKey: "sk-live-abcdef", model: "gpt-4o" };

  it("a numeric maxTokens is shown, kept, unannotated and echoed everywhere", () => {
    expect(fieldsFor(schema, "config.").find((f) => f.key === "maxTokens")?.kind).toBe("integer");
    expect(maskSecrets(schema, config).maxTokens).toBe(4000);
    expect((annotateSecrets(schema).properties as Record<string, JsonSchemaObject>).maxTokens!["x-secret"]).toBeUndefined();
    const r = validateConfig(schema, config);
    expect(r.ok ? [] : r.errors.find((e) => e.param === "maxTokens")?.received).toBe(4000);
  });

  it("a string apiKey the schema does not mark is hidden, masked, annotated and redacted everywhere", () => {
    expect(fieldsFor(schema, "config.").find((f) => f.key === "apiKey")?.kind).toBe("secret");
    expect(maskSecrets(schema, config).apiKey).toBe(SECRET_MASK);
    expect((annotateSecrets(schema).properties as Record<string, JsonSchemaObject>).apiKey!["x-secret"]).toBe(true);
    const r = validateConfig(schema, config);
    expect(r.ok ? [] : r.errors.find((e) => e.param === "apiKey")?.received).toBe("[redacted]");
  });

  it("a nested credential is redacted in a 422 though publish annotation only marks top-level settings", () => {
    const nested: JsonSchemaObject = { type: "object", properties: { auth: { type: "object", properties: { token: { type: "string", minLength: 40 } } } } };
    const r = validateConfig(annotateSecrets(nested), { auth: { token: "ghp_short" } });
    expect(r.ok ? [] : r.errors.map((e) => e.received)).toEqual(["[redacted]"]);
    expect(maskSecrets(nested, { auth: { token: "ghp_short" } })).toEqual({ auth: { token: SECRET_MASK } });
  });
});

describe("a 422 that echoes a whole object does not echo the secrets inside it", () => {
  const schema: JsonSchemaObject = annotateSecrets({
    type: "object",
    minProperties: 2,
    properties: {
      apiKey: { type: "string" },
      auth: { type: "object", minProperties: 2, properties: { token: { type: "string" } } },
      servers: { type: "array", maxItems: 1, items: { type: "object", properties: { url: { type: "string" }, token: { type: "string" } } } },
    },
  });
  const received = (config: Record<string, unknown>, param: string) => {
    const r = validateConfig(schema, config);
    return JSON.stringify(r.ok ? null : r.errors.find((e) => e.param === param)?.received);
  };

  it("a failure of the whole config (minProperties) masks its apiKey", () => {
    const shown = received({ apiKey: "sk-live-root-secret" }, "");
    expect(shown).toContain("apiKey");
    expect(shown).not.toContain("sk-live-root-secret");
  });

  it("a failure of a nested object masks the token inside it", () => {
    const shown = received({ apiKey: "x", auth: { token: "ghp_nested_secret" } }, "auth");
    expect(shown).toContain("token");
    expect(shown).not.toContain("ghp_nested_secret");
  });

  it("a failure of an array masks the tokens in its items", () => {
    const shown = received({ apiKey: "x", servers: [{ url: "https://a", token: "tok_in_array_1" }, { url: "https://b", token: "tok_in_array_2" }] }, "servers");
    expect(shown).toContain("https://a");
    expect(shown).not.toContain("tok_in_array");
  });
});

describe("a profile mask reaches into arrays", () => {
  it("masks the token of each item of an array of objects", () => {
    const schema: JsonSchemaObject = { type: "object", properties: { servers: { type: "array", items: { type: "object", properties: { url: { type: "string" }, token: { type: "string" } } } } } };
    expect(maskSecrets(schema, { servers: [{ url: "https://a", token: "tok_1" }] })).toEqual({ servers: [{ url: "https://a", token: SECRET_MASK }] });
  });
});

describe("a credential-named object or array is secret whole", () => {
  const schema: JsonSchemaObject = {
    type: "object",
    properties: {
      apiKeys: { type: "array", items: { type: "string" }, maxItems: 1 },
      credentials: { type: "object", properties: { user: { type: "string" }, pass: { type: "string", maxLength: 2 } } },
    },
  };
  const config = { apiKeys: ["sk-AAA", "sk-BBB"], credentials: { user: "u", pass: "hunter2" } };

  it("is masked whole in profiles and listed for redaction string by string", () => {
    expect(maskSecrets(schema, config)).toEqual({ apiKeys: SECRET_MASK, credentials: SECRET_MASK });
    expect(secretValues(schema, config)).toEqual(expect.arrayContaining(["sk-AAA", "sk-BBB", "u", "hunter2"]));
  });

  it("is never echoed by the form, and its strings are password inputs", () => {
    const fields = fieldsFor(schema, "config.");
    expect(fields.find((f) => f.key === "credentials")?.children?.find((f) => f.key === "pass")?.kind).toBe("secret");
    const form = new FormData();
    form.set("config.apiKeys", JSON.stringify(config.apiKeys));
    form.set("config.credentials.user", "u");
    form.set("config.credentials.pass", "hunter2");
    const read = readFields(fields, form);
    expect(read.value).toEqual(config);
    expect(read.echo).toEqual({});
  });

  it("is redacted in a 422", () => {
    const r = validateConfig(schema, config);
    expect(r.ok).toBe(false);
    expect(JSON.stringify(r)).not.toContain("sk-AAA");
    expect(JSON.stringify(r)).not.toContain("hunter2");
  });
});
