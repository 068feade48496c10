import type { AppErrorDetail } from "../shared/app-error.ts";
import { isAppError } from "../shared/app-error.ts";
import type { ServerJsonArgument, ServerJsonKeyValue } from "./config-schema.ts";
import type { ServerJson } from "./server-json.ts";
import { parseQualifiedName } from "./names.ts";

// The official registry's own range detector (internal/validators), ported: a version must be exact.
const NUM = String.raw`v?\d+(?:\.\d+){0,3}(?:-[0-9A-Za-z.-]+)?`;
const COMPARATOR_RANGE = new RegExp(String.raw`^\s*(?:\^|~|>=|<=|>|<|=)\s*${NUM}\s*$`);
const HYPHEN_RANGE = new RegExp(String.raw`^\s*${NUM}\s-\s*${NUM}\s*$`);
const OR_RANGE = new RegExp(String.raw`^\s*(?:${NUM}\s*)(?:\|\|\s*${NUM}\s*)+$`);
const DOTTED_WILDCARD = /^\s*(?:v?\d+|x|X|\*)(?:\.(?:\d+|x|X|\*)){1,2}(?:-[0-9A-Za-z.-]+)?\s*$/;

/** versionProblem says why a version is not one exact version, or returns undefined when it is. */
export function versionProblem(version: string): string | undefined {
  if (version === "latest") return 'must be an exact version, not "latest"';
  const t = version.trim();
  const wildcard = DOTTED_WILDCARD.test(t) && /[xX*]/.test(t);
  if (COMPARATOR_RANGE.test(t) || HYPHEN_RANGE.test(t) || OR_RANGE.test(t) || wildcard) {
    return `must be an exact version, not a range ("${version}")`;
  }
  // An unfilled release-script placeholder such as "{{VERSION}}" would be installed literally.
  if (/\{\{.*\}\}|\$\{.*\}|^\$[A-Za-z_]\w*$/.test(version)) return `looks like an unfilled template placeholder ("${version}")`;
  return undefined;
}

function argumentProblems(args: ServerJsonArgument[] | undefined, base: string, out: AppErrorDetail[]): void {
  (args ?? []).forEach((a, i) => {
    // Same rule as the official registry: a flag name with spaces or <> is a description, not a flag.
    if (a.type === "named" && (a.name === undefined || a.name === "" || /[<> $]/.test(a.name))) {
      out.push({
        pointer: `${base}/${i}/name`,
        message: `name must be a bare flag such as "--port" (no spaces, "<", ">" or "$"), got "${a.name ?? ""}"`,
      });
    }
  });
}

function envProblems(vars: ServerJsonKeyValue[] | undefined, base: string, out: AppErrorDetail[]): void {
  (vars ?? []).forEach((v, i) => {
    if (v.name === "" || /[=\0]/.test(v.name)) {
      out.push({ pointer: `${base}/${i}/name`, message: `name must be a non-empty environment variable name without "=", got "${v.name}"` });
    }
  });
}

function httpsProblem(url: string): string | undefined {
  try {
    return new URL(url).protocol === "https:" ? undefined : "must be an https:// URL";
  } catch {
    return "must be an absolute URL";
  }
}

/**
 * semanticProblems applies what the official registry checks beyond its JSON Schema, plus
 * Hearth's stricter name rule (no `..`, one slash, alphanumeric ends) because names become paths.
 */
export function semanticProblems(doc: ServerJson): AppErrorDetail[] {
  const out: AppErrorDetail[] = [];
  try {
    parseQualifiedName(doc.name, "/name");
  } catch (e) {
    if (!isAppError(e)) throw e;
    out.push(...e.details);
  }
  const v = versionProblem(doc.version);
  if (v) out.push({ pointer: "/version", message: `version ${v}` });
  if (doc.title !== undefined && doc.title.trim() === "") out.push({ pointer: "/title", message: "title must not be only whitespace" });
  if (doc.websiteUrl !== undefined) {
    const p = httpsProblem(doc.websiteUrl);
    if (p) out.push({ pointer: "/websiteUrl", message: `websiteUrl ${p}` });
  }
  (doc.icons ?? []).forEach((icon, i) => {
    const p = httpsProblem(icon.src);
    if (p) out.push({ pointer: `/icons/${i}/src`, message: `src ${p}` });
  });
  (doc.packages ?? []).forEach((pkg, i) => {
    const base = `/packages/${i}`;
    if (/\s/.test(pkg.identifier)) out.push({ pointer: `${base}/identifier`, message: "identifier must not contain spaces" });
    if (pkg.version !== undefined) {
      const pv = versionProblem(pkg.version);
      if (pv) out.push({ pointer: `${base}/version`, message: `version ${pv}` });
    }
    argumentProblems(pkg.runtimeArguments, `${base}/runtimeArguments`, out);
    argumentProblems(pkg.packageArguments, `${base}/packageArguments`, out);
    envProblems(pkg.environmentVariables, `${base}/environmentVariables`, out);
  });
  (doc.remotes ?? []).forEach((r, i) => envProblems(r.headers, `/remotes/${i}/headers`, out));
  return out;
}
