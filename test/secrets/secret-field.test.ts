import { describe, expect, it } from "bun:test";
import { annotateSecrets, validateConfig } from "../../src/registry/config-schema.ts";
import type { JsonSchemaObject } from "../../src/registry/manifest.ts";
import { maskSecrets, SECRET_MASK } from "../../src/secrets/mask.ts";
import { isSecretField } from "../../src/secrets/secret-field.ts";
import { fieldsFor } from "../../src/ui/schema-fields.ts";

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
  ["apiKeys", { type: "array", items: { type: "string" } }, false],
  ["secretStore", { type: "object", properties: {} }, false],
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
