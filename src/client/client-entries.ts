// The shape of each MCP client's server entry (see /work/shared/REFERENCE.md, "Client configuration
// entries"). One source of truth: `hearth install` writes these and the Connect tab shows them.
import { fileURLToPath } from "node:url";
import { stringify as tomlStringify } from "smol-toml";

/** ClientId names every MCP client `hearth install --client` knows. */
export type ClientId = "claude" | "claude-code" | "cursor" | "vscode" | "windsurf" | "codex" | "gemini-cli" | "cline";

/** Launcher is how a stdio entry starts this Hearth: its binary, or bun with the source's main.ts. */
export interface Launcher {
  command: string;
  args: string[];
  /** note says what the user should know about it (running from source), when anything. */
  note?: string;
}

/**
 * selfLauncher is the running Hearth by absolute path, so an IDE that starts it needs no PATH: the
 * compiled binary itself, or, from a checkout, bun and src/main.ts (which moves with the checkout).
 */
export function selfLauncher(): Launcher {
  if (/\$bunfs|~BUN/.test(import.meta.url)) return { command: process.execPath, args: [] };
  const main = fileURLToPath(new URL("../main.ts", import.meta.url));
  // Bun reads tsconfig.json (the JSX runtime of views/) from its working directory, and an IDE starts
  // the entry from its own: name the checkout's tsconfig, or every view fails to load.
  const tsconfig = fileURLToPath(new URL("../../tsconfig.json", import.meta.url));
  return {
    command: process.execPath,
    args: ["--tsconfig-override", tsconfig, main],
    note: `this Hearth runs from source, so the entry runs bun with ${main}; for an entry that survives moving the checkout, build the binary (bun run build makes dist/hearth) and run install from it`,
  };
}

/** EntryTarget is what every entry is made from: one hosted server, reached with one key. */
export interface EntryTarget {
  /** pageUrl is `https://host/ns/name`; the stdio entry passes it to `hearth connect`. */
  pageUrl: string;
  /** httpUrl is the Streamable HTTP endpoint with its `?config=`/`profile=` query, if any. */
  httpUrl: string;
  key: string;
  /** connectArgs are `hearth connect`'s flags after the URL and key (config, profile). */
  connectArgs: string[];
  /** launcher starts Hearth in stdio entries. */
  launcher: Launcher;
}

/** ClientShape is where one client keeps its servers and how an entry looks there. */
export interface ClientShape {
  id: ClientId;
  title: string;
  format: "json" | "toml";
  /** section is the key path of the object that holds the servers by name. */
  section: string[];
  /** remote builds a Streamable HTTP entry; absent for clients that only start stdio servers. */
  remote?: (t: EntryTarget) => Record<string, unknown>;
  /** stdio builds an entry that runs `hearth connect` as the client's stdio server. */
  stdio: (t: EntryTarget) => Record<string, unknown>;
  /** note is printed after installing, when the entry needs something more from the user. */
  note?: string;
}

/** CODEX_KEY_ENV is the variable Codex reads the bearer token from (it refuses inline tokens). */
export const CODEX_KEY_ENV = "HEARTH_API_KEY";

const auth = (t: EntryTarget) => ({ Authorization: `Bearer ${t.key}` });
/** connectArgv is the `hearth connect` command line an entry runs (after `hearth`). */
export const connectArgv = (t: EntryTarget): string[] => ["connect", t.pageUrl, "--key", t.key, ...t.connectArgs];
const command = (t: EntryTarget) => ({ command: t.launcher.command, args: [...t.launcher.args, ...connectArgv(t)] });

/** CLIENT_SHAPES lists the clients in the order `hearth list clients` shows them. */
export const CLIENT_SHAPES: readonly ClientShape[] = [
  { id: "claude", title: "Claude Desktop", format: "json", section: ["mcpServers"], stdio: command },
  {
    id: "claude-code",
    title: "Claude Code",
    format: "json",
    section: ["mcpServers"],
    remote: (t) => ({ type: "http", url: t.httpUrl, headers: auth(t) }),
    stdio: (t) => ({ type: "stdio", ...command(t) }),
  },
  { id: "cursor", title: "Cursor", format: "json", section: ["mcpServers"], remote: (t) => ({ url: t.httpUrl, headers: auth(t) }), stdio: command },
  {
    id: "vscode",
    title: "VS Code",
    format: "json",
    section: ["servers"],
    remote: (t) => ({ type: "http", url: t.httpUrl, headers: auth(t) }),
    stdio: (t) => ({ type: "stdio", ...command(t) }),
  },
  { id: "windsurf", title: "Windsurf", format: "json", section: ["mcpServers"], remote: (t) => ({ serverUrl: t.httpUrl, headers: auth(t) }), stdio: command },
  {
    id: "codex",
    title: "Codex",
    format: "toml",
    section: ["mcp_servers"],
    remote: (t) => ({ url: t.httpUrl, bearer_token_env_var: CODEX_KEY_ENV }),
    stdio: command,
    note: `Codex reads the key from $${CODEX_KEY_ENV}: export it where Codex starts (or install with --stdio to put the key on hearth connect's command line instead).`,
  },
  { id: "gemini-cli", title: "Gemini CLI", format: "json", section: ["mcpServers"], remote: (t) => ({ httpUrl: t.httpUrl, headers: auth(t) }), stdio: command },
  {
    id: "cline",
    title: "Cline",
    format: "json",
    section: ["mcpServers"],
    remote: (t) => ({ type: "streamableHttp", url: t.httpUrl, headers: auth(t) }),
    stdio: command,
  },
];

/** clientShape finds a client by id, or undefined. */
export function clientShape(id: string): ClientShape | undefined {
  return CLIENT_SHAPES.find((c) => c.id === id);
}

/** nestUnder wraps an entry in its client's section, as the whole config file would hold it. */
export function nestUnder(shape: ClientShape, name: string, entry: Record<string, unknown>): Record<string, unknown> {
  let doc: Record<string, unknown> = { [name]: entry };
  for (const key of [...shape.section].reverse()) doc = { [key]: doc };
  return doc;
}

/** renderDocument prints a one-server config file for a client (JSON or TOML). */
export function renderDocument(shape: ClientShape, name: string, entry: Record<string, unknown>): string {
  const doc = nestUnder(shape, name, entry);
  return shape.format === "toml" ? tomlStringify(doc) + "\n" : JSON.stringify(doc, null, 2);
}
