import { and, eq } from "drizzle-orm";
import { canPublish, findTeam, namespaceRole } from "../accounts/teams.ts";
import { requireKeyNamespace, type Principal } from "../accounts/principal.ts";
import type { User } from "../accounts/users.ts";
import type { StagedArtifact } from "./artifacts.ts";
import type { DbHandle } from "../db/client.ts";
import { namespaces, servers, serverVersions } from "../db/schema.ts";
import { AppError } from "../shared/app-error.ts";
import type { NormalisedManifest } from "./manifest.ts";
import { parseQualifiedName } from "./names.ts";
import { indexServer } from "./search-index.ts";
import { latestToolsText } from "./snapshots.ts";
import { toServerJson } from "./server-json-out.ts";
import { isNewer } from "./versions.ts";

// smithery.yaml's commandFunction is evaluated sandboxed per session (src/launch/smithery-command.ts),
// but what it starts comes from the publisher's repository build, which Hearth does not do: the
// built package must come with it as an uploaded tarball.
const SMITHERY_NEEDS_ARTIFACT = "smithery.yaml servers start from a build of their repository, which Hearth does not do: publish the smithery.yaml with the built package as a tarball artifact (npm pack)";

function deployability(m: NormalisedManifest, hasArtifact: boolean): { deployable: boolean; reason: string | null } {
  if (m.runs === null) return { deployable: false, reason: m.notRunnableReason ?? (m.remotes.length ? "remote-only server: connect to its URL directly" : "no runnable package") };
  if (m.runs.kind === "smithery-function") return hasArtifact ? { deployable: true, reason: null } : { deployable: false, reason: SMITHERY_NEEDS_ARTIFACT };
  return { deployable: !m.notRunnableReason, reason: m.notRunnableReason ?? null };
}

/** PublishInput is a parsed manifest plus what the publisher chose around it. */
export interface PublishInput {
  manifest: NormalisedManifest;
  /** Overrides the manifest's name (smithery.yaml has none). */
  qualifiedName?: string;
  visibility?: "public" | "private";
  /** An uploaded tarball or bundle, staged: publishVersion keeps it only if the version is stored. */
  artifact?: StagedArtifact;
}

/** Published is what a successful publish created. */
export interface Published {
  serverId: number;
  versionId: number;
  qualifiedName: string;
  version: string;
  isLatest: boolean;
}

// Publishing needs the publisher or owner role in an existing namespace (admins may publish
// anywhere); a new namespace becomes the publisher's personal one.
function namespaceFor(dbh: DbHandle, name: string, publisher: User): number {
  const ns = dbh.db.select().from(namespaces).where(eq(namespaces.name, name)).get();
  if (!ns) {
    if (findTeam(dbh.db, name)) throw new AppError("forbidden", `you can't publish into the namespace "${name}": it belongs to a team`);
    return dbh.db.insert(namespaces).values({ name, kind: "user", ownerUserId: publisher.id }).returning({ id: namespaces.id }).get().id;
  }
  if (publisher.role !== "admin" && !canPublish(namespaceRole(dbh.db, publisher.id, ns))) {
    throw new AppError("forbidden", `you can't publish into the namespace "${name}": it belongs to someone else (publishing needs the publisher or owner role there)`);
  }
  return ns.id;
}

/**
 * publishVersion stores a new immutable version in one transaction: the namespace and server are
 * created on first publish; the same version again is a conflict; an older version is kept but
 * never becomes latest. The search index is updated in the same transaction. A key restricted to
 * a namespace (the request's `principal`) publishes only there. A staged artifact is kept only if
 * the version is stored: a refused publish (403, 409, 422) leaves no file behind.
 */
export function publishVersion(dbh: DbHandle, publisher: User, input: PublishInput, principal?: Principal): Published {
  try {
    return storeVersion(dbh, publisher, input, principal);
  } finally {
    input.artifact?.discard(); // a no-op once committed
  }
}

function storeVersion(dbh: DbHandle, publisher: User, input: PublishInput, principal?: Principal): Published {
  const m = input.manifest;
  const artifactSha256 = input.artifact?.sha256;
  const qn = parseQualifiedName(input.qualifiedName ?? m.name);
  if (principal) requireKeyNamespace(principal, qn.namespace);
  const tx = dbh.sqlite.transaction((): Published => {
    const namespaceId = namespaceFor(dbh, qn.namespace, publisher);
    let server = dbh.db.select().from(servers).where(eq(servers.qualifiedName, qn.qualified)).get();
    if (!server) {
      server = dbh.db
        .insert(servers)
        .values({ namespaceId, qualifiedName: qn.qualified, description: m.description, visibility: input.visibility ?? "public" })
        .returning()
        .get();
    }
    const clash = dbh.db.select({ id: serverVersions.id }).from(serverVersions).where(and(eq(serverVersions.serverId, server.id), eq(serverVersions.version, m.version))).get();
    if (clash) throw new AppError("conflict", `${qn.qualified} version ${m.version} is already published; versions are immutable, publish a new version`);
    const latest = dbh.db.select({ version: serverVersions.version }).from(serverVersions).where(and(eq(serverVersions.serverId, server.id), eq(serverVersions.isLatest, true))).get();
    const becomesLatest = isNewer(m.version, latest?.version);
    if (becomesLatest) dbh.db.update(serverVersions).set({ isLatest: false }).where(eq(serverVersions.serverId, server.id)).run();
    const now = Date.now();
    const version = dbh.db
      .insert(serverVersions)
      .values({
        serverId: server.id,
        version: m.version,
        source: m.source,
        manifest: { ...m, raw: undefined },
        serverJson: toServerJson(m, qn.qualified),
        runKind: m.runs?.kind ?? (m.remotes.length ? "remote" : null),
        deployable: deployability(m, artifactSha256 !== undefined).deployable,
        notDeployableReason: deployability(m, artifactSha256 !== undefined).reason,
        configSchema: m.configSchema,
        exampleConfig: m.exampleConfig ?? null,
        artifactSha256: artifactSha256 ?? null,
        isLatest: becomesLatest,
        publishedAt: now,
        updatedAt: now,
      })
      .returning({ id: serverVersions.id })
      .get();
    if (becomesLatest) {
      const meta = {
        title: m.title ?? null,
        description: m.description,
        homepage: m.websiteUrl ?? null,
        repository: m.repository?.url ?? null,
        iconUrl: m.icons?.[0]?.src ?? null,
        tags: m.tags ?? [],
        updatedAt: now,
        ...(input.visibility ? { visibility: input.visibility } : {}),
      };
      dbh.db.update(servers).set(meta).where(eq(servers.id, server.id)).run();
      indexServer(dbh.sqlite, { serverId: server.id, name: qn.qualified, title: meta.title, description: meta.description, tags: meta.tags, tools: latestToolsText(dbh, server.id) });
    } else {
      dbh.db.update(servers).set({ updatedAt: now }).where(eq(servers.id, server.id)).run();
    }
    // Last inside the transaction: if the move fails the rows roll back, so no version ever names
    // a missing file (the worst case, a failed COMMIT after it, leaves an unreferenced stored file).
    input.artifact?.commit();
    return { serverId: server.id, versionId: version.id, qualifiedName: qn.qualified, version: m.version, isLatest: becomesLatest };
  });
  return tx();
}
