// Where each MCP client keeps its user-wide config file, per OS. HOME and XDG come from the env
// passed in (never process.env), so tests point every client at a temp home.
import { join } from "node:path";
import { AppError } from "../shared/app-error.ts";
import type { ClientId } from "./client-entries.ts";

/** PathEnv is what locating a config file needs: the environment and the OS. */
export interface PathEnv {
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
}

function homeOf(p: PathEnv): string {
  const home = p.platform === "win32" ? (p.env.USERPROFILE ?? p.env.HOME) : p.env.HOME;
  if (!home) throw new AppError("bad_request", "HOME is not set, so the client's config file can't be found; pass --file");
  return home;
}

/** appConfigDir is where desktop apps keep settings: ~/Library/Application Support, $XDG_CONFIG_HOME or %APPDATA%. */
export function appConfigDir(p: PathEnv): string {
  if (p.platform === "darwin") return join(homeOf(p), "Library", "Application Support");
  if (p.platform === "win32") return p.env.APPDATA ?? join(homeOf(p), "AppData", "Roaming");
  return p.env.XDG_CONFIG_HOME || join(homeOf(p), ".config");
}

/** clientConfigPath is the user-level config file `hearth install --client id` edits. */
export function clientConfigPath(id: ClientId, p: PathEnv): string {
  const home = () => homeOf(p);
  switch (id) {
    case "claude":
      return join(appConfigDir(p), "Claude", "claude_desktop_config.json");
    case "claude-code":
      return join(home(), ".claude.json");
    case "cursor":
      return join(home(), ".cursor", "mcp.json");
    case "vscode":
      return join(appConfigDir(p), "Code", "User", "mcp.json");
    case "windsurf":
      return join(home(), ".codeium", "windsurf", "mcp_config.json");
    case "codex":
      return join(p.env.CODEX_HOME || join(home(), ".codex"), "config.toml");
    case "gemini-cli":
      return join(home(), ".gemini", "settings.json");
    case "cline":
      // Cline is a VS Code extension; its MCP settings live in the extension's global storage.
      return join(appConfigDir(p), "Code", "User", "globalStorage", "saoudrizwan.claude-dev", "settings", "cline_mcp_settings.json");
  }
}
