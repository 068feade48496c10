// Copy-ready client configuration for a hosted server (docs: /work/shared/REFERENCE.md, "Client
// configuration entries"). Pure: URLs and config in, text out.

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
}

/** clientName is the short key a client's config uses for the server: `echo` for `io.github.test/echo`. */
export function clientName(qualifiedName: string): string {
  const short = qualifiedName.slice(qualifiedName.indexOf("/") + 1).replace(/[^A-Za-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "");
  return short || "hearth";
}

/** encodeConfig is Smithery's `config=` parameter: base64url of the JSON. */
export function encodeConfig(config: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(config)).toString("base64url");
}

const json = (v: unknown) => JSON.stringify(v, null, 2);
const shellQuote = (s: string) => (/^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
// TOML basic strings share JSON's escapes for everything JSON.stringify emits.
const toml = (s: string) => JSON.stringify(s);

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
  const headers = { Authorization: `Bearer ${key}` };
  const stdioArgs = ["connect", input.pageUrl, "--key", key, ...(input.profileId ? ["--profile", input.profileId] : []), ...(hasConfig ? ["--config", encodeConfig(input.config)] : [])];
  const remote = { type: "http", url: httpUrl, headers };
  const snippets: Snippet[] = [
    { id: "claude-desktop", title: "Claude Desktop", where: "claude_desktop_config.json (runs `hearth connect` as a stdio server)", text: json({ mcpServers: { [name]: { command: "hearth", args: stdioArgs } } }) },
    { id: "claude-code", title: "Claude Code", where: "terminal", text: `claude mcp add --transport http ${shellQuote(name)} ${shellQuote(httpUrl)} --header ${shellQuote(`Authorization: Bearer ${key}`)}` },
    { id: "cursor", title: "Cursor", where: "~/.cursor/mcp.json or .cursor/mcp.json", text: json({ mcpServers: { [name]: { url: httpUrl, headers } } }) },
    { id: "vscode", title: "VS Code", where: ".vscode/mcp.json", text: json({ servers: { [name]: remote } }) },
    { id: "vscode-cli", title: "VS Code (command line)", where: "terminal", text: `code --add-mcp ${shellQuote(JSON.stringify({ name, ...remote }))}` },
    { id: "windsurf", title: "Windsurf", where: "~/.codeium/windsurf/mcp_config.json", text: json({ mcpServers: { [name]: { serverUrl: httpUrl, headers } } }) },
    {
      id: "codex",
      title: "Codex",
      where: "~/.codex/config.toml (Codex reads the key from an environment variable)",
      text: `# export HEARTH_API_KEY=${key}\n[mcp_servers.${name}]\nurl = ${toml(httpUrl)}\nbearer_token_env_var = "HEARTH_API_KEY"\n`,
    },
    { id: "gemini", title: "Gemini CLI", where: "~/.gemini/settings.json", text: json({ mcpServers: { [name]: { httpUrl, headers } } }) },
    { id: "hearth-connect", title: "hearth connect", where: "terminal: any stdio-only client can run this as its server", text: ["hearth", ...stdioArgs].map(shellQuote).join(" ") },
  ];
  const cursorConfig = Buffer.from(JSON.stringify({ url: httpUrl, headers })).toString("base64");
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
