import { basename } from "node:path";
import { openInstance } from "../db/instance.ts";
import { parseManifest } from "../registry/manifest-detect.ts";
import { isPackageFile, manifestFromPackage } from "../registry/artifact-manifest.ts";
import { stageArtifact } from "../registry/artifacts.ts";
import { publishVersion } from "../registry/publish.ts";
import { actingUser } from "./acting-user.ts";
import { UsageError, type Command } from "./command.ts";

async function publishRemote(url: string, key: string, file: string, bytes: Uint8Array, artifact: string | undefined, fields: Record<string, string | undefined>): Promise<number> {
  const form = new FormData();
  form.set("file", new Blob([bytes as Uint8Array<ArrayBuffer>]), basename(file));
  if (artifact) form.set("artifact", Bun.file(artifact), basename(artifact));
  for (const [k, v] of Object.entries(fields)) if (v) form.set(k, v);
  const r = await fetch(`${url.replace(/\/+$/, "")}/api/v1/servers`, { method: "POST", body: form, headers: { authorization: `Bearer ${key}` } }).catch((e: Error) => {
    throw new UsageError(`cannot reach ${url}: ${e.message}`);
  });
  const body = (await r.json().catch(() => ({}))) as { error?: string; details?: { pointer: string; message: string }[]; qualifiedName?: string; version?: string; url?: string; warnings?: string[] };
  if (!r.ok) {
    console.error(`hearth publish: ${r.status} ${body.error ?? r.statusText}`);
    for (const d of body.details ?? []) console.error(`  ${d.pointer || "/"}: ${d.message}`);
    return r.status === 422 || r.status === 409 ? 2 : 1;
  }
  for (const w of body.warnings ?? []) console.error(`warning: ${w}`);
  console.log(`published ${body.qualifiedName}@${body.version}: ${body.url}`);
  return 0;
}

/** publish adds a version to the registry, offline against --data or to a running instance with --url. */
export const publishCommand: Command = {
  name: "publish",
  summary: "publish a server.json, smithery.yaml, npm tarball or .mcpb bundle (offline, or to --url)",
  usage: "hearth publish FILE|PKG.tgz|BUNDLE.mcpb [--artifact PKG.tgz] [--name ns/name] [--version V] [--private] [--url URL --key KEY]",
  flags: [
    { name: "name", type: "string", help: "file the server under namespace/name (required for smithery.yaml)", defaultText: "the manifest's name" },
    { name: "version", type: "string", help: "version for smithery.yaml (server.json carries its own)" },
    { name: "artifact", type: "string", help: "an `npm pack` tarball or .mcpb the version runs from", defaultText: "none" },
    { name: "private", type: "boolean", help: "visible only to the namespace's owner and admins", defaultText: "false" },
    { name: "url", type: "string", help: "a running Hearth to publish to", defaultText: "offline, against --data" },
    { name: "key", type: "string", help: "API key with the publish scope (or HEARTH_API_KEY)" },
    { name: "as", type: "string", help: "offline: the user to publish as", defaultText: "the first admin" },
  ],
  async run({ config, flags, positionals }) {
    const file = positionals[0];
    if (!file || positionals.length > 1) throw new UsageError("give exactly one FILE to publish");
    const f = Bun.file(file);
    if (!(await f.exists())) throw new UsageError(`${file} does not exist`);
    const bytes = new Uint8Array(await f.arrayBuffer());
    const visibility = flags.private ? "private" : undefined;
    const artifact = flags.artifact as string | undefined;
    if (artifact && !(await Bun.file(artifact).exists())) throw new UsageError(`--artifact ${artifact} does not exist`);
    if (flags.url) {
      const key = (flags.key as string | undefined) ?? process.env.HEARTH_API_KEY;
      if (!key) throw new UsageError("publishing to --url needs --key or HEARTH_API_KEY");
      return publishRemote(String(flags.url), key, file, bytes, artifact, { name: flags.name as string | undefined, version: flags.version as string | undefined, visibility });
    }
    const { dbh } = openInstance(config.dataDir);
    try {
      const user = actingUser(dbh.db, flags.as as string | undefined);
      // A tarball or bundle on its own carries its manifest (package.json / manifest.json).
      const fromPackage = isPackageFile(file) ? await manifestFromPackage(config.dataDir, bytes, file, { name: flags.name as string | undefined }) : undefined;
      const manifest = fromPackage?.manifest ?? parseManifest(bytes, { filename: file, version: flags.version as string | undefined });
      // Staged after the manifest parsed; publishVersion keeps it only if the version is published.
      const staged = fromPackage?.artifact ?? (artifact ? await stageArtifact(config.dataDir, new Uint8Array(await Bun.file(artifact).arrayBuffer())) : undefined);
      const p = publishVersion(dbh, user, { manifest, qualifiedName: flags.name as string | undefined, visibility, artifact: staged });
      for (const w of manifest.warnings) console.error(`warning: ${w}`);
      console.log(`published ${p.qualifiedName}@${p.version}${p.isLatest ? " (latest)" : ""}`);
      return 0;
    } finally {
      dbh.close();
    }
  },
};
