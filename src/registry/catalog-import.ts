import type { User } from "../accounts/users.ts";
import type { DbHandle } from "../db/client.ts";
import { AppError, isAppError } from "../shared/app-error.ts";
import { normaliseServerJson } from "./manifest-server-json.ts";
import { publishVersion } from "./publish.ts";

/** ImportReport counts what a catalog import accepted and says why each rejected entry was refused. */
export interface ImportReport {
  accepted: number;
  rejected: { index: number; name: string | null; reason: string }[];
}

/** MAX_CATALOG_BYTES bounds a catalog file (an export of a whole registry, so larger than one manifest). */
export const MAX_CATALOG_BYTES = 256 * 1024 * 1024;

function reasonOf(e: unknown): string {
  if (!isAppError(e)) return `unexpected error: ${(e as Error).message}`;
  const details = e.details.slice(0, 5).map((d) => `${d.pointer || "/"}: ${d.message}`).join("; ");
  return details ? `${e.message} (${details})` : e.message;
}

/**
 * importCatalog loads a JSON array of server.json documents (or `{servers: [{server}]}` as the
 * official API returns) in one transaction: each entry is accepted or rejected on its own
 * (a savepoint each), and the accepted ones are committed together.
 */
export function importCatalog(dbh: DbHandle, owner: User, text: string): ImportReport {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new AppError("invalid", `the catalog is not valid JSON: ${(e as Error).message}`);
  }
  const list = Array.isArray(parsed)
    ? parsed
    : parsed && typeof parsed === "object" && Array.isArray((parsed as { servers?: unknown }).servers)
      ? ((parsed as { servers: unknown[] }).servers.map((e) => (e && typeof e === "object" && "server" in e ? (e as { server: unknown }).server : e)))
      : undefined;
  if (!list) throw new AppError("invalid", "a catalog is a JSON array of server.json documents (or the official API's {servers: [...]})");
  const report: ImportReport = { accepted: 0, rejected: [] };
  dbh.sqlite.transaction(() => {
    list.forEach((doc, index) => {
      const name = doc && typeof doc === "object" && typeof (doc as { name?: unknown }).name === "string" ? (doc as { name: string }).name : null;
      try {
        publishVersion(dbh, owner, { manifest: normaliseServerJson(doc) });
        report.accepted++;
      } catch (e) {
        report.rejected.push({ index, name, reason: reasonOf(e) });
      }
    });
  })();
  // A bulk load leaves the FTS index in many segments; merging them keeps search fast (see search-plan.ts).
  if (report.accepted > 100) dbh.sqlite.exec("INSERT INTO servers_fts(servers_fts) VALUES('optimize')");
  return report;
}
