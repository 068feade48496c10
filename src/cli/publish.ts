import { basename } from "node:path";
import { openInstance } from "../db/instance.ts";
import { parseManifest } from "../registry/manifest-detect.ts";
import { isPackageFile, manifestFromPackage } from "../registry/artifact-manifest.ts";
import { stageArtifact } from "../registry/artifacts.ts";
import { publishVersion } from "../registry/publish.ts";
import { passEnvValues, type Config } from "../config/config.ts";
import { SERVER_JSON_EXAMPLE, serverJsonFromNpm, SERVER_SCHEMA_URL } from "../registry/npm-source.ts";
import { parseNpmSpec } from "../registry/npm-spec.ts";
import { actingUser } from "./acting-user.ts";
import { defineCommand } from "./command.ts";
import { switchFlag, textFlag } from "./flag.ts";
import { UsageError } from "./usage-error.ts";

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

// `npm:<package>[@version]`: the server.json comes from the registry, as written to a file (same bytes).
async function fromNpm(config: Config, env: Record<string, string | undefined>, spec: string, name: string | undefined): Promise<{ bytes: Uint8Array; file: string; note: string }> {
  const parsed = parseNpmSpec(spec);
  const got = await serverJsonFromNpm(parsed, { registry: config.npmRegistry, passEnv: passEnvValues(config.passEnv, env), name });
  return { bytes: new TextEncoder().encode(got.text), file: "server.json", note: `${got.package.name}@${got.package.version}: server.json made from ${got.from}` };
}

/** publish adds a version to the registry, offline against --data or to a running instance with --url. */
export const publishCommand = defineCommand({
  name: "publish",
  summary: "publish an npm package, a server.json, smithery.yaml, npm tarball or .mcpb bundle (offline, or to --url)",
  usage: "hearth publish npm:<package>[@version] | FILE | PKG.tgz | BUNDLE.mcpb [--artifact PKG.tgz] [--name ns/name] [--version V] [--private] [--dry-run] [--url URL --key KEY]",
  flags: {
    name: textFlag("file the server under namespace/name (required for smithery.yaml)", { defaultText: "the manifest's name", accepts: "namespace/name" }),
    version: textFlag("version for smithery.yaml (server.json carries its own)", { accepts: "a version" }),
    artifact: textFlag("an `npm pack` tarball or .mcpb the version runs from", { defaultText: "none", accepts: "a file" }),
    private: switchFlag("visible only to the namespace's owner and admins", "false"),
    url: textFlag("a running Hearth to publish to", { defaultText: "offline, against --data", accepts: "a URL" }),
    key: textFlag("API key with the publish scope (or HEARTH_API_KEY)"),
    as: textFlag("offline: the user to publish as", { defaultText: "the first admin", accepts: "an email" }),
    "dry-run": switchFlag("print the server.json (for npm:) and publish nothing"),
  },
  examples: [
    "examples:",
    "  hearth publish npm:@modelcontextprotocol/server-memory          # server.json from the package's metadata",
    "  hearth publish npm:some-server@1.2.0 --name you/some-server --dry-run",
    "  hearth publish server.json --url https://hub.example.com --key \"$KEY\"",
    "",
    `a server.json (schema: ${SERVER_SCHEMA_URL}):`,
    ...JSON.stringify(SERVER_JSON_EXAMPLE, null, 2).split("\n").map((l) => `  ${l}`),
  ],
  async run({ config, flags, positionals, env }) {
    const given = positionals[0];
    if (!given || positionals.length > 1) throw new UsageError("give exactly one thing to publish: npm:<package>, or a FILE");
    let file = given;
    let bytes: Uint8Array;
    if (given.startsWith("npm:")) {
      const npm = await fromNpm(config, env, given, flags.name);
      console.error(npm.note);
      if (flags["dry-run"]) {
        process.stdout.write(new TextDecoder().decode(npm.bytes));
        return 0;
      }
      ({ bytes, file } = npm);
    } else {
      const f = Bun.file(given);
      if (!(await f.exists())) throw new UsageError(`${given} does not exist${/^@?[a-z0-9][\w.~-]*(\/[\w.~-]+)?$/.test(given) ? ` (for an npm package, write npm:${given})` : ""}`);
      bytes = new Uint8Array(await f.arrayBuffer());
    }
    const visibility = flags.private ? "private" : undefined;
    const artifact = flags.artifact;
    if (artifact && !(await Bun.file(artifact).exists())) throw new UsageError(`--artifact ${artifact} does not exist`);
    if (flags.url) {
      const key = flags.key ?? process.env.HEARTH_API_KEY;
      if (!key) throw new UsageError("publishing to --url needs --key or HEARTH_API_KEY");
      return publishRemote(flags.url, key, file, bytes, artifact, { name: flags.name, version: flags.version, visibility });
    }
    const { dbh } = openInstance(config.dataDir);
    try {
      const user = actingUser(dbh.db, flags.as);
      // A tarball or bundle on its own carries its manifest (package.json / manifest.json).
      const fromPackage = isPackageFile(file) ? await manifestFromPackage(config.dataDir, bytes, file, { name: flags.name }) : undefined;
      const manifest = fromPackage?.manifest ?? parseManifest(bytes, { filename: file, version: flags.version });
      // Staged after the manifest parsed; publishVersion keeps it only if the version is published.
      const staged = fromPackage?.artifact ?? (artifact ? await stageArtifact(config.dataDir, new Uint8Array(await Bun.file(artifact).arrayBuffer())) : undefined);
      const p = publishVersion(dbh, user, { manifest, qualifiedName: flags.name, visibility, artifact: staged });
      for (const w of manifest.warnings) console.error(`warning: ${w}`);
      console.log(`published ${p.qualifiedName}@${p.version}${p.isLatest ? " (latest)" : ""}`);
      return 0;
    } finally {
      dbh.close();
    }
  },
});
