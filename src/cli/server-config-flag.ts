// The `--config JSON|base64` and `--config-file F` flags that connect, install and call share.
import { textFlag } from "./flag.ts";
import { UsageError } from "./usage-error.ts";

/** serverConfigFlags declares the two flags. */
export const serverConfigFlags = {
  config: textFlag("the server's config: a JSON object, or base64 of one", { accepts: "a JSON object, or base64 of one" }),
  "config-file": textFlag("read the config from a JSON file", { accepts: "a JSON file" }),
};

/** readServerConfig returns the config the flags give, or undefined when neither is set. */
export async function readServerConfig(flags: { config?: string; "config-file"?: string }): Promise<Record<string, unknown> | undefined> {
  const file = flags["config-file"];
  const raw = file !== undefined ? await Bun.file(file).text().catch(() => {
    throw new UsageError(`--config-file ${file} can't be read`);
  }) : flags.config;
  if (raw === undefined) return undefined;
  try {
    // JSON as typed, or base64(url) JSON as in a `?config=` parameter (what the Connect tab writes).
    const text = raw.trimStart().startsWith("{") ? raw : Buffer.from(raw, "base64").toString("utf8");
    const v = JSON.parse(text) as unknown;
    if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
    return v as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`the config must be a JSON object: ${(e as Error).message}`);
  }
}
