import { UsageError, type Command } from "./command.ts";

interface ProgressEvent {
  phase: string;
  message?: string;
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

/** deploy asks a running Hearth to deploy a server and shows its progress as it streams. */
export const deployCommand: Command = {
  name: "deploy",
  summary: "deploy a published server on a running Hearth, with live progress",
  usage: "hearth deploy ns/name [--version V] [--url URL] [--key KEY]",
  flags: [
    { name: "version", type: "string", help: "version to deploy", defaultText: "latest" },
    { name: "url", type: "string", help: "the Hearth to deploy on", defaultText: "--public-url" },
    { name: "key", type: "string", help: "API key with the publish scope (or HEARTH_API_KEY)" },
  ],
  async run({ config, flags, positionals }) {
    const name = positionals[0];
    if (!name || positionals.length > 1 || !name.includes("/")) throw new UsageError("give exactly one server as namespace/name");
    const key = (flags.key as string | undefined) ?? process.env.HEARTH_API_KEY;
    if (!key) throw new UsageError("deploy needs --key or HEARTH_API_KEY (a key with the publish scope)");
    const base = String(flags.url ?? config.publicUrl).replace(/\/+$/, "");
    const q = flags.version ? `?version=${encodeURIComponent(String(flags.version))}` : "";
    const r = await fetch(`${base}/api/v1/servers/${name}/deploy${q}`, { method: "POST", headers: { authorization: `Bearer ${key}`, accept: "text/event-stream" } }).catch((e: Error) => {
      throw new UsageError(`cannot reach ${base}: ${e.message}`);
    });
    if (!r.ok || !r.body) {
      const body = (await r.json().catch(() => ({}))) as { error?: string };
      console.error(`hearth deploy: ${r.status} ${body.error ?? r.statusText}`);
      return r.status === 404 || r.status === 422 ? 2 : 1;
    }
    let last: ProgressEvent | undefined;
    for await (const e of sseEvents(r.body)) {
      last = e;
      process.stderr.write(process.stderr.isTTY ? `\r\x1b[2K${bar(e)}` : `${bar(e)}\n`);
    }
    if (process.stderr.isTTY) process.stderr.write("\n");
    if (last?.phase === "ready") {
      console.log(`${name}: ${last.message}`);
      return 0;
    }
    console.error(`hearth deploy: ${last?.message ?? "the stream ended without a result"}`);
    return 1;
  },
};
