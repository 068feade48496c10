import { AppError } from "../shared/app-error.ts";

/** RESERVED_NAMESPACES can't be namespaces: they are Hearth's own first path segments. */
export const RESERVED_NAMESPACES = new Set([
  "api", "v0", "v0.1", "admin", "login", "logout", "setup", "static", "healthz", "readyz", "metrics",
  "publish", "search", "settings", "docs", "servers", "account", "teams", "invite", "hearth", "well-known",
]);

// The official registry's pattern (one slash, reverse-DNS allowed), tightened: no segment may be
// only dots, so `..` and `.` can never become a path segment anywhere.
const NAMESPACE_RE = /^[a-zA-Z0-9](?:[a-zA-Z0-9.-]{0,98}[a-zA-Z0-9])?$/;
const NAME_RE = /^[a-zA-Z0-9](?:[a-zA-Z0-9._-]{0,98}[a-zA-Z0-9_])?$/;

/** parseNamespace validates a namespace (or team) name on its own, with the same rules as in a server name. */
export function parseNamespace(input: string, pointer = "/name"): string {
  const fail = (message: string) => new AppError("invalid", "the name is not acceptable", { details: [{ pointer, message }] });
  if (typeof input !== "string" || !NAMESPACE_RE.test(input) || input.includes("..")) {
    throw fail(`"${String(input).slice(0, 80)}" may use letters, digits, dots and dashes (1-100), and must start and end with a letter or digit`);
  }
  if (RESERVED_NAMESPACES.has(input.toLowerCase())) throw fail(`"${input}" is reserved by Hearth and can't be a namespace`);
  return input;
}

/** QualifiedName is a server's `namespace/name`, split. */
export interface QualifiedName {
  namespace: string;
  name: string;
  qualified: string;
}

/** parseQualifiedName validates `namespace/name` and refuses traversal tricks and reserved namespaces. */
export function parseQualifiedName(input: string, pointer = "/name"): QualifiedName {
  const fail = (message: string) => new AppError("invalid", "the server name is not acceptable", { details: [{ pointer, message }] });
  if (typeof input !== "string" || input.length < 3 || input.length > 200) throw fail("a server name is 3-200 characters: namespace/name");
  const parts = input.split("/");
  if (parts.length !== 2) throw fail(`"${input.slice(0, 80)}" must have exactly one slash: namespace/name`);
  const [namespace, name] = parts as [string, string];
  if (!NAMESPACE_RE.test(namespace) || namespace.includes("..")) {
    throw fail(`namespace "${namespace.slice(0, 80)}" may use letters, digits, dots and dashes, and must start and end with a letter or digit`);
  }
  if (!NAME_RE.test(name) || name.includes("..")) {
    throw fail(`name "${name.slice(0, 80)}" may use letters, digits, dots, dashes and underscores, and must start with a letter or digit`);
  }
  if (RESERVED_NAMESPACES.has(namespace.toLowerCase())) throw fail(`"${namespace}" is reserved by Hearth and can't be a namespace`);
  return { namespace, name, qualified: `${namespace}/${name}` };
}
