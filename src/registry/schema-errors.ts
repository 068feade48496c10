import type { ErrorObject } from "ajv";
import type { AppErrorDetail } from "../shared/app-error.ts";
import { plural } from "../shared/plural.ts";

/** SchemaProblem is one ajv error reduced to where it is and what is wrong, before wording. */
export interface SchemaProblem {
  pointer: string;
  /** The field the problem is about: the last pointer segment, or the missing property. */
  field: string;
  /** The predicate of the sentence, e.g. "must be a string". */
  predicate: string;
  keyword: string;
}

type AjvError = ErrorObject<string, Record<string, unknown>>;

function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

function unescape(segment: string): string {
  return segment.replace(/~1/g, "/").replace(/~0/g, "~");
}

// "/packages/0/packageArguments/1" reads better as "packageArguments[1]" than as "1".
function label(pointer: string): string {
  const segs = pointer.split("/").slice(1).map(unescape);
  const last = segs.pop() ?? "";
  if (!/^\d+$/.test(last)) return last;
  const parent = segs.pop();
  return parent === undefined ? `item ${last}` : `${parent}[${last}]`;
}

function isDirectChild(parent: string, child: string): boolean {
  return child.startsWith(parent + "/") && !child.slice(parent.length + 1).includes("/");
}

function branchOf(prefix: string, e: AjvError): string | null {
  if (!e.schemaPath.startsWith(prefix)) return null;
  return e.schemaPath.slice(prefix.length).split("/")[0] ?? null;
}

/**
 * collapseCombinator replaces the errors of one failed anyOf/oneOf with what the user must fix.
 * ajv reports every branch's failures; the useful ones are those of the branch whose
 * discriminator (e.g. transport `type`) matched. When no branch matched, one "must be one of"
 * on the discriminator says it all.
 */
function collapseCombinator(errors: AjvError[], c: AjvError): AjvError[] {
  const prefix = c.schemaPath + "/";
  const branches = new Map<string, AjvError[]>();
  for (const e of errors) {
    const b = e === c ? null : branchOf(prefix, e);
    if (b !== null) branches.set(b, [...(branches.get(b) ?? []), e]);
  }
  if (branches.size === 0) return errors;
  const inGroup = new Set([c, ...[...branches.values()].flat()]);
  const kept = errors.filter((e) => !inGroup.has(e));
  // The replacement goes where the group was, so the output keeps ajv's document order.
  const at = errors.slice(0, errors.findIndex((e) => inGroup.has(e))).filter((e) => !inGroup.has(e)).length;
  const insert = (replacement: AjvError[]): AjvError[] => [...kept.slice(0, at), ...replacement, ...kept.slice(at)];
  const groups = [...branches.values()];
  const isDiscriminatorMiss = (e: AjvError) =>
    (e.keyword === "enum" || e.keyword === "const") && isDirectChild(c.instancePath, e.instancePath);
  const candidates = groups.filter((g) => !g.some(isDiscriminatorMiss));
  const allRequired = groups.every((g) => g.every((e) => e.keyword === "required" && e.instancePath === c.instancePath));
  if (allRequired && groups.length > 1) {
    const missing = groups.flatMap((g) => g.map((e) => String(e.params["missingProperty"])));
    return insert([{ ...c, keyword: "requiredAnyOf", params: { missing: [...new Set(missing)] } }]);
  }
  if (candidates.length > 0) {
    const best = candidates.reduce((a, b) => (b.length < a.length ? b : a));
    return insert(best);
  }
  const misses = groups.flatMap((g) => g.filter(isDiscriminatorMiss));
  const paths = new Set(misses.map((e) => e.instancePath));
  const first = misses[0];
  if (paths.size === 1 && first) {
    const allowed = misses.flatMap((e) =>
      e.keyword === "enum" ? (e.params["allowedValues"] as unknown[]) : [e.params["allowedValue"]],
    );
    return insert([{ ...first, keyword: "enum", schemaPath: c.schemaPath, params: { allowedValues: [...new Set(allowed)] } }]);
  }
  return insert([c]);
}

/** pruneSchemaErrors collapses anyOf/oneOf noise, innermost first, so each remaining error is actionable. */
export function pruneSchemaErrors(input: readonly AjvError[]): AjvError[] {
  let errors = [...input];
  const combinators = errors
    .filter((e) => e.keyword === "anyOf" || e.keyword === "oneOf")
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length);
  for (const c of combinators) if (errors.includes(c)) errors = collapseCombinator(errors, c);
  return errors;
}

const ARTICLE: Record<string, string> = { object: "an object", array: "an array", integer: "an integer" };

function quoteList(values: unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}

/** PredicateHints lets a caller word pattern failures by pointer (e.g. the server-name rule). */
export type PredicateHints = (pointer: string, e: AjvError) => string | undefined;

/** describeSchemaError words one (pruned) ajv error. */
export function describeSchemaError(e: AjvError, hints?: PredicateHints): SchemaProblem {
  const p = e.params;
  let pointer = e.instancePath;
  let field = label(pointer);
  let predicate: string;
  switch (e.keyword) {
    case "required":
      field = String(p["missingProperty"]);
      pointer = `${pointer}/${escapePointer(field)}`;
      predicate = "is required";
      break;
    case "additionalProperties":
      field = String(p["additionalProperty"]);
      pointer = `${pointer}/${escapePointer(field)}`;
      predicate = "is not a recognised field here";
      break;
    case "requiredAnyOf": {
      const missing = p["missing"] as string[];
      predicate = `needs one of ${missing.map((m) => `"${m}"`).join(" or ")}`;
      break;
    }
    case "type": {
      const t = String(p["type"]);
      predicate = `must be ${ARTICLE[t] ?? `a ${t}`}`;
      break;
    }
    case "enum":
      predicate = `must be one of ${quoteList(p["allowedValues"] as unknown[])}`;
      break;
    case "const":
      predicate = `must be ${JSON.stringify(p["allowedValue"])}`;
      break;
    case "minLength":
      predicate = p["limit"] === 1 ? "must not be empty" : `must be at least ${plural(Number(p["limit"]), "character")} long`;
      break;
    case "maxLength":
      predicate = `must be at most ${plural(Number(p["limit"]), "character")} long`;
      break;
    case "format":
      predicate = p["format"] === "uri" ? "must be an absolute URL" : `must be a valid ${String(p["format"])}`;
      break;
    case "pattern":
      predicate = `must match the pattern ${String(p["pattern"])}`;
      break;
    case "anyOf":
    case "oneOf":
      predicate = "does not match any of the allowed forms";
      break;
    default:
      predicate = e.message ?? "is invalid";
  }
  const hinted = hints?.(pointer, e);
  if (hinted !== undefined) predicate = hinted;
  return { pointer, field: field === "" ? "the document" : field, predicate, keyword: e.keyword };
}

/** explainSchemaErrors turns ajv output into `{pointer, message}` sentences, one per distinct problem. */
export function explainSchemaErrors(errors: readonly AjvError[], hints?: PredicateHints): AppErrorDetail[] {
  const seen = new Set<string>();
  const out: AppErrorDetail[] = [];
  for (const e of pruneSchemaErrors(errors)) {
    const d = describeSchemaError(e, hints);
    const message = `${d.field} ${d.predicate}`;
    const key = `${d.pointer}\n${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ pointer: d.pointer, message });
  }
  return out;
}
