import { mkdirSync, renameSync, existsSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../shared/app-error.ts";

/** MAX_ARTIFACT_BYTES bounds an uploaded package tarball or bundle. */
export const MAX_ARTIFACT_BYTES = 100 * 1024 * 1024;

/**
 * storeArtifact keeps an uploaded tarball or .mcpb under <data>/artifacts/<sha256>, content-addressed
 * (the same upload twice is stored once), written to a temp name and renamed so a crash never
 * leaves a half file under the final name.
 */
export async function storeArtifact(dataDir: string, bytes: Uint8Array): Promise<string> {
  if (bytes.byteLength === 0) throw new AppError("invalid", "the uploaded package is empty", { details: [{ pointer: "/artifact", message: "empty file" }] });
  if (bytes.byteLength > MAX_ARTIFACT_BYTES) throw new AppError("too_large", `an uploaded package is at most ${MAX_ARTIFACT_BYTES} bytes`);
  const sha = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
  const dir = join(dataDir, "artifacts");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const final = join(dir, sha);
  if (!existsSync(final)) {
    const tmp = join(dir, `.${sha}.${process.pid}.${Date.now()}.tmp`);
    await Bun.write(tmp, bytes);
    renameSync(tmp, final);
  }
  return sha;
}
