// The one answer to "does this config setting hold a credential?", shared by the config form,
// the profile mask, publish-time annotation and 422 redaction, so they can never disagree.
//
// The rule: a setting is secret when its schema marks it (`x-secret`, `writeOnly` or `secret`
// true, which is what a manifest's isSecret/sensitive becomes, or `format: "password"`); failing
// that, when its name reads like a credential and it can hold one: a free string (type string or
// no type; not an enum or const, whose values the schema publishes anyway), or an object or array,
// which then is secret whole (`credentials: {user, pass}`, `apiKeys: ["sk-…"]`). Numbers and
// booleans are never secret by name alone: a numeric `maxTokens` is a budget, not a token.

// "tokens" (a count: maxTokens, num_tokens) and "tokenizer" are not credentials; "token" is.
const SECRET_NAME = /(api[-_]?key|access[-_]?key|private[-_]?key|token(?!s|iz)|secret|password|passwd|pwd|credential)/i;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** isMarkedSecret says the schema itself declares the setting secret, whatever its name. */
function isMarkedSecret(schema: unknown): boolean {
  return isObj(schema) && (schema["x-secret"] === true || schema["writeOnly"] === true || schema["secret"] === true || schema["format"] === "password");
}

// Only numbers and booleans (and enums/consts, published by the schema) can't carry a credential.
const HOLDS_CREDENTIAL = new Set(["string", "object", "array"]);

// A schema without a type (or none at all) may hold a credential; a type list may include such a type.
function mayHoldCredential(schema: unknown): boolean {
  if (!isObj(schema)) return true;
  if (Array.isArray(schema["enum"]) || schema["const"] !== undefined) return false;
  const t = schema["type"];
  if (t === undefined) return true;
  return (Array.isArray(t) ? t : [t]).some((x) => typeof x === "string" && HOLDS_CREDENTIAL.has(x));
}

/** isSecretField says a setting called `name` with this schema (undefined when the schema doesn't describe it) holds a credential. */
export function isSecretField(name: string, schema: unknown): boolean {
  return isMarkedSecret(schema) || (mayHoldCredential(schema) && SECRET_NAME.test(name));
}
