import { mkdirSync, renameSync, existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { AppError } from "../shared/app-error.ts";

/** MAX_ARTIFACT_BYTES bounds an uploaded package tarball or bundle. */
export const MAX_ARTIFACT_BYTES = 100 * 1024 * 1024;

/**
 * StagedArtifact is an uploaded tarball or .mcpb written beside the store but not yet in it:
 * `commit` moves it to <data>/artifacts/<sha256>, `discard` removes what commit did not keep.
 */
export interface StagedArtifact {
  sha256: string;
  /** path is where the bytes can be read now (the temp file, or the stored file if already kept). */
  path: string;
  commit(): void;
  discard(): void;
}

/**
 * stageArtifact writes an upload to a temp name under <data>/artifacts, so a publish that is then
 * refused (no permission, repeated version, invalid manifest) leaves nothing behind. Storage is
 * content-addressed: bytes already stored are not written again. The temp name is random, so two
 * identical uploads at once never share (or remove) each other's file.
 */
export async function stageArtifact(dataDir: string, bytes: Uint8Array): Promise<StagedArtifact> {
  if (bytes.byteLength === 0) throw new AppError("invalid", "the uploaded package is empty", { details: [{ pointer: "/artifact", message: "empty file" }] });
  if (bytes.byteLength > MAX_ARTIFACT_BYTES) throw new AppError("too_large", `an uploaded package is at most ${MAX_ARTIFACT_BYTES} bytes`);
  const sha256 = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
  const dir = join(dataDir, "artifacts");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const final = join(dir, sha256);
  if (existsSync(final)) return { sha256, path: final, commit() {}, discard() {} };
  const tmp = join(dir, `.${sha256}.${crypto.randomUUID()}.tmp`);
  await Bun.write(tmp, bytes);
  let committed = false;
  return {
    sha256,
    path: tmp,
    // rename is atomic on one filesystem, so a crash never leaves a half file under the final name.
    commit() {
      renameSync(tmp, final);
      committed = true;
    },
    discard() {
      if (!committed) rmSync(tmp, { force: true });
    },
  };
}
