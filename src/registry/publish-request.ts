import { AppError } from "../shared/app-error.ts";
import { parseManifest, type ManifestFormat } from "./manifest-detect.ts";
import { MAX_MANIFEST_BYTES } from "./manifest-input.ts";
import type { PublishInput } from "./publish.ts";
import { manifestFromPackage, isPackageFile } from "./artifact-manifest.ts";
import { stageArtifact } from "./artifacts.ts";

const FORMATS = new Set<ManifestFormat>(["server.json", "smithery.yaml"]);

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

function options(get: (k: string) => unknown) {
  const visibility = str(get("visibility"));
  if (visibility !== undefined && visibility !== "public" && visibility !== "private") {
    throw new AppError("invalid", "visibility must be public or private", { details: [{ pointer: "/visibility", message: "must be public or private" }] });
  }
  const format = str(get("format"));
  if (format !== undefined && !FORMATS.has(format as ManifestFormat)) {
    throw new AppError("invalid", "format must be server.json or smithery.yaml", { details: [{ pointer: "/format", message: "must be server.json or smithery.yaml" }] });
  }
  return { name: str(get("name")), version: str(get("version")), visibility: visibility as "public" | "private" | undefined, format: format as ManifestFormat | undefined };
}

/**
 * readPublishRequest accepts a manifest however a client sends it: a multipart upload (`file`
 * plus fields), a JSON wrapper `{manifest, name?, version?, format?, visibility?}`, or the raw
 * server.json / smithery.yaml body with the same options as query parameters. A multipart
 * `artifact` field (an `npm pack` tarball or .mcpb) is staged, last so nothing can fail after it, and
 * becomes what the version runs from once publishVersion stores the version.
 */
export async function readPublishRequest(request: Request, dataDir: string): Promise<PublishInput> {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  const query = new URL(request.url).searchParams;
  if (type.startsWith("multipart/form-data")) {
    const form = await request.formData().catch(() => {
      throw new AppError("bad_request", "the multipart body could not be read");
    });
    const file = form.get("file") ?? form.get("manifest");
    const o = options((k) => form.get(k) ?? query.get(k));
    const bytes = typeof file === "string" ? new TextEncoder().encode(file) : file ? new Uint8Array(await file.arrayBuffer()) : undefined;
    if (!bytes) throw new AppError("invalid", "attach the manifest as the `file` field", { details: [{ pointer: "/file", message: "missing" }] });
    const filename = typeof file === "object" && file ? file.name : undefined;
    if (filename && isPackageFile(filename)) {
      const { manifest, artifact } = await manifestFromPackage(dataDir, bytes, filename, { name: o.name });
      return { manifest, qualifiedName: o.name, visibility: o.visibility, artifact };
    }
    const manifest = parseManifest(bytes, { format: o.format, filename, version: o.version });
    // An `npm pack` tarball or .mcpb uploaded beside the manifest is what the version runs from.
    const upload = form.get("artifact");
    const artifact = upload && typeof upload === "object" ? await stageArtifact(dataDir, new Uint8Array(await upload.arrayBuffer())) : undefined;
    return { manifest, qualifiedName: o.name, visibility: o.visibility, artifact };
  }
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength > MAX_MANIFEST_BYTES * 2) throw new AppError("too_large", `a manifest is at most ${MAX_MANIFEST_BYTES} bytes`);
  if (type.includes("json")) {
    let wrapper: unknown;
    try {
      wrapper = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch {
      wrapper = undefined; // let the manifest parser report the precise problem
    }
    if (wrapper && typeof wrapper === "object" && "manifest" in wrapper) {
      const w = wrapper as Record<string, unknown>;
      const o = options((k) => w[k]);
      const m = typeof w.manifest === "string" ? w.manifest : JSON.stringify(w.manifest);
      return { manifest: parseManifest(new TextEncoder().encode(m), { format: o.format, version: o.version }), qualifiedName: o.name, visibility: o.visibility };
    }
  }
  const o = options((k) => query.get(k));
  const format = o.format ?? (type.includes("yaml") ? "smithery.yaml" : undefined);
  return { manifest: parseManifest(bytes, { format, version: o.version }), qualifiedName: o.name, visibility: o.visibility };
}
