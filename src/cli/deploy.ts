import { isAppError } from "../shared/app-error.ts";
import { parseSettingsPatch, type SettingsPatch } from "../deploy/settings.ts";
import { defineCommand } from "./command.ts";
import { listFlag, textFlag } from "./flag.ts";
import { UsageError } from "./usage-error.ts";

interface ProgressEvent {
  phase: string;
  message?: string;
  version?: string;
  serving?: string;
  percent?: number;
  bytes?: number;
}

function bar(e: ProgressEvent): string {
  const pct = e.percent === undefined ? "" : ` [${"#".repeat(Math.round(e.percent / 5)).padEnd(20, ".")}] ${Math.round(e.percent)}%`;
  return `${e.phase}${pct}${e.message ? ` ${e.message}` : ""}`;
}

async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ProgressEvent> {
  const decoder = new TextDecoder();
  let buf = "";
  for await (const chunk of body) {
    buf += decoder.decode(chunk, { stream: true });
    let i;
    while ((i = buf.indexOf("\n\n")) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      const data = block.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
      if (data) yield JSON.parse(data) as ProgressEvent;
    }
  }
}

/**
 * settingsFromFlags turns `--set key=value` pairs (dot notation for limits, like connection params)
 * into a validated settings change; `--sandbox` itself is the instance-wide config flag. The value
 * `default` puts a setting back to its default (null in the API's merge patch); no setting takes
 * "default" as a real value, so the spelling can't shadow one.
 */
export function settingsFromFlags(pairs: readonly string[]): SettingsPatch | undefined {
  if (pairs.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--set takes key=value (e.g. --set sandbox=bwrap --set limits.memoryMiB=512), got ${JSON.stringify(pair)}`);
    const [key, raw] = [pair.slice(0, eq), pair.slice(eq + 1)];
    const value = raw === "default" ? null : /^\d+$/.test(raw) ? Number(raw) : raw;
    const path = key.split(".");
    let node = out;
    for (const part of path.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[path.at(-1)!] = value;
  }
  try {
    return parseSettingsPatch(out);
  } catch (e) {
    const details = isAppError(e) ? (e.details ?? []).map((d) => d.message).join("; ") : String(e);
    throw new UsageError(`bad --set: ${details}`);
  }
}

/** DeployRequest is a deploy or rollback the CLI asks a running Hearth for. */
export interface DeployRequest {
  command: "deploy" | "rollback";
  base: string;
  name: string;
  key: string;
  path: string;
  body?: unknown;
}

/**
 * failureSentence is a failed deploy's end in one sentence: its first line (the rest is the
 * server's stderr, on the Deployments page and in the logs) and, after a failed redeploy, which
 * version still serves.
 */
function failureSentence(name: string, e: ProgressEvent): string {
  const first = (e.message ?? "the stream ended without a result").split("\n")[0]!.replace(/[:.]\s*$/, "");
  const what = e.version ? `${name}@${e.version}` : name;
  return `${what} failed: ${first}${e.serving ? `; ${name} still serves ${e.serving}` : ""}`;
}

/** streamDeploy posts a deploy or rollback, draws its progress on stderr, and returns the exit code. */
export async function streamDeploy(req: DeployRequest): Promise<number> {
  const r = await fetch(`${req.base}/api/v1/servers/${req.name}/${req.path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${req.key}`, accept: "text/event-stream", ...(req.body ? { "content-type": "application/json" } : {}) },
    ...(req.body ? { body: JSON.stringify(req.body) } : {}),
  }).catch((e: Error) => {
    throw new UsageError(`cannot reach ${req.base}: ${e.message}`);
  });
  if (!r.ok || !r.body) {
    const body = (await r.json().catch(() => ({}))) as { error?: string };
    console.error(`hearth ${req.command}: ${r.status} ${body.error ?? r.statusText}`);
    return r.status === 404 || r.status === 422 ? 2 : 1;
  }
  let last: ProgressEvent | undefined;
  for await (const e of sseEvents(r.body)) {
    last = e;
    process.stderr.write(process.stderr.isTTY ? `\r\x1b[2K${bar(e)}` : `${bar(e)}\n`);
  }
  if (process.stderr.isTTY) process.stderr.write("\n");
  if (last?.phase === "ready") {
    console.log(`${req.name}: ${last.message}`);
    return 0;
  }
  console.error(`hearth ${req.command}: ${failureSentence(req.name, last ?? { phase: "failed" })}`);
  return 1;
}

/** deploy asks a running Hearth to deploy a server and shows its progress as it streams. */
export const deployCommand = defineCommand({
  name: "deploy",
  summary: "deploy a published server on a running Hearth, with live progress (the serving version stays until the new one works)",
  usage: "hearth deploy ns/name [--version V] [--set key=value ...] [--url URL] [--key KEY]",
  flags: {
    version: textFlag("version to deploy", { defaultText: "latest", accepts: "a version" }),
    url: textFlag("the Hearth to deploy on", { defaultText: "--public-url", accepts: "a URL" }),
    key: textFlag("API key with the publish scope (or HEARTH_API_KEY)"),
    set: listFlag(
      "a per-server setting: sandbox=auto|bwrap|none, network=host|none, poolSize, maxSessions, idleTimeoutSec, maxAgeSec, sessionPolicy=per-session|shared, preset=browser (headless browsers: no address-space limit, browser files in the sandbox), limits.memoryMiB|addressSpaceMiB|openFiles|processes|pids|cpuSeconds; key=default puts one back to its default (sandbox=default: the instance's --sandbox; limits=default: every limit)",
    ),
  },
  async run({ config, flags, positionals }) {
    const name = serverArg(positionals);
    const key = keyArg(flags, "deploy");
    const settings = settingsFromFlags(flags.set);
    const base = (flags.url ?? config.publicUrl).replace(/\/+$/, "");
    const q = flags.version ? `?version=${encodeURIComponent(flags.version)}` : "";
    return streamDeploy({ command: "deploy", base, name, key, path: `deploy${q}`, ...(settings ? { body: { settings } } : {}) });
  },
});

/** serverArg is the one `ns/name` positional of deploy and rollback. */
export function serverArg(positionals: readonly string[]): string {
  const name = positionals[0];
  if (!name || positionals.length > 1 || !name.includes("/")) throw new UsageError("give exactly one server as namespace/name");
  return name;
}

/** keyArg is the publish key of deploy and rollback: --key, else HEARTH_API_KEY. */
export function keyArg(flags: { key?: string }, command: string): string {
  const key = flags.key ?? process.env.HEARTH_API_KEY;
  if (!key) throw new UsageError(`${command} needs --key or HEARTH_API_KEY (a key with the publish scope)`);
  return key;
}
