// Schema-driven forms (the config form, the playground's arguments) rendered, submitted the way a
// browser submits them (hidden inputs, ticked checkboxes only), read back, and rendered again.
import { describe, expect, it } from "bun:test";
import { fieldsFor, readFields, type Field } from "../../src/ui/schema-fields.ts";
import { SchemaFields } from "../../views/components/schema-form.tsx";
import { PropertiesTable } from "../../views/components/schema-view.tsx";

const SCHEMA = {
  type: "object",
  required: ["verbose"],
  properties: {
    verbose: { type: "boolean" },
    dryRun: { type: "boolean", default: true },
    strict: { anyOf: [{ type: "boolean" }, { type: "null" }], default: null, title: "Strict" },
    optional: { type: "boolean" },
  },
};

type Input = { name: string; type: string; value: string; checked: boolean };

/** inputsOf lists a rendered form's inputs with what a browser would take from each. */
async function inputsOf(html: string): Promise<Input[]> {
  const out: Input[] = [];
  await new HTMLRewriter()
    .on("input", {
      element(el) {
        out.push({ name: el.getAttribute("name") ?? "", type: el.getAttribute("type") ?? "text", value: el.getAttribute("value") ?? "", checked: el.hasAttribute("checked") });
      },
    })
    .transform(new Response(html))
    .text();
  return out;
}

/** submit builds the FormData a browser sends for the form, after `toggle` clicks on checkboxes by name. */
async function submit(fields: Field[], echo: Record<string, string>, toggle: string[] = []): Promise<FormData> {
  const form = new FormData();
  for (const i of await inputsOf(String(SchemaFields({ fields, echo })))) {
    if (i.type === "checkbox") {
      if (i.checked !== toggle.includes(i.name)) form.append(i.name, i.value || "on");
    } else form.append(i.name, i.value);
  }
  return form;
}

describe("boolean fields", () => {
  const fields = fieldsFor(SCHEMA, "config.");

  it("render as checkboxes, ticked for a true default, including an Optional[bool]", async () => {
    const boxes = (await inputsOf(String(SchemaFields({ fields })))).filter((i) => i.type === "checkbox");
    expect(boxes.map((b) => [b.name, b.checked])).toEqual([
      ["config.verbose", false],
      ["config.dryRun", true],
      ["config.strict", false],
      ["config.optional", false],
    ]);
  });

  it("leave every field unset when the form is sent untouched", async () => {
    const r = readFields(fields, await submit(fields, {}));
    expect(r.value).toEqual({});
    expect(r.errors).toEqual({});
  });

  it("read a ticked box as true and a box unticked from its true default as false", async () => {
    const r = readFields(fields, await submit(fields, {}, ["config.verbose", "config.dryRun", "config.optional"]));
    expect(r.value).toEqual({ verbose: true, dryRun: false, optional: true });
  });

  it("round-trip true, false and unset through a re-rendered form", async () => {
    const first = readFields(fields, await submit(fields, {}, ["config.verbose", "config.dryRun"]));
    expect(first.value).toEqual({ verbose: true, dryRun: false });
    const again = readFields(fields, await submit(fields, first.echo));
    expect(again.value).toEqual({ verbose: true, dryRun: false });
    // Unticking the true one makes it false, and the false one stays false.
    const third = readFields(fields, await submit(fields, again.echo, ["config.verbose"]));
    expect(third.value).toEqual({ verbose: false, dryRun: false });
    expect(readFields(fields, await submit(fields, third.echo)).value).toEqual({ verbose: false, dryRun: false });
  });

  it("still take a plain true or false from a client that is not this form", () => {
    const form = new FormData();
    form.set("config.verbose", "false");
    form.set("config.optional", "true");
    expect(readFields(fields, form).value).toEqual({ verbose: false, optional: true });
  });
});

describe("array and integer fields", () => {
  it("give an array's JSON box an example of the items it takes", () => {
    const [tags, people] = fieldsFor({ type: "object", properties: { tags: { type: "array", items: { type: "string" } }, people: { type: "array", items: { type: "object", properties: { name: { type: "string" }, age: { type: "integer" } } } } } }, "arg.");
    expect(tags!.placeholder).toBe('e.g. ["…"]');
    expect(people!.placeholder).toBe('e.g. [{"name":"…","age":0}]');
    expect(String(SchemaFields({ fields: [tags!] }))).toContain('placeholder="e.g. [&#34;…&#34;]"');
  });

  it("keep an integer's real bounds and drop the max-safe-integer ones", () => {
    const [count, page] = fieldsFor({ type: "object", properties: { count: { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 }, page: { type: "integer", minimum: 1, maximum: 100 } } }, "arg.");
    expect([count!.min, count!.max]).toEqual([undefined, undefined]);
    expect([page!.min, page!.max]).toEqual([1, 100]);
  });

  it("list an integer parameter's real bounds on the tools page, not the max-safe-integer ones", () => {
    const html = String(PropertiesTable({ schema: { type: "object", properties: { count: { type: "integer", minimum: -9007199254740991, maximum: 9007199254740991 }, page: { type: "integer", minimum: 1, maximum: 100 } } } }));
    expect(html).not.toContain("9007199254740991");
    expect(html).toContain("≥ 1");
    expect(html).toContain("≤ 100");
  });

  it("word a parameter's bounds of one in the singular on the tools page", () => {
    const html = String(PropertiesTable({ schema: { type: "object", properties: { code: { type: "string", minLength: 1, maxLength: 1 }, tags: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 1 } } } }));
    expect(html).toContain("at least 1 character");
    expect(html).toContain("at most 1 item");
    expect(html).not.toMatch(/1 (characters|items)/);
  });
});
