// Copy-ready client configuration for a hosted server (docs: /work/shared/REFERENCE.md, "Client
// configuration entries"). Pure: URLs and config in, text out.
import { clientShape, CODEX_KEY_ENV, connectArgv, renderDocument, selfLauncher, type ClientId, type ClientShape, type EntryTarget, type Launcher } from "../client/client-entries.ts";
import { encodeConfig } from "../client/config-encoding.ts";

/** KEY_PLACEHOLDER stands in for an API key the user has not typed. */
export const KEY_PLACEHOLDER = "YOUR_HEARTH_API_KEY";

/** Snippet is one client's entry: where it goes and the text to paste. */
export interface Snippet {
  id: string;
  title: string;
  /** where says which file or command this is for. */
  where: string;
  text: string;
}

/** Connection is everything a client needs, derived from the form. */
export interface Connection {
  wsUrl: string;
  httpUrl: string;
  snippets: Snippet[];
  deepLinks: { vscode: string; cursor: string };
}

/** ConnectionInput is what the Connect form gives. */
export interface ConnectionInput {
  /** pageUrl is `https://host/ns/name`. */
  pageUrl: string;
  qualifiedName: string;
  /** config holds only what the user set (defaults are the server's business). */
  config: Record<string, unknown>;
  apiKey: string;
  /** profileId, when a saved profile is chosen, replaces inline secrets: `profile=<id>`, with `config` only as overrides. */
  profileId?: string;
  /** launcher starts Hearth in stdio snippets; this Hearth's own binary (or source) when not given. */
  launcher?: Launcher;
}

/** clientName is the short key a client's config uses for the server: `echo` for `io.github.test/echo`. */
export function clientName(qualifiedName: string): string {
  const short = qualifiedName.slice(qualifiedName.indexOf("/") + 1).replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
  return short || "hearth";
}


const shellQuote = (s: string) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
const shape = (id: ClientId) => clientShape(id) as ClientShape;

// Where the command comes from, said beside the snippet: this host's path is right only on this host.
const launcherWhere = (l: Launcher) =>
  l.args.length
    ? `this Hearth runs from source, so the entry runs bun with its src/main.ts; elsewhere, or for a stable path, use a hearth binary (bun run build makes dist/hearth) as the command`
    : `the command is this Hearth's binary; on another machine, put the path of your hearth binary there`;

/** buildConnection derives the URLs and every client's entry from the form's values. */
export function buildConnection(input: ConnectionInput): Connection {
  const hasConfig = Object.keys(input.config).length > 0;
  const parts = [...(input.profileId ? [`profile=${encodeURIComponent(input.profileId)}`] : []), ...(hasConfig ? [`config=${encodeConfig(input.config)}`] : [])];
  const query = parts.length ? `?${parts.join("&")}` : "";
  const httpUrl = `${input.pageUrl}/mcp${query}`;
  const key = input.apiKey.trim() || KEY_PLACEHOLDER;
  // WebSocket clients (browsers especially) can't set headers: the key rides in the URL, Smithery's way.
  const wsUrl = `${input.pageUrl.replace(/^http/, "ws")}/ws${query}${query ? "&" : "?"}api_key=${encodeURIComponent(key)}`;
  const name = clientName(input.qualifiedName);
  const launcher = input.launcher ?? selfLauncher();
  const target: EntryTarget = { pageUrl: input.pageUrl, httpUrl, key, launcher, connectArgs: [...(input.profileId ? ["--profile", input.profileId] : []), ...(hasConfig ? ["--config", encodeConfig(input.config)] : [])] };
  // The JSON and TOML entries are the ones `hearth install` writes (src/client/client-entries.ts).
  const doc = (id: ClientId, kind: "remote" | "stdio") => {
    const s = shape(id);
    return renderDocument(s, name, (kind === "remote" && s.remote ? s.remote : s.stdio)(target));
  };
  const remote = shape("vscode").remote!(target);
  const snippets: Snippet[] = [
    { id: "claude-desktop", title: "Claude Desktop", where: `claude_desktop_config.json (runs \`hearth connect\` as a stdio server: ${launcherWhere(launcher)})`, text: doc("claude", "stdio") },
    { id: "claude-code", title: "Claude Code", where: "terminal", text: `claude mcp add --transport http ${shellQuote(name)} ${shellQuote(httpUrl)} --header ${shellQuote(`Authorization: Bearer ${key}`)}` },
    { id: "cursor", title: "Cursor", where: "~/.cursor/mcp.json or .cursor/mcp.json", text: doc("cursor", "remote") },
    { id: "vscode", title: "VS Code", where: ".vscode/mcp.json", text: doc("vscode", "remote") },
    { id: "vscode-cli", title: "VS Code (command line)", where: "terminal", text: `code --add-mcp ${shellQuote(JSON.stringify({ name, ...remote }))}` },
    { id: "windsurf", title: "Windsurf", where: "~/.codeium/windsurf/mcp_config.json", text: doc("windsurf", "remote") },
    { id: "codex", title: "Codex", where: "~/.codex/config.toml (Codex reads the key from an environment variable)", text: `# export ${CODEX_KEY_ENV}=${key}\n${doc("codex", "remote")}` },
    { id: "gemini", title: "Gemini CLI", where: "~/.gemini/settings.json", text: doc("gemini-cli", "remote") },
    { id: "hearth-connect", title: "hearth connect", where: "terminal: any stdio-only client can run this as its server", text: [launcher.command, ...launcher.args, ...connectArgv(target)].map(shellQuote).join(" ") },
  ];
  const cursorConfig = Buffer.from(JSON.stringify(shape("cursor").remote!(target))).toString("base64");
  return {
    wsUrl,
    httpUrl,
    snippets,
    deepLinks: {
      vscode: `vscode:mcp/install?${encodeURIComponent(JSON.stringify({ name, ...remote }))}`,
      cursor: `cursor://anysphere.cursor-deeplink/mcp/install?name=${encodeURIComponent(name)}&config=${encodeURIComponent(cursorConfig)}`,
    },
  };
}
