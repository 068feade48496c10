// What a user types to name an npm package: `npm:@scope/pkg@1.2.3`, `@scope/pkg`, `pkg@latest`, or
// the package's npmjs.com page. Parsed here, before anything is fetched.
import { checkPackageName, isExactVersion } from "../installer/npm.ts";
import { AppError } from "../shared/app-error.ts";

/** NpmSpec is one package and the version or dist-tag asked for ("latest" when none was). */
export interface NpmSpec {
  name: string;
  version: string;
}

// Dist-tags are npm's own names (latest, next, beta…); ranges are left out on purpose: a published
// version pins one release, so the user picks it here and sees it in the manifest.
const TAG = /^[A-Za-z][A-Za-z0-9._-]{0,49}$/;
const NPMJS_PAGE = /^https?:\/\/(?:www\.)?npmjs\.com\/package\/((?:@[^/]+\/)?[^/?#]+)(?:\/v\/([^/?#]+))?\/?(?:[?#].*)?$/;

function malformed(text: string, why: string): AppError {
  return new AppError("invalid", `${JSON.stringify(text.slice(0, 120))} is not an npm package: ${why}`);
}

// A page URL's escapes may be broken (`%E0`): that is the user's typo, not a server error.
function decodedOrRefused(input: string, part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw malformed(input, "its URL has a broken %-escape");
  }
}

/** parseNpmSpec reads `[npm:]name[@version|@tag]` or an npmjs.com package URL, refusing anything else. */
export function parseNpmSpec(input: string): NpmSpec {
  const text = input.trim();
  if (!text) throw malformed(input, "give a package name, like @modelcontextprotocol/server-memory");
  const page = NPMJS_PAGE.exec(text);
  let name: string;
  let version: string | undefined;
  if (page) {
    name = decodedOrRefused(input, page[1]!);
    version = page[2] && decodedOrRefused(input, page[2]);
  } else {
    const bare = text.replace(/^npm:/, "");
    const at = bare.indexOf("@", bare.startsWith("@") ? 1 : 0);
    name = at < 0 ? bare : bare.slice(0, at);
    version = at < 0 ? undefined : bare.slice(at + 1);
    if (version === "") throw malformed(input, "nothing follows the @; give a version (1.2.3) or a tag (latest), or leave the @ out");
  }
  try {
    checkPackageName(name);
  } catch (e) {
    throw malformed(input, (e as Error).message);
  }
  const v = version ?? "latest";
  if (!isExactVersion(v) && !TAG.test(v)) throw malformed(input, `${JSON.stringify(v.slice(0, 60))} is neither an exact version (1.2.3) nor a tag (latest)`);
  return { name, version: v };
}

/** npmSpecText prints a spec the way parseNpmSpec reads it back. */
export function npmSpecText(s: NpmSpec): string {
  return `npm:${s.name}@${s.version}`;
}
