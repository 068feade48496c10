import { describe, expect, it } from "bun:test";
import { Ajv } from "ajv";
import { explainSchemaErrors } from "../../src/registry/schema-errors.ts";

describe("explainSchemaErrors", () => {
  it("says a length limit of one in the singular", () => {
    const validate = new Ajv({ allErrors: true }).compile({ type: "object", properties: { code: { type: "string", maxLength: 1 } } });
    expect(validate({ code: "ab" })).toBe(false);
    expect(explainSchemaErrors(validate.errors ?? [])).toEqual([{ pointer: "/code", message: "code must be at most 1 character long" }]);
  });
});
