import { isPlainObject } from "./manifest-input.ts";

// 2025-07-09 spelled these keys in snake_case; every later schema date uses the camelCase form.
const SNAKE_TO_CAMEL: Record<string, string> = {
  registry_type: "registryType",
  registry_base_url: "registryBaseUrl",
  file_sha256: "fileSha256",
  runtime_hint: "runtimeHint",
  runtime_arguments: "runtimeArguments",
  package_arguments: "packageArguments",
  environment_variables: "environmentVariables",
  is_required: "isRequired",
  is_secret: "isSecret",
  is_repeated: "isRepeated",
  value_hint: "valueHint",
  website_url: "websiteUrl",
};
const CAMEL_TO_SNAKE = Object.fromEntries(Object.entries(SNAKE_TO_CAMEL).map(([s, c]) => [c, s]));

// `_meta` belongs to vendors and `variables` keys are publisher-chosen names: never renamed.
const OPAQUE_KEYS = new Set(["_meta"]);
const NAME_MAP_KEYS = new Set(["variables"]);

function mapKeys(node: unknown, table: Record<string, string>): unknown {
  if (Array.isArray(node)) return node.map((n) => mapKeys(n, table));
  if (!isPlainObject(node)) return node;
  return Object.fromEntries(
    Object.entries(node).map(([k, v]) => {
      if (OPAQUE_KEYS.has(k)) return [k, v];
      if (NAME_MAP_KEYS.has(k) && isPlainObject(v)) {
        return [k, Object.fromEntries(Object.entries(v).map(([name, input]) => [name, mapKeys(input, table)]))];
      }
      return [table[k] ?? k, mapKeys(v, table)];
    }),
  );
}

/** camelise rewrites a 2025-07-09 (snake_case) document into the camelCase shape of later dates. */
export function camelise(doc: Record<string, unknown>): Record<string, unknown> {
  return mapKeys(doc, SNAKE_TO_CAMEL) as Record<string, unknown>;
}

/** snakePointer turns a pointer into the camelised document back into one into the original. */
export function snakePointer(pointer: string): string {
  return pointer
    .split("/")
    .map((s) => CAMEL_TO_SNAKE[s] ?? s)
    .join("/");
}

function keyStyle(node: unknown): { snake: boolean; camel: boolean } {
  const found = { snake: false, camel: false };
  const stack: unknown[] = [node];
  while (stack.length > 0) {
    const n = stack.pop();
    if (Array.isArray(n)) stack.push(...n);
    else if (isPlainObject(n)) {
      for (const [k, v] of Object.entries(n)) {
        if (OPAQUE_KEYS.has(k)) continue;
        if (Object.hasOwn(SNAKE_TO_CAMEL, k)) found.snake = true;
        if (Object.hasOwn(CAMEL_TO_SNAKE, k)) found.camel = true;
        if (NAME_MAP_KEYS.has(k) && isPlainObject(v)) stack.push(...Object.values(v));
        else stack.push(v);
      }
    }
  }
  return found;
}

/** SchemaPick is which vendored schema checks a document, and whether it is the snake_case era. */
export interface SchemaPick {
  date: string;
  snakeCase: boolean;
  warnings: string[];
}

const OFFICIAL_URL = /^https?:\/\/static\.modelcontextprotocol\.io\/schemas\/(\d{4}-\d{2}-\d{2})\/server\.schema\.json$/;
const LATEST = "2025-12-11";
const SNAKE_ERA = "2025-07-09";
const FIRST_CAMEL = "2025-09-29";
/** VENDORED_SCHEMA_DATES lists the server.json schema dates in src/registry/schemas, oldest first. */
export const VENDORED_SCHEMA_DATES: readonly string[] = ["2025-07-09", "2025-09-29", "2025-10-17", "2025-12-11"];
const VENDORED = VENDORED_SCHEMA_DATES;
// Published dates we do not vendor, checked by a vendored file that accepts the same documents.
const ALIASES: Record<string, string> = { "2025-09-16": "2025-09-29", "2025-10-11": "2025-10-17" };

/**
 * pickSchema chooses the schema by the document's `$schema` date (default: latest). A file that
 * claims 2025-07-09 but is written in camelCase is checked as the first camelCase date, since
 * the snake_case schema would reject every key it has.
 */
export function pickSchema(doc: Record<string, unknown>): SchemaPick {
  const declared = doc["$schema"];
  const style = keyStyle(doc);
  const snakeOnly = style.snake && !style.camel;
  const m = typeof declared === "string" ? OFFICIAL_URL.exec(declared) : null;
  const date = m?.[1];
  if (date === undefined) {
    const chosen = snakeOnly ? SNAKE_ERA : LATEST;
    const what = typeof declared === "string" ? `$schema "${declared}" is not an official server.json schema` : "no $schema";
    return { date: chosen, snakeCase: snakeOnly, warnings: [`${what}; checked against the ${chosen} schema`] };
  }
  if (date === SNAKE_ERA) {
    if (style.camel && !style.snake) {
      return {
        date: FIRST_CAMEL,
        snakeCase: false,
        warnings: [`$schema says ${SNAKE_ERA} but the keys are camelCase; checked against the ${FIRST_CAMEL} schema`],
      };
    }
    return { date, snakeCase: true, warnings: [] };
  }
  if (VENDORED.includes(date)) return { date, snakeCase: false, warnings: [] };
  const alias = ALIASES[date];
  if (alias) return { date: alias, snakeCase: false, warnings: [] };
  const earlier = VENDORED.filter((d) => d <= date).pop() ?? SNAKE_ERA;
  const chosen = earlier === SNAKE_ERA && !snakeOnly ? FIRST_CAMEL : earlier;
  return {
    date: chosen,
    snakeCase: chosen === SNAKE_ERA,
    warnings: [`schema date ${date} is not known to Hearth; checked against the ${chosen} schema`],
  };
}
